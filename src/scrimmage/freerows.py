"""Free-row competitions (``rows = "free"``): any number of rows per test id.

Object detection, particle picking, run-length-encoded masks, top-k lists in rows:
a submission's rows are not one per test id. Under ``rows = "free"``:

* the id column is a group key: every row's id must be one of the test set's ids,
  and an id may have any number of rows, none included;
* the header is checked as usual (the columns of sample_submission.csv);
* the file's size limit holds, and at most ``max_rows_per_id`` rows per test id in all;
* a row whose prediction columns are all empty stands for "nothing here" and is
  dropped; one with some empty and some filled is a problem to fix;
* Public and Private go by id (every row of an id has the id's Usage), and the
  whole part goes to the metric: a built-in free-row metric (``point_fbeta``) or
  a host's metric file, with Kaggle's contract (``score(solution, submission,
  row_id_column_name)``).

The solution lists every test id at least once (a row with empty targets for an id
with nothing to find); without a Usage column, ids (not rows) are split with the
seeded split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from .bundle import USAGE
from .limits import EXAMPLES, SUBMISSION_LIMIT_MB
from .scoring import Scores
from .solution import Solution, assign_usage
from .submission_file import plain_file, read_submission, rejection

__all__ = ["check_free", "free_solution", "score_free", "score_file", "usage_problems"]


def free_solution(path: Path, id_column: str, targets=None, prediction_columns=None,
                  public_fraction: float = 0.25, split_seed: int = 0) -> Solution:
    """``solution.csv`` of a free-row competition, Usage given by id (the seeded split draws ids, not rows)."""
    overrides = {id_column: pl.String, USAGE: pl.String}
    frame = pl.read_csv(path, schema_overrides=overrides, infer_schema_length=None)
    targets = tuple(targets or [c for c in frame.columns if c not in (id_column, USAGE)])
    if USAGE not in frame.columns:
        ids = frame[id_column].unique(maintain_order=True)
        usage = pl.DataFrame({id_column: ids, USAGE: assign_usage(len(ids), public_fraction, split_seed)})
        frame = frame.join(usage, on=id_column, how="left", maintain_order="left")
    frame = frame.select(id_column, *targets, USAGE)
    return Solution(id_column, targets, tuple(prediction_columns or targets), frame)


def usage_problems(path: Path, id_column: str) -> list[str]:
    """Under free rows, every row of an id must have the same Usage."""
    frame = pl.read_csv(path, columns=[id_column, USAGE], infer_schema=False)
    mixed = frame.group_by(id_column, maintain_order=True).agg(pl.col(USAGE).n_unique().alias("n")).filter(pl.col("n") > 1)
    if not len(mixed):
        return []
    shown = ", ".join(mixed[id_column].head(EXAMPLES).to_list())
    return [f"solution.csv gives {len(mixed)} id(s) rows of different Usage, e.g. {shown}; "
            'under rows = "free" Public and Private go by id: give every row of an id the same Usage']


def _usage_by_id(solution: Solution) -> pl.DataFrame:
    return solution.frame.select(solution.id_column, USAGE).unique(subset=solution.id_column, keep="first",
                                                                   maintain_order=True)


def check_free(source: str | Path, solution: Solution, metric_input: str, limit_mb: float = SUBMISSION_LIMIT_MB,
               max_rows_per_id: int = 100) -> pl.DataFrame:
    """The submission's rows (id and prediction columns, "nothing here" rows dropped), or
    :class:`SubmissionError` listing every problem."""
    with plain_file(source, limit_mb) as plain:  # a compressed file is inflated on disk, against the limit
        return _check_free(plain, solution, metric_input, max_rows_per_id)


def _check_free(plain: Path, solution: Solution, metric_input: str, max_rows_per_id: int) -> pl.DataFrame:
    problems: list[str] = []
    frame = read_submission(plain, solution, "text" if metric_input == "text" else "number"
                            if metric_input == "points" else metric_input, problems)
    test_ids = _usage_by_id(solution)[solution.id_column]
    limit = max_rows_per_id * len(test_ids)
    if frame.height > limit:
        problems.append(f"the file has {frame.height} rows; at most {limit} are allowed "
                        f"({max_rows_per_id} per test id on average)")
    ids = frame[solution.id_column]
    if ids.null_count():
        problems.append(f"{ids.null_count()} row(s) have an empty id")
    unknown = ids.drop_nulls().filter(~ids.drop_nulls().is_in(test_ids.implode())).unique(maintain_order=True)
    if len(unknown):
        problems.append(f"{len(unknown)} id(s) are not in the test set, e.g. {', '.join(unknown.head(EXAMPLES).to_list())} "
                        "(ids are compared as text, exactly as written in test.csv)")
    present = [c for c in solution.prediction_columns if c in frame.columns]
    empty = pl.sum_horizontal([pl.col(c).is_null() for c in present]) if present else pl.lit(0)
    counts = frame.select(empty.alias("n"))["n"]
    partial = frame.filter((counts > 0) & (counts < len(present)))
    if len(partial):
        problems.append(f"{len(partial)} row(s) have some prediction columns empty and others filled, e.g. id "
                        f"{', '.join(partial[solution.id_column].head(EXAMPLES).cast(pl.String).to_list())}; "
                        "fill them all, or leave them all empty for an id with nothing")
    if problems:
        raise rejection(problems)
    return frame.filter(counts < max(len(present), 1))


def score_free(frame: pl.DataFrame, solution: Solution, metric, metric_kwargs: dict) -> Scores:
    """The whole Public part, then the whole Private part, to the metric (Kaggle's contract on frames)."""
    from .scoring import guard

    usage = _usage_by_id(solution)
    id_col = solution.id_column
    labelled = frame.join(usage, on=id_col, how="left")
    out = {}
    for part in ("Public", "Private"):
        part_ids = usage.filter(pl.col(USAGE) == part)[id_col]
        if not len(part_ids):
            out[part] = None
            continue
        sol = solution.frame.filter(pl.col(id_col).is_in(part_ids.implode())).drop(USAGE)
        sub = labelled.filter(pl.col(USAGE) == part).drop(USAGE)
        sol_pd, sub_pd = _pandas(sol), _pandas(sub)
        scorer = getattr(metric, "score_frames", None) or metric.score
        out[part] = guard(lambda: scorer(sol_pd, sub_pd, id_col, **metric.kwargs(**metric_kwargs)))
    return Scores(public=out["Public"], private=out["Private"])


def score_file(path: str | Path, solution: Solution, metric, metric_kwargs: dict | None = None,
               limit_mb: float = 500, max_rows_per_id: int = 100) -> Scores:
    """Check the free-row file at ``path`` and score it (what a submission goes through);
    raises SubmissionError or ScoringError."""
    frame = check_free(path, solution, metric.input, limit_mb, max_rows_per_id)
    return score_free(frame, solution, metric, metric_kwargs or {})


def _pandas(frame: pl.DataFrame):
    """A pandas frame (Kaggle's contract); text columns that hold numbers become numbers."""
    import pandas as pd

    out = pd.DataFrame({c: frame[c].to_numpy() for c in frame.columns}, index=np.arange(frame.height))
    for c in out.columns[1:]:
        if out[c].dtype == object:
            try:
                out[c] = pd.to_numeric(out[c])
            except (ValueError, TypeError):
                continue
    return out
