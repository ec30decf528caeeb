"""Scratch files: uploads on their way in and decompressed submissions.

Each lives in a folder of its own, named with the process id, removed when the
work is done, failed or not. A process killed outright (kill -9) cannot remove
its folders: :func:`sweep` removes those whose process is gone, at the start of
a server. Every byte scrimmage writes for a participant goes through
:func:`write_chunks`, which turns a full disk into :class:`DiskFullError` and
leaves no partial file behind.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from .errors import DiskFullError, ScrimmageError, TooLargeError
from .limits import DISK_FULL

PREFIX = "scrimmage-scratch-"
#: A partial upload file carries the id of the process writing it: ``upload.<pid>.part``.
PART = re.compile(r"^upload\.(\d+)\.part$")
_FOLDER = re.compile(r"^" + re.escape(PREFIX) + r"(\d+)-")
NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def root() -> Path:
    return Path(tempfile.gettempdir())


@contextmanager
def folder(kind: str = "upload"):
    """A new empty folder for this process's scratch files, removed on leaving (also on errors)."""
    try:
        path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{kind}-", dir=root()))
    except OSError as exc:
        raise _translated(exc) from None
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def part_name() -> str:
    """The name of a partial upload file written by this process."""
    return f"upload.{os.getpid()}.part"


def sweep(*extra: Path) -> int:
    """Remove scratch folders (and partial uploads under the ``extra`` folders) of processes that are gone."""
    removed = 0
    for entry in _entries(root()):
        m = _FOLDER.match(entry.name)
        if m and entry.is_dir() and not pid_alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    for base in extra:
        for sub in _entries(base):
            for entry in _entries(sub) if sub.is_dir() else ():
                m = PART.match(entry.name)
                if m and not pid_alive(int(m.group(1))):
                    entry.unlink(missing_ok=True)
                    removed += 1
    return removed


def write_chunks(chunks: Iterable[bytes], dest: Path, limit: int | None = None,
                 too_large: Callable[[], ScrimmageError] | None = None) -> int:
    """Write ``chunks`` to ``dest``; returns the bytes written.

    Past ``limit`` bytes it raises ``too_large()``; on a full disk, :class:`DiskFullError`.
    Either way (and on any other error) ``dest`` is removed: no partial file stays.
    """
    total = 0
    try:
        with open(dest, "wb") as out:
            for chunk in chunks:
                total += len(chunk)
                if limit is not None and total > limit:
                    raise too_large() if too_large else TooLargeError(f"more than {limit:,} bytes")
                out.write(chunk)
    except BaseException as exc:
        dest.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _translated(exc) from None
        raise
    return total


def file_chunks(fh, size: int = 1 << 20):
    """The bytes of the open binary file ``fh``, ``size`` at a time."""
    return iter(lambda: fh.read(size), b"")


def is_disk_full(exc: BaseException) -> bool:
    """True for an OSError (or a database error) that says the disk or the quota is full."""
    if isinstance(exc, OSError) and exc.errno in NO_SPACE:
        return True
    text = str(getattr(exc, "orig", exc)).lower()
    return "database or disk is full" in text or "no space left on device" in text


def disk_full() -> DiskFullError:
    return DiskFullError(DISK_FULL)


def _translated(exc: OSError) -> Exception:
    return DiskFullError(DISK_FULL) if is_disk_full(exc) else exc


def _entries(base: Path) -> list[Path]:
    try:
        return list(base.iterdir())
    except OSError:
        return []


def pid_alive(pid: int | None) -> bool:
    """True while process ``pid`` of this machine runs (a process of another user counts; None does not)."""
    if not pid:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


__all__ = ["pid_alive", "folder", "part_name", "sweep", "write_chunks", "file_chunks", "is_disk_full", "PREFIX"]
