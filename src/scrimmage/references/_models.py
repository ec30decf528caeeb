"""The estimators of the simple and strong reference pipelines, and the sentence that describes each."""

from __future__ import annotations

import numpy as np

from ..task import Task
from ._columns import Prepared

#: Categories with more levels than this are target-encoded by the strong model.
MAX_LEVELS = 250
#: The strong model's gradient boosting settings.
BOOSTING = dict(learning_rate=0.05, max_iter=1000, early_stopping=True, validation_fraction=0.1,
                n_iter_no_change=30, random_state=0)
#: ... and below this many training rows, where a 10 % holdout is too small to stop on.
SMALL_ROWS = 500
BOOSTING_SMALL = dict(learning_rate=0.1, max_iter=100, early_stopping=False, random_state=0)


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


def estimator(name: str, task: Task, prep: Prepared, n_rows: int):
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


def describe(name: str, task: Task, prep: Prepared | None, n_rows: int = 0) -> str:
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
