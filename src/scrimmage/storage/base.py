"""The one interface every kind of file store offers the arena: :class:`Storage`.

A stored file is named by a *key*: a relative POSIX path such as
``submissions/tiny/20260101T000000-1a2b3c4d-sub.csv``. The database records keys,
never paths, so the same records work on every kind of store and on every replica.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import ConfigError

CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredObject:
    """One stored file: its key, size, time of writing and a version that changes whenever its bytes do."""

    key: str
    size: int
    modified: dt.datetime  # UTC, naive
    version: str
    #: The Content-Disposition a remote store answers the file with (its download name), when head() read it.
    disposition: str | None = None

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Written:
    """What a write stored: the key, the SHA-256 of the bytes and their number."""

    key: str
    sha256: str
    size: int


def check_key(key: str) -> str:
    """``key`` when it is a relative POSIX path without ``.``/``..`` parts; else ConfigError."""
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or any(p in ("", ".", "..") for p in parts):
        raise ConfigError(f"{key!r} is not a valid storage key: use a relative path like 'submissions/ref/file.csv'")
    return key


def attachment(filename: str) -> str:
    """The Content-Disposition of a download saved as ``filename`` (as Starlette's FileResponse writes it)."""
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'


def join(*parts: str) -> str:
    """Keys joined with ``/`` (each part may hold ``/`` itself)."""
    return "/".join(p.strip("/") for p in parts if p)


class Storage(ABC):
    """Where the arena keeps its files. Subclasses: :class:`~.local.LocalStorage`, :class:`~.s3.S3Storage`."""

    #: "local" or "s3"
    kind: str = ""

    @abstractmethod
    def describe(self) -> str:
        """Where the files are, for messages (a folder, or ``s3://bucket/prefix``); never a credential."""

    # writing -------------------------------------------------------------------------------------
    @abstractmethod
    def put_chunks(self, key: str, chunks: Iterable[bytes], limit: int | None = None,
                   too_large=None, name: str | None = None) -> Written:
        """Store ``chunks`` under ``key`` whole or not at all; past ``limit`` bytes ``too_large()`` is raised.
        ``name`` is what a download of it is saved as (default: :func:`~.layout.download_name` of the key)."""

    def put_file(self, key: str, src: str | Path, name: str | None = None) -> Written:
        """Store the file ``src`` under ``key`` (its bytes as read once, hashed on the way)."""
        with open(src, "rb") as fh:
            return self.put_chunks(key, iter(lambda: fh.read(CHUNK), b""), name=name)

    def put_bytes(self, key: str, data: bytes, name: str | None = None) -> Written:
        return self.put_chunks(key, [data], name=name)

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove ``key`` (nothing happens when it is not there)."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every key under the folder ``prefix``."""
        for obj in self.list(prefix):
            self.delete(obj.key)

    # reading -------------------------------------------------------------------------------------
    @abstractmethod
    def head(self, key: str) -> StoredObject | None:
        """The stored file ``key``, or None when there is none."""

    @abstractmethod
    def list(self, prefix: str, recursive: bool = True) -> list[StoredObject]:
        """The files under the folder ``prefix`` (only those directly in it with ``recursive=False``), by key."""

    @abstractmethod
    def chunks(self, key: str) -> Iterator[bytes]:
        """The bytes of ``key`` a piece at a time (FileNotFoundError when it is not there)."""

    def open(self, key: str) -> tuple[StoredObject, Iterator[bytes]]:
        """The stored file ``key`` and its bytes a piece at a time, from one read of the store: the size and
        time describe the very bytes that come (FileNotFoundError when it is not there)."""
        found = self.head(key)
        if found is None:
            raise FileNotFoundError(f"no stored file {key}")
        return found, self.chunks(key)

    def read_bytes(self, key: str) -> bytes:
        return b"".join(self.chunks(key))

    def exists(self, key: str) -> bool:
        return self.head(key) is not None

    def sha256(self, key: str) -> str:
        """The SHA-256 of the stored bytes of ``key``, read back from the store."""
        digest = hashlib.sha256()
        for chunk in self.chunks(key):
            digest.update(chunk)
        return digest.hexdigest()

    @abstractmethod
    def local_path(self, key: str, obj: StoredObject | None = None) -> Path:
        """A local file holding the current bytes of ``key`` (FileNotFoundError when it is not stored).

        Polars and NumPy read local files: a remote store hands out a copy from this server's cache,
        checked against the store's version of the file first. Never write to it."""

    @abstractmethod
    def local_folder(self, prefix: str, only=None) -> Path:
        """A local folder holding the current files under ``prefix`` (with ``only(relative_name)``: at least
        those it accepts; a copy from a remote store holds only those). Never write to it."""

    def file_path(self, key: str) -> Path | None:
        """The file itself when the store is a local folder (served as it is); None for a remote store."""
        return None

    def signed_url(self, key: str, filename: str) -> str | None:
        """A time-limited URL a browser may fetch ``key`` from directly and save as ``filename``, when the store is
        set to hand them out and keeps the file there under that name (None when it is not stored)."""
        return None


__all__ = ["Storage", "StoredObject", "Written", "attachment", "check_key", "join", "CHUNK"]
