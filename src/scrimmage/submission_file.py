"""Read a submission file: decompress it on disk, hold it to its bounds, parse its header and rows.

Every problem found is reported at once, with what was expected and what was found;
checking the rows against the solution (ids, values) is :mod:`scrimmage.submissions`'.
Files may be UTF-8 with or without BOM, CRLF, quoted, ``.csv.gz`` or a ``.zip``
holding one CSV.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from . import scratch
from .errors import SubmissionError
from .inflate import inflate, kind_of
from .limits import EXAMPLES, MAX_COLUMNS, MAX_LINE_BYTES, SUBMISSION_LIMIT_MB, clip, examples, short
from .solution import Solution

NUMERIC_INPUTS = ("score", "probability", "number")


def numeric_input(solution: Solution, metric_input: str) -> bool:
    """Whether the prediction columns hold numbers for a metric reading ``metric_input``."""
    return metric_input in NUMERIC_INPUTS or (metric_input == "label" and solution.numeric_labels)


@contextmanager
def plain_file(source: str | Path, limit_mb: float = SUBMISSION_LIMIT_MB) -> Iterator[Path]:
    """The submission file as plain text: ``source`` itself, or a compressed file decompressed into a
    scratch folder (removed on leaving), never in memory. Over ``limit_mb`` (before or after
    decompressing), or not decompressible, it raises :class:`SubmissionError`."""
    path = Path(source)
    size = path.stat().st_size
    if size > limit_mb * 1_000_000:
        raise rejection([f"the file is {size / 1e6:.1f} MB, over this competition's {limit_mb:g} MB limit; "
                         "write fewer decimals or compress it as .csv.gz or .zip"])
    with open(path, "rb") as fh:
        kind = kind_of(fh.read(4))
    if kind is None:
        yield path
        return
    with scratch.folder("inflate") as tmp:
        problems: list[str] = []
        plain = inflate(path, kind, tmp / "submission.csv", limit_mb, problems)
        if plain is None:
            raise rejection(problems)
        yield plain


def read_submission(plain: Path, solution: Solution, metric_input: str, problems: list[str]) -> pl.DataFrame:
    """The id and prediction columns of the plain file ``plain``, values read for ``metric_input``.

    Problems that leave rows to check (a column missing or unexpected, a value that is no number)
    are added to ``problems``; when nothing more can be read, :class:`SubmissionError` lists them.
    """
    data = _payload(plain, problems)
    if problems:
        raise rejection(problems)
    expected = [solution.id_column, *solution.prediction_columns]
    header = _header(data, expected, problems)
    if header is None:
        raise rejection(problems)
    _check_header(header, expected, problems)
    if solution.id_column not in header:
        raise rejection(problems)
    frame = _read_frame(data, header, solution, metric_input, problems)
    if frame is None:
        raise rejection(problems)
    return frame


def rejection(problems: list[str]) -> SubmissionError:
    """The error that rejects a submission with ``problems`` (each cut to 1,000 characters)."""
    return SubmissionError(f"submission rejected: {len(problems)} problem(s) found", [clip(p, 1_000) for p in problems])


def _payload(path: Path, problems: list[str]) -> Path | None:
    """``path`` when it looks like a UTF-8 text file, else None (with the reason in ``problems``)."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head.strip():
        problems.append("the file is empty: it needs a header line and one row per test id")
        return None
    if b"\x00" in head:
        problems.append("the file is not a CSV text file (it holds binary data); save your predictions as CSV")
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(head) < 8192 or exc.start < len(head) - 4:  # not just a character cut at the sample's end
            problems.append(f"the file is not UTF-8 text (invalid byte at position {exc.start}); save it as UTF-8")
            return None
    return path


def _header(data: Path, expected: list[str], problems: list[str]) -> list[str] | None:
    with open(data, "rb") as fh:
        raw = fh.readline(MAX_LINE_BYTES + 1)
    if len(raw) > MAX_LINE_BYTES:
        problems.append(f"the first line is longer than {MAX_LINE_BYTES // 2**20} MB; it must be the header, "
                        f"the one in sample_submission.csv: {', '.join(expected)}")
        return None
    first = raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    kind = _other_format(first)
    if kind:
        problems.append(f"the file is {kind}, not CSV: submit a CSV with the header of sample_submission.csv "
                        f"({', '.join(expected)}), e.g. written by pandas' to_csv(path, index=False)")
        return None
    try:
        row = next(csv.reader([first]), [])
    except csv.Error as exc:
        problems.append(f"the header cannot be read as CSV ({str(exc)[:200]}); "
                        f"it must be the one in sample_submission.csv: {', '.join(expected)}")
        return None
    header = [c.strip() for c in row]
    if not any(header):
        problems.append("the first line is empty; it must be the header, e.g. the one in sample_submission.csv")
        return None
    if len(header) > max(MAX_COLUMNS, len(expected)):
        problems.append(f"the header has {len(header):,} columns; this competition expects {len(expected)} "
                        f"({examples(expected, len(expected), quote=False)})")
        return None
    counts = Counter(header)
    dups = sorted(c for c, n in counts.items() if n > 1)
    if dups:
        problems.append(f"the header repeats column(s) {examples(dups, len(dups))}; each column must appear once")
        return None
    return header


def _other_format(first_line: str) -> str:
    """What a file that is plainly not CSV is (a saved web page, JSON), from its first line; "" otherwise."""
    start = first_line.lstrip().lower()
    if start.startswith(("<!doctype html", "<html", "<?xml")):
        return "a web page (HTML or XML; was a page saved instead of the file?)"
    if start.startswith(("{", "[")):
        return "JSON (a notebook or a JSON export?)"
    return ""


def _check_header(header: list[str], expected: list[str], problems: list[str]) -> None:
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing or extra:
        msg = f"the header must have the columns of sample_submission.csv: {', '.join(expected)}"
        if missing:
            msg += f"; missing: {', '.join(missing)}"
        if extra:
            msg += f"; unexpected: {examples(extra, len(extra), quote=False)}"
        problems.append(msg + _separator_hint(header, expected))


#: Separators a spreadsheet or ``to_csv(sep=...)`` may have written instead of commas, by name.
OTHER_SEPARATORS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}


def _separator_hint(header: list[str], expected: list[str]) -> str:
    """A hint when the header is one field that other separators split into the expected columns."""
    if len(header) != 1:
        return ""
    for sep, name in OTHER_SEPARATORS.items():
        if sep in header[0]:
            return (f"; the file seems to be separated by {name}, not commas: save it as comma-separated CSV "
                    "(in pandas: to_csv(path, index=False) without sep=)")
    return ""


def _read_frame(data, header, solution: Solution, metric_input: str, problems):
    numeric = numeric_input(solution, metric_input)
    cols = [c for c in header if c == solution.id_column or c in solution.prediction_columns]
    as_text = {c: pl.String for c in cols}
    schema = dict(as_text)
    if numeric:
        schema.update({c: pl.Float64 for c in cols if c != solution.id_column})
    try:
        return _read(data, cols, schema)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            problems.append("the file is not UTF-8 text; save it as UTF-8")
            return None
        if not numeric or "could not parse" not in str(exc):
            problems.append(_parse_problem(data, len(header), exc))
            return None
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a message
        problems.append(_parse_problem(data, len(header), exc))
        return None
    try:  # a non-numeric value: read as text and report where
        frame = _read(data, cols, as_text)
    except Exception as exc:  # noqa: BLE001
        problems.append(_parse_problem(data, len(header), exc))
        return None
    for c in cols:
        if c == solution.id_column:
            continue
        cast = frame[c].str.strip_chars().cast(pl.Float64, strict=False)
        not_number = cast.is_null() & frame[c].is_not_null()
        bad = frame.filter(not_number)
        # reported once here; 0.0 keeps these rows out of the empty-value count
        cast = pl.select(pl.when(not_number).then(0.0).otherwise(cast)).to_series().alias(c)
        if len(bad):
            problems.append(
                f"column {c!r} must hold numbers; {len(bad)} row(s) do not, e.g. "
                + ", ".join(f"id {short(i, quote=False)}: {short(v)}"
                            for i, v in bad.select(solution.id_column, c).head(EXAMPLES).iter_rows())
            )
        frame = frame.with_columns(cast.alias(c))
    return frame


def _read(data: Path, cols, schema):
    return pl.read_csv(data, columns=cols, schema_overrides=schema, infer_schema=False)


def _parse_problem(data: Path, n_fields: int, exc: Exception) -> str:
    with open(data, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        try:
            for row in reader:
                if row and len(row) != n_fields:
                    return f"line {reader.line_num} has {len(row):,} fields, but the header has {n_fields}"
        except csv.Error as err:
            return f"line {reader.line_num + 1} cannot be read as CSV ({str(err)[:200]})"
    lines = str(exc).strip().splitlines()
    return f"the file cannot be read as CSV ({(lines[0] if lines else type(exc).__name__)[:200]})"
