"""Scores computed the same way for any two runs, so gains are like for like.

A run's recorded CV is the mean of its fold scores: with a repeated split,
``repeats x folds`` scores, each on one repeat's fold. A blend is fitted on the
members' out-of-fold predictions, which on a repeated split are averaged over
the repeats (averaging alone smooths them), and it is scored on the first
repeat's folds. Setting the blend's score beside a member's recorded CV then
credits the blend with what averaging did. :func:`fold_scores` scores any
out-of-fold prediction on the first repeat's folds and the scored rows, the
basis every blend uses, so members, blends and ``compare`` speak of the same thing.
"""

from __future__ import annotations

import numpy as np

from ..errors import ScrimmageError

#: how a like-for-like score is described wherever it is shown
BASIS = "out-of-fold predictions averaged over the repeats, scored on the first repeat's folds"


def fold_scores(task, y: np.ndarray, oof: np.ndarray, folds) -> list[float | None]:
    """The score of ``oof`` on each fold of the first repeat, on the scored rows where it is defined."""
    fold = folds.fold[:, 0]
    have = ~np.isnan(oof if oof.ndim == 1 else oof[:, 0])
    out: list[float | None] = []
    for k in range(folds.n_folds):
        rows = (fold == k) & folds.scored & have
        if not rows.any():
            out.append(None)
            continue
        try:
            out.append(float(task.score(y[rows], oof[rows])))
        except (ValueError, ZeroDivisionError, ScrimmageError):  # undefined on this fold (e.g. one class only)
            out.append(None)
    return out


def mean_score(scores: list[float | None]) -> float | None:
    valid = [s for s in scores if s is not None]
    return float(np.mean(valid)) if valid else None
