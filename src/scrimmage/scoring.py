"""Score an aligned submission on the Public and Private rows of a solution.

Built-in metrics take the fast path (numpy arrays, no pandas). A host metric
file gets Kaggle's contract: pandas DataFrames of the rows being scored.
Errors from a metric become :class:`ScoringError`: the message of a
``ParticipantVisibleError`` reaches the participant; anything else reaches the
host only.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ScoringError, is_participant_visible
from .limits import SUBMISSION_LIMIT_MB
from .metrics import call_kwargs
from .solution import Solution
from .submissions import Aligned, check_and_align

GENERIC = "scoring error: the metric failed on this submission; the host can see the details"


@dataclass(frozen=True)
class Scores:
    public: float | None
    private: float | None

    def as_dict(self) -> dict:
        return {"public": self.public, "private": self.private}


def score_file(path: str | Path, solution: Solution, metric, metric_kwargs: dict | None = None,
               limit_mb: float = SUBMISSION_LIMIT_MB) -> tuple[Scores, Aligned]:
    """Check ``path`` against ``solution`` and score it; raises SubmissionError or ScoringError."""
    aligned = check_and_align(path, solution, metric.input, limit_mb)
    return score_aligned(aligned, solution, metric, metric_kwargs or {}), aligned


def score_aligned(aligned: Aligned, solution: Solution, metric, metric_kwargs: dict) -> Scores:
    kwargs = call_kwargs(metric, metric_kwargs, solution.prediction_columns)
    if hasattr(metric, "score_splits"):  # a host's metric file: both splits in one child process
        return _score_splits(aligned, solution, metric, kwargs)
    y_true = None if metric.input == "any" else solution.y_true(metric.input)
    out = {}
    for usage in ("Public", "Private"):
        mask = solution.mask(usage)
        if not mask.any():
            out[usage] = None
            continue
        if metric.input == "any":
            value = _guard(lambda: metric.score_frames(*_frames(aligned, solution, mask), solution.id_column, **kwargs))
        else:
            value = _guard(lambda: metric.compute(y_true[mask], aligned.y_pred[mask], **kwargs))
        out[usage] = value
    return Scores(public=out["Public"], private=out["Private"])


def _score_splits(aligned: Aligned, solution: Solution, metric, kwargs: dict) -> Scores:
    masks = {usage: solution.mask(usage) for usage in ("Public", "Private")}
    frames = {usage: _frames(aligned, solution, mask) for usage, mask in masks.items() if mask.any()}
    values: dict = {}
    _guard(lambda: values.update(metric.score_splits(frames, solution.id_column, **kwargs)) or 0.0)
    out = {usage: _guard(lambda: values[usage]) if usage in frames else None for usage in masks}
    return Scores(public=out["Public"], private=out["Private"])


def per_row_losses(aligned: Aligned, solution: Solution, metric, metric_kwargs: dict, usage: str = "Public"):
    """Per-row losses on one usage's rows, or None when the metric has none."""
    if getattr(metric, "per_row_loss", None) is None:
        return None
    kwargs = call_kwargs(metric, metric_kwargs, solution.prediction_columns)
    mask = solution.mask(usage)
    return np.asarray(metric.per_row_loss(solution.y_true(metric.input)[mask], aligned.y_pred[mask], **kwargs))


def _frames(aligned: Aligned, solution: Solution, mask: np.ndarray):
    """Pandas frames for Kaggle's contract: the scored rows, ``Usage`` removed."""
    import pandas as pd

    sol = solution.frame.filter(mask).drop("Usage")
    sub = aligned.frame.filter(mask)
    to_pandas = lambda f: pd.DataFrame({c: f[c].to_numpy() for c in f.columns})  # noqa: E731
    sub_pd = to_pandas(sub)
    for c in sub_pd.columns:
        if c != solution.id_column:
            sub_pd[c] = _maybe_numeric(sub_pd[c])
    return to_pandas(sol), sub_pd


def _maybe_numeric(col):
    import pandas as pd

    try:
        return pd.to_numeric(col)
    except (ValueError, TypeError):
        return col


def _guard(fn) -> float:
    try:
        value = float(fn())
    except Exception as exc:  # noqa: BLE001 - a metric may fail in any way
        if is_participant_visible(exc):
            raise ScoringError(str(exc)) from None
        raise ScoringError(GENERIC, host_detail=getattr(exc, "host_detail", None) or traceback.format_exc()) from None
    if not np.isfinite(value):
        raise ScoringError(GENERIC, host_detail=f"the metric returned {value}, not a finite number")
    return value


#: a metric call whose failure becomes a ScoringError (shared with freerows.py)
guard = _guard
