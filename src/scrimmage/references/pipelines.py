"""scrimmage's own reference pipelines, fitted and scored on a competition's split.

``compute(folder)`` fits each pipeline on the bundle's ``train.csv``, predicts
``test.csv``, writes the predictions as a submission file and scores it with
the same code that scores every submission (:func:`scrimmage.scoring.score_file`
against the bundle's :class:`~scrimmage.solution.Solution`), so a reference
score is exactly what that file would score if a learner submitted it.

The pipelines use ``train.csv`` and ``test.csv`` only (no extra tables: joining
them is the learner's work), every column as given, and no validation or
tuning (they are fixed recipes):

* ``constant``: one value for every row, the best constant for the metric:
  the positive rate, the class frequencies, the most frequent class, the mean
  (squared errors), the median (absolute errors), the geometric mean of
  ``1 + y`` (RMSLE), the ``alpha`` quantile (pinball), the most frequent items
  (ranking).
* ``simple``: logistic regression (classification) or ridge regression on
  numbers imputed with the median and scaled, dates as numbers (day count,
  year, month, weekday, season as sine and cosine, hour), categories one-hot
  (the 20 most frequent levels, the rest together) and long text as TF-IDF.
  Ranking: the most frequent items not already in the row's item lists.
* ``strong``: histogram gradient boosting (learning rate 0.05, up to 1,000
  trees, stopped when the loss on a seeded 10 % holdout of train has not
  improved for 30 trees; 100 trees at learning rate 0.1 below 500 training
  rows) with native categories, out-of-fold target encoding
  above 250 levels and the same dates; with a text
  column, TF-IDF word 1-2-grams and character 2-5-grams with logistic
  regression instead. Ranking: item-to-item co-occurrence with the row's items.

RMSLE pipelines fit ``log1p`` of the target. The id column is a feature only
when it holds dates (a forecast's date). Fitting uses at most
``max_train_rows`` training rows (an even sample of the file when it has more)
and one thread, so the scores are reproducible; the test set is predicted in
chunks, in bounded memory, whatever its size.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Callable, Sequence

from ..errors import ConfigError
from ..task import Task, kind_of
from . import NAMES
from ._columns import CHUNK_ROWS, MAX_TRAIN_ROWS, column_kind, header, read_csv, read_train
from ._predictors import Constant, Model, Predictor, Ranking


def task_of(bundle, metric) -> Task:
    """The task of a bundle scored by ``metric`` (any input kind no other kind covers is read as labels)."""
    targets, preds = tuple(bundle.targets), tuple(bundle.prediction_columns)
    kind = kind_of(metric, preds) or "label"
    if kind in ("ranking", "binary", "multiclass") and len(targets) != 1 and set(targets) != set(preds):
        raise ConfigError(f"no reference pipeline for {len(targets)} target columns with metric {metric.name!r}")
    return Task.make(metric, bundle.metric_kwargs, kind=kind, greater=metric.greater_is_better,
                     id_column=bundle.id_column, targets=targets, prediction_columns=preds)


# --- fitting and scoring -------------------------------------------------------------------


def one_thread():
    """A context in which scikit-learn's OpenMP and BLAS use one thread: reproducible scores, and
    no spinning threads on a busy machine. The OpenMP runtime is loaded first so the limit reaches it."""
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def fit(name: str, task: Task, train, features: Sequence[str]) -> Predictor:
    """The fitted reference pipeline ``name`` (one of :data:`NAMES`), fitted on one thread."""
    if name == "constant":
        return Constant(task, train)
    if name not in NAMES:
        raise ConfigError(f"unknown reference pipeline {name!r}; choose one of: {', '.join(NAMES)}")
    if task.kind == "ranking":
        return Ranking(name, task, train, features)
    with one_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence and dtype notes: the recipe is fixed
        return Model(name, task, train, features)


def _features(folder: Path, task: Task, train) -> list[str]:
    cols = [c for c in header(folder / "test.csv") if c in train.columns]
    features = [c for c in cols if c != task.id_column]
    if task.id_column in cols and column_kind(train[task.id_column]) == "date":
        features.insert(0, task.id_column)
    return features


def _write_predictions(predictor: Predictor, folder: Path, task: Task, out: Path) -> None:
    import pandas as pd

    with open(out, "w", newline="", encoding="utf-8") as fh, one_thread():
        first = True
        for chunk in read_csv(folder / "test.csv", task.id_column, chunksize=CHUNK_ROWS):
            preds = predictor.predict(chunk)
            frame = pd.DataFrame({task.id_column: chunk[task.id_column].to_numpy(),
                                  **{c: preds[c] for c in task.prediction_columns}})
            frame.to_csv(fh, index=False, header=first, lineterminator="\n")
            first = False


def compute(folder: str | Path, *, names: Sequence[str] = NAMES, max_train_rows: int = MAX_TRAIN_ROWS,
            on_step: Callable[[str], None] | None = None) -> list[dict]:
    """Fit and score each reference pipeline on the bundle at ``folder``.

    Returns ``[{"name", "public", "private", "model"}, ...]``, the rows of the
    bundle's ``reference_scores``. ``on_step(name)`` is called before each fit.
    """
    from .. import metrics
    from ..bundle import SOLUTION, load_bundle
    from ..scoring import score_file
    from ..solution import Solution

    folder = Path(folder)
    bundle = load_bundle(folder)
    if bundle.metric_file:
        raise ConfigError("reference pipelines need a built-in metric; this bundle has a metric_file")
    metric = metrics.get(bundle.metric)
    if bundle.rows == "free":  # any number of rows per id: the picking references
        from .picking import compute as compute_picking

        return compute_picking(folder, bundle, metric, names=names, max_train_rows=max_train_rows, on_step=on_step)
    task = task_of(bundle, metric)
    solution = Solution.from_csv(folder / SOLUTION, bundle.id_column, bundle.targets, bundle.prediction_columns,
                                 bundle.public_fraction, bundle.split_seed)
    train = read_train(folder / "train.csv", bundle.id_column, max_train_rows)
    features = _features(folder, task, train)
    rows = []
    with tempfile.TemporaryDirectory(prefix="scrimmage-references-") as tmp:
        for name in names:
            if on_step:
                on_step(name)
            predictor = fit(name, task, train, features)
            path = Path(tmp) / f"{name}.csv"
            _write_predictions(predictor, folder, task, path)
            scores, _ = score_file(path, solution, metric, bundle.metric_kwargs, limit_mb=float("inf"))
            rows.append({"name": name, "public": scores.public, "private": scores.private,
                         "model": predictor.description})
    return rows
