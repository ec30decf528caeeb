"""Metrics of scores whose order only matters (ROC AUC, average precision), on numpy arrays only.

Each matches its scikit-learn namesake (checked by the oracle tests).
"""

from __future__ import annotations

import numpy as np

from ._base import Metric, check_lengths, finite, numeric_predictions, register
from .classification import both_classes, one_column, positives


# -- ranking quality of scores -----------------------------------------------------


def binary_auc(name: str, pos: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve as the Mann-Whitney U statistic, ties counting one half.

    Each class is sorted on its own; for every distinct score of the smaller
    class, ``searchsorted`` counts the rows of the other class strictly below
    it (side="left") and below or level with it (side="right"). Their sum,
    weighted by how often the score occurs, is 2U. This ranks nothing and
    loops over nothing in Python.
    """
    n_pos = both_classes(name, pos)
    n_neg = len(pos) - n_pos
    pos_scores = _sorted(scores[pos])
    neg_scores = _sorted(scores[~pos])
    if n_pos <= n_neg:
        twice_u = _count_below(neg_scores, pos_scores)
    else:  # 2U = sum over negatives of 2 * (positives above) + (positives level)
        twice_u = 2 * n_pos * n_neg - _count_below(pos_scores, neg_scores)
    return float(twice_u) / (2.0 * n_pos * n_neg)


# Below this size numpy's own sort is about as quick, and the first numpy
# array handed to polars has a one-off cost (it loads numpy.ma, about 10 ms).
_POLARS_SORT_ROWS = 200_000


def _sorted(values: np.ndarray) -> np.ndarray:
    """``values`` sorted; a large array by polars, which takes about 40 % less
    CPU time than numpy's sort and uses every core."""
    if values.size < _POLARS_SORT_ROWS or values.dtype.itemsize > 8:  # polars has no long double
        values.sort()
        return values
    import polars as pl

    return pl.Series(values).sort().to_numpy()


def _count_below(sorted_values: np.ndarray, sorted_queries: np.ndarray) -> int:
    """Sum over the queries of (values < q) + (values <= q).

    When most queries repeat an earlier one (scores written with few decimals),
    each distinct query is searched once and weighted by its count.
    """
    queries, weights = sorted_queries, None
    if len(sorted_queries) > 1:
        first = np.flatnonzero(sorted_queries[1:] != sorted_queries[:-1]) + 1
        if len(first) < len(sorted_queries) // 2:
            starts = np.concatenate(([0], first))
            queries = sorted_queries[starts]
            weights = np.diff(np.append(starts, len(sorted_queries)))
    counts = np.searchsorted(sorted_values, queries, side="left").astype(np.int64, copy=False)
    counts += np.searchsorted(sorted_values, queries, side="right")
    return int(counts.sum() if weights is None else np.dot(counts, weights))


def _scores(name: str, pos: np.ndarray, y_pred) -> np.ndarray:
    scores = numeric_predictions(name, one_column(name, y_pred, "y_pred"))
    check_lengths(pos, scores)
    return scores


def roc_auc(y_true, y_pred, *, pos_label=1) -> float:
    pos = positives("roc_auc", y_true, pos_label)
    return finite("roc_auc", binary_auc("roc_auc", pos, _scores("roc_auc", pos, y_pred)))


def average_precision(y_true, y_pred, *, pos_label=1) -> float:
    """scikit-learn's step-wise AP: sum over distinct thresholds of (R_n - R_{n-1}) P_n."""
    name = "average_precision"
    pos = positives(name, y_true, pos_label)
    scores = _scores(name, pos, y_pred)
    n_pos = both_classes(name, pos)
    order = np.argsort(scores)[::-1]
    scores, hits = scores[order], pos[order]
    last = np.append(np.flatnonzero(scores[1:] != scores[:-1]), len(scores) - 1)
    tps = np.cumsum(hits, dtype=np.int64)[last]
    precision_at = tps / (last + 1.0)
    recall_gain = np.diff(tps, prepend=0) / n_pos
    return finite(name, np.dot(recall_gain, precision_at))


# -- the registry ----------------------------------------------------------------------

for _metric in [
    Metric("roc_auc", True, "score",
           "Area under the ROC curve: chance a positive row outscores a negative one; higher is "
           "better; one score per row, only its order matters.",
           roc_auc, defaults={"pos_label": 1}),
    Metric("average_precision", True, "score",
           "Area under the precision-recall curve (step-wise); higher is better; one score per "
           "row, only its order matters.", average_precision, defaults={"pos_label": 1}),
]:
    register(_metric)
