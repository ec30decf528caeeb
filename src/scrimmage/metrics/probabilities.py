"""Metrics of predicted probabilities (log loss, Brier score, one-vs-rest ROC AUC), on numpy arrays only.

A binary task gives one probability column (of ``pos_label``); a multiclass one a column per class
(``classes=`` names them). Each matches its scikit-learn namesake (checked by the oracle tests).
"""

from __future__ import annotations

import numpy as np

from ..errors import ParticipantVisibleError
from ._base import Metric, check_lengths, finite, numeric_predictions, register, require_rows
from .classification import label_text, one_column, positives, text_array
from .scores import binary_auc


# -- probabilities -------------------------------------------------------------------


def _probabilities(name: str, y_pred) -> np.ndarray:
    proba = numeric_predictions(name, y_pred).astype(np.float64, copy=False)
    outside = int(np.count_nonzero((proba < 0) | (proba > 1)))
    if outside:
        raise ParticipantVisibleError(
            f"{name} needs probabilities between 0 and 1; {outside} values are outside"
        )
    if proba.ndim == 2 and proba.shape[1] == 1:
        proba = proba[:, 0]
    return proba


def _class_key(label) -> str:
    """A label or class column name as text; "3", "3.0" and 3 give the same key."""
    text = label_text(label)
    try:
        return label_text(float(text))
    except ValueError:
        return text


def class_targets(name: str, y_true, k: int, classes=None) -> np.ndarray:
    """(n, k) boolean one-hot matrix of the true class of each row.

    ``y_true`` is either one-hot already (n, k), its columns in the order of
    ``y_pred``'s, or one label per row; labels match ``classes`` (the
    prediction columns' names) as text, where numbers match whatever their
    spelling ("3.0" matches column "3"). Without
    ``classes``, integer labels 0..k-1 are column positions and other labels
    are matched to the columns in sorted order, like scikit-learn.
    """
    true = np.asarray(y_true)
    if true.ndim == 2 and true.shape[1] > 1:
        if true.shape[1] != k:
            raise ValueError(f"{name}: y_true has {true.shape[1]} columns but y_pred has {k}")
        onehot = np.asarray(true, dtype=np.float64)
        if not np.all((onehot == 0) | (onehot == 1)) or not np.all(onehot.sum(axis=1) == 1):
            raise ValueError(f"{name}: a one-hot solution must hold 0 or 1, with one 1 per row")
        return onehot == 1
    true = one_column(name, true, "y_true")
    if classes is None:
        if true.dtype.kind in "iub" and len(true) and true.min() >= 0 and true.max() < k:
            index = true.astype(np.int64)
        else:
            labels = np.unique(true)
            if len(labels) != k:
                raise ValueError(
                    f"{name}: pass classes= (the label of each prediction column); "
                    f"y_true has {len(labels)} labels for {k} columns"
                )
            index = np.searchsorted(labels, true)
    else:
        if len(classes) != k:
            raise ValueError(f"{name}: {len(classes)} classes for {k} prediction columns")
        column = {_class_key(c): i for i, c in enumerate(classes)}
        labels, inverse = np.unique(text_array(true), return_inverse=True)
        index = np.array([column.get(_class_key(v), -1) for v in labels], dtype=np.int64)[inverse]
        if np.any(index < 0):
            raise ParticipantVisibleError(
                "the submission has no prediction column for some of the solution's labels; "
                "it needs one column per class, named exactly as the classes"
            )
    return index[:, None] == np.arange(k)[None, :]


def log_loss_rows(y_true, y_pred, *, eps=1e-15, pos_label=1, classes=None) -> np.ndarray:
    name = "log_loss"
    proba = _probabilities(name, y_pred)
    require_rows(name, len(proba))
    if proba.ndim == 1:
        pos = positives(name, y_true, pos_label)
        check_lengths(pos, proba)
        proba = np.clip(proba, eps, 1 - eps)
        return -np.where(pos, np.log(proba), np.log1p(-proba))
    onehot = class_targets(name, y_true, proba.shape[1], classes)
    check_lengths(onehot, proba)
    sums = proba.sum(axis=1)
    empty = int(np.count_nonzero(sums == 0))
    if empty:
        raise ParticipantVisibleError(
            f"log_loss needs probabilities that do not sum to 0; {empty} rows do"
        )
    # Kaggle's multiclass log loss: rescale each row to sum 1, then clip.
    proba = np.clip(proba / sums[:, None], eps, 1 - eps)
    return -np.log(proba[onehot])


def log_loss(y_true, y_pred, *, eps=1e-15, pos_label=1, classes=None) -> float:
    rows = log_loss_rows(y_true, y_pred, eps=eps, pos_label=pos_label, classes=classes)
    return finite("log_loss", rows.mean())


def brier_rows(y_true, y_pred, *, pos_label=1) -> np.ndarray:
    proba = _probabilities("brier", one_column("brier", y_pred, "y_pred"))
    pos = positives("brier", y_true, pos_label)
    check_lengths(pos, proba)
    return (proba - pos) ** 2


def brier(y_true, y_pred, *, pos_label=1) -> float:
    return finite("brier", brier_rows(y_true, y_pred, pos_label=pos_label).mean())


def roc_auc_ovr(y_true, y_pred, *, classes=None) -> float:
    name = "roc_auc_ovr"
    scores = numeric_predictions(name, y_pred)
    if scores.ndim != 2 or scores.shape[1] < 2:
        raise ValueError(f"{name} needs one probability column per class (at least 2)")
    onehot = class_targets(name, y_true, scores.shape[1], classes)
    check_lengths(onehot, scores)
    require_rows(name, len(scores))
    counts = onehot.sum(axis=0)
    if np.any(counts == 0) or np.any(counts == len(scores)):
        raise ParticipantVisibleError(
            f"{name} needs every class among the scored rows; "
            "this part of the solution lacks at least one class"
        )
    aucs = [binary_auc(name, onehot[:, c], scores[:, c]) for c in range(scores.shape[1])]
    return finite(name, np.mean(aucs))


# -- the registry ----------------------------------------------------------------------

for _metric in [
    Metric("roc_auc_ovr", True, "probability",
           "Mean one-vs-rest ROC AUC over the classes; higher is better; one probability column "
           "per class.", roc_auc_ovr, needs_classes=True),
    Metric("log_loss", False, "probability",
           "Mean negative log-likelihood of the true class; lower is better; one probability "
           "column (binary) or one per class.", log_loss,
           defaults={"eps": 1e-15, "pos_label": 1}, needs_classes=True, per_row_loss=log_loss_rows),
    Metric("brier", False, "probability",
           "Mean squared error of the predicted probability of the positive class; lower is "
           "better; one probability per row.",
           brier, defaults={"pos_label": 1}, per_row_loss=brier_rows),
]:
    register(_metric)
