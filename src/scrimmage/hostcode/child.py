"""The process that runs a host's metric file (started as a script, inside the sandbox when there is one).

It sets the resource limits given as its argument, reads one job (a pickle written by the server)
from stdin, gives up
root if it has it, then imports the metric and, for a ``score`` job, calls
``score(solution, submission, row_id_column_name, **kwargs)`` on each split it is given. Its answer is one JSON object on
the stdout it started with; anything the metric prints (warnings included) goes to stderr, which
the server keeps in the host's log. This file imports nothing of scrimmage: it must run alone.
"""

import importlib.util
import inspect
import json
import os
import pickle
import resource
import sys
import traceback
import types

CONTRACT_ARGS = ("solution", "submission", "row_id_column_name")
PACKAGE = "scrimmage_bundle"


def main() -> None:
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the metric's prints go where its warnings go: the host's log
    sys.stdout.reconfigure(line_buffering=True)  # kept even when the metric ends the process abruptly
    _limit(json.loads(sys.argv[1]))
    job = pickle.load(sys.stdin.buffer)  # written by the server, not by the host
    if job.get("drop_to") is not None:
        os.setgroups([])
        os.setresgid(job["drop_to"], job["drop_to"], job["drop_to"])
        os.setresuid(job["drop_to"], job["drop_to"], job["drop_to"])
    os.chdir(job["root"])
    sys.path[:0] = job["path"]
    try:
        out = _run(job)
    except BaseException as exc:  # noqa: BLE001 - whatever the host's code does, answer in JSON
        out = {"kind": "error", "message": _host_traceback(exc)}
    answer.write(json.dumps(out))
    answer.flush()


def _limit(limits: dict) -> None:
    for name, value in limits.items():
        kind = getattr(resource, f"RLIMIT_{name}")
        soft, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))


def _run(job: dict) -> dict:
    try:
        score = _load(job["root"], job["metric"])
    except _BadFile as exc:
        return {"kind": "bundle", "message": exc.args[0], "problems": [exc.args[1]]}
    if job["mode"] == "check":
        return {"kind": "ok", "value": None}
    values = {}
    for usage, solution, submission in job["splits"]:  # in order; the first failure ends the run
        try:
            value = score(solution, submission, job["row_id_column_name"], **job["kwargs"])
        except BaseException as exc:  # noqa: BLE001 - the host's code may fail in any way
            names = [c.__name__ for c in type(exc).__mro__]
            if "ParticipantVisibleError" in names:
                return {"kind": "visible", "message": str(exc)}
            if "HostVisibleError" in names:
                return {"kind": "error", "message": f"HostVisibleError: {exc}"}
            return {"kind": "error", "message": _host_traceback(exc)}
        try:
            values[usage] = float(value)
        except (TypeError, ValueError):
            return {"kind": "error", "message": f"score returned {type(value).__name__}, not a number"}
    return {"kind": "ok", "values": values}


class _BadFile(Exception):
    """(summary, problem) of a metric file that cannot be used."""


def _load(root: str, name: str):
    path = os.path.join(root, name)
    package = types.ModuleType(PACKAGE)
    package.__path__ = [os.path.dirname(path)]  # so that `from . import helper` finds its neighbours
    sys.modules[PACKAGE] = package
    stem = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(f"{PACKAGE}.{stem}", path)
    if spec is None or spec.loader is None:
        raise _BadFile(f"metric_file {name} cannot be loaded", f"metric_file {name} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:  # noqa: BLE001 - the host's code may fail in any way
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        raise _BadFile(f"metric_file {name} failed to import", f"metric_file {name} failed to import: {last}")
    fn = getattr(module, "score", None)
    if not callable(fn):
        raise _BadFile("metric_file has no score function",
                       f"metric_file {name} must define score(solution, submission, row_id_column_name)")
    params = list(inspect.signature(fn).parameters)
    if tuple(params[:3]) != CONTRACT_ARGS:
        raise _BadFile("metric_file score has the wrong arguments",
                       f"metric_file {name}: score's first arguments must be {', '.join(CONTRACT_ARGS)}; "
                       f"got {', '.join(params[:3])}")
    return fn


def _host_traceback(exc: BaseException) -> str:
    """The traceback without this file's own frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    return "Traceback (most recent call last):\n" + "".join(lines)


if __name__ == "__main__":
    main()
