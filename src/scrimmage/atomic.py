"""Replacing a file or a folder whole: written beside it under a temporary name, then renamed.

A reader sees the old file (folder) or the new one, never a part; a failure leaves the old
one and nothing temporary.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from .errors import ConflictError


@contextmanager
def replacing(dest: Path):
    """Yield a temporary path beside ``dest``; on leaving without error it replaces ``dest``.

    >>> import tempfile
    >>> dest = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with replacing(dest) as tmp:
    ...     _ = tmp.write_text("new")
    >>> dest.read_text(), sorted(p.name for p in dest.parent.iterdir())
    ('new', ['a.txt'])
    """
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(dest: Path, data: bytes) -> None:
    """Replace ``dest`` with ``data`` (see :func:`replacing`)."""
    with replacing(dest) as tmp:
        tmp.write_bytes(data)


def write_text(dest: Path, text: str) -> None:
    """Replace ``dest`` with ``text`` in UTF-8 (see :func:`replacing`)."""
    write_bytes(dest, text.encode("utf-8"))


@contextmanager
def staged_folder(dest: Path, *, replace: bool = False):
    """Yield a new folder beside ``dest`` (readable by all, like a bundle folder); on leaving
    without error it becomes ``dest``.

    ``dest`` may be missing or an empty folder; with ``replace``, an existing folder is replaced
    whole (the old one is removed after the rename). On an error the staged folder is removed
    and ``dest`` is left as it was.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private
        yield tmp
        old = None
        if dest.exists():
            if replace:
                old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=dest.parent))
                os.rmdir(old)
                os.rename(dest, old)
            else:
                try:
                    dest.rmdir()
                except OSError:
                    raise ConflictError(f"{dest} was filled while the bundle was being built") from None
        os.rename(tmp, dest)
        if old is not None:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
