"""Chunked, seeded writing of a lesson bundle.

Every lesson describes its rows with a *block function*: given a seeded
random generator and a range of global row indices ``[start, stop)`` it returns
the columns of those rows, which of them belong to the test set and their
target. This module turns that into a bundle (``docs/competition-format.md``):

* Rows are generated in fixed blocks of :data:`BLOCK_ROWS` rows. Block ``b``
  draws from ``numpy.random.default_rng([seed, salt, b])``, so a row's values
  depend only on the seed and its index, never on how many rows are written at
  once: any chunk size gives byte-identical files.
* Blocks are gathered into chunks of about :data:`CHUNK_ROWS` rows and
  appended to ``train.csv``, ``test.csv``, ``solution.csv`` and
  ``sample_submission.csv``; memory stays bounded by one chunk whatever the
  number of rows (10,000,000 rows use the same memory as 200,000).
* Ids are ``id_start + row index``, unique across train and test.
* ``Usage`` is drawn per test row from its own seeded stream with
  probability ``public_fraction``.

numpy is imported with this module; polars only when a bundle is written.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import ConfigError
from ..tomlfile import dumps

#: Rows per seeded random block: the unit of determinism.
BLOCK_ROWS = 10_000
#: Rows gathered before each write (rounded up to whole blocks).
CHUNK_ROWS = 200_000
#: The smallest lesson: below this the traps cannot be shown.
MIN_ROWS = 1_000

_USAGE_STREAM = 7_919


@dataclass(frozen=True)
class LessonSpec:
    """What a lesson's ``competition.toml`` and files hold, apart from its rows."""

    trap: str
    title: str
    metric: str
    id_column: str
    target: str
    features: tuple[str, ...]
    #: the constant prediction written to ``sample_submission.csv``
    sample_value: float
    description: str
    data: str
    split: str
    tags: tuple[str, ...]
    reveal: str
    public_fraction: float = 0.25
    id_start: int = 1
    #: columns written as ``prefix + integer code`` (e.g. ``"app-"`` + 1234 gives ``app-1234``)
    prefixed: Mapping[str, str] = field(default_factory=dict)
    #: any other ``competition.toml`` keys (e.g. ``leaderboard``, ``daily_limit``)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Block:
    """The rows ``[start, stop)`` of a lesson, train and test together."""

    columns: dict[str, np.ndarray]  # every feature of ``LessonSpec.features``
    target: np.ndarray
    is_test: np.ndarray  # bool


BlockFunction = Callable[[np.random.Generator, int, int, Any], Block]


def salt_of(trap: str) -> int:
    """A stable integer per trap, so two lessons with one seed draw different rows."""
    return zlib.crc32(trap.encode())


def check_args(n_rows: int, seed: int) -> None:
    problems = []
    if isinstance(n_rows, bool) or not isinstance(n_rows, (int, np.integer)) or n_rows < MIN_ROWS:
        problems.append(f"n_rows must be a whole number of at least {MIN_ROWS:,}, got {n_rows!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        problems.append(f"seed must be a whole number >= 0, got {seed!r}")
    if problems:
        raise ConfigError("cannot generate the lesson", problems)


def no_context(n_rows: int, seed: int) -> None:
    """The context of a lesson that draws every row on its own: none."""
    return None


def params_rng(trap: str, seed: int) -> np.random.Generator:
    """The generator for a lesson's global parameters (drawn once, before any row)."""
    return np.random.default_rng([seed, salt_of(trap), 2**32 - 1])


def block_rng(trap: str, seed: int, block: int, stream: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, salt_of(trap), block, stream])


def iter_blocks(spec: LessonSpec, n_rows: int, seed: int, make_block: BlockFunction, context: Any):
    """Yield ``(block, is_public)`` for every block of ``n_rows`` rows, in order."""
    for b, start in enumerate(range(0, n_rows, BLOCK_ROWS)):
        stop = min(start + BLOCK_ROWS, n_rows)
        block = make_block(block_rng(spec.trap, seed, b), start, stop, context)
        usage = block_rng(spec.trap, seed, b, _USAGE_STREAM).random(stop - start)
        yield block, usage < spec.public_fraction


def write_lesson(
    folder: Path,
    spec: LessonSpec,
    n_rows: int,
    seed: int,
    make_block: BlockFunction,
    context: Any,
    chunk_rows: int = CHUNK_ROWS,
) -> dict[str, int]:
    """Write the four CSV files and ``competition.toml`` of a lesson into ``folder``.

    Returns the number of train and test rows written.
    """
    import polars as pl

    blocks_per_chunk = max(1, -(-int(chunk_rows) // BLOCK_ROWS))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = ("train", "test", "solution", "sample_submission")
    handles = {name: open(folder / f"{name}.csv", "wb") for name in names}
    counts = {"train": 0, "test": 0}
    first = True
    try:
        pending: list[tuple[Block, np.ndarray]] = []
        next_index = 0
        for item in iter_blocks(spec, n_rows, seed, make_block, context):
            pending.append(item)
            if len(pending) == blocks_per_chunk:
                next_index = _flush(pl, spec, pending, next_index, handles, counts, first)
                pending, first = [], False
        if pending:
            _flush(pl, spec, pending, next_index, handles, counts, first)
    finally:
        for handle in handles.values():
            handle.close()
    (folder / "competition.toml").write_text(competition_toml(spec, n_rows, seed, counts), encoding="utf-8")
    return counts


def _flush(pl, spec: LessonSpec, pending, start: int, handles, counts, first: bool) -> int:
    from ..solution import usage_labels  # polars: only when a lesson is written

    n = sum(len(block.target) for block, _ in pending)
    ids = np.arange(spec.id_start + start, spec.id_start + start + n, dtype=np.int64)
    is_test = np.concatenate([block.is_test for block, _ in pending])
    is_public = np.concatenate([public for _, public in pending])
    target = np.concatenate([block.target for block, _ in pending])
    columns = {c: np.concatenate([block.columns[c] for block, _ in pending]) for c in spec.features}
    frame = pl.DataFrame({spec.id_column: ids, **columns})
    if spec.prefixed:
        frame = frame.with_columns(
            [(pl.lit(prefix) + pl.col(c).cast(pl.String)).alias(c) for c, prefix in spec.prefixed.items()]
        )
    test_mask = pl.Series(is_test)
    train = frame.filter(~test_mask).with_columns(pl.Series(spec.target, target[~is_test]))
    test = frame.filter(test_mask)
    test_ids = ids[is_test]
    solution = pl.DataFrame(
        {
            spec.id_column: test_ids,
            spec.target: target[is_test],
            "Usage": usage_labels(is_public[is_test]),
        }
    )
    sample = pl.DataFrame(
        {spec.id_column: test_ids, spec.target: np.full(len(test_ids), float(spec.sample_value))}
    )
    for name, table in (("train", train), ("test", test), ("solution", solution), ("sample_submission", sample)):
        table.write_csv(handles[name], include_header=first)
    counts["train"] += train.height
    counts["test"] += test.height
    return start + n


# --- competition.toml -------------------------------------------------------


def competition_toml(spec: LessonSpec, n_rows: int, seed: int, counts: Mapping[str, int]) -> str:
    # never the seed: participants read this, and the seed rebuilds the answers
    source = (
        f"Generated by scrimmage's `{spec.trap}` lesson ({n_rows:,} rows: "
        f"{counts['train']:,} train, {counts['test']:,} test)."
    )
    data = spec.data.rstrip() + "\n\n" + _files_table(spec, counts)
    settings: dict[str, Any] = {
        "title": spec.title,
        "metric": spec.metric,
        "id_column": spec.id_column,
        "targets": [spec.target],
        "split": spec.split,
        "tags": list(spec.tags),
        **dict(spec.extra),
        "description": spec.description.strip() + "\n",
        "data": data,
        "source": source,
        "license": "CC0-1.0",
        "reveal": spec.reveal.strip() + "\n",
    }
    return dumps(settings)


def _files_table(spec: LessonSpec, counts: Mapping[str, int]) -> str:
    public = f"{spec.public_fraction:.0%}"
    return (
        "| file | rows | columns |\n|---|---|---|\n"
        f"| `train.csv` | {counts['train']:,} | `{spec.id_column}`, the features, `{spec.target}` |\n"
        f"| `test.csv` | {counts['test']:,} | `{spec.id_column}`, the features |\n"
        f"| `sample_submission.csv` | {counts['test']:,} | `{spec.id_column}`, `{spec.target}` |\n\n"
        f"About {public} of the test rows are scored on the public leaderboard, the rest on the private one.\n"
    )
