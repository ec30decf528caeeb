"""This server's local copies of files kept in a remote store: read through, bounded, checked on every use.

An entry is named by the file's key *and* the version the store reports for it (its ETag, which
changes with the bytes), so a copy is used only while the store still holds those very bytes: a
file another replica replaced is fetched again, never served stale. Each server has its own cache
under its own home; nothing here is shared. Past :data:`LIMIT_BYTES` the least recently used
entries are removed (an entry used in the last :data:`GRACE_SECONDS` is kept, as it may be in use).

A copy changed on this server's disk after it was fetched (edited by hand, damaged, a file added to
a folder) is never used: each entry has a manifest beside it (``SLOT.sha256``: every file's size and
SHA-256 as fetched), and before an entry is used its files are checked against it (hashed again once
per process, and again whenever a file's size, times or inode change). An entry that differs is
removed and fetched again from the store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

#: Bytes of local copies kept at most (beyond the entries in use).
LIMIT_BYTES = 4_000_000_000
GRACE_SECONDS = 300
#: Files whose hash this process remembers having checked (beyond, it checks them again).
CHECKED_KEPT = 10_000
_FETCHING = ".fetching"
_MANIFEST = ".sha256"


class ReadCache:
    def __init__(self, root: Path, limit_bytes: int = LIMIT_BYTES):
        self.root = Path(root)
        self.limit_bytes = limit_bytes
        self._checked: dict[Path, tuple] = {}  # file -> its stat when its hash last matched the manifest

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
            if self._intact(slot):
                _touch(slot)
                return slot
            log.warning("the local copy %s differs from what was fetched from the store: fetched again", slot)
            _remove(slot)
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{uuid.uuid4().hex}{_FETCHING}"
        tmp.mkdir()
        try:
            fill(tmp)
            manifest = {rel: [path.stat().st_size, _sha256(path)] for rel, path in _files(tmp).items()}
            _manifest(slot).write_text(json.dumps(manifest), encoding="utf-8")
            try:
                os.rename(tmp, slot)  # atomic: a concurrent fetch of the same bytes wins or loses whole
            except OSError:
                if not slot.is_dir():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self.trim(keep=slot)
        return slot

    def _intact(self, slot: Path) -> bool:
        """Whether the files of ``slot`` are those its manifest lists, with their sizes and hashes."""
        try:
            manifest = json.loads(_manifest(slot).read_text(encoding="utf-8"))
            files = _files(slot)
            if not isinstance(manifest, dict) or set(files) != set(manifest):
                return False
            for rel, path in files.items():
                st = path.stat()
                seen = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
                if self._checked.get(path) == seen:
                    continue
                if [st.st_size, _sha256(path)] != manifest[rel]:
                    return False
                if len(self._checked) >= CHECKED_KEPT:  # a long-lived server forgets, and hashes again
                    self._checked.clear()
                self._checked[path] = seen
        except (OSError, ValueError):
            return False
        return True

    def trim(self, keep: Path | None = None) -> int:
        """Remove the least recently used entries while the cache holds more than its limit; returns how many."""
        entries = []
        for entry in _entries(self.root):
            if entry.name.endswith((_FETCHING, _MANIFEST)) or entry == keep:
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
            _remove(entry)
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


def _manifest(slot: Path) -> Path:
    return slot.with_name(slot.name + _MANIFEST)


def _files(folder: Path) -> dict[str, Path]:
    """Every file under ``folder`` by its path relative to it (a link counts as a file, never followed)."""
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_symlink() or not p.is_dir()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _remove(slot: Path) -> None:
    shutil.rmtree(slot, ignore_errors=True)
    _manifest(slot).unlink(missing_ok=True)


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


__all__ = ["ReadCache", "LIMIT_BYTES"]
