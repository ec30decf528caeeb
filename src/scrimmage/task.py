"""What a competition asks for: its target columns, the metric, and one prediction format per kind of task.

One :class:`Task` serves the coach and the reference pipelines. Its ``kind``
follows from the metric's input and the prediction columns (:func:`kind_of`):

* ``regression`` (metric input ``number``): one float per row;
* ``binary`` (``score``, or ``probability`` with one column): the probability (or
  score) of the positive class, one float per row;
* ``multiclass`` (``probability`` with one column per class): an ``(n, k)`` array
  ordered like the submission's columns;
* ``label`` (``label``): an ``(n, k)`` array of class probabilities over the
  training labels; the label written and scored is the most probable class;
* ``ranking`` (``text``): space-separated items (the reference pipelines only).

The prediction methods below (the coach's) work on one target column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("regression", "binary", "multiclass", "label", "ranking")


def kind_of(metric, prediction_columns) -> str | None:
    """The task kind for ``metric``'s input and the prediction columns; None for an input no kind covers.

    >>> from scrimmage import metrics
    >>> kind_of(metrics.get("roc_auc"), ["target"]), kind_of(metrics.get("log_loss"), ["a", "b", "c"])
    ('binary', 'multiclass')
    """
    if metric.input == "text":
        return "ranking"
    if metric.input == "number":
        return "regression"
    if metric.input in ("score", "probability"):
        return "binary" if len(prediction_columns) == 1 else "multiclass"
    if metric.input == "label":
        return "label"
    return None


@dataclass(frozen=True)
class Task:
    metric: Any  # scrimmage.metrics.Metric
    metric_kwargs: dict  # the metric's defaults with the competition's metric_kwargs (without ``classes``)
    greater: bool
    id_column: str
    targets: tuple[str, ...]
    prediction_columns: tuple[str, ...]
    kind: str  # one of KINDS
    classes: tuple = ()  # training labels (label tasks) or prediction columns (multiclass)
    pos_label: Any = 1

    @classmethod
    def make(cls, metric, metric_kwargs: dict | None, *, kind: str, greater: bool, id_column: str, targets,
             prediction_columns, classes: tuple = ()) -> "Task":
        """A task with the metric's defaults merged into ``metric_kwargs``."""
        kw = metric.kwargs(**(metric_kwargs or {}))
        kw.pop("classes", None)
        pred_cols = tuple(prediction_columns)
        if kind == "multiclass" and not classes:
            classes = pred_cols
        return cls(metric=metric, metric_kwargs=kw, greater=bool(greater), id_column=id_column,
                   targets=tuple(targets), prediction_columns=pred_cols, kind=kind, classes=tuple(classes),
                   pos_label=kw.get("pos_label", 1))

    @property
    def target(self) -> str:
        """The target column (tasks of one target column)."""
        return self.targets[0]

    # -- the target -------------------------------------------------------------
    @property
    def is_classification(self) -> bool:
        return self.kind != "regression"

    @property
    def width(self) -> int:
        """Columns of the internal prediction (1 for a 1-d prediction)."""
        return len(self.classes) if self.kind in ("multiclass", "label") else 1

    def y(self, frame) -> np.ndarray:
        values = frame[self.target].to_numpy()
        return values.astype(np.float64) if self.kind == "regression" else values

    def positive(self, y) -> np.ndarray:
        """Boolean positive mask of a binary target."""
        from .metrics.classification import label_text

        want = label_text(self.pos_label)
        return np.array([label_text(v) == want for v in np.asarray(y).tolist()], dtype=bool)

    def onehot(self, y) -> np.ndarray:
        """``(n, k)`` indicator of the classes (multiclass and label tasks)."""
        from .metrics.classification import label_text

        text = np.array([label_text(v) for v in np.asarray(y).tolist()], dtype=object)
        return np.column_stack([text == c for c in self.classes]).astype(np.float64)

    def encoded(self, y) -> np.ndarray:
        """The target as numbers: the value, the positive indicator, or class indicators."""
        if self.kind == "regression":
            return np.asarray(y, dtype=np.float64)
        if self.kind == "binary":
            return self.positive(y).astype(np.float64)
        return self.onehot(y)

    # -- predictions --------------------------------------------------------------
    def predict(self, model, X) -> np.ndarray:
        """The fitted ``model``'s predictions for ``X`` in the internal form."""
        if self.kind == "regression":
            return np.asarray(model.predict(X), dtype=np.float64).reshape(len(X))
        if hasattr(model, "predict_proba"):
            proba = np.asarray(model.predict_proba(X), dtype=np.float64)
            return self._from_proba(proba, list(getattr(model, "classes_", range(proba.shape[1]))))
        if self.kind == "binary" and hasattr(model, "decision_function"):
            return np.asarray(model.decision_function(X), dtype=np.float64).reshape(len(X))
        labels = np.asarray(model.predict(X))
        if self.kind == "binary":
            return self.positive(labels).astype(np.float64)
        return self.onehot(labels)

    def _from_proba(self, proba: np.ndarray, model_classes: list) -> np.ndarray:
        from .metrics.classification import label_text

        names = [label_text(c) for c in model_classes]
        if self.kind == "binary":
            want = label_text(self.pos_label)
            if want in names:
                return proba[:, names.index(want)]
            return np.zeros(len(proba))  # the positive class never appeared in the training rows
        out = np.zeros((len(proba), len(self.classes)))
        for j, c in enumerate(self.classes):
            if c in names:
                out[:, j] = proba[:, names.index(c)]
        return out

    def output(self, pred: np.ndarray) -> np.ndarray:
        """What the metric and the submission receive: labels for label tasks, else ``pred``."""
        if self.kind == "label":
            labels = np.asarray(self.classes, dtype=object)[np.argmax(pred, axis=1)]
            return _numeric_if_possible(labels)
        if self.kind == "multiclass":
            sums = pred.sum(axis=1, keepdims=True)
            return np.divide(pred, sums, out=np.full_like(pred, 1.0 / pred.shape[1]), where=sums > 0)
        return pred

    def score(self, y_true, pred: np.ndarray) -> float:
        from .metrics import call_kwargs

        kw = call_kwargs(self.metric, self.metric_kwargs, self.prediction_columns)
        y_true = np.asarray(y_true)
        if self.kind == "label" and y_true.dtype.kind not in "biuf":
            y_true = y_true.astype(str)
        return float(self.metric.compute(y_true, self.output(pred), **kw))

    def better(self, a: float, b: float) -> bool:
        """True when score ``a`` is strictly better than ``b``."""
        return a > b if self.greater else a < b

    def loss(self, value: float) -> float:
        """A score turned into a number to minimise."""
        return -value if self.greater else value

    def submission(self, ids, pred: np.ndarray):
        """The submission DataFrame for the test ids."""
        import pandas as pd

        frame = pd.DataFrame({self.id_column: ids})
        out = self.output(pred)
        if self.kind == "multiclass":
            for j, c in enumerate(self.prediction_columns):
                frame[c] = out[:, j]
        else:
            frame[self.prediction_columns[0]] = out
        return frame


def _numeric_if_possible(labels: np.ndarray) -> np.ndarray:
    try:
        as_float = labels.astype(np.float64)
    except (TypeError, ValueError):
        return labels.astype(str)
    if np.all(as_float == np.round(as_float)):
        return as_float.astype(np.int64)
    return as_float
