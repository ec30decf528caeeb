"""What every catalogue competition shares: the entry, the parts a builder
returns, deterministic splits, and writing the bundle's files.

Splits and Public/Private assignment never use a random number generator:
rows (or groups) are ordered by the SHA-256 of ``salt:key``, so the same
source file gives byte-identical bundles with any numpy, pandas or
scikit-learn version.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from ._carriers import Carrier, SourceFile

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class CatalogEntry:
    """One built-in competition: what it is and how to build it."""

    ref: str
    title: str
    summary: str
    tags: tuple[str, ...]
    metric: str
    split: str
    carriers: tuple[Carrier, ...]
    builder: Callable[[], "Parts"] = field(repr=False, compare=False)

    @property
    def requirements(self) -> tuple[str, ...]:
        """The pinned carrier packages, as ``NAME==VERSION``."""
        return tuple(c.requirement for c in self.carriers)

    def missing(self) -> list[str]:
        """Pinned carriers that are neither installed nor in the wheel cache."""
        from ._carriers import check

        return check(self.carriers)


@dataclass
class Parts:
    """Everything a builder produces; :func:`scrimmage.catalog.build` writes it."""

    id_column: str
    targets: tuple[str, ...]
    train: "pd.DataFrame"
    test: "pd.DataFrame"
    #: id, targets and Usage (Public/Private)
    solution: "pd.DataFrame"
    sample_submission: "pd.DataFrame"
    #: Markdown: the story told to learners
    story: str
    #: Markdown: which split and why it matches how the data arrives
    split_note: str
    #: (column, meaning) for every column of train.csv, in order; an entry
    #: (label, meaning, columns) describes several columns at once
    dictionary: Sequence[tuple]
    #: Markdown: how the metric works for this competition
    evaluation: str
    sources: tuple[SourceFile, ...]
    source: str
    license: str
    #: extra public files: name -> DataFrame or raw bytes
    extra: dict[str, Any] = field(default_factory=dict)
    #: what each extra file holds
    extra_notes: dict[str, str] = field(default_factory=dict)
    metric_kwargs: dict[str, Any] = field(default_factory=dict)


# --- deterministic ordering and splits ---------------------------------------


def hash_keys(keys: Iterable[Any], salt: str) -> list[int]:
    """A stable pseudo-random number per key (independent of library versions)."""
    out = []
    for key in keys:
        digest = hashlib.sha256(f"{salt}:{key}".encode("utf-8")).digest()
        out.append(int.from_bytes(digest[:8], "big"))
    return out


def shuffled_positions(keys: Sequence[Any], salt: str) -> list[int]:
    """Positions 0..n-1 in a stable shuffled order."""
    h = hash_keys(keys, salt)
    return sorted(range(len(h)), key=lambda i: (h[i], i))


def _take_first(positions: list[int], count: int, n: int) -> list[bool]:
    chosen = [False] * n
    for i in positions[:count]:
        chosen[i] = True
    return chosen


def random_split(keys: Sequence[Any], test_size: int | float, salt: str) -> list[bool]:
    """True for the rows that go to test: ``test_size`` rows (or that fraction)."""
    n = len(keys)
    count = test_size if isinstance(test_size, int) else round(test_size * n)
    return _take_first(shuffled_positions(keys, salt), count, n)


def _allocate(sizes: dict[Any, int], total: int) -> dict[Any, int]:
    """Split ``total`` across strata proportionally (largest remainder)."""
    n = sum(sizes.values())
    exact = {k: total * v / n for k, v in sizes.items()}
    counts = {k: math.floor(x) for k, x in exact.items()}
    left = total - sum(counts.values())
    order = sorted(sizes, key=lambda k: (-(exact[k] - counts[k]), str(k)))
    for k in order[:left]:
        counts[k] += 1
    return counts


def stratified_split(
    keys: Sequence[Any], labels: Sequence[Any], test_size: int | float, salt: str
) -> list[bool]:
    """Like :func:`random_split`, with every label in the same proportion on both sides."""
    n = len(keys)
    total = test_size if isinstance(test_size, int) else round(test_size * n)
    by_label: dict[Any, list[int]] = {}
    for i, lab in enumerate(labels):
        by_label.setdefault(lab, []).append(i)
    counts = _allocate({k: len(v) for k, v in by_label.items()}, total)
    chosen = [False] * n
    for lab, rows in by_label.items():
        h = hash_keys([keys[i] for i in rows], f"{salt}:{lab}")
        order = sorted(range(len(rows)), key=lambda j: (h[j], j))
        for j in order[: counts[lab]]:
            chosen[rows[j]] = True
    return chosen


def group_split(groups: Sequence[Any], test_fraction: float, salt: str) -> list[bool]:
    """True for rows whose group goes to test; ``test_fraction`` of the groups."""
    names = sorted({str(g) for g in groups})
    picked = random_split(names, test_fraction, salt)
    test_groups = {g for g, p in zip(names, picked) if p}
    return [str(g) in test_groups for g in groups]


# --- writing -------------------------------------------------------------------


def write_csv(df: "pd.DataFrame", path: Path) -> None:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


# --- Markdown ------------------------------------------------------------------


def md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def csv_preview(df: "pd.DataFrame", rows: int = 3) -> str:
    return df.head(rows).to_csv(index=False, lineterminator="\n").rstrip("\n")


def fmt_int(n: int) -> str:
    return f"{n:,}"


# --- assembling the four frames ---------------------------------------------------


def assemble(
    df: "pd.DataFrame",
    is_test: Sequence[bool],
    *,
    targets: Sequence[str],
    salt: str,
    sample: dict[str, Any],
    id_column: str = "id",
    shuffle: bool = True,
    public_fraction: float = 0.3,
    public: Callable[["pd.DataFrame"], Sequence[bool]] | None = None,
) -> tuple["pd.DataFrame", "pd.DataFrame", "pd.DataFrame", "pd.DataFrame"]:
    """Train, test, solution and sample submission from one frame and a test mask.

    Without ``id_column`` in ``df``, ids 1..n are assigned after the split: train
    rows first, then test rows (like Kaggle's Titanic), each side in a stable
    shuffled order (``shuffle``) or in the frame's order (time splits). The
    Public rows are ``public(test_frame)`` or a stable random
    ``public_fraction`` of the test rows. A ``sample`` value may be a function
    of the train frame (e.g. the training prior).
    """
    import numpy as np

    from ..solution import usage_labels

    df = df.reset_index(drop=True)
    mask = np.asarray(list(is_test), dtype=bool)
    if len(mask) != len(df):
        raise ValueError("test mask and frame lengths differ")
    train_pos = np.flatnonzero(~mask).tolist()
    test_pos = np.flatnonzero(mask).tolist()
    if shuffle:
        train_pos = [train_pos[j] for j in shuffled_positions(train_pos, f"{salt}:train-order")]
        test_pos = [test_pos[j] for j in shuffled_positions(test_pos, f"{salt}:test-order")]
    train = df.iloc[train_pos].reset_index(drop=True)
    test_full = df.iloc[test_pos].reset_index(drop=True)
    if id_column not in df.columns:
        import pandas as pd

        n_train = len(train)
        train = pd.concat([pd.DataFrame({id_column: range(1, n_train + 1)}), train], axis=1)
        test_ids = range(n_train + 1, n_train + len(test_full) + 1)
        test_full = pd.concat([pd.DataFrame({id_column: test_ids}), test_full], axis=1)
    else:
        cols = [id_column] + [c for c in df.columns if c != id_column]
        train, test_full = train[cols], test_full[cols]
    if public is not None:
        is_public = list(public(test_full))
    else:
        is_public = random_split(list(test_full[id_column].astype(str)), public_fraction, f"{salt}:usage")
    solution = test_full[[id_column, *targets]].copy()
    solution["Usage"] = usage_labels(is_public)
    test = test_full.drop(columns=list(targets))
    sub = test_full[[id_column]].copy()
    for col, value in sample.items():
        sub[col] = value(train) if callable(value) else value
    return train, test, solution, sub


def geometric_prior(target: str) -> Callable[["pd.DataFrame"], int]:
    """The constant a sample submission predicts for an RMSLE target: the geometric mean of 1 + y, minus 1."""

    def prior(train) -> int:
        logs = [math.log1p(v) for v in train[target]]
        return int(round(math.expm1(sum(logs) / len(logs))))

    return prior


def dictionary_columns(dictionary: Sequence[tuple]) -> list[str]:
    """The train columns a data dictionary covers, in order."""
    out: list[str] = []
    for item in dictionary:
        out.extend(item[2] if len(item) > 2 else [item[0]])
    return out
