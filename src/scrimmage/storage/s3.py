"""Files in an S3-compatible object store (AWS S3, MinIO, Ceph, GCS in S3 mode, ...), through obstore.

The setting ``storage_url`` names the bucket and an optional prefix::

    s3://BUCKET[/PREFIX][?endpoint=URL][&region=NAME][&presign=SECONDS]

``endpoint`` is the store's address when it is not AWS (``http://`` is allowed for a store on
the same machine or a private network); ``presign`` makes downloads redirect to URLs signed for
that many seconds, for a store the browsers can reach (else every download streams through the
arena). Each file is stored with the Content-Disposition of its download name, which the store
answers a signed URL with (obstore signs no response-content-disposition override: the name
travels with the file). Credentials never go in the URL: they come from the environment as for
every S3 client (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, or an instance role).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .. import scratch
from ..errors import ConfigError, StorageError
from . import layout
from .base import CHUNK, Storage, StoredObject, Written, attachment, check_key
from .cache import ReadCache

#: What the query of an s3:// URL may set.
OPTIONS = {"endpoint": "the store's address when it is not AWS, e.g. http://127.0.0.1:9000",
           "region": "the bucket's region (default us-east-1)",
           "presign": "seconds a signed download URL stays valid; downloads then redirect to the store"}
EXAMPLE = "s3://BUCKET/PREFIX?endpoint=http://127.0.0.1:9000"
CONNECT_TIMEOUT = "5s"


def parse(url: str) -> dict:
    """The parts of an ``s3://`` storage URL; ConfigError naming what is wrong and the form to use."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    endpoint = query.get("endpoint") or None
    if parts.username or parts.password or (endpoint and "@" in urlsplit(endpoint).netloc):
        raise ConfigError(f"storage_url {_safe(url)!r} holds credentials: put them in the environment "
                          "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), never in the URL")
    url = _safe(url)  # what a message shows: never the value of an option it does not know (a secret?)
    if not parts.hostname:
        raise ConfigError(f"storage_url {url!r} names no bucket; use {EXAMPLE}")
    unknown = sorted(set(query) - set(OPTIONS))
    if unknown:
        raise ConfigError(f"storage_url {url!r}: unknown option {', '.join(unknown)}; valid options: "
                          + "; ".join(f"{k} ({v})" for k, v in OPTIONS.items()))
    presign = query.get("presign")
    if presign is not None and not (presign.isdigit() and 0 < int(presign) <= 7 * 86400):
        raise ConfigError(f"storage_url {url!r}: presign must be a number of seconds from 1 to 604800, "
                          f"got {presign!r}")
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ConfigError(f"storage_url {url!r}: endpoint must be an http:// or https:// address, got {endpoint!r}")
    return {"bucket": parts.netloc, "prefix": parts.path.strip("/"), "endpoint": endpoint,
            "region": query.get("region") or None, "presign": int(presign) if presign else None}


def _safe(url: str) -> str:
    """``url`` without credentials: no user or password (in the bucket's part or the endpoint's), and ``…`` for
    the value of every option that is not one of :data:`OPTIONS`."""
    parts = urlsplit(url)
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "endpoint" and "@" in urlsplit(value).netloc:
            value = urlsplit(value)._replace(netloc=urlsplit(value).netloc.rsplit("@", 1)[1]).geturl()
        query.append(f"{key}={value if key in OPTIONS else '…'}")
    if "@" not in parts.netloc and "&".join(query) == parts.query:
        return url
    return parts._replace(netloc=parts.hostname or "", query="&".join(query)).geturl()


class S3Storage(Storage):
    kind = "s3"

    def __init__(self, url: str, cache_root: Path):
        from obstore.store import S3Store

        self.url = url
        self.options = parse(url)
        config = {"region": self.options["region"] or "us-east-1"}
        client = {}
        if self.options["endpoint"]:
            config.update(endpoint=self.options["endpoint"], virtual_hosted_style_request=False)
            client["allow_http"] = self.options["endpoint"].startswith("http://")
        client.update(connect_timeout=CONNECT_TIMEOUT)  # a store that is down is said so in seconds, not minutes
        self.store = S3Store(self.options["bucket"], prefix=self.options["prefix"] or None, client_options=client,
                             retry_config={"max_retries": 2, "backoff": {"init_backoff": dt.timedelta(seconds=0.1)},
                                           "retry_timeout": dt.timedelta(seconds=20)}, **config)
        self.cache = ReadCache(cache_root)

    def describe(self) -> str:
        where = f"s3://{self.options['bucket']}/{self.options['prefix']}".rstrip("/")
        return where + (f" at {self.options['endpoint']}" if self.options["endpoint"] else "")

    @contextmanager
    def _answers(self, writing: bool = False):
        """Errors of the store itself become StorageError; a missing file stays FileNotFoundError (but when
        ``writing``: then what is missing is the bucket)."""
        import obstore.exceptions as ox

        try:
            yield
        except (ox.BaseError, OSError) as exc:
            if isinstance(exc, FileNotFoundError) and not writing:
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StorageError(f"the file store {self.describe()} did not answer as expected ({first[:300]}); "
                               "check that it runs and that the arena's credentials may use the bucket") from None

    # writing -------------------------------------------------------------------------------------
    def put_chunks(self, key: str, chunks: Iterable[bytes], limit: int | None = None, too_large=None,
                   name: str | None = None) -> Written:
        import obstore

        check_key(key)
        name = name or layout.download_name(key)
        attributes = {"Content-Disposition": attachment(name),
                      "Content-Type": mimetypes.guess_type(name)[0] or "application/octet-stream"}
        self.cache.root.mkdir(parents=True, exist_ok=True)
        staged = self.cache.root / f".{uuid.uuid4().hex}.put.fetching"
        digest = hashlib.sha256()

        def hashed():
            for chunk in chunks:
                digest.update(chunk)
                yield chunk

        try:
            size = scratch.write_chunks(hashed(), staged, limit, too_large)
            with self._answers(writing=True):
                result = obstore.put(self.store, key, staged, attributes=attributes)
            self.cache.seed(key, _version(result.get("e_tag"), size), staged)  # scoring next reads it from here
        finally:
            staged.unlink(missing_ok=True)
        return Written(key, digest.hexdigest(), size)

    def delete(self, key: str) -> None:
        import obstore

        with self._answers():
            try:
                obstore.delete(self.store, check_key(key))
            except FileNotFoundError:
                pass

    # reading -------------------------------------------------------------------------------------
    def head(self, key: str) -> StoredObject | None:
        import obstore

        with self._answers():
            try:
                found = obstore.get(self.store, check_key(key), options={"head": True})  # a HEAD, with attributes
            except FileNotFoundError:
                return None
        return _object(found.meta, found.attributes.get("Content-Disposition"))

    def list(self, prefix: str, recursive: bool = True) -> list[StoredObject]:
        import obstore

        with self._answers():
            if recursive:
                found = [m for batch in obstore.list(self.store, prefix or None) for m in batch]
            else:
                found = obstore.list_with_delimiter(self.store, prefix or None)["objects"]
        return sorted((_object(m) for m in found), key=lambda o: o.key)

    def chunks(self, key: str) -> Iterator[bytes]:
        return self.open(key)[1]

    def open(self, key: str) -> tuple[StoredObject, Iterator[bytes]]:
        import obstore

        with self._answers():
            result = obstore.get(self.store, check_key(key))
        stream = result.stream(min_chunk_size=CHUNK)

        def read():
            with self._answers():
                for chunk in stream:
                    yield bytes(chunk)

        return _object(result.meta, result.attributes.get("Content-Disposition")), read()

    def local_path(self, key: str, obj: StoredObject | None = None) -> Path:
        obj = obj or self.head(key)
        if obj is None:
            raise FileNotFoundError(f"no stored file {key} in {self.describe()}")
        return self.cache.file(key, obj.version, lambda dest: self._fetch(key, dest))

    def local_folder(self, prefix: str, only=None) -> Path:
        objects = [o for o in self.list(prefix) if only is None or only(o.key[len(prefix) + 1:])]
        identity = "\n".join(f"{o.key}\0{o.version}" for o in objects)

        def fill(folder: Path) -> None:
            for o in objects:
                dest = folder / o.key[len(prefix) + 1:]
                dest.parent.mkdir(parents=True, exist_ok=True)
                self._fetch(o.key, dest)

        return self.cache.folder(f"{prefix}\n{identity}", fill)

    def _fetch(self, key: str, dest: Path) -> None:
        scratch.write_chunks(self.chunks(key), dest)

    def signed_url(self, key: str, filename: str) -> str | None:
        if not self.options["presign"]:
            return None
        obj = self.head(key)
        if obj is None or obj.disposition != attachment(filename):
            return None  # stored under another name (or before names were kept): streamed, under its own name
        import obstore

        with self._answers():
            return obstore.sign(self.store, "GET", check_key(key), dt.timedelta(seconds=self.options["presign"]))


def _version(etag: str | None, size: int) -> str:
    return f"{etag or ''}-{size}"


def _object(meta: dict, disposition: str | None = None) -> StoredObject:
    modified = meta["last_modified"].astimezone(dt.timezone.utc).replace(tzinfo=None)
    return StoredObject(meta["path"], meta["size"], modified, _version(meta.get("e_tag"), meta["size"]), disposition)


__all__ = ["S3Storage", "parse", "OPTIONS"]
