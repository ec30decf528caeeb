"""The Metric value object, the registry, and Kaggle's metric contract.

A metric is registered once by name. It computes on aligned arrays
(``compute(y_true, y_pred, **kwargs)``, scikit-learn style), and ``score``
wraps that in Kaggle's published contract::

    score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str, **kwargs) -> float

so the scoring engine can take the fast path on arrays while a Kaggle metric
file and a built-in metric look the same to a host.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from ..errors import ParticipantVisibleError

if TYPE_CHECKING:  # numpy is loaded with the metric modules, not with the registry
    import numpy as np

#: What the prediction columns of a submission must hold; the submission
#: checker enforces it before any metric runs.
INPUT_KINDS = {
    "label": "class labels, compared with the solution's labels",
    "score": "finite numbers (only their order matters)",
    "probability": "probabilities in [0, 1]; with one column per class, each row sums to 1",
    "number": "finite numbers",
    "text": "text, e.g. space-separated item ids",
    "points": "any number of rows per id (rows = \"free\"), one point per row: its coordinates",
}


@dataclass(frozen=True)
class Metric:
    name: str
    greater_is_better: bool
    input: str
    description: str
    compute: Callable[..., float] = field(repr=False)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: True when the submission holds one column per class while the solution
    #: holds one label column (or the same one-hot columns); ``compute`` then
    #: receives ``classes=`` (the prediction column names, in order).
    needs_classes: bool = False
    #: Optional per-row losses (lower is better) whose mean orders submissions
    #: the same way the metric does; used by the Ladder leaderboard.
    per_row_loss: Callable[..., np.ndarray] | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.input not in INPUT_KINDS:
            raise ValueError(f"unknown input kind {self.input!r}")

    @property
    def direction(self) -> str:
        return "higher is better" if self.greater_is_better else "lower is better"

    def kwargs(self, **overrides) -> dict:
        merged = dict(self.defaults)
        merged.update(overrides)
        return merged

    def score(self, solution, submission, row_id_column_name: str, **kwargs) -> float:
        """Kaggle's metric contract on two DataFrames aligned by ``row_id_column_name``."""
        from ._contract import arrays_from_frames

        y_true, y_pred, classes = arrays_from_frames(self, solution, submission, row_id_column_name)
        kw = call_kwargs(self, kwargs, classes)
        return finite(self.name, self.compute(y_true, y_pred, **kw))


# -- checks shared by the metric modules ------------------------------------


def check_lengths(y_true, y_pred) -> int:
    """The number of rows, after checking that both sides have the same number."""
    n_true, n_pred = len(y_true), len(y_pred)
    if n_true != n_pred:
        raise ValueError(f"y_true has {n_true} rows but y_pred has {n_pred}")
    return n_true


def require_rows(name: str, n: int) -> None:
    if n == 0:
        raise ParticipantVisibleError(f"{name} needs at least one row to score")


def numeric_predictions(name: str, y_pred) -> np.ndarray:
    """``y_pred`` as a numeric array; a missing or non-finite value is the participant's to fix."""
    import numpy as np

    pred = np.asarray(y_pred)
    if pred.dtype.kind == "b":
        pred = pred.astype(np.float64)
    elif pred.dtype.kind not in "iuf":
        try:
            pred = pred.astype(np.float64)
        except (TypeError, ValueError):
            raise ParticipantVisibleError(f"{name} needs numbers as predictions") from None
    if pred.dtype.kind == "f":
        bad = pred.size - int(np.count_nonzero(np.isfinite(pred)))
        if bad:
            raise ParticipantVisibleError(
                f"{name} needs finite predictions; {bad} values are missing or not finite"
            )
    return pred


def finite(name: str, value) -> float:
    """``value`` as a float; a value that is not finite is a participant-visible error."""
    value = float(value)
    if not math.isfinite(value):
        raise ParticipantVisibleError(f"{name} is not defined for this submission (got {value})")
    return value


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.name in _REGISTRY:
        raise ValueError(f"metric {metric.name!r} is registered twice")
    _REGISTRY[metric.name] = metric
    return metric


def names() -> list[str]:
    """Every registered metric name, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


def get(name: str) -> Metric:
    """The metric registered as ``name``; an unknown name lists the valid ones."""
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        from ..errors import NotFoundError

        raise NotFoundError(
            f"unknown metric {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}"
        ) from None


def _load_builtins() -> None:
    # Imported here so that ``import scrimmage`` stays fast.
    from . import classification, points, probabilities, ranking, regression, scores  # noqa: F401


def call_kwargs(metric, metric_kwargs: Mapping[str, Any] | None, classes: Sequence[str] = ()) -> dict:
    """The keyword arguments ``metric.compute`` is called with: the metric's defaults, then the
    competition's ``metric_kwargs``, and ``classes`` (the prediction columns, in order) for a
    metric that needs them.

    >>> call_kwargs(get("log_loss"), {"eps": 1e-7}, ["a", "b"])
    {'eps': 1e-07, 'pos_label': 1, 'classes': ('a', 'b')}
    """
    kw = metric.kwargs(**(metric_kwargs or {}))
    if getattr(metric, "needs_classes", False):
        kw["classes"] = tuple(classes)
    return kw
