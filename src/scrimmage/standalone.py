"""Scoring outside any competition: ``scrimmage score`` and ``scrimmage.score_files``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import ScrimmageError
from .solution import Solution


def resolve_metric(name: str | None, metric_file: str | None, greater_is_better: bool = True):
    from . import metrics
    from .hostmetric import HostMetric, load_metric_file

    if metric_file:
        load_metric_file(Path(metric_file))  # report a broken file before reading data
        return HostMetric(Path(metric_file).stem, greater_is_better, Path(metric_file))
    return metrics.get(name)


def load_solution(solution: Path, submission: Path, metric, id_column: str | None,
                  public_fraction: float = 0.25, seed: int = 0) -> Solution:
    header = _header(solution)
    id_column = id_column or header[0]
    if id_column not in header:
        raise ScrimmageError(f"the solution has no column {id_column!r} (columns: {', '.join(header)})")
    targets = [c for c in header if c not in (id_column, "Usage")]
    if getattr(metric, "free_rows", False):  # any number of rows per id: read as a free-row competition reads it
        return _free_solution(solution, id_column, targets, public_fraction, seed)
    predictions = targets
    if metric.input == "any" or getattr(metric, "needs_classes", False):
        predictions = [c for c in _submission_header(submission) if c != id_column] or targets
    return Solution.from_csv(solution, id_column, targets, predictions, public_fraction, seed)


def _free_solution(solution: Path, id_column: str, targets: list[str], public_fraction: float,
                   seed: int) -> Solution:
    from .freerows import free_solution, usage_problems

    if "Usage" in _header(solution):
        problems = usage_problems(solution, id_column)
        if problems:
            raise ScrimmageError(problems[0])
    return free_solution(solution, id_column, targets, None, public_fraction, seed)


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh), [])


def _submission_header(path: Path) -> list[str]:
    import gzip
    import zipfile

    if path.suffix not in (".gz", ".zip"):
        with open(path, "rb") as fh:  # the first line is all that is needed, not the whole file
            raw = fh.read(1 << 16)
    elif path.suffix == ".gz":
        with gzip.open(path, "rb") as fh:
            raw = fh.read(1 << 16)
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            raw = zf.read(zf.namelist()[0])[:1 << 16]
    text = raw.decode("utf-8", "replace").lstrip("\ufeff")
    return next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
