"""Files in a local folder: ``$SCRIMMAGE_HOME`` by default, where a key is a path under the folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import scratch
from ..atomic import replacing
from .base import CHUNK, Storage, StoredObject, Written, check_key



class LocalStorage(Storage):
    kind = "local"

    def __init__(self, root: Path):
        self.root = Path(root)

    def describe(self) -> str:
        return f"the folder {self.root}"

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    # writing -------------------------------------------------------------------------------------
    def put_chunks(self, key: str, chunks: Iterable[bytes], limit: int | None = None, too_large=None,
                   name: str | None = None) -> Written:
        dest = self.path(key)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise (scratch.disk_full() if scratch.is_disk_full(exc) else exc) from None
        digest = hashlib.sha256()

        def hashed():
            for chunk in chunks:
                digest.update(chunk)
                yield chunk

        with replacing(dest) as tmp:  # readers see the old file or the new one, never a part
            size = scratch.write_chunks(hashed(), tmp, limit, too_large)  # a full disk leaves no partial file
        return Written(key, digest.hexdigest(), size)

    def put_file(self, key: str, src: str | Path, name: str | None = None) -> Written:
        written = super().put_file(key, src, name)
        st = os.stat(src)
        os.utime(self.path(key), ns=(st.st_atime_ns, st.st_mtime_ns))  # a copy keeps its time, as cp -p does
        return written

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.path(prefix), ignore_errors=True)

    # reading -------------------------------------------------------------------------------------
    def head(self, key: str) -> StoredObject | None:
        path = self.path(key)
        try:
            st = path.lstat()
        except OSError:
            return None
        return _object(key, st) if path.is_file() and not path.is_symlink() else None

    def list(self, prefix: str, recursive: bool = True) -> list[StoredObject]:
        base = self.path(prefix) if prefix else self.root
        out = []
        if recursive:
            for folder, _, names in os.walk(base):
                rel = Path(folder).relative_to(self.root).as_posix()
                out.extend(self._entry(f"{rel}/{n}" if rel != "." else n) for n in names)
        else:
            try:
                names = os.listdir(base)
            except OSError:
                names = []
            out.extend(self._entry(f"{prefix}/{n}" if prefix else n) for n in names)
        return sorted((o for o in out if o is not None), key=lambda o: o.key)

    def links(self, prefix: str) -> list[str]:
        """The keys of the links under the folder ``prefix``: never followed, never listed as files (a link
        may point anywhere on the machine)."""
        out = []
        for folder, dirs, names in os.walk(self.path(prefix)):
            rel = Path(folder).relative_to(self.root).as_posix()
            out.extend(f"{rel}/{n}" for n in dirs + names if os.path.islink(os.path.join(folder, n)))
        return sorted(out)

    def _entry(self, key: str) -> StoredObject | None:
        name = key.rsplit("/", 1)[-1]
        if name.startswith(".") and name.endswith(".tmp"):  # a write in progress (atomic.replacing)
            return None
        return self.head(key)

    def chunks(self, key: str) -> Iterator[bytes]:
        fh = open(self.path(key), "rb")  # FileNotFoundError now, not at the first chunk

        def read():
            with fh:
                yield from iter(lambda: fh.read(CHUNK), b"")

        return read()

    def local_path(self, key: str, obj: StoredObject | None = None) -> Path:
        path = self.path(key)
        if not path.is_file():
            raise FileNotFoundError(f"no stored file {key}")
        return path

    def local_folder(self, prefix: str, only=None) -> Path:
        return self.path(prefix)

    def file_path(self, key: str) -> Path | None:
        return self.path(key)


def _object(key: str, st: os.stat_result) -> StoredObject:
    modified = dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc).replace(tzinfo=None)
    return StoredObject(key, st.st_size, modified, f"{st.st_mtime_ns}-{st.st_size}-{st.st_ino}")


__all__ = ["LocalStorage"]
