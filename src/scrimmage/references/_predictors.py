"""Fitted reference pipelines: ``predict(frame)`` gives the prediction columns for those rows."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from ..metrics import best_constant
from ..task import Task
from ._columns import Prepared
from ._models import describe, estimator

class Predictor:
    """A fitted reference: ``predict(frame)`` -> the prediction columns for those rows."""

    description = ""

    def predict(self, frame) -> dict[str, np.ndarray]:
        raise NotImplementedError


class Constant(Predictor):
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


class Model(Predictor):
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
            est = estimator(name, task, self.prep, int(keep.sum()))
            est.fit(X[keep], y[keep].to_numpy())
            self.models.append((c, est))
        self.description = describe(name, task, self.prep, len(train))

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


class Ranking(Predictor):
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
        self.description = describe(name, task, None)

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
