"""The keys the arena's files are kept under (the same in a local folder and in an object store).

::

    competitions/REF/...                 a competition's bundle; its public files are served from here
    competitions/.internal/REF/...       its prepared solution and split seed: never served
    submissions/REF/STAMP-ID-NAME        every submitted file, kept
    archives/REF-STAMP.zip               "download all" of a competition's public files
    notebooks/USER/NOTEBOOK/vN.EXT       shared notebooks, and their rendered pages (vN.html)
    kaggle-uploads/TOKEN/...             Kaggle-client uploads between their start and the submission
"""

from __future__ import annotations

import posixpath
import re
import uuid

COMPETITIONS = "competitions"
SUBMISSIONS = "submissions"
ARCHIVES = "archives"
NOTEBOOKS = "notebooks"
UPLOADS = "kaggle-uploads"
#: Folders beside a competition's folder where the arena keeps what belongs to it and is never served.
INTERNAL = ".internal"
#: The top-level folders of a store, in the order a migration copies them.
TOP = (COMPETITIONS, SUBMISSIONS, NOTEBOOKS, UPLOADS, ARCHIVES)


def competition(ref: str, suffix: str = "") -> str:
    return f"{COMPETITIONS}/{ref}{suffix}"


def internal(competition_key: str) -> str:
    """Where a competition's prepared solution and split seed live: beside its folder, never in it."""
    parent, name = posixpath.split(competition_key)
    return f"{parent}/{INTERNAL}/{name}"


def file_name(raw: str | None, default: str) -> str:
    """The name a client gave a file, safe as a file name and as the last part of a key: its last part only
    (after ``/`` or ``\\``), letters, digits, ``._-`` (anything else becomes ``_``), no leading dot (so never
    ``.`` or ``..``), at most 120 characters (the end kept, with its suffix); ``default`` when nothing is left."""
    last = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", last)[-120:].lstrip(".") or default


def submission(ref: str, name: str, stamp: str) -> str:
    return f"{SUBMISSIONS}/{ref}/{stamp}-{uuid.uuid4().hex[:8]}-{file_name(name, 'submission.csv')}"


def download_name(key: str) -> str:
    """What a download of ``key`` is saved as when its writer named nothing else: a submission's own name
    (without the stamp and id its key starts with), else the key's last part."""
    name = key.rsplit("/", 1)[-1]
    kept = _SUBMITTED.match(name) if key.startswith(f"{SUBMISSIONS}/") else None
    return kept.group(1) if kept else name


_SUBMITTED = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}-(.+)$")


def archive(ref: str, stamp: str) -> str:
    return f"{ARCHIVES}/{ref}-{stamp}.zip"


def upload(token: str, name: str = "") -> str:
    return f"{UPLOADS}/{token}/{name}" if name else f"{UPLOADS}/{token}"


__all__ = ["file_name", "competition", "internal", "submission", "download_name", "archive", "upload", "TOP",
           "INTERNAL"]
