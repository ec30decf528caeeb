"""Reading a bundle's ``train.csv`` (bounded memory) and preparing its columns the same way for train and test."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np

#: The most training rows a pipeline is fitted on.
MAX_TRAIN_ROWS = 200_000
#: Test rows predicted (and held in memory) at once.
CHUNK_ROWS = 200_000
#: Files at most this large are read at once.
_SMALL_FILE = 16 * 1024 * 1024

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MISSING = "(missing)"


def read_csv(path: Path, id_column: str, **kw):
    import pandas as pd

    return pd.read_csv(path, dtype={id_column: str}, **kw)


def read_train(path: Path, id_column: str, max_rows: int = MAX_TRAIN_ROWS):
    """``train.csv``, or an even sample of at most ``max_rows`` of its rows: every k-th row,
    k = ceil(rows / max_rows). A large file is read in chunks, so memory stays bounded."""
    import pandas as pd

    if path.stat().st_size <= _SMALL_FILE:
        frame = read_csv(path, id_column)
        step = max(1, math.ceil(len(frame) / max_rows))
        return frame.iloc[::step].reset_index(drop=True)
    with open(path, "rb") as fh:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b"")) - 1
    step = max(1, math.ceil(lines / max_rows))
    parts, seen = [], 0
    for chunk in read_csv(path, id_column, chunksize=CHUNK_ROWS):
        first = (-seen) % step
        parts.append(chunk.iloc[first::step].copy())  # a copy: a view would keep the whole chunk alive
        seen += len(chunk)
    return pd.concat(parts, ignore_index=True)


def header(path: Path) -> list[str]:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


# --- preparing the columns ------------------------------------------------------------


def column_kind(values) -> str:
    """``numeric``, ``date``, ``text`` or ``categorical`` for a training column."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    if is_bool_dtype(values) or is_numeric_dtype(values):
        return "numeric"
    present = values.dropna().astype(str)
    if present.empty:
        return "categorical"
    sample = present.iloc[:2000]
    if sample.str.fullmatch(_DATE).all():
        return "date"
    if sample.str.split().str.len().mean() >= 5 and present.nunique() > 0.5 * len(present):
        return "text"
    return "categorical"


class Prepared:
    """Turns raw columns into numbers, category strings and text, the same way for train and test."""

    def __init__(self, frame, features: Sequence[str]):
        self.kinds = {c: column_kind(frame[c]) for c in features}
        self.has_time = {}
        for c, kind in self.kinds.items():
            if kind == "date":
                t = self._dates(frame[c])
                self.has_time[c] = bool(((t.dt.hour != 0) | (t.dt.minute != 0)).any())
        self.numeric = [c for c, k in self.kinds.items() if k == "numeric"]
        for c, k in self.kinds.items():
            if k == "date":
                self.numeric += [f"{c}__{p}" for p in self._date_parts(c)]
        self.categorical = [c for c, k in self.kinds.items() if k == "categorical"]
        self.text = [c for c, k in self.kinds.items() if k == "text"]
        cats = self.transform(frame[list(features)])[self.categorical] if self.categorical else None
        self.levels = {c: int(cats[c].nunique()) for c in self.categorical}

    @staticmethod
    def _dates(values):
        import pandas as pd

        return pd.to_datetime(values.astype("string"), utc=True, errors="coerce", format="ISO8601")

    def _date_parts(self, c: str) -> list[str]:
        return ["days", "year", "month", "weekday", "season_sin", "season_cos"] + (["hour"] if self.has_time[c] else [])

    def transform(self, frame):
        import pandas as pd

        out = {}
        for c, kind in self.kinds.items():
            col = frame[c]
            if kind == "numeric":
                out[c] = pd.to_numeric(col, errors="coerce").astype("float64")
            elif kind == "date":
                t = self._dates(col)
                days = (t - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
                angle = 2 * np.pi * (t.dt.day_of_year.astype("float64") - 1) / 365.25
                parts = {"days": days, "year": t.dt.year, "month": t.dt.month, "weekday": t.dt.day_of_week,
                         "season_sin": np.sin(angle), "season_cos": np.cos(angle),
                         "hour": t.dt.hour + t.dt.minute / 60}
                for p in self._date_parts(c):
                    out[f"{c}__{p}"] = pd.Series(parts[p], index=frame.index).astype("float64")
            elif kind == "text":
                out[c] = col.astype("string").fillna("").astype(object)
            else:
                out[c] = col.astype("string").fillna(_MISSING).astype(object)
        return pd.DataFrame(out, index=frame.index)

    def describe(self) -> str:
        counts = Counter(self.kinds.values())
        return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
