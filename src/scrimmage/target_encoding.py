"""A seeded, out-of-fold ``TargetEncoder`` on any scikit-learn >= 1.5, without deprecation warnings.

scikit-learn 1.9 deprecated ``TargetEncoder(shuffle=..., random_state=...)`` in favour
of a cross-validation splitter as ``cv``; older versions take only an integer ``cv``.
"""

from __future__ import annotations

import re


class SeededFolds:
    """``n_splits`` shuffled folds seeded by ``seed``, stratified or not (``stratify``).

    With ``stratify=None`` the kind of target is read when splitting (stratified for
    class labels), so one encoder serves any task.
    """

    def __init__(self, n_splits: int = 5, seed: int = 0, stratify: bool | None = None):
        self.n_splits = n_splits
        self.seed = seed
        self.stratify = stratify

    def split(self, X, y=None, groups=None):
        from sklearn.model_selection import KFold, StratifiedKFold
        from sklearn.utils.multiclass import type_of_target

        stratify = self.stratify
        if stratify is None:
            stratify = y is not None and type_of_target(y) in ("binary", "multiclass")
        folds = (StratifiedKFold if stratify else KFold)(self.n_splits, shuffle=True, random_state=self.seed)
        return folds.split(X, y)

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return self.n_splits

    def __repr__(self) -> str:
        return f"SeededFolds(n_splits={self.n_splits}, seed={self.seed}, stratify={self.stratify})"


def target_encoder(n_splits: int = 5, seed: int = 0, stratify: bool | None = None, **options):
    """``TargetEncoder(**options)`` cross-fitted on :class:`SeededFolds`."""
    import sklearn
    from sklearn.preprocessing import TargetEncoder

    if tuple(int(p) for p in re.findall(r"\d+", sklearn.__version__)[:2]) >= (1, 9):
        return TargetEncoder(cv=SeededFolds(n_splits, seed, stratify), **options)
    return TargetEncoder(cv=n_splits, shuffle=True, random_state=seed, **options)
