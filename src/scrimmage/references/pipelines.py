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

import math
import re
import tempfile
import warnings
from collections import Counter
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import ConfigError
from ..metrics import best_constant
from ..task import Task, kind_of
from . import NAMES

#: The most training rows a pipeline is fitted on.
MAX_TRAIN_ROWS = 200_000
#: Test rows predicted (and held in memory) at once.
CHUNK_ROWS = 200_000
#: Categories with more levels than this are target-encoded by the strong model.
MAX_LEVELS = 250
#: The strong model's gradient boosting settings.
BOOSTING = dict(learning_rate=0.05, max_iter=1000, early_stopping=True, validation_fraction=0.1,
                n_iter_no_change=30, random_state=0)
#: ... and below this many training rows, where a 10 % holdout is too small to stop on.
SMALL_ROWS = 500
BOOSTING_SMALL = dict(learning_rate=0.1, max_iter=100, early_stopping=False, random_state=0)
#: Files at most this large are read at once.
_SMALL_FILE = 16 * 1024 * 1024

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MISSING = "(missing)"

def task_of(bundle, metric) -> Task:
    """The task of a bundle scored by ``metric`` (any input kind no other kind covers is read as labels)."""
    targets, preds = tuple(bundle.targets), tuple(bundle.prediction_columns)
    kind = kind_of(metric, preds) or "label"
    if kind in ("ranking", "binary", "multiclass") and len(targets) != 1 and set(targets) != set(preds):
        raise ConfigError(f"no reference pipeline for {len(targets)} target columns with metric {metric.name!r}")
    return Task.make(metric, bundle.metric_kwargs, kind=kind, greater=metric.greater_is_better,
                     id_column=bundle.id_column, targets=targets, prediction_columns=preds)


# --- reading ----------------------------------------------------------------------


def _read_csv(path: Path, id_column: str, **kw):
    import pandas as pd

    return pd.read_csv(path, dtype={id_column: str}, **kw)


def read_train(path: Path, id_column: str, max_rows: int = MAX_TRAIN_ROWS):
    """``train.csv``, or an even sample of at most ``max_rows`` of its rows: every k-th row,
    k = ceil(rows / max_rows). A large file is read in chunks, so memory stays bounded."""
    import pandas as pd

    if path.stat().st_size <= _SMALL_FILE:
        frame = _read_csv(path, id_column)
        step = max(1, math.ceil(len(frame) / max_rows))
        return frame.iloc[::step].reset_index(drop=True)
    with open(path, "rb") as fh:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1
    step = max(1, math.ceil(lines / max_rows))
    parts, seen = [], 0
    for chunk in _read_csv(path, id_column, chunksize=CHUNK_ROWS):
        first = (-seen) % step
        parts.append(chunk.iloc[first::step].copy())  # a copy: a view would keep the whole chunk alive
        seen += len(chunk)
    return pd.concat(parts, ignore_index=True)


def _header(path: Path) -> list[str]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


# --- preparing the columns ------------------------------------------------------------


def column_kind(values) -> str:
    """``numeric``, ``date``, ``text`` or ``categorical`` for a training column."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    if is_bool_dtype(values) or is_numeric_dtype(values):
        return "numeric"
    present = values.dropna().astype(str)
    if present.empty:
        return "categorical"
    sample = present.iloc[:2000]
    if sample.str.fullmatch(_DATE).all():
        return "date"
    if sample.str.split().str.len().mean() >= 5 and present.nunique() > 0.5 * len(present):
        return "text"
    return "categorical"


class Prepared:
    """Turns raw columns into numbers, category strings and text, the same way for train and test."""

    def __init__(self, frame, features: Sequence[str]):
        self.kinds = {c: column_kind(frame[c]) for c in features}
        self.has_time = {}
        for c, kind in self.kinds.items():
            if kind == "date":
                t = self._dates(frame[c])
                self.has_time[c] = bool(((t.dt.hour != 0) | (t.dt.minute != 0)).any())
        self.numeric = [c for c, k in self.kinds.items() if k == "numeric"]
        for c, k in self.kinds.items():
            if k == "date":
                self.numeric += [f"{c}__{p}" for p in self._date_parts(c)]
        self.categorical = [c for c, k in self.kinds.items() if k == "categorical"]
        self.text = [c for c, k in self.kinds.items() if k == "text"]
        cats = self.transform(frame[list(features)])[self.categorical] if self.categorical else None
        self.levels = {c: int(cats[c].nunique()) for c in self.categorical}

    @staticmethod
    def _dates(values):
        import pandas as pd

        return pd.to_datetime(values.astype("string"), utc=True, errors="coerce", format="ISO8601")

    def _date_parts(self, c: str) -> list[str]:
        return ["days", "year", "month", "weekday", "season_sin", "season_cos"] + (["hour"] if self.has_time[c] else [])

    def transform(self, frame):
        import pandas as pd

        out = {}
        for c, kind in self.kinds.items():
            col = frame[c]
            if kind == "numeric":
                out[c] = pd.to_numeric(col, errors="coerce").astype("float64")
            elif kind == "date":
                t = self._dates(col)
                days = (t - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
                angle = 2 * np.pi * (t.dt.day_of_year.astype("float64") - 1) / 365.25
                parts = {"days": days, "year": t.dt.year, "month": t.dt.month, "weekday": t.dt.day_of_week,
                         "season_sin": np.sin(angle), "season_cos": np.cos(angle),
                         "hour": t.dt.hour + t.dt.minute / 60}
                for p in self._date_parts(c):
                    out[f"{c}__{p}"] = pd.Series(parts[p], index=frame.index).astype("float64")
            elif kind == "text":
                out[c] = col.astype("string").fillna("").astype(object)
            else:
                out[c] = col.astype("string").fillna(_MISSING).astype(object)
        return pd.DataFrame(out, index=frame.index)

    def describe(self) -> str:
        counts = Counter(self.kinds.values())
        return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))


# --- the models ---------------------------------------------------------------------------


def _linear_columns(prep: Prepared, strong_text: bool = False):
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts = []
    if prep.numeric:
        parts.append(("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()),
                      prep.numeric))
    if prep.categorical:
        parts.append(("cat", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=20), prep.categorical))
    for i, c in enumerate(prep.text):
        if strong_text:
            vec = make_union(
                TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=200_000, sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=200_000, sublinear_tf=True),
            )
        else:
            vec = TfidfVectorizer(min_df=2, max_features=50_000, sublinear_tf=True)
        parts.append((f"text{i}", vec, c))
    return ColumnTransformer(parts, sparse_threshold=0.3)


def _boosting_columns(prep: Prepared, task_kind: str):
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OrdinalEncoder, TargetEncoder

    low = [c for c in prep.categorical if prep.levels[c] <= MAX_LEVELS]
    high = [c for c in prep.categorical if prep.levels[c] > MAX_LEVELS]
    parts = []
    if prep.numeric:
        parts.append(("num", "passthrough", prep.numeric))
    if low:
        parts.append(("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan), low))
    if high:
        parts.append(("te", _target_encoder(task_kind), high))
    columns = ColumnTransformer(parts, sparse_threshold=0)
    categorical = list(range(len(prep.numeric), len(prep.numeric) + len(low)))
    return columns, (categorical or None)


def _target_encoder(task_kind: str):
    """Out-of-fold target encoding on five seeded folds (stratified for classes), on any scikit-learn >= 1.5."""
    from ..target_encoding import target_encoder

    regression = task_kind == "regression"
    return target_encoder(stratify=not regression, target_type="continuous" if regression else "auto")


def _estimator(name: str, task: Task, prep: Prepared, n_rows: int):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline

    regression = task.kind == "regression"
    if name == "simple" or (name == "strong" and prep.text):
        strong = name == "strong"
        model = Ridge(alpha=1.0) if regression else LogisticRegression(C=4.0 if strong else 1.0, max_iter=2000)
        pipe = make_pipeline(_linear_columns(prep, strong_text=strong), model)
    else:
        columns, categorical = _boosting_columns(prep, task.kind)
        common = dict(BOOSTING if n_rows >= SMALL_ROWS else BOOSTING_SMALL, categorical_features=categorical)
        if regression:
            loss = {"mae": "absolute_error", "median_ae": "absolute_error", "pinball": "quantile"}.get(
                task.metric.name, "squared_error")
            extra = {"quantile": task.metric_kwargs.get("alpha", 0.5)} if loss == "quantile" else {}
            model = HistGradientBoostingRegressor(loss=loss, **common, **extra)
        else:
            model = HistGradientBoostingClassifier(**common)
        pipe = make_pipeline(columns, model)
    if regression and task.metric.name == "rmsle":
        pipe = TransformedTargetRegressor(regressor=pipe, func=np.log1p, inverse_func=np.expm1, check_inverse=False)
    return pipe


def _describe(name: str, task: Task, prep: Prepared | None, n_rows: int = 0) -> str:
    """What a fitted reference does, in one line (the bundle's ``model``)."""
    if task.kind == "ranking":
        return ("the most frequent items not already in the row" if name == "simple" else
                "items ranked by how often they came with the row's items in train (item-to-item co-occurrence), "
                "then by frequency")
    kinds = set(prep.kinds.values())
    log = ", fitted on log(1 + target)" if task.metric.name == "rmsle" else ""
    if name == "simple" or prep.text:
        what = "ridge regression" if task.kind == "regression" else "logistic regression"
        notes = (["TF-IDF word 1-2-grams and character 2-5-grams of the text"] if name == "strong" else
                 ["text as TF-IDF"] if prep.text else [])
        notes = ([] if "numeric" not in kinds else ["numbers imputed and scaled"]) + \
                ([] if "date" not in kinds else ["dates as numbers"]) + \
                ([] if "categorical" not in kinds else ["categories one-hot (top 20 levels)"]) + notes
    else:
        what = "histogram gradient boosting (" + ("learning rate 0.05, stopped early on a seeded 10 % holdout"
                                                  if n_rows >= SMALL_ROWS else "100 trees, learning rate 0.1") + ")"
        high = any(prep.levels[c] > MAX_LEVELS for c in prep.categorical)
        low = any(prep.levels[c] <= MAX_LEVELS for c in prep.categorical)
        notes = ([] if "date" not in kinds else ["dates as numbers"]) + \
                ([] if not low else ["native categories"]) + \
                ([] if not high else [f"target encoding above {MAX_LEVELS} levels"])
    detail = f": {', '.join(notes)}" if notes else ""
    return f"{what} on train.csv's columns ({prep.describe()}){detail}{log}"


# --- fitted predictors ----------------------------------------------------------------


class _Predictor:
    """A fitted reference: ``predict(frame)`` -> the prediction columns for those rows."""

    description = ""

    def predict(self, frame) -> dict[str, np.ndarray]:
        raise NotImplementedError


class _Constant(_Predictor):
    def __init__(self, task: Task, train):
        self.values: dict[str, object] = {}
        notes = []
        if task.kind == "ranking":
            counts = _token_counts(train[task.targets[0]])
            k = int(task.metric_kwargs.get("k", 10))
            self.values[task.prediction_columns[0]] = " ".join(_top(counts, k))
            notes.append(f"the {k} most frequent items")
        elif task.kind == "binary":
            y = train[task.targets[0]]
            pos = _positive(task, y.dropna().unique())
            rate = float((y == pos).mean())
            self.values[task.prediction_columns[0]] = rate
            notes.append(f"the training rate of {task.targets[0]} = {pos} ({rate:.4g})")
        elif task.kind == "multiclass":
            labels = _class_labels(task, train)
            freq = labels.astype(str).value_counts(normalize=True)
            for c in task.prediction_columns:
                self.values[c] = float(freq.get(str(c), 0.0))
            notes.append("the training frequency of each class")
        elif task.kind == "label":
            for t, c in zip(task.targets, task.prediction_columns):
                counts = train[t].dropna().value_counts().sort_index(kind="stable")
                self.values[c] = counts.idxmax()
            notes.append("the most frequent class")
        else:
            for t, c in zip(task.targets, task.prediction_columns):
                y = train[t].dropna().astype("float64")
                self.values[c], what = best_constant(y.to_numpy(), task.metric.name, task.metric_kwargs)
            notes.append(what)
        self.description = f"predicts {notes[0]} for every row"

    def predict(self, frame):
        n = len(frame)
        return {c: np.full(n, v, dtype=object if isinstance(v, str) else None) for c, v in self.values.items()}


class _Model(_Predictor):
    def __init__(self, name: str, task: Task, train, features: Sequence[str]):
        self.task = task
        self.prep = Prepared(train, features)
        X = self.prep.transform(train)
        self.models = []
        # one model per target column (regression, labels), else one model for the label
        pairs = list(zip(task.targets, task.prediction_columns)) if task.kind in ("regression", "label") else [(None, None)]
        for t, c in pairs:
            y = train[t] if t is not None else _class_labels(task, train)
            keep = y.notna().to_numpy()
            est = _estimator(name, task, self.prep, int(keep.sum()))
            est.fit(X[keep], y[keep].to_numpy())
            self.models.append((c, est))
        self.description = _describe(name, task, self.prep, len(train))

    def predict(self, frame):
        X = self.prep.transform(frame)
        task = self.task
        out = {}
        for column, est in self.models:
            if task.kind == "regression":
                pred = est.predict(X).astype("float64")
                if task.metric.name == "rmsle":
                    pred = np.clip(pred, 0, None)
                out[column] = pred
            elif task.kind == "label":
                out[column] = est.predict(X)
            elif task.kind == "binary":
                proba = est.predict_proba(X)
                classes = list(est.classes_)
                pos = _positive(task, classes)
                out[task.prediction_columns[0]] = proba[:, classes.index(pos)]
            else:  # one probability column per class
                proba = est.predict_proba(X)
                index = {str(c): i for i, c in enumerate(est.classes_)}
                cols = np.column_stack([proba[:, index[str(c)]] if str(c) in index else np.zeros(len(X))
                                        for c in task.prediction_columns])
                cols /= np.clip(cols.sum(axis=1, keepdims=True), 1e-15, None)
                out.update({c: cols[:, i] for i, c in enumerate(task.prediction_columns)})
        return out


def _positive(task: Task, classes):
    pos = task.pos_label
    for c in classes:
        if c == pos or str(c) == str(pos):
            return c
    return sorted(classes, key=str)[-1]


def _class_labels(task: Task, train):
    """One label per row: the target, or the arg-max of one-hot target columns."""
    if len(task.targets) == 1:
        return train[task.targets[0]]
    return train[list(task.targets)].idxmax(axis=1)


# --- ranking --------------------------------------------------------------------------------


def _tokens(value) -> list[str]:
    return str(value).split() if isinstance(value, str) else []


def _token_counts(values) -> Counter:
    counts: Counter = Counter()
    for v in values:
        counts.update(set(_tokens(v)))
    return counts


def _top(counts: Counter, k: int, exclude: set[str] = frozenset()) -> list[str]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [item for item, _ in ordered if item not in exclude][:k]


class _Ranking(_Predictor):
    """Ranks the target's items for each row, using the row's own item lists (its basket)."""

    def __init__(self, name: str, task: Task, train, features: Sequence[str]):
        self.name, self.task = name, task
        self.k = int(task.metric_kwargs.get("k", 10))
        target = train[task.targets[0]]
        self.popularity = _token_counts(target)
        vocab = set(self.popularity)
        self.baskets = []
        for c in features:
            col = train[c]
            if col.dtype.kind in "iufb":
                continue
            tokens = [t for v in col.iloc[:2000] for t in _tokens(v)]
            if tokens and sum(t in vocab for t in tokens) >= 0.2 * len(tokens):
                self.baskets.append(c)
        self.co: dict[str, Counter] = {}
        self.seen: Counter = Counter()
        if name == "strong":
            for basket, hidden in zip(self._basket_sets(train), target):
                items = set(_tokens(hidden))
                for b in basket:
                    self.seen[b] += 1
                    self.co.setdefault(b, Counter()).update(items)
        self.description = _describe(name, task, None)

    def _basket_sets(self, frame) -> list[set[str]]:
        rows = [set() for _ in range(len(frame))]
        for c in self.baskets:
            for i, v in enumerate(frame[c].tolist()):
                rows[i].update(_tokens(v))
        return rows

    def predict(self, frame):
        out = []
        for basket in self._basket_sets(frame):
            if self.name == "strong" and basket:
                score: Counter = Counter()
                for b in basket:
                    n = self.seen.get(b, 0)
                    for item, count in self.co.get(b, {}).items():
                        score[item] += count / n
                ranked = [i for i, _ in sorted(score.items(), key=lambda kv: (-kv[1], -self.popularity[kv[0]], kv[0]))
                          if i not in basket][: self.k]
                ranked += [i for i in _top(self.popularity, self.k + len(basket) + len(ranked), basket) if i not in ranked]
                out.append(" ".join(ranked[: self.k]))
            else:
                out.append(" ".join(_top(self.popularity, self.k, basket)))
        return {self.task.prediction_columns[0]: np.array(out, dtype=object)}


# --- fitting and scoring -------------------------------------------------------------------


def one_thread():
    """A context in which scikit-learn's OpenMP and BLAS use one thread: reproducible scores, and
    no spinning threads on a busy machine. The OpenMP runtime is loaded first so the limit reaches it."""
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def fit(name: str, task: Task, train, features: Sequence[str]) -> _Predictor:
    """The fitted reference pipeline ``name`` (one of :data:`NAMES`), fitted on one thread."""
    if name == "constant":
        return _Constant(task, train)
    if name not in NAMES:
        raise ConfigError(f"unknown reference pipeline {name!r}; choose one of: {', '.join(NAMES)}")
    if task.kind == "ranking":
        return _Ranking(name, task, train, features)
    with one_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence and dtype notes: the recipe is fixed
        return _Model(name, task, train, features)


def _features(folder: Path, task: Task, train) -> list[str]:
    cols = [c for c in _header(folder / "test.csv") if c in train.columns]
    features = [c for c in cols if c != task.id_column]
    if task.id_column in cols and column_kind(train[task.id_column]) == "date":
        features.insert(0, task.id_column)
    return features


def _write_predictions(predictor: _Predictor, folder: Path, task: Task, out: Path) -> None:
    import pandas as pd

    with open(out, "w", newline="", encoding="utf-8") as fh, one_thread():
        header = True
        for chunk in _read_csv(folder / "test.csv", task.id_column, chunksize=CHUNK_ROWS):
            preds = predictor.predict(chunk)
            frame = pd.DataFrame({task.id_column: chunk[task.id_column].to_numpy(),
                                  **{c: preds[c] for c in task.prediction_columns}})
            frame.to_csv(fh, index=False, header=header, lineterminator="\n")
            header = False


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
