"""The bounds on what participants send, in one place, and the helpers that keep messages short.

Every number a participant can run into is defined here (or is a competition or
server setting whose default is defined here); docs/server.md, "Limits on what
participants send", lists them.
"""

from __future__ import annotations

#: A submission file's size limit, before and after decompression, unless the bundle sets ``submission_limit_mb``.
SUBMISSION_LIMIT_MB = 500.0
#: Columns read from a submission's header; a wider header is rejected at once.
MAX_COLUMNS = 10_000
#: Bytes in one line of a submission (the header included).
MAX_LINE_BYTES = 8 * 1024 * 1024
#: Failed uploads a team may make per UTC day, as a multiple of the competition's ``daily_limit``.
FAILED_PER_DAY_FACTOR = 3
#: Bytes of kept submission files per team (all its submissions, scored or not), unless configured.
TEAM_STORAGE_MB = 5_000.0
#: Bytes of kept submission files on the whole server, unless configured.
SERVER_STORAGE_MB = 100_000.0
#: Bytes a request body may have on routes that take no file (forms, JSON calls).
FORM_BODY_BYTES = 2_000_000
#: What a multipart form adds around an uploaded file (boundaries, headers, the other fields).
MULTIPART_OVERHEAD_BYTES = 64 * 1024

#: How many examples a message quotes, and how many characters of each.
EXAMPLES = 5
EXAMPLE_CHARS = 40
#: Characters of an error message kept in the store (and so shown on any page).
MAX_ERROR_CHARS = 4_000

DISK_FULL = "the server's disk is full; nothing was stored, try again later"


def submission_limit_mb(settings: dict) -> float:
    """A competition's size limit for one submission file, in MB (10^6 bytes)."""
    return float(settings.get("submission_limit_mb") or SUBMISSION_LIMIT_MB)


def human_size(n: float, sep: str = "") -> str:
    """``n`` bytes in B, KB, MB or GB (units of 1024), ``sep`` between the number and the unit.

    >>> human_size(512), human_size(1536), human_size(3 * 1024 ** 3, sep=" ")
    ('512B', '1.5KB', '3.0 GB')
    """
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f}{sep}{unit}" if unit == "B" else f"{n:.1f}{sep}{unit}"
        n /= 1024
    return str(n)


def short(value: object, chars: int = EXAMPLE_CHARS, quote: bool = True) -> str:
    """``repr(value)`` (or with ``quote=False`` the text itself), cut to about ``chars`` characters,
    its length noted when it was longer."""
    text = value if isinstance(value, str) else repr(value)
    shown = text if len(text) <= chars else text[:chars]
    out = repr(shown) if quote and isinstance(value, str) else shown
    return out if shown is text else f"{out}... ({len(text):,} characters)"


def examples(values, total: int | None = None, limit: int = EXAMPLES, quote: bool = True) -> str:
    """At most ``limit`` short examples of ``values``, with how many more there are when ``total`` says."""
    shown = []
    for v in values:
        if len(shown) == limit:
            break
        shown.append(short(v, quote=quote))
    text = ", ".join(shown)
    if total is not None and total > len(shown):
        text += f" (and {total - len(shown):,} more)"
    return text


def clip(text: str | None, chars: int = MAX_ERROR_CHARS) -> str | None:
    """``text`` cut to at most about ``chars`` characters: its head and its tail, the cut noted in between."""
    if text is None or len(text) <= chars:
        return text
    keep = chars - 60
    head, tail = text[: keep * 2 // 3], text[-(keep // 3):]
    return f"{head}\n... ({len(text) - len(head) - len(tail):,} characters cut) ...\n{tail}"


__all__ = [
    "SUBMISSION_LIMIT_MB", "MAX_COLUMNS", "human_size", "MAX_LINE_BYTES", "FAILED_PER_DAY_FACTOR", "TEAM_STORAGE_MB",
    "SERVER_STORAGE_MB", "FORM_BODY_BYTES", "MULTIPART_OVERHEAD_BYTES", "EXAMPLES",
    "EXAMPLE_CHARS", "MAX_ERROR_CHARS", "DISK_FULL", "submission_limit_mb", "short", "examples", "clip",
]
