"""Adversarial validation: can a classifier tell the training rows from the test rows?

An out-of-fold AUC near 0.5 says train and test look alike; near 1 says they
differ, and a validation drawn from train answers another question than the
leaderboard. The out-of-fold probability of each training row being a test
row (its *test-likeness*) says which training rows resemble the test set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: rows drawn from each side at most (the estimate needs no more)
SAMPLE = 20_000


@dataclass(frozen=True)
class Adversarial:
    auc: float
    features: list[tuple[str, float]]  # (column, single-column separation AUC), most separating first
    test_likeness: np.ndarray  # per training row
    columns: tuple[str, ...]  # the columns used
    n_rows: int  # rows used from each side (at most)
    n_train: int = 0
    n_test: int = 0

    @property
    def noise(self) -> float:
        """Standard error of the AUC when train and test do not differ (Hanley & McNeil at 0.5)."""
        return float(np.sqrt((self.n_train + self.n_test + 1) / (12 * max(self.n_train, 1) * max(self.n_test, 1))))

    @property
    def differs(self) -> bool:
        """True when the AUC is above chance beyond noise (and by at least 0.03)."""
        return self.auc - 0.5 > max(0.03, 4 * self.noise)


def separation_auc(a: np.ndarray, b: np.ndarray) -> float:
    """How well one numeric column alone tells side ``a`` from ``b`` (0.5 = not at all, 1 = perfectly)."""
    from scipy.stats import rankdata

    ok_a, ok_b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(ok_a) == 0 or len(ok_b) == 0:
        miss = np.r_[np.isnan(a), np.isnan(b)]
        return 0.5 if miss.all() or not miss.any() else _auc(np.r_[np.zeros(len(a)), np.ones(len(b))], miss.astype(float))
    ranks = rankdata(np.r_[ok_a, ok_b])
    auc = (ranks[len(ok_a):].sum() - len(ok_b) * (len(ok_b) + 1) / 2) / (len(ok_a) * len(ok_b))
    return float(max(auc, 1 - auc))


def _auc(y, s) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def category_separation(a, b, seed: int = 0) -> float:
    """Separation of a category column: its values' test share, estimated out of fold (2 folds)."""
    import pandas as pd

    values = pd.Series(np.r_[a, b]).astype(str).to_numpy()
    side = np.r_[np.zeros(len(a)), np.ones(len(b))]
    half = np.random.default_rng(seed).random(len(values)) < 0.5
    score = np.empty(len(values))
    prior = side.mean()
    for part in (half, ~half):
        stats = pd.DataFrame({"v": values[~part], "s": side[~part]}).groupby("v")["s"].agg(["sum", "count"])
        joined = stats.reindex(values[part])
        score[part] = ((joined["sum"].fillna(0) + 10 * prior) / (joined["count"].fillna(0) + 10)).to_numpy()
    auc = _auc(side, score)
    return float(max(auc, 1 - auc))


def adversarial(train, test, cols, seed: int = 0, n_jobs: int | None = None) -> Adversarial:
    """Out-of-fold train-vs-test AUC of a gradient-boosting classifier on ``cols`` (a Columns)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold

    from ._features import encode

    names = list(cols.all)
    if not names:
        return Adversarial(0.5, [], np.full(len(train), np.nan), (), 0)
    rng = np.random.default_rng([seed, 4242])
    ia = np.sort(rng.permutation(len(train))[:SAMPLE])
    ib = np.sort(rng.permutation(len(test))[:SAMPLE])
    xa_all, xb_all = encode(train, test, cols)
    xa, xb = xa_all[ia], xb_all[ib]
    X = np.vstack([xa, xb])
    y = np.r_[np.zeros(len(xa)), np.ones(len(xb))]
    # the sides weigh the same in the AUC whatever their sizes (the model is fitted unweighted:
    # weights make its binning take weighted percentiles, several times the cost of the fit)
    w = np.where(y == 1, len(xa) / max(len(xb), 1), 1.0)
    oof = np.zeros(len(y))
    like = np.zeros(len(train))
    in_sample = np.zeros(len(train), dtype=bool)
    in_sample[ia] = True
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    from threadpoolctl import threadpool_limits

    limit = threadpool_limits(1)
    for tr, va in cv.split(X, y):
        # 50 trees at rate 0.2 reach about where 100 at 0.1 do, for half the fit (on small data
        # most of a fit is the cost of each tree, whatever the rows)
        model = HistGradientBoostingClassifier(max_iter=50, learning_rate=0.2, max_leaf_nodes=15,
                                               early_stopping=False, random_state=seed)
        model.fit(X[tr], y[tr])
        oof[va] = model.predict_proba(X[va])[:, 1]
        if not in_sample.all():
            like[~in_sample] += model.predict_proba(xa_all[~in_sample])[:, 1] / 5
    limit.restore_original_limits()
    like[ia] = oof[: len(xa)]
    auc = float(_weighted_auc(y, oof, w))
    seps = []
    for j, c in enumerate(names):
        if c in cols.categories or c in cols.many:
            s = category_separation(train[c].to_numpy()[ia], test[c].to_numpy()[ib], seed)
        else:
            s = separation_auc(xa[:, j], xb[:, j])
        seps.append((c, round(s, 4)))
    seps.sort(key=lambda t: -t[1])
    return Adversarial(auc, seps, like, tuple(names), int(max(len(xa), len(xb))), len(xa), len(xb))


def _weighted_auc(y, s, w) -> float:
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(y, s, sample_weight=w)


def target_strength(values, y, kind: str, seed: int = 0) -> float | None:
    """How well one column alone predicts the target in train, out of fold.

    Binary targets: the column's AUC (folded, so 1 = perfect either way); regression:
    the absolute Spearman correlation (numbers) or that of the out-of-fold category
    mean (categories). ``None`` for multiclass and label tasks.
    """
    import pandas as pd
    from scipy.stats import spearmanr

    if kind not in ("binary", "regression"):
        return None
    y = np.asarray(y, dtype=np.float64)
    v = pd.Series(values)
    if pd.api.types.is_numeric_dtype(v) or pd.api.types.is_bool_dtype(v):
        x = v.to_numpy(dtype=np.float64)
    else:  # out-of-fold category means
        text = v.astype(str).to_numpy()
        half = np.random.default_rng(seed).random(len(text)) < 0.5
        x = np.empty(len(text))
        prior = y.mean()
        for part in (half, ~half):
            stats = pd.DataFrame({"v": text[~part], "y": y[~part]}).groupby("v")["y"].agg(["sum", "count"])
            j = stats.reindex(text[part])
            x[part] = ((j["sum"].fillna(0) + 5 * prior) / (j["count"].fillna(0) + 5)).to_numpy()
    ok = ~np.isnan(x)
    if ok.sum() < 10 or np.unique(x[ok]).size < 2 or np.unique(y[ok]).size < 2:
        return 0.5 if kind == "binary" else 0.0
    if kind == "binary":
        auc = _auc(y[ok] > 0.5, x[ok])
        return float(max(auc, 1 - auc))
    return float(abs(spearmanr(x[ok], y[ok]).statistic))
