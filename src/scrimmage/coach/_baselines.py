"""The ladder's first rungs as scikit-learn estimators: a constant and a one-column group mean.

Both learn only from the rows they are fitted on, so fitted inside each fold
they give honest out-of-fold scores (the group mean is an out-of-fold target
encoding of one column).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator

from ..metrics import best_constant

#: prior weight (in rows) that pulls a small group's mean towards the overall mean
SMOOTHING = 10.0


class Constant(BaseEstimator):
    """Predicts the training rows' best constant: the class shares, or the mean/median the metric favours."""

    def __init__(self, classify: bool = False, metric: str = "rmse", metric_kwargs: dict | None = None):
        self.classify = classify
        self.metric = metric
        self.metric_kwargs = metric_kwargs

    def fit(self, X, y):
        if self.classify:
            self.classes_, counts = np.unique(np.asarray(y).astype(str) if _text(y) else y, return_counts=True)
            self.prior_ = counts / counts.sum()
        else:
            self.value_ = best_constant(y, self.metric, self.metric_kwargs)[0]
        return self

    def predict_proba(self, X):
        return np.tile(self.prior_, (len(X), 1))

    def predict(self, X):
        if self.classify:
            return np.repeat(self.classes_[np.argmax(self.prior_)], len(X))
        return np.full(len(X), self.value_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier" if self.classify else "regressor"
        return tags


def _text(y) -> bool:
    return np.asarray(y).dtype.kind not in "biuf"


class GroupMean(BaseEstimator):
    """The target mean (or class shares) of each value of one column; numbers are cut in quantile bins."""

    def __init__(self, column: str = "", classify: bool = False, bins: int = 20, numeric: bool = False):
        self.column = column
        self.classify = classify
        self.bins = bins
        self.numeric = numeric

    def _keys(self, X):
        import pandas as pd

        values = X[self.column]
        if self.numeric:
            x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
            codes = np.searchsorted(self.edges_, x, side="right").astype(np.int64)
            return np.where(np.isnan(x), -1, codes)
        if values.dtype.kind in "iu":  # whole numbers (category codes): the same groups as their text
            return values.to_numpy()
        return values.astype(object).where(values.notna(), "(missing)").astype(str).to_numpy()

    def fit(self, X, y):
        import pandas as pd

        if self.numeric:
            x = pd.to_numeric(X[self.column], errors="coerce").to_numpy(dtype=np.float64)
            qs = np.nanquantile(x, np.linspace(0, 1, self.bins + 1)[1:-1]) if np.isfinite(x).any() else []
            self.edges_ = np.unique(qs)
        if self.classify:
            labels = np.asarray(y).astype(str) if _text(y) else np.asarray(y)
            self.classes_, codes = np.unique(labels, return_inverse=True)
            target = np.eye(len(self.classes_))[codes]
        else:
            target = np.asarray(y, dtype=np.float64)[:, None]
        self.prior_ = target.mean(axis=0)
        self.keys_, group = np.unique(self._keys(X), return_inverse=True)
        counts = np.bincount(group, minlength=len(self.keys_))
        sums = np.column_stack([np.bincount(group, weights=target[:, j], minlength=len(self.keys_))
                                for j in range(target.shape[1])])
        self.table_ = (sums + SMOOTHING * self.prior_) / (counts[:, None] + SMOOTHING)
        return self

    def _lookup(self, X):
        keys = self._keys(X)
        pos = np.minimum(np.searchsorted(self.keys_, keys), len(self.keys_) - 1)  # fitted on one row at least
        seen = self.keys_[pos] == keys
        return np.where(seen[:, None], self.table_[pos], self.prior_)

    def predict_proba(self, X):
        return self._lookup(X)

    def predict(self, X):
        out = self._lookup(X)
        if self.classify:
            return self.classes_[np.argmax(out, axis=1)]
        return out[:, 0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier" if self.classify else "regressor"
        return tags
