"""Where the arena keeps its files, behind one interface (:class:`~.base.Storage`), chosen by ``storage_url``.

* unset (the default): the folder ``$SCRIMMAGE_HOME`` itself, as a single server always had it;
* ``file:///PATH``: another local folder (a mount shared by several servers, say);
* ``s3://BUCKET/PREFIX?endpoint=URL``: an S3-compatible object store (see :mod:`.s3`), for replicas.

Keys name the files the same way everywhere (:mod:`.layout`); the database records keys only.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError
from .base import Storage, StoredObject, Written, check_key, join

SCHEMES = ("file", "s3")


def open_storage(url: str | None, home: Path) -> Storage:
    """The store named by ``url`` (None or "": the folder ``home``)."""
    from .local import LocalStorage

    if not url:
        return LocalStorage(home)
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        parts = urlsplit(url)
        path = unquote(parts.path)
        if parts.netloc not in ("", "localhost") or not path.startswith("/"):
            shown = parts._replace(netloc=parts.hostname or "").geturl()  # never a user or password it holds
            raise ConfigError(f"storage_url {shown!r} needs an absolute path: file:///srv/scrimmage")
        return LocalStorage(Path(path))
    if scheme in ("s3", "s3a"):
        from .s3 import S3Storage

        return S3Storage(url, home / "cache" / "objects")
    raise ConfigError(f"storage_url {url!r} is not supported; use file:///PATH or "
                      "s3://BUCKET/PREFIX?endpoint=URL (or leave it unset for the folder SCRIMMAGE_HOME)")


__all__ = ["Storage", "StoredObject", "Written", "open_storage", "check_key", "join", "SCHEMES"]
