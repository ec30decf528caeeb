"""This server's local copies of files kept in a remote store: read through, bounded, checked on every use.

An entry is named by the file's key *and* the version the store reports for it (its ETag, which
changes with the bytes), so a copy is used only while the store still holds those very bytes: a
file another replica replaced is fetched again, never served stale. Each server has its own cache
under its own home; nothing here is shared. Past :data:`LIMIT_BYTES` the least recently used
entries are removed (an entry used in the last :data:`GRACE_SECONDS` is kept, as it may be in use).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

#: Bytes of local copies kept at most (beyond the entries in use).
LIMIT_BYTES = 4_000_000_000
GRACE_SECONDS = 300
_FETCHING = ".fetching"


class ReadCache:
    def __init__(self, root: Path, limit_bytes: int = LIMIT_BYTES):
        self.root = Path(root)
        self.limit_bytes = limit_bytes

    def _slot(self, *identity: str) -> Path:
        return self.root / hashlib.sha256("\0".join(identity).encode()).hexdigest()[:40]

    def file(self, key: str, version: str, fetch: Callable[[Path], None]) -> Path:
        """The local copy of ``key`` at ``version``; ``fetch(dest)`` writes it when there is none yet."""
        name = key.rsplit("/", 1)[-1]
        return self._entry(self._slot("file", key, version), lambda tmp: fetch(tmp / name)) / name

    def folder(self, identity: str, fill: Callable[[Path], None]) -> Path:
        """A local folder named by ``identity`` (a digest of every key and version in it), filled once."""
        return self._entry(self._slot("folder", identity), fill)

    def seed(self, key: str, version: str, src: Path) -> None:
        """Take the file ``src`` (just written to the store at ``version``) as the copy of ``key``."""
        self._entry(self._slot("file", key, version), lambda tmp: os.replace(src, tmp / key.rsplit("/", 1)[-1]))

    def _entry(self, slot: Path, fill: Callable[[Path], None]) -> Path:
        if slot.is_dir():
            _touch(slot)
            return slot
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{uuid.uuid4().hex}{_FETCHING}"
        tmp.mkdir()
        try:
            fill(tmp)
            try:
                os.rename(tmp, slot)  # atomic: a concurrent fetch of the same bytes wins or loses whole
            except OSError:
                if not slot.is_dir():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.trim(keep=slot)
        return slot

    def trim(self, keep: Path | None = None) -> int:
        """Remove the least recently used entries while the cache holds more than its limit; returns how many."""
        entries = []
        for entry in _entries(self.root):
            if entry.name.endswith(_FETCHING) or entry == keep:
                continue
            try:
                entries.append((entry.stat().st_mtime, _size(entry), entry))
            except OSError:
                continue
        total = sum(size for _, size, _ in entries) + (_size(keep) if keep is not None else 0)
        removed = 0
        now = time.time()
        for used, size, entry in sorted(entries, key=lambda e: e[0]):
            if total <= self.limit_bytes:
                break
            if now - used < GRACE_SECONDS:
                continue
            shutil.rmtree(entry, ignore_errors=True)
            total -= size
            removed += 1
        return removed


def _entries(root: Path) -> list[Path]:
    try:
        return list(root.iterdir())
    except OSError:
        return []


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


__all__ = ["ReadCache", "LIMIT_BYTES"]
