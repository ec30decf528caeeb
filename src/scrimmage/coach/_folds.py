"""A fold assignment: which validation fold each training row belongs to.

Saved as a CSV file (``id, fold[, fold_1, ...], scored, test_likeness``) under
``$SCRIMMAGE_HOME/coach/REF/USER/folds/`` and registered in ``coach_splits``,
so every later run, ladder rung and blend uses the very same folds.

* ``fold`` is ``0 .. n_folds-1``; ``-1`` marks rows that are only ever
  trained on (the earliest stretch of a time split).
* In a **time** split fold ``k`` is validated by a model trained on the rows of
  the folds before it (and the ``-1`` rows): the past predicts the future.
  Every other split trains on all the other folds.
* A **repeated** split has one fold column per repetition.
* ``scored`` marks the rows whose out-of-fold predictions are scored: all of
  them, except in an **adversarial** split, where only the training rows that
  look most like the test set are (``test_likeness`` is the out-of-fold
  probability that a row belongs to the test set).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

KINDS = ("random", "stratified", "group", "stratified-group", "time", "adversarial", "repeated")


@dataclass(frozen=True, eq=False)
class Folds:
    kind: str
    fold: np.ndarray  # (n, repeats) int
    scored: np.ndarray  # (n,) bool
    test_likeness: np.ndarray  # (n,) float, NaN when not computed
    ids: np.ndarray
    seed: int = 0
    split_id: int | None = None

    @property
    def n_rows(self) -> int:
        return len(self.ids)

    @property
    def repeats(self) -> int:
        return self.fold.shape[1]

    @property
    def n_folds(self) -> int:
        return int(self.fold.max()) + 1

    @property
    def hash(self) -> str:
        h = hashlib.sha256()
        h.update(self.kind.encode())
        h.update(np.ascontiguousarray(self.fold, dtype=np.int32).tobytes())
        h.update(np.ascontiguousarray(self.scored, dtype=np.int8).tobytes())
        return h.hexdigest()

    def splits(self, rows: np.ndarray | None = None) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
        """``(repeat, fold, train_index, valid_index)`` for every fit, restricted to ``rows`` (a mask)."""
        use = np.ones(self.n_rows, dtype=bool) if rows is None else rows
        for r in range(self.repeats):
            f = self.fold[:, r]
            for k in range(self.n_folds):
                valid = use & (f == k)
                train = use & ((f < k) if self.kind == "time" else (f != k))
                yield r, k, np.flatnonzero(train), np.flatnonzero(valid)

    def subset(self, frac: float, seed: int = 0) -> np.ndarray:
        """Mask of a seeded ``frac`` share of the rows; a smaller share is inside a larger one."""
        if frac >= 1:
            return np.ones(self.n_rows, dtype=bool)
        u = np.random.default_rng([seed, 20_240_601]).random(self.n_rows)
        return u < frac

    # -- files ----------------------------------------------------------------------
    def save(self, path: Path, id_column: str) -> Path:
        import pandas as pd

        cols = {id_column: self.ids}
        for r in range(self.repeats):
            cols["fold" if r == 0 else f"fold_{r}"] = self.fold[:, r]
        cols["scored"] = self.scored.astype(np.int8)
        cols["test_likeness"] = np.round(self.test_likeness, 6)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        pd.DataFrame(cols).to_csv(tmp, index=False)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path, kind: str, seed: int, split_id: int | None = None) -> "Folds":
        import pandas as pd

        frame = pd.read_csv(path, dtype={0: str}, keep_default_na=False, na_values=[""])
        fold_cols = [c for c in frame.columns if c == "fold" or c.startswith("fold_")]
        return cls(kind=kind, fold=frame[fold_cols].to_numpy(dtype=np.int64), scored=frame["scored"].to_numpy() == 1,
                   test_likeness=frame["test_likeness"].to_numpy(dtype=np.float64), ids=frame.iloc[:, 0].to_numpy(),
                   seed=seed, split_id=split_id)


def assign(kind: str, n_folds: int, seed: int, *, y_strata=None, groups=None, order=None,
           repeats: int = 1, n: int) -> np.ndarray:
    """The ``(n, repeats)`` fold matrix of a split ``kind``."""
    from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

    out = np.full((n, repeats), -1, dtype=np.int64)
    if kind == "time":
        out[:, 0] = _time_folds(order, n_folds)
        return out
    dummy = np.zeros(n)
    for r in range(repeats):
        rs = seed + r
        if kind == "group":
            cv = GroupKFold(n_splits=n_folds, shuffle=True, random_state=rs)
            parts = cv.split(dummy, groups=groups)
        elif kind == "stratified-group":
            parts = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=rs).split(dummy, y_strata, groups)
        elif y_strata is not None:
            parts = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=rs).split(dummy, y_strata)
        else:
            parts = KFold(n_splits=n_folds, shuffle=True, random_state=rs).split(dummy)
        for k, (_, valid) in enumerate(parts):
            out[valid, r] = k
    return out


def _time_folds(order: np.ndarray, n_folds: int) -> np.ndarray:
    """Forward chaining on ``order`` (a sortable time value per row): the earliest
    stretch is train-only (-1), then ``n_folds`` consecutive validation blocks."""
    n = len(order)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(order, kind="stable")] = np.arange(n)
    # blocks of equal row counts, cut on whole time values so one day is never split
    edges = np.linspace(0, n, n_folds + 2).astype(np.int64)[1:-1]
    sorted_vals = np.sort(order, kind="stable")
    cuts = [np.searchsorted(sorted_vals, sorted_vals[min(e, n - 1)], side="left") for e in edges]
    block = np.searchsorted(np.asarray(cuts), rank, side="right") - 1
    return block.astype(np.int64)  # -1 for the first block, then 0 .. n_folds - 1
