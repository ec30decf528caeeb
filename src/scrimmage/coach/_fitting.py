"""Fit a model on every fold through joblib, timing each fit and sampling its memory.

``n_jobs`` spreads the folds over local processes; inside
``joblib.parallel_backend("dask")`` (or Ray's) they go to the cluster. Each fold
fit runs with ``threads`` BLAS/OpenMP threads (1 by default, so parallel folds
do not fight over cores).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import numpy as np

from ..errors import METRIC_UNDEFINED

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_bytes() -> int:
    """Resident memory of this process now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class PeakMemory:
    """Peak resident memory above the starting level while the block runs (sampled every 5 ms)."""

    def __enter__(self):
        self.base = self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())
        return False

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 2**20


@dataclass
class FoldFit:
    repeat: int
    fold: int
    valid: np.ndarray
    valid_pred: np.ndarray
    test_pred: np.ndarray
    fit_seconds: float
    predict_seconds: float
    peak_mb: float
    n_train: int


_controller = (0, None)  # (modules loaded when made, threadpoolctl controller)


def thread_limits(threads: int | None):
    """``threadpool_limits(threads)``, without scanning the loaded libraries again on every fit (3 ms each):
    the scan is redone only when modules were imported since."""
    import sys

    from threadpoolctl import ThreadpoolController

    global _controller
    if _controller[1] is None or _controller[0] != len(sys.modules):
        _controller = (len(sys.modules), ThreadpoolController())
    return _controller[1].limit(limits=threads)


def fit_one(model, X, y, train, valid, X_test, task, repeat, fold, threads):
    from sklearn.base import clone

    model = clone(model)
    with thread_limits(threads), PeakMemory() as mem:
        t0 = time.perf_counter()
        model.fit(_rows(X, train), y[train])
        t1 = time.perf_counter()
        valid_pred = task.predict(model, _rows(X, valid)) if len(valid) else None
        test_pred = task.predict(model, X_test)
        t2 = time.perf_counter()
    return FoldFit(repeat, fold, valid, valid_pred, test_pred, t1 - t0, t2 - t1, mem.mb, len(train))


def _rows(X, rows):
    """Rows of a table or of a matrix."""
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


@dataclass
class Fitted:
    oof: np.ndarray  # NaN where a row was never validated
    test: np.ndarray
    fold_scores: list[float | None]
    fits: list[FoldFit]

    @property
    def fit_seconds(self) -> float:
        return float(sum(f.fit_seconds for f in self.fits))

    @property
    def predict_seconds(self) -> float:
        return float(sum(f.predict_seconds for f in self.fits))

    @property
    def peak_mb(self) -> float:
        return float(max((f.peak_mb for f in self.fits), default=0.0))


def fit_folds(model, X, y, X_test, folds, task, rows=None, n_jobs=None, threads: int | None = 1) -> Fitted:
    from joblib import Parallel, delayed

    jobs = [(r, k, tr, va) for r, k, tr, va in folds.splits(rows) if len(va) and len(tr)]
    if folds.kind == "time":  # the test period comes after all of train: refit on every row for it
        everything = np.flatnonzero(np.ones(len(X), dtype=bool) if rows is None else rows)
        jobs.append((0, -1, everything, everything[:0]))
    fits = Parallel(n_jobs=n_jobs)(
        delayed(fit_one)(model, X, y, tr, va, X_test, task, r, k, threads) for r, k, tr, va in jobs
    )
    return combine(fits, len(X), len(X_test), folds, task, y)


def combine(fits, n, n_test, folds, task, y) -> Fitted:
    shape = (n, task.width) if task.width > 1 else (n,)
    total, count = np.zeros(shape), np.zeros(n)
    test = np.zeros((n_test, task.width) if task.width > 1 else (n_test,))
    scores = []
    refit = [f for f in fits if f.fold < 0]
    for f in fits:
        if f.fold < 0:
            continue
        total[f.valid] += f.valid_pred
        count[f.valid] += 1
        if not refit:
            test += f.test_pred / len(fits)
        scores.append(fold_score(task, y, f.valid, f.valid_pred, folds.scored))
    if refit:
        test = refit[0].test_pred
    with np.errstate(invalid="ignore", divide="ignore"):
        oof = total / (count[:, None] if task.width > 1 else count)
    oof[count == 0] = np.nan
    return Fitted(oof, test, scores, list(fits))


def fold_score(task, y, valid, pred, scored) -> float | None:
    """The metric on a fold's scored rows; None when it is undefined there (e.g. one class only)."""
    keep = scored[valid]
    if not keep.any():
        return None
    try:
        value = task.score(y[valid][keep], pred[keep])
    except METRIC_UNDEFINED:  # e.g. AUC of a fold with one class
        return None
    return value if np.isfinite(value) else None
