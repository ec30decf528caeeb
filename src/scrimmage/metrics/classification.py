"""Classification metrics of predicted labels, on numpy arrays only (no scikit-learn, no pandas).

Metrics of scores (ROC AUC, average precision) are in ``scores.py``, of probabilities
(log loss, Brier, one-vs-rest AUC) in ``probabilities.py``; both use the label helpers here.

Labels are compared as they come when both sides are numeric, otherwise as
text (``1``, ``1.0`` and ``"1"`` are the same label as text). Binary metrics
take ``pos_label`` (default 1); every other label counts as negative. Each
function matches its scikit-learn namesake (checked by the oracle tests), and
raises :class:`ParticipantVisibleError` where scikit-learn would fail or
return something that is not a finite number.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParticipantVisibleError
from ._base import Metric, check_lengths, finite, register, require_rows

# -- labels -------------------------------------------------------------------


def label_text(value) -> str:
    """One label as text: integral numbers lose their ``.0``, so 3, 3.0 and "3" agree."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def text_array(values: np.ndarray) -> np.ndarray:
    """A 1-d array of labels as an object array of ``label_text`` strings."""
    kind = values.dtype.kind
    if kind in "iu":
        return values.astype(str).astype(object)
    if kind == "b":
        return np.where(values, "True", "False").astype(object)
    if kind == "U":
        return values.astype(object)
    return np.array([label_text(v) for v in values.tolist()], dtype=object)


def _is_numeric(values: np.ndarray) -> bool:
    return values.dtype.kind in "biuf"


def one_column(name: str, values, side: str) -> np.ndarray:
    values = np.asarray(values)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"{name} scores one column; {side} has shape {values.shape}")
    return values


def _like(value, values: np.ndarray):
    """``value`` in the form that compares with ``values``; None when it cannot match."""
    if _is_numeric(values):
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return None
        return value
    return label_text(value)


def _equal(values: np.ndarray, value) -> np.ndarray:
    if value is None:
        return np.zeros(values.shape, dtype=bool)
    return np.asarray(values == value, dtype=bool)


def _comparable(name: str, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both label columns as numbers when both are numeric, else both as text."""
    true = one_column(name, y_true, "y_true")
    pred = one_column(name, y_pred, "y_pred")
    require_rows(name, check_lengths(true, pred))
    if not (_is_numeric(true) and _is_numeric(pred)):
        true, pred = text_array(true), text_array(pred)
    return true, pred


def _encode(name: str, y_true, y_pred) -> tuple[int, np.ndarray, np.ndarray]:
    """(number of labels, codes of y_true, codes of y_pred) over their sorted union of labels."""
    true, pred = _comparable(name, y_true, y_pred)
    labels, codes = np.unique(np.concatenate([true, pred]), return_inverse=True)
    return len(labels), codes[: len(true)], codes[len(true) :]


def _confusion(name: str, y_true, y_pred) -> np.ndarray:
    """Confusion matrix over the union of labels: rows are true labels, columns predicted."""
    k, true, pred = _encode(name, y_true, y_pred)
    return np.bincount(true * k + pred, minlength=k * k).reshape(k, k)


def positives(name: str, y_true, pos_label) -> np.ndarray:
    """Boolean mask of the positive rows of a binary solution."""
    true = one_column(name, y_true, "y_true")
    require_rows(name, len(true))
    if _is_numeric(true):
        low, high = true.min(), true.max()
        if low != high and np.count_nonzero((true != low) & (true != high)):
            raise ValueError(f"{name} needs a solution with two labels; it has more")
        labels = [low] if low == high else [low, high]
    else:
        true = text_array(true)
        labels = list(np.unique(true))
        if len(labels) > 2:
            raise ValueError(f"{name} needs a solution with two labels; it has more")
    target = _like(pos_label, true)
    if len(labels) == 2 and not any(label == target for label in labels):
        raise ValueError(
            f"{name}: pos_label={pos_label!r} is not one of the solution's two labels; "
            "set pos_label in the competition's metric_kwargs"
        )
    return _equal(true, target)


def both_classes(name: str, pos: np.ndarray) -> int:
    n_pos = int(np.count_nonzero(pos))
    if n_pos == 0 or n_pos == len(pos):
        raise ParticipantVisibleError(
            f"{name} needs both classes among the scored rows; "
            "this part of the solution has only one class"
        )
    return n_pos


# -- label metrics --------------------------------------------------------------


def _wrong(name: str, y_true, y_pred) -> np.ndarray:
    true, pred = _comparable(name, y_true, y_pred)
    return (true != pred).astype(np.float64)


def accuracy_loss(y_true, y_pred, **_) -> np.ndarray:
    """0 for a right label, 1 for a wrong one."""
    return _wrong("accuracy", y_true, y_pred)


def accuracy(y_true, y_pred) -> float:
    return finite("accuracy", 1.0 - _wrong("accuracy", y_true, y_pred).mean())


def balanced_accuracy(y_true, y_pred) -> float:
    cm = _confusion("balanced_accuracy", y_true, y_pred)
    support = cm.sum(axis=1)
    present = support > 0
    return finite("balanced_accuracy", np.mean(np.diag(cm)[present] / support[present]))


def _per_class_f1(name: str, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    cm = _confusion(name, y_true, y_pred)
    tp = np.diag(cm).astype(np.float64)
    support = cm.sum(axis=1)
    # Every label comes from y_true or y_pred, so the denominator is never 0.
    return 2 * tp / (support + cm.sum(axis=0)), support


def f1_macro(y_true, y_pred) -> float:
    f1, _ = _per_class_f1("f1_macro", y_true, y_pred)
    return finite("f1_macro", f1.mean())


def f1_weighted(y_true, y_pred) -> float:
    f1, support = _per_class_f1("f1_weighted", y_true, y_pred)
    return finite("f1_weighted", np.dot(f1, support) / support.sum())


def f1_micro(y_true, y_pred) -> float:
    # With one label per row, micro-averaged precision, recall and F1 all equal accuracy.
    return finite("f1_micro", 1.0 - _wrong("f1_micro", y_true, y_pred).mean())


def _binary_counts(name: str, y_true, y_pred, pos_label) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives); any label but pos_label is negative."""
    true, pred = _comparable(name, y_true, y_pred)
    is_true = positives(name, true, pos_label)
    is_pred = _equal(pred, _like(pos_label, pred))
    tp = int(np.count_nonzero(is_true & is_pred))
    return tp, int(np.count_nonzero(~is_true & is_pred)), int(np.count_nonzero(is_true & ~is_pred))


def _ratio(num: float, den: float) -> float:
    # scikit-learn's zero_division default: 0 when the denominator is 0.
    return num / den if den else 0.0


def precision(y_true, y_pred, *, pos_label=1) -> float:
    tp, fp, _ = _binary_counts("precision", y_true, y_pred, pos_label)
    return finite("precision", _ratio(tp, tp + fp))


def recall(y_true, y_pred, *, pos_label=1) -> float:
    tp, _, fn = _binary_counts("recall", y_true, y_pred, pos_label)
    return finite("recall", _ratio(tp, tp + fn))


def fbeta(y_true, y_pred, *, beta=2.0, pos_label=1) -> float:
    if not beta > 0:
        raise ValueError(f"fbeta needs beta > 0; got {beta!r}")
    tp, fp, fn = _binary_counts("fbeta", y_true, y_pred, pos_label)
    b2 = float(beta) ** 2
    return finite("fbeta", _ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp))


def f1(y_true, y_pred, *, pos_label=1) -> float:
    tp, fp, fn = _binary_counts("f1", y_true, y_pred, pos_label)
    return finite("f1", _ratio(2 * tp, 2 * tp + fn + fp))


def mcc(y_true, y_pred) -> float:
    cm = _confusion("mcc", y_true, y_pred).astype(np.float64)
    t_sum, p_sum = cm.sum(axis=1), cm.sum(axis=0)
    n = cm.sum()
    cov_tp = np.trace(cm) * n - np.dot(t_sum, p_sum)
    cov_pp = n * n - np.dot(p_sum, p_sum)
    cov_tt = n * n - np.dot(t_sum, t_sum)
    if cov_pp * cov_tt == 0:
        return 0.0  # scikit-learn's convention when either side holds one label
    return finite("mcc", cov_tp / np.sqrt(cov_pp * cov_tt))


def quadratic_weighted_kappa(y_true, y_pred) -> float:
    cm = _confusion("quadratic_weighted_kappa", y_true, y_pred).astype(np.float64)
    k = len(cm)
    expected = np.outer(cm.sum(axis=1), cm.sum(axis=0)) / cm.sum()
    weights = (np.arange(k)[:, None] - np.arange(k)[None, :]) ** 2
    denominator = np.sum(weights * expected)
    if denominator == 0:
        raise ParticipantVisibleError(
            "quadratic_weighted_kappa is undefined when the solution and the submission "
            "hold one and the same label on every row"
        )
    return finite("quadratic_weighted_kappa", 1.0 - np.sum(weights * cm) / denominator)


# -- the registry ----------------------------------------------------------------------

_LABEL = "one predicted label per row"
_BINARY = "one predicted label per row; binary, positive class pos_label"

for _metric in [
    Metric("accuracy", True, "label",
           f"Share of rows whose label is right; higher is better; {_LABEL}.",
           accuracy, per_row_loss=accuracy_loss),
    Metric("balanced_accuracy", True, "label",
           f"Mean recall over the true classes; higher is better; {_LABEL}.", balanced_accuracy),
    Metric("f1", True, "label", f"F1 of the positive class; higher is better; {_BINARY}.",
           f1, defaults={"pos_label": 1}),
    Metric("f1_macro", True, "label",
           f"Unweighted mean of per-class F1; higher is better; {_LABEL}.", f1_macro),
    Metric("f1_micro", True, "label",
           f"F1 over all rows pooled (equals accuracy); higher is better; {_LABEL}.",
           f1_micro, per_row_loss=accuracy_loss),
    Metric("f1_weighted", True, "label",
           f"Mean of per-class F1 weighted by true class size; higher is better; {_LABEL}.",
           f1_weighted),
    Metric("fbeta", True, "label",
           f"F-beta of the positive class (beta > 1 favours recall); higher is better; {_BINARY}.",
           fbeta, defaults={"beta": 2.0, "pos_label": 1}),
    Metric("precision", True, "label",
           f"Share of predicted positives that are positive; higher is better; {_BINARY}.",
           precision, defaults={"pos_label": 1}),
    Metric("recall", True, "label",
           f"Share of true positives that are predicted positive; higher is better; {_BINARY}.",
           recall, defaults={"pos_label": 1}),
    Metric("mcc", True, "label",
           "Matthews correlation between true and predicted labels (-1 to 1); "
           f"higher is better; {_LABEL}.", mcc),
    Metric("quadratic_weighted_kappa", True, "label",
           "Agreement of ordered labels beyond chance, quadratic penalty by distance (-1 to 1); "
           f"higher is better; {_LABEL}.", quadratic_weighted_kappa),
]:
    register(_metric)
