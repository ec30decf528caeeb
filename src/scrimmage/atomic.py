"""Replacing a file whole: written beside it under a temporary name, then renamed over it.

A reader sees the old file or the new one, never a part; a failure leaves the old one
and no temporary file.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path


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
