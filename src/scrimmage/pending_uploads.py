"""Uploads the Kaggle client announces (StartSubmissionUpload), sends (PUT) and submits (CreateSubmission)
in three requests: kept in the arena's store in between, so that behind a load balancer each request may
reach another server. Only the bytes on their way in stay local, in a part file of this process
(``kaggle-uploads/TOKEN/upload.PID.part`` under the home, removed at the next start if the process is killed).
An upload never submitted is removed a day after its start, and a user has at most :data:`PER_USER` of them:
starting another removes that user's oldest (a client that crashed five times is not locked out, and nobody keeps
more than ``PER_USER`` files of the competition's size limit waiting in the store).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import time
from pathlib import Path

from . import scratch
from .errors import NotFoundError
from .storage import Storage, layout

META = "upload.json"
TTL = dt.timedelta(days=1)
#: Uploads started and not yet submitted, per user.
PER_USER = 5
#: The empty file that says who started an upload and when: ``started.NANOSECONDS.USER-DIGEST``.
_STARTED = re.compile(r"^started\.(\d+)\.([0-9a-f]{16})$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
GONE = "no upload under this token (it expired or was used): run the submit command again"


def start(objects: Storage, meta: dict) -> str:
    """Record an announced upload (``meta``: user, competition, file_name, content_length); returns its token.
    Uploads past their day are removed, and the user's oldest while they have :data:`PER_USER` or more."""
    owner = _owner(meta["user"])
    live, _ = _live(objects)
    theirs = sorted((when, token) for token, (when, who) in live.items() if who == owner)
    for _, token in theirs[:max(len(theirs) - PER_USER + 1, 0)]:
        discard(objects, token)
    token = secrets.token_urlsafe(24)
    now = time.time_ns()
    objects.put_bytes(layout.upload(token, META), json.dumps({**meta, "started": now / 1e9}).encode())
    objects.put_bytes(layout.upload(token, f"started.{now}.{owner}"), b"")
    return token


def _owner(user: str) -> str:
    return hashlib.sha256(user.encode()).hexdigest()[:16]


def _live(objects: Storage) -> tuple[dict[str, tuple[int, str]], int]:
    """The uploads in the store, once those past their day are removed: by token, when each started (ns) and
    a digest of its user's name; and how many were removed."""
    cutoff = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - TTL
    newest: dict[str, dt.datetime] = {}
    found: dict[str, tuple[int, str]] = {}
    for obj in objects.list(layout.UPLOADS):
        token, _, rest = obj.key[len(layout.UPLOADS) + 1:].partition("/")
        newest[token] = max(newest.get(token, obj.modified), obj.modified)
        m = _STARTED.match(rest)
        if m:
            found[token] = (int(m.group(1)), m.group(2))
    old = {token for token, when in newest.items() if when < cutoff}
    for token in old:
        discard(objects, token)
    return {token: found.get(token, (0, "")) for token in newest if token not in old}, len(old)


def staged(objects: Storage, token: str) -> dict:
    """The record of the upload ``token``; NotFoundError when there is none (expired, used or never started)."""
    try:
        meta = json.loads(objects.read_bytes(layout.upload(token, META))) if TOKEN_RE.match(token) else None
    except (FileNotFoundError, ValueError):
        meta = None
    if not isinstance(meta, dict):
        raise NotFoundError(GONE)
    return meta


def part_path(home: Path, token: str) -> Path:
    """Where this process writes the bytes of upload ``token`` as they arrive."""
    folder = home / layout.upload(token)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / scratch.part_name()


def keep(objects: Storage, token: str, meta: dict, part: Path) -> None:
    """Store the complete upload ``part`` with its upload; the part file is removed. NotFoundError when the
    upload was removed meanwhile (the user started more than :data:`PER_USER` others)."""
    try:
        objects.put_file(_data(token, meta), part)
    except FileNotFoundError:
        raise NotFoundError(GONE) from None
    finally:
        part.unlink(missing_ok=True)
        try:
            part.parent.rmdir()  # left empty when the store is elsewhere
        except OSError:
            pass


def file(objects: Storage, token: str, meta: dict) -> Path:
    """A local file with the bytes of upload ``token``; NotFoundError when they never arrived."""
    try:
        return objects.local_path(_data(token, meta))
    except FileNotFoundError:
        raise NotFoundError(GONE) from None


def _data(token: str, meta: dict) -> str:
    return layout.upload(token, f"file/{meta['file_name']}")  # never the record itself, whatever the name


def discard(objects: Storage, token: str) -> None:
    objects.delete_prefix(layout.upload(token))


def sweep(objects: Storage) -> int:
    """Remove uploads started more than :data:`TTL` ago and never submitted; returns how many."""
    return _live(objects)[1]


__all__ = ["start", "staged", "part_path", "keep", "file", "discard", "sweep", "TOKEN_RE", "TTL", "PER_USER"]
