"""Decompress a submission (``.gz`` or a ``.zip`` holding one file) to disk, a chunk at a time.

The size limit applies to the decompressed bytes: decompression stops as soon as
they pass it, so a small archive that would inflate to gigabytes costs at most
the limit in disk and one chunk in memory.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from pathlib import Path

from .scratch import file_chunks, write_chunks
from .errors import TooLargeError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
#: Errors a damaged or unusual archive raises while it is read.
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError)


def kind_of(head: bytes) -> str | None:
    """``"gzip"``, ``"zip"`` or None (not compressed), from the file's first bytes."""
    if head[:2] == GZIP_MAGIC:
        return "gzip"
    if head[:4] == ZIP_MAGIC:
        return "zip"
    return None


def inflate(path: Path, kind: str, dest: Path, limit_mb: float, problems: list[str]) -> Path | None:
    """Decompress ``path`` into ``dest``; None (with the reason in ``problems``) when it cannot be."""
    limit = int(limit_mb * 1_000_000)
    too_large = lambda: _PastLimit(limit_mb)  # noqa: E731
    what = "gzip-compressed" if kind == "gzip" else "like a zip archive"
    try:
        if kind == "gzip":
            with gzip.open(path, "rb") as src:
                write_chunks(file_chunks(src), dest, limit, too_large)
            return dest
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
            if len(infos) != 1:
                problems.append(f"the zip archive holds {len(infos)} files; it must hold exactly one CSV file")
                return None
            if infos[0].file_size > limit:  # the archive says so itself: no need to inflate
                raise too_large()
            with zf.open(infos[0]) as src:
                write_chunks(file_chunks(src), dest, limit, too_large)
            return dest
    except _PastLimit as exc:
        problems.append(exc.message)
    except _READ_ERRORS as exc:  # a full disk is a DiskFullError, not one of these
        problems.append(f"the file looks {what} but cannot be decompressed ({_first_line(exc)})")
    return None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]


class _PastLimit(TooLargeError):
    def __init__(self, limit_mb: float):
        super().__init__(f"the file inflates past the {limit_mb:g} MB limit once decompressed; "
                         "the decompressed CSV must stay within it (write fewer decimals?)")


__all__ = ["kind_of", "inflate"]
