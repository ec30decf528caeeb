"""A host's own metric file, following Kaggle's published metric contract.

The host's code runs in a separate (spawned) process with a time limit, so a
metric that hangs or crashes cannot stall the arena. Spawn, not fork: polars'
thread pool does not survive a fork.
"""

from __future__ import annotations

import importlib.util
import inspect
import multiprocessing
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import BundleError, ParticipantVisibleError, is_participant_visible

CONTRACT_ARGS = ("solution", "submission", "row_id_column_name")
#: Seconds a metric file may take to import and score one split (bundle key ``metric_timeout``).
DEFAULT_TIMEOUT = 60.0


class MetricTimeout(Exception):
    """The host's metric ran past its time limit (shown to the host only)."""


class HostMetricFailure(Exception):
    """The host's metric raised; the message holds its traceback (shown to the host only)."""


def load_metric_file(path: Path) -> Callable:
    """Import ``path`` and return its ``score`` function, or raise BundleError saying why."""
    name = f"scrimmage_host_metric_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise BundleError(f"metric_file {path.name} cannot be loaded", [f"metric_file {path.name} is not a Python file"])
    module = importlib.util.module_from_spec(spec)
    try:
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 - the host's code may fail in any way
        last = traceback.format_exc().strip().splitlines()[-1]
        raise BundleError(f"metric_file {path.name} failed to import", [f"metric_file {path.name} failed to import: {last}"])
    finally:
        sys.modules.pop(name, None)
    fn = getattr(module, "score", None)
    if not callable(fn):
        raise BundleError("metric_file has no score function",
                          [f"metric_file {path.name} must define score(solution, submission, row_id_column_name)"])
    params = list(inspect.signature(fn).parameters)
    if tuple(params[:3]) != CONTRACT_ARGS:
        raise BundleError("metric_file score has the wrong arguments", [
            f"metric_file {path.name}: score's first arguments must be {', '.join(CONTRACT_ARGS)}; got {', '.join(params[:3])}"
        ])
    return fn


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

    def kwargs(self, **overrides) -> dict:
        return {**self.defaults, **overrides}

    def score_frames(self, solution, submission, row_id_column_name: str, **kwargs) -> float:
        kind, value = run_with_time_limit(_score_child, (str(self.path), solution, submission, row_id_column_name, kwargs),
                                          self.timeout, self.path.name)
        if kind == "visible":
            raise ParticipantVisibleError(value)
        if kind == "error":
            raise HostMetricFailure(value)
        return float(value)


def check_metric_file(path: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
    """:func:`load_metric_file` in a separate process with a time limit (bundle checks)."""
    kind, value = run_with_time_limit(_check_child, (str(path),), timeout, path.name)
    if kind == "bundle":
        raise BundleError(value[0], value[1])


def run_with_time_limit(fn: Callable, args: tuple, timeout: float, name: str):
    """Run ``fn(*args)`` in a spawned process; stop it after ``timeout`` seconds."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:  # leaving the block terminates the worker, finished or not
        result = pool.apply_async(fn, args)
        try:
            return result.get(timeout)
        except multiprocessing.TimeoutError:
            raise MetricTimeout(f"metric_file {name} took longer than {timeout:g} s (metric_timeout) and was stopped") from None


def _score_child(path: str, solution, submission, row_id_column_name: str, kwargs: dict):
    try:
        return "ok", float(load_metric_file(Path(path))(solution, submission, row_id_column_name, **kwargs))
    except BundleError as exc:
        return "error", str(exc)
    except Exception as exc:  # noqa: BLE001 - the host's code may fail in any way
        if is_participant_visible(exc):
            return "visible", str(exc)
        return "error", traceback.format_exc()


def _check_child(path: str):
    try:
        load_metric_file(Path(path))
    except BundleError as exc:
        return "bundle", (exc.message, exc.problems)
    return "ok", None
