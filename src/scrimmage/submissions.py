"""Check a submission's rows against the solution: every problem at once, then the predictions in its order.

Messages name ids (never solution values), say what was expected and what was
found. Reading the file itself (decompressing, bounds, header, parsing) is
:mod:`scrimmage.submission_file`'s.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from .limits import EXAMPLES, SUBMISSION_LIMIT_MB, examples
from .solution import Solution
from .submission_file import numeric_input, plain_file, read_submission, rejection

#: Memory a text or label column may take as a numpy array of fixed-width strings (rows x longest value x 4).
MAX_TEXT_BYTES = 2_000_000_000
SUM_TOLERANCE = 1e-3


class Aligned:
    """Predictions in solution row order: 1-d for one column, 2-d for several.

    ``frame`` holds the id and prediction columns in solution order (for host
    metric files); when the file's rows were in another order, it is put in
    order on first use only, since built-in metrics need ``y_pred`` alone.
    """

    def __init__(self, y_pred: np.ndarray, frame: pl.DataFrame, order: np.ndarray | None = None,
                 ids: pl.Series | None = None):
        self.y_pred = y_pred
        self._frame = frame  # in the file's order while ``order`` is kept
        self._order = order  # the file's row of each solution row
        self._ids = ids

    @property
    def frame(self) -> pl.DataFrame:
        if self._order is not None:
            self._frame, self._order = _reorder(self._frame, self._order, self._ids), None
        return self._frame


def check_and_align(source: str | Path, solution: Solution, metric_input: str,
                    limit_mb: float = SUBMISSION_LIMIT_MB) -> Aligned:
    """Read ``source`` and return its predictions aligned to ``solution``, or raise
    :class:`SubmissionError` listing every problem.

    A compressed file is decompressed into a scratch folder (removed on return), never in memory,
    and the size limit applies to its decompressed bytes too.
    """
    with plain_file(source, limit_mb) as plain:
        return _check_and_align(plain, solution, metric_input)


def _check_and_align(plain: Path, solution: Solution, metric_input: str) -> Aligned:
    problems: list[str] = []
    frame = read_submission(plain, solution, metric_input, problems)
    order = _align_ids(frame[solution.id_column], solution, problems)
    present = [c for c in solution.prediction_columns if c in frame.columns]
    reordered = order is not None and order is not True
    checked = len(problems)
    _check_values(frame, present, solution, metric_input, problems)  # in the file's order: the same counts
    if reordered and len(problems) > checked:  # examples are given in solution order
        del problems[checked:]
        _check_values(_reorder(frame, order, solution.ids), present, solution, metric_input, problems)
    _check_widths(frame, present, solution, metric_input, problems)
    if problems:
        raise rejection(problems)
    y_pred = _predictions(frame, solution, metric_input)
    if not reordered:
        return Aligned(y_pred, frame)
    return Aligned(y_pred[order], frame, order, solution.ids)


def _align_ids(ids: pl.Series, solution: Solution, problems: list[str]):
    """True if already in solution order, an index array to reorder, or None on problems."""
    want = solution.ids
    if len(ids) == len(want) and ids.null_count() == 0:
        # a shuffled file differs within its first rows: no need to compare all of them then
        if (ids.head(64) == want.head(64)).all() and (ids == want).all():
            return True
        order = _match_integers(ids, want)
        if order is None:
            order = _match(ids, want)
        if order is not None:
            return order
    found = len(problems)
    nulls = ids.null_count()
    if nulls:
        problems.append(f"{nulls} row(s) have an empty id")
    ids = ids.fill_null("")
    dup_mask = ids.is_duplicated()
    if dup_mask.any():
        dups = ids.filter(dup_mask).unique(maintain_order=True)
        problems.append(f"{len(dups)} id(s) appear more than once ({int(dup_mask.sum())} rows), e.g. {_ex(dups)}")
    missing = want.filter(~want.is_in(ids.implode()))
    if len(missing):
        problems.append(f"{len(missing)} id(s) of the test set are missing, e.g. {_ex(missing)}")
    unknown = ids.filter(~ids.is_in(want.implode()) & (ids != ""))
    if len(unknown):
        problems.append(f"{len(unknown)} id(s) are not in the test set, e.g. {_ex(unknown)} "
                        "(ids are compared as text, exactly as written in test.csv)")
    if len(ids) != len(want):
        problems.append(f"the file has {len(ids)} rows; expected {len(want)}, one per test id")
    if len(problems) > found:
        return None
    position = pl.DataFrame({"id": ids, "pos": pl.int_range(len(ids), eager=True)})
    ordered = pl.DataFrame({"id": want}).join(position, on="id", how="left", maintain_order="left")
    return ordered["pos"].to_numpy()


_POWERS = np.array([0] + [10 ** k for k in range(1, 19)], dtype=np.int64)  # the least number of 1 .. 19 digits


def _integers(ids: pl.Series) -> np.ndarray | None:
    """The ids as int64 when each is written as a plain non-negative integer (``0``, ``17``; not ``007``, ``+7``
    or `` 7``), so that two are the same text exactly when they are the same number; else None."""
    if ids.dtype != pl.String or not len(ids):
        return None
    first = ids[0]
    if not first.isdigit() or (first[0] == "0" and len(first) > 1):
        return None  # not numbered rows: no need to parse them all
    numbers = ids.cast(pl.Int64, strict=False)
    if numbers.null_count() or numbers.min() < 0:
        return None
    values = numbers.to_numpy()
    # as many characters as the number has digits (no sign, no leading zero, no space): a text of L
    # characters that parsed is canonical when L is 1 or its number is at least 10 ** (L - 1)
    length = ids.str.len_bytes().to_numpy()
    if length.max() > len(_POWERS) or not (values >= _POWERS[length - 1]).all():
        return None
    return values


def _match_integers(ids: pl.Series, want: pl.Series) -> np.ndarray | None:
    """Row of ``ids`` holding each id of ``want`` when both are plain integers of a compact range (rows numbered
    like 0 .. n-1) and ``ids`` is ``want`` reordered: one array indexed by the number; else None."""
    n = len(ids)
    have = _integers(ids)
    if have is None or int(have.max()) >= 4 * n + 64:
        return None
    wanted = _integers(want)
    if wanted is None or int(wanted.max()) > int(have.max()):
        return None
    table = np.full(int(have.max()) + 1, -1, dtype=np.int64)
    table[have] = np.arange(n)
    row = table[wanted]
    if (row < 0).any():
        return None  # an id of the solution is not in the file
    seen = np.zeros(n, dtype=bool)
    seen[row] = True
    return row if seen.all() else None  # else a repeated id: the exact comparison reports it


def _match(ids: pl.Series, want: pl.Series) -> np.ndarray | None:
    """Row of ``ids`` holding each id of ``want``, when ``ids`` is ``want`` reordered; else None.

    A hash table in numpy arrays (open addressing, linear probing; every round
    places or probes all pending rows at once) maps the 64-bit hash of each id
    of ``ids`` to its row; each id of ``want`` is looked up by its hash. Every
    pair found is then confirmed with a second, independent 64-bit hash, so two
    ids count as equal only when 128 bits of hash agree. Anything else (an id
    missing, unknown or repeated, two ids sharing a hash) gives None, and the
    exact comparison of the text decides and reports.
    """
    n = len(ids)
    bits = max(4, n.bit_length() + 2)  # between 4n and 8n slots: short probe runs
    slots = 1 << bits
    table = np.full(slots, -1, dtype=np.int32 if n < 2**31 else np.int64)
    rows = np.arange(n, dtype=table.dtype)
    key = ids.hash(1).to_numpy()
    slot = (key >> np.uint64(64 - bits)).view(np.int64)
    table[slot] = rows  # of rows sharing a slot, one is kept; the others probe on
    pending = np.flatnonzero(table[slot] != rows)
    while pending.size:
        slot[pending] = probe = (slot[pending] + 1) & (slots - 1)
        free = table[probe] < 0
        candidates, probe = pending[free], probe[free]
        table[probe] = candidates
        pending = np.concatenate([pending[~free], candidates[table[probe] != candidates]])

    wanted = want.hash(1).to_numpy()
    slot = (wanted >> np.uint64(64 - bits)).view(np.int64)
    row = table[slot].astype(np.int64)
    if (row < 0).any():
        return None  # an id of the solution hashes to an empty slot: it is not in the file
    hit = key[row] == wanted
    pending = np.flatnonzero(~hit)
    while pending.size:
        slot[pending] = probe = (slot[pending] + 1) & (slots - 1)
        row[pending] = candidates = table[probe]
        if (candidates < 0).any():
            return None
        pending = pending[key[candidates] != wanted[pending]]
    del table, slot, key, wanted
    seen = np.zeros(n, dtype=bool)
    seen[row] = True
    if not seen.all():  # some row of the file was never found: a repeated id, or a shared hash
        return None
    if not (ids.hash(2).to_numpy()[row] == want.hash(2).to_numpy()).all():
        return None
    return row


def _reorder(frame: pl.DataFrame, order: np.ndarray, ids: pl.Series) -> pl.DataFrame:
    """``frame`` in solution order, given ``order`` (the file's row of each solution row).

    The ids are then the solution's ``ids`` (they are equal, as text); numbers
    without gaps move in numpy, which is much faster than a gather of every
    column, text above all.
    """
    columns = []
    for name in frame.columns:
        col = frame[name]
        if name == ids.name:
            columns.append(ids)
        elif col.dtype.is_numeric() and col.null_count() == 0:
            columns.append(pl.Series(name, col.to_numpy()[order], dtype=col.dtype))
        else:
            columns.append(col.gather(order))
    return pl.DataFrame(columns)


def _ex(values: pl.Series) -> str:
    return examples(values.head(EXAMPLES).to_list())


def _check_values(frame: pl.DataFrame, cols: list[str], solution: Solution, metric_input: str, problems):
    ids = frame[solution.id_column]
    numeric = numeric_input(solution, metric_input)
    if metric_input in ("text", "any"):  # empty lists are valid; a host metric checks its own input
        return
    for c in cols:
        col = frame[c]
        if numeric and col.dtype == pl.Float64 and col.null_count() == 0 and _plausible(col, metric_input):
            continue  # the usual file: nothing to report, found in one pass over the values
        _report(problems, ids, col.is_null(), f"column {c!r} has {{n}} empty value(s)")
        if not numeric or col.dtype != pl.Float64:
            continue
        _report(problems, ids, col.is_nan(), f"column {c!r} has {{n}} NaN value(s)")
        _report(problems, ids, col.is_infinite(), f"column {c!r} has {{n}} infinite value(s)")
        if metric_input == "probability":
            _report(problems, ids, (col < 0) | (col > 1), f"column {c!r} has {{n}} value(s) outside [0, 1]")
    if metric_input == "probability" and len(cols) > 1 and not problems:
        total = frame.select(pl.sum_horizontal(cols)).to_series()
        _report(problems, ids, (total - 1).abs() > SUM_TOLERANCE,
                f"{{n}} row(s) have probabilities that do not sum to 1 across {', '.join(cols)}")


def _check_widths(frame: pl.DataFrame, cols: list[str], solution: Solution, metric_input: str, problems) -> None:
    """Text values become fixed-width numpy strings: one very long value would cost its length in every row."""
    if not (metric_input == "text" or (metric_input == "label" and not solution.numeric_labels)):
        return
    longest_allowed = max(1_000, MAX_TEXT_BYTES // (4 * max(len(frame), 1)))
    for c in cols:
        if frame[c].dtype != pl.String:
            continue
        lengths = frame[c].str.len_chars()
        _report(problems, frame[solution.id_column], lengths > longest_allowed,
                f"column {c!r} has {{n}} value(s) longer than {longest_allowed:,} characters, the most a value "
                "may have in this competition")


def _plausible(col: pl.Series, metric_input: str) -> bool:
    """True when every value of a float column without nulls is finite (and in [0, 1] for probabilities)."""
    values = col.to_numpy()
    if metric_input == "probability":
        return bool(((values >= 0) & (values <= 1)).all())  # NaN and infinities fail too
    return bool(np.isfinite(values).all())


def _report(problems, ids: pl.Series, mask: pl.Series, template: str) -> None:
    mask = mask.fill_null(False)
    n = int(mask.sum())
    if n:
        problems.append(template.format(n=n) + f", e.g. at id {_ex(ids.filter(mask))}")


def _predictions(frame: pl.DataFrame, solution: Solution, metric_input: str) -> np.ndarray:
    cols = list(solution.prediction_columns)
    if metric_input == "text":
        arrays = [frame[c].fill_null("").to_numpy().astype(str) for c in cols]
    elif metric_input == "label" and not solution.numeric_labels:
        arrays = [frame[c].to_numpy().astype(str) for c in cols]
    else:
        arrays = [frame[c].to_numpy() for c in cols]
    return arrays[0] if len(arrays) == 1 else np.column_stack(arrays)
