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
#: Past WATCH_AFTER decompressed bytes, data compressed more than BOMB_RATIO:1 is counted before it is written.
BOMB_RATIO = 100
WATCH_AFTER = 16_000_000
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
    what = "gzip-compressed" if kind == "gzip" else "like a zip archive"
    try:
        if kind == "gzip":
            if _gzip_declared_size(path) > limit:  # the trailer says so itself: refused at once
                raise _PastLimit(limit_mb)
            _inflate(lambda: gzip.open(path, "rb"), path.stat().st_size, dest, limit, limit_mb)
            return dest
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")]
            if len(infos) != 1:
                problems.append(f"the zip archive holds {len(infos)} files; it must hold exactly one CSV file")
                return None
            if infos[0].file_size > limit:  # the archive says so itself: no need to inflate
                raise _PastLimit(limit_mb)
            _inflate(lambda: zf.open(infos[0]), infos[0].compress_size, dest, limit, limit_mb)
            return dest
    except _PastLimit as exc:
        problems.append(exc.message)
    except _READ_ERRORS as exc:  # a full disk is a DiskFullError, not one of these
        problems.append(f"the file looks {what} but cannot be decompressed ({_first_line(exc)})")
    return None


def _gzip_declared_size(path: Path) -> int:
    """The uncompressed size a gzip file's trailer states (ISIZE: the last member's size modulo 2**32).

    A member larger than the limit makes the whole file larger, so a stated size past the limit is
    refused without inflating anything; a smaller one proves nothing (it may wrap or lie) and the
    bytes are counted as they come. A file whose trailer does not match its data is refused by
    :mod:`gzip` when it is read.
    """
    size = path.stat().st_size
    if size < 18:  # shorter than an empty gzip member: gzip itself says what is wrong
        return 0
    with open(path, "rb") as fh:
        fh.seek(size - 4)
        return int.from_bytes(fh.read(4), "little")


def _inflate(open_source, compressed: int, dest: Path, limit: int, limit_mb: float) -> None:
    """Write the decompressed bytes to ``dest``, stopping past ``limit``.

    Once the data proves compressed more than :data:`BOMB_RATIO` to 1 (no real submission is: every row
    has an id of its own), the rest is only counted, not written; should it stay within the limit after
    all, it is decompressed again and written.
    """
    total = 0

    def counted(chunks, watch: bool):
        nonlocal total
        for chunk in chunks:
            total += len(chunk)
            if total > limit:
                raise _PastLimit(limit_mb)
            if watch and total > WATCH_AFTER and total > BOMB_RATIO * compressed:
                raise _Suspicious
            yield chunk

    with open_source() as src:
        chunks = file_chunks(src)
        try:
            write_chunks(counted(chunks, True), dest)
            return
        except _Suspicious:
            for _ in counted(chunks, False):  # counting only
                pass
    total = 0
    with open_source() as src:
        write_chunks(counted(file_chunks(src), False), dest)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]


class _Suspicious(Exception):
    pass


class _PastLimit(TooLargeError):
    def __init__(self, limit_mb: float):
        super().__init__(f"the file inflates past the {limit_mb:g} MB limit once decompressed; "
                         "the decompressed CSV must stay within it (write fewer decimals?)")


__all__ = ["kind_of", "inflate"]
