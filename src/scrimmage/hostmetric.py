"""A host's own metric file, following Kaggle's published metric contract.

The host's code runs in a child process (see :mod:`scrimmage.hostcode`): in a bubblewrap sandbox
that sees only the two frames it is given and the competition's hidden metric files, with resource
limits and a time limit after which every process it started is killed. Its answer comes back as
JSON, never as a pickle, and every text it produces is cut to :data:`HOST_TEXT_LIMIT` characters
before it is stored or shown.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .competition_settings import DEFAULT_METRIC_TIMEOUT, MAX_METRIC_TIMEOUT
from .errors import BundleError, ForbiddenError, HostCodeError, ParticipantVisibleError
from .hostcode import isolation
from .hostcode.files import HIDDEN_DIR

#: Seconds a metric file may take to import and score one split (bundle key ``metric_timeout``).
DEFAULT_TIMEOUT = float(DEFAULT_METRIC_TIMEOUT)
#: The largest ``metric_timeout`` a bundle may ask for.
MAX_TIMEOUT = MAX_METRIC_TIMEOUT
#: Characters of any text from host code (error, traceback, output) that are kept.
HOST_TEXT_LIMIT = 500
#: Characters of a metric's printed output and warnings kept in the host's log per run.
LOG_LIMIT = 4000
#: Bytes of the host's log file before it starts again (the older half is dropped).
LOG_FILE_LIMIT = 1 << 20
SHIM = Path(__file__).resolve().parent / "hostcode" / "shim"
log = logging.getLogger(__name__)


class MetricTimeout(HostCodeError):
    """The host's metric ran past its time limit (shown to the host only)."""


class HostMetricFailure(HostCodeError):
    """The host's metric failed; ``host_detail`` (its traceback, cut short) is for the host only."""


def clip(text: str, limit: int = HOST_TEXT_LIMIT, *, tail: bool = False) -> str:
    """``text`` cut to about ``limit`` characters; ``tail`` keeps the end (where a traceback says what failed)."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = len(text) - limit
    if tail:
        return f"[{cut} characters cut] ..." + text[-limit:]
    return text[:limit] + f"... [{cut} characters cut]"


@dataclass(frozen=True)
class HostMetric:
    """Quacks like :class:`scrimmage.metrics.Metric` for the scoring engine."""

    name: str
    greater_is_better: bool
    path: Path
    timeout: float = DEFAULT_TIMEOUT
    defaults: dict = field(default_factory=dict)
    input: str = "any"
    needs_classes: bool = False
    per_row_loss: Any = None
    root: Path | None = None  # the bundle folder (default: the metric file's folder)
    files: tuple[str, ...] = ()  # the hidden metric files the metric may read, relative to root
    policy: isolation.HostCodePolicy | None = None  # None: run directly (a host testing their own file)
    log_path: Path | None = None  # the host's log; None: the metric's output goes to stderr

    def kwargs(self, **overrides) -> dict:
        return {**self.defaults, **overrides}

    def score_frames(self, solution, submission, row_id_column_name: str, **kwargs) -> float:
        return self.score_splits({"split": (solution, submission)}, row_id_column_name, **kwargs)["split"]

    def score_splits(self, frames: dict, row_id_column_name: str, **kwargs) -> dict[str, float]:
        """``{usage: score}`` for ``{usage: (solution, submission)}``, all in one child process (one start-up);
        the time limit is ``timeout`` per split. Raises the first split's error."""
        job = {"mode": "score", "splits": [(usage, sol, sub) for usage, (sol, sub) in frames.items()],
               "row_id_column_name": row_id_column_name, "kwargs": kwargs}
        try:
            out = run(job, self.root or self.path.parent, self._relative(), self.files, self.timeout, self.policy,
                      self.log_path, splits=len(frames))
        except ForbiddenError as exc:  # this server may not run host code (any more): tell the host why
            raise HostMetricFailure(exc.message) from None
        if out["kind"] == "visible":
            raise ParticipantVisibleError(clip(out["message"]))
        if out["kind"] == "ok":
            return {usage: float(value) for usage, value in out["values"].items()}
        raise HostMetricFailure(_host_message(out))

    def _relative(self) -> str:
        root = self.root or self.path.parent
        return self.path.relative_to(root).as_posix()


def for_competition(name: str, greater_is_better: bool, storage: Path, settings: dict,
                    policy: isolation.HostCodePolicy, log_path: Path | None) -> HostMetric:
    """The HostMetric of a stored competition (its settings as the store keeps them)."""
    from .hostcode.files import metric_paths

    return HostMetric(name, greater_is_better, storage / settings["metric_file"],
                      timeout=min(settings.get("metric_timeout") or DEFAULT_TIMEOUT, MAX_TIMEOUT),
                      root=storage, files=tuple(metric_paths(storage, settings)), policy=policy, log_path=log_path)


def log_path(home: Path, ref: str) -> Path:
    """The host's log of competition ``ref``: what its metric file printed."""
    return home / "logs" / f"{ref}.metric.log"


def read_log(path: Path, limit: int = 20_000) -> str:
    """The last ``limit`` characters of a host's log ("" when there is none)."""
    if not path.is_file():
        return ""
    with open(path, "rb") as fh:
        fh.seek(max(0, path.stat().st_size - limit))
        return fh.read().decode("utf-8", "replace")


def check_metric_file(path: Path, timeout: float = DEFAULT_TIMEOUT, *, root: Path | None = None,
                      files: tuple[str, ...] = (), policy: isolation.HostCodePolicy | None = None) -> None:
    """Import the metric file in a child process, as scoring will, and raise BundleError saying what is wrong."""
    root = root or path.parent
    out = run({"mode": "check"}, root, path.relative_to(root).as_posix(), files, timeout, policy, None, importing=True)
    if out["kind"] == "bundle":
        raise BundleError(clip(out["message"]), [clip(p) for p in out["problems"]])
    if out["kind"] != "ok":
        raise BundleError(f"metric_file {path.name} failed to import", [clip(_host_message(out), tail=True)])


def load_metric_file(path: Path) -> None:
    """Check a metric file outside any competition (``scrimmage score``): its own folder is its bundle."""
    check_metric_file(path)


def run(job: dict, root: Path, metric: str, files: tuple[str, ...], timeout: float,
        policy: isolation.HostCodePolicy | None, log_path: Path | None, importing: bool = False,
        splits: int = 1) -> dict:
    """Run one job in a child (sandboxed when ``policy`` says so) and return its JSON answer.

    The child may take ``timeout`` seconds per split it scores (``splits``)."""
    sandboxed = policy.sandboxed() if policy is not None else False
    with policy.run_as() if sandboxed else contextlib.nullcontext() as uid:
        return _run(job, root, metric, files, timeout, policy if sandboxed else None, uid, log_path, importing,
                    splits)


def _run(job: dict, root: Path, metric: str, files: tuple[str, ...], timeout: float,
         policy: isolation.HostCodePolicy | None, uid: int | None, log_path: Path | None, importing: bool,
         splits: int) -> dict:
    sandboxed = policy is not None
    job.update(drop_to=uid)
    inside = isolation.BUNDLE if sandboxed else str(root)
    metric_dir = os.path.dirname(f"{inside}/{metric}")
    search = [metric_dir, inside, f"{inside}/{HIDDEN_DIR}", str(SHIM)]
    job.update(root=inside, metric=metric, path=list(dict.fromkeys(search)))
    name = Path(metric).name
    with tempfile.TemporaryDirectory(prefix="scrimmage-metric-") as work:
        paths = [Path(work, n) for n in ("job", "answer", "output")]
        with open(paths[0], "w+b") as stdin, open(paths[1], "w+b") as stdout, open(paths[2], "w+b") as stderr:
            pickle.dump(job, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            limits = isolation.LIMITS.for_run(timeout * splits, sandboxed, data_bytes=stdin.tell())
            stdin.seek(0)
            argv = [*isolation.python_argv(isolation.CHILD), json.dumps(limits)]
            cmd = policy.command(root, sorted({metric, *files}), argv) if sandboxed else argv
            env = isolation.child_environment(str(root))
            proc = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=stderr, env=env, cwd=str(root),
                                    start_new_session=True, close_fds=True)
            try:
                finished = _exited(proc, timeout * splits)
            finally:
                _end(proc)
            output = _keep_output(stderr, name, log_path)
            if not finished:
                when = " while importing" if importing else ""
                each = " per split" if splits > 1 else ""
                raise MetricTimeout(f"metric_file {name} took longer than {timeout:g} s (metric_timeout){each} "
                                    f"and was stopped{when}")
            stdout.seek(0)
            raw = stdout.read(1 << 20)
    return _answer(raw, proc.returncode, output, name)


def _exited(proc: subprocess.Popen, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for the child to exit, without reaping it (its group stays ours)."""
    fd = os.pidfd_open(proc.pid)
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    return bool(ready)


def _end(proc: subprocess.Popen) -> None:
    """Kill the child's whole process group, then reap it. The child is not reaped before (alive or a zombie,
    it holds its group's id), so the group killed is always its own; a sandbox's first process takes every
    process inside with it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _answer(raw: bytes, returncode: int, output: str, name: str) -> dict:
    try:
        out = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        out = None
    kinds = {"ok", "visible", "error", "bundle"}
    if isinstance(out, dict) and out.get("kind") in kinds:
        values = out.get("values", {})
        if out["kind"] == "ok" and not (isinstance(values, dict)
                                        and all(isinstance(v, (int, float)) for v in values.values())):
            return {"kind": "error", "message": f"metric_file {name} answered with a score that is not a number"}
        if out["kind"] == "bundle" and not (isinstance(out.get("problems"), list)
                                           and all(isinstance(p, str) for p in out["problems"])):
            return {"kind": "error", "message": f"metric_file {name} answered with a malformed check"}
        if out["kind"] in ("visible", "error", "bundle") and not isinstance(out.get("message"), str):
            return {"kind": "error", "message": f"metric_file {name} answered with a malformed error"}
        return out
    # a signal shows as a negative status, or past a sandbox as 128 + the signal's number
    signo = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    how = f"killed by {signal.Signals(signo).name}" if signo in signal.valid_signals() else f"exit status {returncode}"
    hint = " (it may have gone over a resource limit: memory, processes, CPU time, file size)" if returncode else ""
    tail = f"; its last output: {clip(output, tail=True)}" if output.strip() else ""
    return {"kind": "error", "message": f"metric_file {name} stopped without an answer ({how}){hint}{tail}"}


def _host_message(out: dict) -> str:
    if out["kind"] == "bundle":
        return "; ".join(out["problems"]) or out["message"]
    return clip(out.get("message") or "", tail=True)


def _keep_output(stderr, name: str, log_path: Path | None) -> str:
    """What the metric printed: into the host's log (or stderr), never to a participant."""
    size = stderr.seek(0, os.SEEK_END)
    stderr.seek(max(0, size - LOG_LIMIT))
    text = stderr.read().decode("utf-8", "replace")
    if not text.strip():
        return ""
    if size > LOG_LIMIT:
        text = f"[{size - LOG_LIMIT} bytes cut] ..." + text
    if log_path is None:
        sys.stderr.write(f"metric_file {name} printed:\n{text.rstrip()}\n")
        return text
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if log_path.exists() and log_path.stat().st_size > LOG_FILE_LIMIT:
        keep = log_path.read_bytes()[-LOG_FILE_LIMIT // 2:]
        log_path.write_bytes(keep)
    now = datetime.datetime.now(datetime.timezone.utc)
    with open(log_path, "a", encoding="utf-8") as fh:
        fh.write(f"--- {now:%Y-%m-%d %H:%M:%S} UTC metric_file {name}\n{text.rstrip()}\n")
    log.info("metric_file %s printed %d characters (kept in %s)", name, len(text), log_path)
    return text
