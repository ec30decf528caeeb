"""The hidden answer of a competition, prepared once for fast scoring.

A :class:`Solution` holds the ids (as text, exactly as written), the target
column(s) and the Public/Private/Ignored usage of every row. A competition's
solution is stored as Parquet when the competition is created, so scoring a
submission reads only the submission's CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .bundle import USAGE

_NUMERIC = (pl.Float32, pl.Float64, pl.Int8, pl.Int16, pl.Int32, pl.Int64,
            pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64, pl.Boolean)


@dataclass(frozen=True, eq=False)
class Solution:
    id_column: str
    targets: tuple[str, ...]
    prediction_columns: tuple[str, ...]
    frame: pl.DataFrame  # id (String), targets, Usage

    @property
    def ids(self) -> pl.Series:
        return self.frame[self.id_column]

    @property
    def numeric_labels(self) -> bool:
        return all(self.frame.schema[t] in _NUMERIC for t in self.targets)

    def mask(self, usage: str) -> np.ndarray:
        return (self.frame[USAGE] == usage).to_numpy()

    def y_true(self, metric_input: str) -> np.ndarray:
        """Targets in the form ``Metric.compute`` expects (1-d or 2-d)."""
        if metric_input == "text":
            arrays = [self.frame[t].cast(pl.String).fill_null("").to_numpy().astype(str) for t in self.targets]
        elif metric_input == "number":
            arrays = [self.frame[t].cast(pl.Float64).to_numpy() for t in self.targets]
        elif not self.numeric_labels or (
            metric_input == "probability" and len(self.targets) == 1 and len(self.prediction_columns) > 1
        ):
            # text labels, or one label column scored against one probability column per class
            arrays = [self.frame[t].cast(pl.String).to_numpy().astype(str) for t in self.targets]
        else:
            order = self.targets
            if set(self.targets) == set(self.prediction_columns):  # one-hot: follow the submission's columns
                order = self.prediction_columns
            arrays = [self.frame[t].cast(pl.Float64).to_numpy() for t in order]
        return arrays[0] if len(arrays) == 1 else np.column_stack(arrays)

    def counts(self) -> dict[str, int]:
        return {u: int(self.mask(u).sum()) for u in ("Public", "Private", "Ignored")}

    def save(self, path: Path) -> None:
        self.frame.write_parquet(path)

    @classmethod
    def load(cls, path: Path, id_column: str, targets, prediction_columns) -> "Solution":
        return cls(id_column, tuple(targets), tuple(prediction_columns), pl.read_parquet(path))

    @classmethod
    def from_csv(cls, path: Path, id_column: str, targets=None, prediction_columns=None,
                 public_fraction: float = 0.25, split_seed: int = 0) -> "Solution":
        """Read ``solution.csv``; assign Usage with a seeded split when it has none."""
        overrides = {id_column: pl.String, USAGE: pl.String}
        try:
            frame = pl.read_csv(path, schema_overrides=overrides, infer_schema_length=10_000)
        except pl.exceptions.ComputeError:  # a type changes after the first rows
            frame = pl.read_csv(path, schema_overrides=overrides, infer_schema_length=None)
        targets = tuple(targets or [c for c in frame.columns if c not in (id_column, USAGE)])
        if USAGE not in frame.columns:
            frame = frame.with_columns(pl.Series(USAGE, assign_usage(frame.height, public_fraction, split_seed)))
        frame = frame.select(id_column, *targets, USAGE)
        return cls(id_column, targets, tuple(prediction_columns or targets), frame)


def usage_labels(is_public) -> np.ndarray:
    """The ``Usage`` column for a mask of Public rows: "Public" where true, else "Private".

    Every way of choosing the Public rows ends here: the seeded split of a served
    solution (:func:`assign_usage`), the catalogue's hash-stable split and the
    lessons' per-block draws.

    >>> usage_labels([True, False]).tolist()
    ['Public', 'Private']
    """
    return np.where(np.asarray(is_public, dtype=bool), "Public", "Private")


def assign_usage(n: int, public_fraction: float, seed: int) -> np.ndarray:
    """A seeded Public/Private split: ``round(public_fraction * n)`` Public rows."""
    n_public = int(round(public_fraction * n))
    if n >= 2:
        n_public = min(max(n_public, 1), n - 1)  # at least one row on each side
    is_public = np.zeros(n, dtype=bool)
    is_public[np.random.default_rng(seed).permutation(n)[:n_public]] = True
    return usage_labels(is_public)
