"""The coach's task: the competition's :class:`scrimmage.task.Task`, for the tasks the coach handles."""

from __future__ import annotations

from ..errors import ScrimmageError
from ..task import Task, kind_of


def coach_task(info, train) -> Task:
    """The task of competition ``info`` (one target, a built-in tabular metric); a clear error otherwise."""
    from .. import metrics
    from ..metrics.classification import label_text

    s = info.settings
    if s.get("metric_file"):
        raise ScrimmageError(
            f"{info.ref!r} is scored by a host metric file; the coach works with the built-in metrics "
            f"(see `scrimmage metrics`)"
        )
    if s.get("rows") == "free":
        raise ScrimmageError(
            f"the coach works with one row per test id; {info.ref!r} takes any number of rows per id "
            f"(rows = \"free\", scored by {info.metric}): validate on whole ids (GroupKFold by "
            f"{s['id_column']}) scored with the competition's metric yourself"
        )
    targets = list(s["targets"])
    if len(targets) != 1:
        raise ScrimmageError(
            f"the coach handles competitions with one target column; {info.ref!r} has {len(targets)}: "
            + ", ".join(targets)
        )
    metric = metrics.get(info.metric)
    pred_cols = tuple(s["prediction_columns"])
    kind = kind_of(metric, pred_cols)
    if kind not in ("regression", "binary", "multiclass", "label"):
        raise ScrimmageError(
            f"the coach handles tabular tasks (metric input number, score, probability or label); "
            f"{info.ref!r} is scored by {metric.name} on {metric.input!r} predictions"
        )
    classes = ()
    if kind == "label":
        classes = tuple(sorted({label_text(v) for v in train[targets[0]].dropna().tolist()}))
    return Task.make(metric, s.get("metric_kwargs"), kind=kind, greater=bool(info.greater_is_better),
                     id_column=s["id_column"], targets=targets, prediction_columns=pred_cols, classes=classes)
