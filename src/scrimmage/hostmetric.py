"""A host's own metric file, following Kaggle's published metric contract."""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import BundleError

CONTRACT_ARGS = ("solution", "submission", "row_id_column_name")


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
    defaults: dict = field(default_factory=dict)
    input: str = "any"
    needs_classes: bool = False
    per_row_loss: Any = None

    def kwargs(self, **overrides) -> dict:
        return {**self.defaults, **overrides}

    def score_frames(self, solution, submission, row_id_column_name: str, **kwargs) -> float:
        return float(load_metric_file(self.path)(solution, submission, row_id_column_name, **kwargs))
