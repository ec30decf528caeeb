"""ROC AUC as a loss for ensemble selection: the metric where it decides, a cheap bound elsewhere.

Ensemble selection scores every member added to the current blend, every round:
with 100 members and 1,000,000 rows that is 2,600 ROC AUCs, each sorting a
million scores. Only the best candidate (and any tied with it) needs its exact
score, so each candidate is first bounded without sorting:

* its scores are cut into equal-width buckets (about one per two rows) by a
  monotone map, ``floor((s - min) * scale)`` in float32: each step rounds
  monotonically, so a row in a higher bucket always has the higher score;
* one histogram per class and a running sum count the pairs (positive,
  negative) in different buckets exactly; the pairs that share a bucket are the
  only unknowns, so twice the Mann-Whitney U lies within their number of the
  histogram's count.

A candidate whose bound cannot reach the best one's, nor tie with it as ensemble
selection's ``isclose`` decides ties, is left out; every other candidate gets its
loss from the metric itself. The selections are therefore the metric's.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ParticipantVisibleError
from ..metrics.classification import positives

#: Losses this close to the best may tie with it (ensemble selection's isclose: rtol 1e-12, atol 1e-15), doubled.
TIE_MARGIN = 2 * (1e-12 + 1e-15)
#: Buckets of the bound: one per this many rows, at most MAX_BUCKETS.
ROWS_PER_BUCKET = 2
MAX_BUCKETS = 1 << 19


class AucLoss:
    """The loss ``exact`` (a ROC AUC of ``y_true``, negated when ``greater``) with a bound that skips candidates.

    ``exact(pred)`` is what ensemble selection would call on every candidate; it is called
    only on the candidates that may be among the best.
    """

    def __init__(self, y_true, exact: Callable[[np.ndarray], float], *, pos_label=1, greater: bool = True):
        self.exact = exact
        try:
            pos = positives("roc_auc", y_true, pos_label)
        except (ValueError, ParticipantVisibleError):  # not a binary solution: no bound, the metric decides
            pos = np.zeros(len(y_true), dtype=bool)
        self.pos = pos
        n_pos = int(pos.sum())
        self.bounded = 0 < n_pos < len(pos)
        self.sign = -1.0 if greater else 1.0
        self.denominator = 2.0 * n_pos * (len(pos) - n_pos)
        self.buckets = max(3, min(MAX_BUCKETS, len(pos) // ROWS_PER_BUCKET))
        self.offset = pos.astype(np.intp) * self.buckets
        self._scaled = self._key = None

    def __call__(self, pred) -> float:
        return self.exact(pred)

    def best(self, candidates, keep: int = 1) -> np.ndarray:
        """Losses of the ``candidates`` (a sequence of prediction vectors): the exact loss of every one that
        may be among the ``keep`` best or tie with them, ``inf`` for the rest."""
        n = len(candidates)
        if not self.bounded:
            return np.array([self.exact(candidates[i]) for i in range(n)])
        low, high = np.empty(n), np.empty(n)
        for i in range(n):
            low[i], high[i] = self._bounds(np.asarray(candidates[i]))
        out = np.full(n, np.inf)
        cut = np.sort(high)[min(keep, n) - 1]
        for i in np.flatnonzero(~(low > cut + TIE_MARGIN)):  # a NaN bound is kept: the metric decides
            out[i] = self.exact(candidates[i])
        return out

    def _bounds(self, pred: np.ndarray) -> tuple[float, float]:
        """Lower and upper bound of the loss, from one histogram per class (NaN when there is none)."""
        if pred.shape != self.pos.shape:
            return np.nan, np.nan
        lo, hi = pred.min(), pred.max()
        if not (np.isfinite(lo) and np.isfinite(hi)):
            return np.nan, np.nan  # the metric's to refuse
        if lo == hi:  # every pair level: AUC is one half
            return (value := self.sign * 0.5), value
        k = self.buckets
        if self._scaled is None:  # reused from call to call: fresh pages cost more than the arithmetic
            self._scaled, self._key = np.empty(len(pred), np.float32), np.empty(len(pred), np.intp)
        scaled, key = self._scaled, self._key
        np.subtract(pred, lo, out=scaled, dtype=np.float32, casting="same_kind")  # the highest becomes span
        span = np.float32(hi) - np.float32(lo)
        if span > 0:  # k - 2 steps (not k - 1) keep the keys below k despite rounding
            scaled *= np.float32((k - 2) / float(span))
        np.copyto(key, scaled, casting="unsafe")  # truncation: floor of a number >= 0
        key += self.offset  # the negatives count in buckets 0 .. k - 1, the positives in k .. 2k - 1
        counts = np.bincount(key, minlength=2 * k)
        neg, pos = counts[:k], counts[k:]
        below = np.cumsum(neg)
        below -= neg
        level = int(np.dot(pos, neg))
        twice_u = 2 * int(np.dot(pos, below)) + level  # the pairs sharing a bucket counted as level
        a = self.sign * ((twice_u - level) / self.denominator)
        b = self.sign * ((twice_u + level) / self.denominator)
        return min(a, b), max(a, b)
