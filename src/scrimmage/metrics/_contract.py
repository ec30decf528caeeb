"""From Kaggle's two DataFrames to the arrays a metric computes on.

``arrays_from_frames`` aligns the submission to the solution by id (ids are
compared as text), checks what the participant can fix and says so with a
:class:`ParticipantVisibleError` naming ids and columns only, never solution
values. Problems with the solution itself are the host's: they raise
``ValueError``, which the participant never sees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParticipantVisibleError
from ._base import Metric
from .classification import text_array

#: How many ids an error message quotes.
SHOWN_IDS = 5


def _quote(values) -> str:
    values = list(values)
    shown = ", ".join(repr(str(v)) for v in values[:SHOWN_IDS])
    return shown + (", ..." if len(values) > SHOWN_IDS else "")


def _names(columns) -> str:
    return ", ".join(repr(c) for c in columns)


def _align(solution: pd.DataFrame, submission: pd.DataFrame, id_column: str) -> np.ndarray:
    """Position in ``submission`` of each solution row."""
    solution_ids = pd.Index(solution[id_column].astype(str).to_numpy(dtype=object))
    submission_ids = pd.Index(submission[id_column].astype(str).to_numpy(dtype=object))
    if not solution_ids.is_unique:
        raise ValueError(f"the solution has {solution_ids.duplicated().sum()} duplicate ids")
    if not submission_ids.is_unique:
        repeated = submission_ids[submission_ids.duplicated()].unique()
        raise ParticipantVisibleError(
            f"the submission has {len(repeated)} duplicate ids, e.g. {_quote(repeated)}"
        )
    position = submission_ids.get_indexer(solution_ids)
    problems = []
    missing = solution_ids[position < 0]
    if len(missing):
        problems.append(f"the submission is missing {len(missing)} ids, e.g. {_quote(missing)}")
    extra = submission_ids.difference(solution_ids, sort=False)
    if len(extra):
        problems.append(
            f"the submission has {len(extra)} ids that are not in the solution, "
            f"e.g. {_quote(extra)}"
        )
    if problems:
        raise ParticipantVisibleError("; ".join(problems))
    return position


def _empty(frame: pd.DataFrame, column, ids: pd.Series) -> None:
    blank = frame[column].isna().to_numpy()
    if blank.any():
        raise ParticipantVisibleError(
            f"the submission column {str(column)!r} has {int(blank.sum())} empty values, "
            f"e.g. ids {_quote(ids[blank])}"
        )


def _submitted_numbers(frame: pd.DataFrame, columns, ids: pd.Series) -> np.ndarray:
    out = []
    for column in columns:
        _empty(frame, column, ids)
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            raise ParticipantVisibleError(
                f"the submission column {str(column)!r} must hold numbers; {int(bad.sum())} rows "
                f"do not, e.g. ids {_quote(ids[bad])}"
            )
        out.append(values.to_numpy(dtype=np.float64))
    return np.column_stack(out)


def _solution_values(frame: pd.DataFrame, columns, *, numbers: bool) -> list[np.ndarray]:
    out = []
    for column in columns:
        series = frame[column]
        if series.isna().any():
            raise ValueError(f"the solution column {str(column)!r} has empty values")
        if numbers:
            values = pd.to_numeric(series, errors="coerce")
            if values.isna().any():
                raise ValueError(f"the solution column {str(column)!r} must hold numbers")
            out.append(values.to_numpy(dtype=np.float64))
        else:
            out.append(_labels(series))
    return out


def _labels(series: pd.Series) -> np.ndarray:
    """Numeric labels as numbers, any other labels as text."""
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy()
    return text_array(series.to_numpy(dtype=object))


def _stack(arrays: list[np.ndarray]) -> np.ndarray:
    return arrays[0] if len(arrays) == 1 else np.column_stack(arrays)


def _match_columns(targets: list, predictions: list) -> list:
    """The prediction column for each target column, by name; one column each may differ."""
    by_name = {str(c): c for c in predictions}
    if sorted(by_name) == sorted(str(c) for c in targets):
        return [by_name[str(c)] for c in targets]
    if len(targets) == len(predictions) == 1:
        return list(predictions)
    raise ParticipantVisibleError(
        f"the submission's prediction columns must be {_names(map(str, targets))}; "
        f"got {_names(map(str, predictions))}"
    )


def arrays_from_frames(
    metric: Metric, solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...] | None]:
    """``(y_true, y_pred, classes)`` in solution row order.

    One target column gives 1-d arrays, several give (rows, columns). For a
    ``needs_classes`` metric the prediction columns are the classes
    (``classes`` is their names, in submission order) and the solution holds
    one label column (labels match column names as text: label 3 is column
    "3") or the same one-hot columns; with a single prediction column the
    metric is binary and ``y_true`` holds the solution's labels.
    """
    id_column = row_id_column_name
    if id_column not in solution.columns:
        raise ValueError(f"the solution has no id column {id_column!r}")
    if id_column not in submission.columns:
        raise ParticipantVisibleError(f"the submission has no id column {id_column!r}")
    if "Usage" in solution.columns:
        solution = solution.drop(columns=["Usage"])
    targets = [c for c in solution.columns if c != id_column]
    predictions = [c for c in submission.columns if c != id_column]
    if not targets:
        raise ValueError("the solution has no target column")
    if not predictions:
        raise ParticipantVisibleError(
            f"the submission has no prediction column besides {id_column!r}"
        )

    submission = submission.iloc[_align(solution, submission, id_column)].reset_index(drop=True)
    solution = solution.reset_index(drop=True)
    ids = solution[id_column].astype(str)

    if metric.needs_classes:
        return _class_arrays(solution, submission, targets, predictions, ids)

    columns = _match_columns(targets, predictions)
    kind = metric.input
    if kind == "text":
        y_true = [_text(solution[c]) for c in targets]
        y_pred = [_text(submission[c]) for c in columns]
    elif kind == "label":
        for column in columns:
            _empty(submission, column, ids)
        y_true = _solution_values(solution, targets, numbers=False)
        y_pred = [_labels(submission[c]) for c in columns]
        if not all(a.dtype.kind in "biuf" for a in y_true + y_pred):
            y_true = [text_array(a) for a in y_true]
            y_pred = [text_array(a) for a in y_pred]
    else:
        y_true = _solution_values(solution, targets, numbers=kind == "number")
        y_pred = list(_submitted_numbers(submission, columns, ids).T)
    return _stack(y_true), _stack(y_pred), None


def _text(series: pd.Series) -> np.ndarray:
    return np.array(["" if pd.isna(v) else str(v) for v in series.tolist()], dtype=object)


def _class_arrays(solution, submission, targets, predictions, ids):
    classes = tuple(str(c) for c in predictions)
    y_pred = _submitted_numbers(submission, predictions, ids)
    if len(targets) == 1:
        y_true = _solution_values(solution, targets, numbers=False)[0]
        if len(predictions) == 1:
            return y_true, y_pred[:, 0], classes
        return text_array(y_true), y_pred, classes
    by_name = {str(c): c for c in targets}
    if sorted(by_name) != sorted(classes):
        raise ParticipantVisibleError(
            f"the submission's prediction columns must be {_names(sorted(by_name))}; "
            f"got {_names(classes)}"
        )
    onehot = _solution_values(solution, [by_name[c] for c in classes], numbers=True)
    return np.column_stack(onehot), y_pred, classes


def verify_valid_probabilities(df: pd.DataFrame, df_name: str) -> None:
    """Kaggle's check: numeric, within [0, 1], each row summing to 1 (within 1e-3)."""
    values = df.to_numpy()
    if not all(pd.api.types.is_numeric_dtype(t) for t in df.dtypes):
        raise ParticipantVisibleError(f"All target values in {df_name} must be numeric")
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)):
        raise ParticipantVisibleError(f"All target values in {df_name} must be present and finite")
    if values.min(initial=0.0) < 0:
        raise ParticipantVisibleError(f"All target values in {df_name} must be at least zero")
    if values.max(initial=0.0) > 1:
        raise ParticipantVisibleError(f"All target values in {df_name} must be no greater than one")
    if not np.allclose(values.sum(axis=1), 1, rtol=0, atol=1e-3):
        raise ParticipantVisibleError(
            f"Target values in {df_name} do not add to one within all rows"
        )


__all__ = ["arrays_from_frames", "verify_valid_probabilities"]
