"""Uploads the Kaggle client announces (StartSubmissionUpload), sends (PUT) and submits (CreateSubmission)
in three requests: kept in the arena's store in between, so that behind a load balancer each request may
reach another server. Only the bytes on their way in stay local, in a part file of this process
(``kaggle-uploads/TOKEN/upload.PID.part`` under the home, removed at the next start if the process is killed).
An upload never submitted is removed a day after its start.
"""

from __future__ import annotations

import datetime as dt
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
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
GONE = "no upload under this token (it expired or was used): run the submit command again"


def start(objects: Storage, meta: dict) -> str:
    """Record an announced upload (``meta``: user, competition, file_name, content_length); returns its token."""
    sweep(objects)
    token = secrets.token_urlsafe(24)
    objects.put_bytes(layout.upload(token, META), json.dumps({**meta, "started": time.time()}).encode())
    return token


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
    """Store the complete upload ``part`` with its upload; the part file is removed."""
    try:
        objects.put_file(_data(token, meta), part)
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
    cutoff = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - TTL
    newest: dict[str, dt.datetime] = {}
    for obj in objects.list(layout.UPLOADS):
        token = obj.key.split("/")[1]
        newest[token] = max(newest.get(token, obj.modified), obj.modified)
    old = [token for token, when in newest.items() if when < cutoff]
    for token in old:
        discard(objects, token)
    return len(old)


__all__ = ["start", "staged", "part_path", "keep", "file", "discard", "sweep", "TOKEN_RE", "TTL"]
