"""Classification metrics, on numpy arrays only (no scikit-learn, no pandas).

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
from ._base import Metric, check_lengths, finite, numeric_predictions, register, require_rows

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


def _one_column(name: str, values, side: str) -> np.ndarray:
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
    true = _one_column(name, y_true, "y_true")
    pred = _one_column(name, y_pred, "y_pred")
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
    true = _one_column(name, y_true, "y_true")
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


def _both_classes(name: str, pos: np.ndarray) -> int:
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


# -- ranking quality of scores -----------------------------------------------------


def _binary_auc(name: str, pos: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve as the Mann-Whitney U statistic, ties counting one half.

    Each class is sorted on its own; for every distinct score of the smaller
    class, ``searchsorted`` counts the rows of the other class strictly below
    it (side="left") and below or level with it (side="right"). Their sum,
    weighted by how often the score occurs, is 2U. This ranks nothing and
    loops over nothing in Python.
    """
    n_pos = _both_classes(name, pos)
    n_neg = len(pos) - n_pos
    pos_scores = _sorted(scores[pos])
    neg_scores = _sorted(scores[~pos])
    if n_pos <= n_neg:
        twice_u = _count_below(neg_scores, pos_scores)
    else:  # 2U = sum over negatives of 2 * (positives above) + (positives level)
        twice_u = 2 * n_pos * n_neg - _count_below(pos_scores, neg_scores)
    return float(twice_u) / (2.0 * n_pos * n_neg)


# Below this size numpy's own sort is about as quick, and the first numpy
# array handed to polars has a one-off cost (it loads numpy.ma, about 10 ms).
_POLARS_SORT_ROWS = 200_000


def _sorted(values: np.ndarray) -> np.ndarray:
    """``values`` sorted; a large array by polars, which takes about 40 % less
    CPU time than numpy's sort and uses every core."""
    if values.size < _POLARS_SORT_ROWS or values.dtype.itemsize > 8:  # polars has no long double
        values.sort()
        return values
    import polars as pl

    return pl.Series(values).sort().to_numpy()


def _count_below(sorted_values: np.ndarray, sorted_queries: np.ndarray) -> int:
    """Sum over the queries of (values < q) + (values <= q).

    When most queries repeat an earlier one (scores written with few decimals),
    each distinct query is searched once and weighted by its count.
    """
    queries, weights = sorted_queries, None
    if len(sorted_queries) > 1:
        first = np.flatnonzero(sorted_queries[1:] != sorted_queries[:-1]) + 1
        if len(first) < len(sorted_queries) // 2:
            starts = np.concatenate(([0], first))
            queries = sorted_queries[starts]
            weights = np.diff(np.append(starts, len(sorted_queries)))
    counts = np.searchsorted(sorted_values, queries, side="left").astype(np.int64, copy=False)
    counts += np.searchsorted(sorted_values, queries, side="right")
    return int(counts.sum() if weights is None else np.dot(counts, weights))


def _scores(name: str, pos: np.ndarray, y_pred) -> np.ndarray:
    scores = numeric_predictions(name, _one_column(name, y_pred, "y_pred"))
    check_lengths(pos, scores)
    return scores


def roc_auc(y_true, y_pred, *, pos_label=1) -> float:
    pos = positives("roc_auc", y_true, pos_label)
    return finite("roc_auc", _binary_auc("roc_auc", pos, _scores("roc_auc", pos, y_pred)))


def average_precision(y_true, y_pred, *, pos_label=1) -> float:
    """scikit-learn's step-wise AP: sum over distinct thresholds of (R_n - R_{n-1}) P_n."""
    name = "average_precision"
    pos = positives(name, y_true, pos_label)
    scores = _scores(name, pos, y_pred)
    n_pos = _both_classes(name, pos)
    order = np.argsort(scores)[::-1]
    scores, hits = scores[order], pos[order]
    last = np.append(np.flatnonzero(scores[1:] != scores[:-1]), len(scores) - 1)
    tps = np.cumsum(hits, dtype=np.int64)[last]
    precision_at = tps / (last + 1.0)
    recall_gain = np.diff(tps, prepend=0) / n_pos
    return finite(name, np.dot(recall_gain, precision_at))


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
    true = _one_column(name, true, "y_true")
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
    proba = _probabilities("brier", _one_column("brier", y_pred, "y_pred"))
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
    aucs = [_binary_auc(name, onehot[:, c], scores[:, c]) for c in range(scores.shape[1])]
    return finite(name, np.mean(aucs))


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
    Metric("roc_auc", True, "score",
           "Area under the ROC curve: chance a positive row outscores a negative one; higher is "
           "better; one score per row, only its order matters.",
           roc_auc, defaults={"pos_label": 1}),
    Metric("average_precision", True, "score",
           "Area under the precision-recall curve (step-wise); higher is better; one score per "
           "row, only its order matters.", average_precision, defaults={"pos_label": 1}),
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
