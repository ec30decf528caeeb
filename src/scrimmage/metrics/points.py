"""Metrics over free rows: any number of points per id, scored by matching.

Used with ``rows = "free"`` (see docs/competition-format.md): the solution and
the submission each hold any number of rows per id (an image, a tomogram), one
point per row; the coordinate columns follow the id. ``compute`` takes two 2-d
arrays whose first column is the id (any value that compares with ``==``) and
whose other columns are the coordinates.

``point_fbeta``: in each id, predicted points are matched one-to-one to true
points at a distance of at most ``radius`` (Euclidean), as many pairs as
possible (a maximum bipartite matching); over every id of the scored part,
TP = matched pairs, FP = unmatched predictions, FN = unmatched true points, and

    F_beta = (1 + beta²) TP / ((1 + beta²) TP + beta² FN + FP)

(1.0 when there is no true point and no prediction at all).

>>> truth = np.array([[0, 0.0, 0.0], [0, 10.0, 10.0], [1, 5.0, 5.0]])
>>> pred = np.array([[0, 0.5, 0.0], [1, 9.0, 9.0]])
>>> round(point_fbeta(truth, pred, radius=1.0, beta=1.0), 4)  # TP 1, FP 1, FN 2
0.4
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParticipantVisibleError
from ._base import Metric, finite, register


def max_matching(truth: np.ndarray, pred: np.ndarray, radius: float) -> int:
    """The most pairs (true point, predicted point) at most ``radius`` apart, each point in one pair at most.

    A maximum bipartite matching, found as the cheapest full assignment when a near pair
    costs 0 and any other pair 1 (scipy's ``linear_sum_assignment``): every matching
    extends to a full assignment, so the cheapest one holds the most near pairs.
    """
    if len(truth) == 0 or len(pred) == 0:
        return 0
    d2 = ((truth[:, None, :] - pred[None, :, :]) ** 2).sum(axis=2)
    near = d2 <= radius * radius
    if not near.any():
        return 0
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(~near)
    return int(near[rows, cols].sum())


def match_counts(y_true: np.ndarray, y_pred: np.ndarray, radius: float) -> tuple[int, int, int]:
    """(TP, FP, FN) over every id, matching within each id."""
    y_true, y_pred = _points("y_true", y_true), _points("y_pred", y_pred)
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(f"y_true has {y_true.shape[1] - 1} coordinates per point but y_pred has {y_pred.shape[1] - 1}")
    true_ids, pred_ids = y_true[:, 0], y_pred[:, 0]
    coords_t, coords_p = y_true[:, 1:].astype(np.float64), y_pred[:, 1:].astype(np.float64)
    if coords_p.size and not np.isfinite(coords_p).all():
        raise ParticipantVisibleError("point coordinates must be finite numbers")
    tp = 0
    for key in set(true_ids.tolist()) & set(pred_ids.tolist()):
        tp += max_matching(coords_t[true_ids == key], coords_p[pred_ids == key], radius)
    return tp, len(y_pred) - tp, len(y_true) - tp


def point_fbeta(y_true, y_pred, radius: float = 1.0, beta: float = 1.0) -> float:
    if not radius >= 0 or not beta > 0:
        raise ValueError(f"point_fbeta needs radius >= 0 and beta > 0, got radius={radius}, beta={beta}")
    tp, fp, fn = match_counts(np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object), radius)
    b2 = beta * beta
    denominator = (1 + b2) * tp + b2 * fn + fp
    return 1.0 if denominator == 0 else (1 + b2) * tp / denominator


def _points(name: str, a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=object)
    if a.size == 0:
        return a.reshape(0, 3) if a.ndim < 2 else a
    if a.ndim != 2 or a.shape[1] < 2:
        raise ValueError(f"{name} must be 2-d: the id, then at least one coordinate column")
    return a


@dataclass(frozen=True)
class PointMetric(Metric):
    """A metric of free rows: ``score`` keeps every row (no alignment by id)."""

    free_rows = True

    def score(self, solution, submission, row_id_column_name: str, **kwargs) -> float:
        """Kaggle's contract: every row of both frames, the id column first, then the solution's other columns."""
        coords = [c for c in solution.columns if c not in (row_id_column_name, "Usage")]
        missing = [c for c in coords if c not in submission.columns]
        if missing:
            raise ParticipantVisibleError(f"the submission lacks the column(s) {', '.join(missing)}")
        truth = solution[[row_id_column_name, *coords]].dropna()
        pred = submission[[row_id_column_name, *coords]].dropna()
        arrays = [np.column_stack([f[row_id_column_name].astype(str).to_numpy(dtype=object),
                                   f[coords].to_numpy(dtype=np.float64).astype(object)]) if len(f)
                  else np.empty((0, 1 + len(coords)), dtype=object) for f in (truth, pred)]
        return finite(self.name, self.compute(arrays[0], arrays[1], **self.kwargs(**kwargs)))


register(PointMetric(
    "point_fbeta", True, "points",
    "F-beta over points matched one-to-one within radius in each id (TP, FP, FN summed over ids); "
    "higher is better; any number of rows per id (rows = \"free\"), one point per row.",
    point_fbeta, defaults={"radius": 1.0, "beta": 1.0},
))
