"""The baseline ladder: constant -> one-column group mean -> simple models -> your model.

Every rung is fitted on the saved folds and recorded as a run (kind ``ladder``),
so each has its CV mean ± std, a ready submission file, and can be submitted,
compared and blended like any other run. The group-mean rung tries every
column and keeps the best one (a little optimistic, since it is chosen on the
same folds; the gain it shows is still out of fold).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._journal import Run, record


@dataclass(frozen=True)
class Rung:
    step: str
    run: Run
    gain: float | None  # over the rung below, in the metric's better direction (positive = better)
    gain_total: float | None  # over the constant


@dataclass(frozen=True)
class Ladder:
    ref: str
    metric: str
    greater: bool
    rungs: list[Rung]

    def frame(self):
        import pandas as pd

        return pd.DataFrame([
            {"step": r.step, "run": r.run.id, "name": r.run.name, "cv_mean": r.run.cv_mean, "cv_std": r.run.cv_std,
             "gain": r.gain, "gain_over_constant": r.gain_total, "fit_seconds": r.run.fit_seconds,
             "submission": str(r.run.submission_path)} for r in self.rungs])

    def __str__(self) -> str:
        head = f"Baseline ladder for {self.ref} ({self.metric}, {'higher' if self.greater else 'lower'} is better)"
        lines = [head, ""]
        w = max(len(r.step) for r in self.rungs)
        for r in self.rungs:
            gain = "" if r.gain is None else f"  gain {r.gain:+.5f}"
            lines.append(f"  {r.step:<{w}}  {r.run.cv_mean:.5f} ± {r.run.cv_std or 0:.5f}{gain}"
                         f"  (run {r.run.id}, {r.run.fit_seconds or 0:.1f} s)")
        lines += ["", "Each rung's submission file: coach.runs()[i].submission_path, or "
                      "`scrimmage coach submit REF RUN -m MESSAGE`."]
        return "\n".join(lines)


def simple_models(task, cols, coded: bool = False):
    """The linear and the shallow-tree rung for this task (``coded``: fed ``_features.encode``'s matrices)."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    from ._features import preprocessor

    if task.is_classification:
        linear = LogisticRegression(max_iter=1000, C=1.0)
        tree = DecisionTreeClassifier(max_depth=4, min_samples_leaf=20, random_state=0)
        names = ("logistic regression", "shallow tree (depth 4)")
    else:
        linear = Ridge(alpha=1.0)
        tree = DecisionTreeRegressor(max_depth=4, min_samples_leaf=20, random_state=0)
        names = ("ridge regression", "shallow tree (depth 4)")
    return [(names[0], make_pipeline(preprocessor(cols, "linear", coded), linear)),
            (names[1], make_pipeline(preprocessor(cols, "tree", coded), tree))]


def build(ws, model=None, *, frac: float = 1.0, seed: int = 0, n_jobs=None, threads: int | None = 1,
          drop=(), workdir=None) -> Ladder:
    from ._baselines import Constant, GroupMean
    from ._features import category_codes, kinds, matrix
    from ._fitting import fit_folds
    from ._journal import code_version, feature_columns, frames, model_name

    task = ws.task
    folds = ws.folds()
    features = feature_columns(ws, drop=drop)  # refuses an unknown column before any fit
    groups = set(_group_columns(ws, folds))
    cols = kinds(ws.train, [c for c in features if c not in groups])
    common = dict(frac=frac, seed=seed, n_jobs=n_jobs, threads=threads, kind="ladder", workdir=workdir,
                  code=code_version(workdir))  # read once for every rung
    runs: list[tuple[str, Run]] = []
    const = Constant(task.is_classification, task.metric.name, task.metric_kwargs)
    runs.append(("constant", record(ws, const, name="ladder: constant", **common)))
    y, rows = task.y(ws.train), folds.subset(frac, seed) if frac < 1 else None

    def fit(model, X, X_test):
        return fit_folds(model, X, y, X_test, folds, task, rows=rows, n_jobs=n_jobs, threads=threads)

    # categories as codes: the same fits as on their text, without its cost (see _features.category_codes)
    coded, coded_test = category_codes(*frames(ws, list(cols.all)), cols)

    # one column's group mean: try each, keep the best
    best = None
    for c in cols.all:
        gm = GroupMean(c, task.is_classification, numeric=c in cols.numeric)
        fitted = fit(gm, coded[[c]], coded_test[[c]])
        scores = [s for s in fitted.fold_scores if s is not None]
        if scores and (best is None or task.better(np.mean(scores), best[1])):
            best = (c, float(np.mean(scores)), gm, fitted)
    if best is not None:  # recorded from the search's own fits: no second fit of the same folds
        runs.append((f"group mean of {best[0]}",
                     record(ws, best[2], name=f"ladder: group mean of {best[0]}", features=[best[0]], fitted=best[3],
                            **common)))
    X, X_test = matrix(coded, cols), matrix(coded_test, cols)
    for label, pipe in simple_models(task, cols, coded=True):
        runs.append((label, record(ws, pipe, name=f"ladder: {label}", features=list(cols.all),
                                   fitted=fit(pipe, X, X_test), **common)))
    if model is not None:
        label = f"your model ({model_name(model)})"
        runs.append((label, record(ws, model, name=f"ladder: {label}", drop=drop, **common)))
    rungs, prev, first = [], None, None
    for step, run in runs:
        gain = None if prev is None else _gain(task, run.cv_mean, prev)
        total = None if first is None else _gain(task, run.cv_mean, first)
        rungs.append(Rung(step, run, gain, total))
        prev = run.cv_mean
        first = first if first is not None else run.cv_mean
    return Ladder(ws.ref, task.metric.name, task.greater, rungs)


def _gain(task, new, old):
    if new is None or old is None:
        return None
    return float(new - old) if task.greater else float(old - new)


def _group_columns(ws, folds) -> list[str]:
    row = ws.split_row(folds.split_id)
    return [g["column"] for g in (row.advice or {}).get("groups", [])] if row is not None else []
