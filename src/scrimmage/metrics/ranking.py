"""Ranking metrics over space-separated item lists, one list per row.

The prediction of a row is its items, best first (``"b12 a7 c3"``). The
solution of a row is its relevant items; for ``ndcg_at_k`` an item may carry a
graded gain as ``item:gain`` (``"a7:3 c3:1"``; a bare item has gain 1). An
item predicted twice counts once, at its first position.
"""

from __future__ import annotations

import math

import numpy as np

from ._base import Metric, check_lengths, finite, register, require_rows


def _items(value) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return str(value).split()


def _rows(name: str, y_true, y_pred) -> tuple[list, list]:
    true = np.asarray(y_true, dtype=object)
    pred = np.asarray(y_pred, dtype=object)
    if true.ndim == 2 and true.shape[1] == 1:
        true = true[:, 0]
    if pred.ndim == 2 and pred.shape[1] == 1:
        pred = pred[:, 0]
    if true.ndim != 1 or pred.ndim != 1:
        raise ValueError(f"{name} scores one text column; got shapes {true.shape} and {pred.shape}")
    require_rows(name, check_lengths(true, pred))
    return true.tolist(), pred.tolist()


def _check_k(name: str, k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{name} needs a whole number k of 1 or more; got {k!r}")
    return int(k)


def _first_k(items: list[str], k: int):
    """(position, item) of the first k predictions, skipping repeats of an earlier item."""
    seen: set[str] = set()
    for position, item in enumerate(items[:k]):
        if item not in seen:
            seen.add(item)
            yield position, item


def _average_precision_at_k(actual: set[str], predicted: list[str], k: int) -> float:
    if not actual:
        return 0.0
    hits, total = 0, 0.0
    for position, item in _first_k(predicted, k):
        if item in actual:
            hits += 1
            total += hits / (position + 1)
    return total / min(len(actual), k)


def map_at_k_rows(y_true, y_pred, *, k=10) -> np.ndarray:
    """1 - AP@k per row (lower is better; its mean is 1 - MAP@k)."""
    k = _check_k("map_at_k", k)
    true, pred = _rows("map_at_k", y_true, y_pred)
    return np.array(
        [1.0 - _average_precision_at_k(set(_items(t)), _items(p), k) for t, p in zip(true, pred)]
    )


def map_at_k(y_true, y_pred, *, k=10) -> float:
    return finite("map_at_k", 1.0 - map_at_k_rows(y_true, y_pred, k=k).mean())


def _gains(value) -> dict[str, float]:
    gains: dict[str, float] = {}
    for token in _items(value):
        item, sep, text = token.rpartition(":")
        if not sep:
            item, gain = token, 1.0
        else:
            try:
                gain = float(text)
            except ValueError:
                raise ValueError(
                    f"ndcg_at_k: the solution's gain {text!r} is not a number"
                ) from None
            if not (gain >= 0 and math.isfinite(gain)):
                raise ValueError("ndcg_at_k needs finite gains of 0 or more in the solution")
        gains[item] = max(gain, gains.get(item, 0.0))
    return gains


def _discount(position: int) -> float:
    return 1.0 / math.log2(position + 2)


def _ndcg_row(gains: dict[str, float], predicted: list[str], k: int) -> float:
    ideal = sum(g * _discount(i) for i, g in enumerate(sorted(gains.values(), reverse=True)[:k]))
    if ideal == 0:
        return 0.0  # no relevant item: scikit-learn's convention
    dcg = sum(gains.get(item, 0.0) * _discount(i) for i, item in _first_k(predicted, k))
    return dcg / ideal


def ndcg_at_k_rows(y_true, y_pred, *, k=10) -> np.ndarray:
    """1 - NDCG@k per row (lower is better)."""
    k = _check_k("ndcg_at_k", k)
    true, pred = _rows("ndcg_at_k", y_true, y_pred)
    return np.array([1.0 - _ndcg_row(_gains(t), _items(p), k) for t, p in zip(true, pred)])


def ndcg_at_k(y_true, y_pred, *, k=10) -> float:
    return finite("ndcg_at_k", 1.0 - ndcg_at_k_rows(y_true, y_pred, k=k).mean())


_TEXT = "space-separated item ids, best first"

for _metric in [
    Metric("map_at_k", True, "text",
           f"Mean average precision of the first k items; higher is better; {_TEXT}.",
           map_at_k, defaults={"k": 10}, per_row_loss=map_at_k_rows),
    Metric("ndcg_at_k", True, "text",
           "Normalised discounted cumulative gain of the first k items (linear gains); higher is "
           f"better; {_TEXT}.", ndcg_at_k, defaults={"k": 10}, per_row_loss=ndcg_at_k_rows),
]:
    register(_metric)
