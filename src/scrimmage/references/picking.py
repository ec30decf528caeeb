"""Reference pipelines of a free-row picking competition: which proposed points to keep.

A competition with ``rows = "free"`` scored by ``point_fbeta`` whose bundle ships
``candidates.csv`` (the points a detector proposed in every id, training and test:
the id, the point's coordinates, then columns that describe it) gets the three
references every competition has (``docs/lessons.md``):

* ``constant``: every candidate of every test id (no model);
* ``simple``: logistic regression on the candidates' numeric columns (imputed with
  the median and scaled);
* ``strong``: histogram gradient boosting on the same columns (the references'
  boosting: learning rate 0.05, up to 1,000 trees, stopped early on a seeded 10 %
  holdout).

The models learn from the training ids' candidates, a candidate being a positive
when a true point of its id (``train.csv``) lies within the metric's ``radius``.
They keep a candidate when its probability reaches ``1 / (1 + beta²)``: keeping a
candidate of probability ``p`` adds ``(1 + beta²) p`` to F-beta's numerator in
expectation and 1 to its denominator, so above that cut-off it never lowers the
expected score. Like every reference they are fixed recipes (no validation or
tuning), and their predictions are written as a submission file and scored by the
code that scores every submission (:func:`scrimmage.freerows.score_file`).

Fitting uses the candidates of at most ``max_train_rows`` training rows (every
k-th training id, whole) on one thread; the test candidates are read and predicted
in chunks, so memory stays bounded whatever the size.
"""

from __future__ import annotations

import math
import tempfile
import warnings
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..errors import ConfigError
from . import NAMES

CANDIDATES = "candidates.csv"


def compute(folder: Path, bundle, metric, *, names: Sequence[str] = NAMES, max_train_rows: int,
            on_step: Callable[[str], None] | None = None) -> list[dict]:
    """The rows of ``reference_scores`` of the free-row bundle at ``folder`` (see the module's text)."""
    from ..bundle import SOLUTION
    from ..freerows import free_solution, score_file
    from .pipelines import CHUNK_ROWS, one_thread

    folder = Path(folder)
    if metric.name != "point_fbeta" or not (folder / CANDIDATES).is_file():
        raise ConfigError('reference pipelines of rows = "free" need metric point_fbeta and a candidates.csv '
                          "(the proposed points of every id) in the bundle")
    kwargs = metric.kwargs(**(bundle.metric_kwargs or {}))
    radius, beta = float(kwargs["radius"]), float(kwargs["beta"])
    cut = 1.0 / (1.0 + beta * beta)
    idc, coords = bundle.id_column, list(bundle.prediction_columns)
    test_ids = set(_read(folder / "test.csv", idc)[idc])
    train, features = _training_candidates(folder, idc, coords, test_ids, max_train_rows)
    y = _labels(train, _read_points(folder / "train.csv", idc, coords, set(train[idc])), idc, coords, radius)
    solution = free_solution(folder / SOLUTION, idc, bundle.targets, bundle.prediction_columns,
                             bundle.public_fraction, bundle.split_seed or 0)
    rows = []
    with tempfile.TemporaryDirectory(prefix="scrimmage-references-") as tmp:
        for name in names:
            if name not in NAMES:
                raise ConfigError(f"unknown reference pipeline {name!r}; choose one of: {', '.join(NAMES)}")
            if on_step:
                on_step(name)
            model = None if name == "constant" else _fit(name, train[features], y)
            path = Path(tmp) / f"{name}.csv"
            with open(path, "w", newline="", encoding="utf-8") as fh, one_thread():
                fh.write(",".join([idc, *coords]) + "\n")
                for chunk in _read(folder / CANDIDATES, idc, chunksize=CHUNK_ROWS):
                    chunk = chunk[chunk[idc].isin(test_ids)]
                    if model is not None and len(chunk):
                        chunk = chunk[model.predict_proba(chunk[features])[:, 1] >= cut]
                    chunk[[idc, *coords]].to_csv(fh, index=False, header=False, lineterminator="\n")
            scores = score_file(path, solution, metric, bundle.metric_kwargs, float("inf"), bundle.max_rows_per_id)
            rows.append({"name": name, "public": scores.public, "private": scores.private,
                         "model": _describe(name, features, radius, beta, cut, len(train))})
    return rows


def _read(path: Path, id_column: str, **kw):
    import pandas as pd

    return pd.read_csv(path, dtype={id_column: str}, **kw)


def _training_candidates(folder: Path, idc: str, coords: list[str], test_ids: set, max_rows: int):
    """The candidates of every k-th training id (whole ids, at most about ``max_rows`` rows) and the feature columns."""
    import pandas as pd
    from pandas.api.types import is_numeric_dtype

    from .pipelines import CHUNK_ROWS

    sizes: dict[str, int] = {}
    for chunk in _read(folder / CANDIDATES, idc, usecols=[idc], chunksize=CHUNK_ROWS):
        for key, n in chunk[~chunk[idc].isin(test_ids)][idc].value_counts(sort=False).items():
            sizes[key] = sizes.get(key, 0) + int(n)
    if not sizes:
        raise ConfigError("candidates.csv has no candidate of a training id: nothing to learn from")
    step = max(1, math.ceil(sum(sizes.values()) / max_rows))
    chosen = set(sorted(sizes)[::step])
    parts = [chunk[chunk[idc].isin(chosen)].copy() for chunk in _read(folder / CANDIDATES, idc, chunksize=CHUNK_ROWS)]
    train = pd.concat(parts, ignore_index=True)
    missing = [c for c in coords if c not in train.columns]
    if missing:
        raise ConfigError(f"candidates.csv lacks the point column(s) {', '.join(missing)}")
    features = [c for c in train.columns if c != idc and is_numeric_dtype(train[c])]
    return train, features


def _read_points(path: Path, idc: str, coords: list[str], ids: set):
    import pandas as pd

    from .pipelines import CHUNK_ROWS

    parts = [chunk[chunk[idc].isin(ids)] for chunk in _read(path, idc, usecols=[idc, *coords], chunksize=CHUNK_ROWS)]
    return pd.concat(parts, ignore_index=True).dropna()


def _labels(candidates, truth, idc: str, coords: list[str], radius: float) -> np.ndarray:
    """1 for a candidate with a true point of its id within ``radius``."""
    from scipy.spatial import cKDTree

    y = np.zeros(len(candidates), dtype=np.int8)
    points = {key: frame[coords].to_numpy(dtype=float) for key, frame in truth.groupby(idc)}
    xyz = candidates[coords].to_numpy(dtype=float)
    for key, index in candidates.groupby(idc).indices.items():
        if key in points:
            distance, _ = cKDTree(points[key]).query(xyz[index])
            y[index] = distance <= radius
    return y


def _fit(name: str, X, y):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from ._models import BOOSTING, BOOSTING_SMALL, SMALL_ROWS
    from .pipelines import one_thread

    if len(np.unique(y)) < 2:
        raise ConfigError("the training candidates are all of one kind (all near a true point, or none): "
                          "nothing to learn from")
    if name == "simple":
        model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(max_iter=2000))
    else:
        model = HistGradientBoostingClassifier(**(BOOSTING if len(y) >= SMALL_ROWS else BOOSTING_SMALL))
    with one_thread(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes: the recipe is fixed
        return model.fit(X, y)


def _describe(name: str, features: list[str], radius: float, beta: float, cut: float, n_rows: int) -> str:
    from ._models import SMALL_ROWS

    if name == "constant":
        return "submits every candidate of candidates.csv for every test id (no model)"
    what = ("logistic regression (numbers imputed and scaled)" if name == "simple" else
            "histogram gradient boosting (" + ("learning rate 0.05, stopped early on a seeded 10 % holdout"
                                               if n_rows >= SMALL_ROWS else "100 trees, learning rate 0.1") + ")")
    return (f"{what} on candidates.csv's {len(features)} numeric columns, a candidate being a positive when a "
            f"training point lies within {radius:g}; keeps the candidates whose probability reaches "
            f"1 / (1 + beta²) = {cut:.4f} (beta {beta:g})")
