"""Kaggle-client uploads between their start and their submission, kept in the arena's store (both kinds)."""

from __future__ import annotations

import datetime as dt

import pytest

from scrimmage import pending_uploads
from scrimmage.errors import NotFoundError
from scrimmage.storage import layout, open_storage


def meta(user: str) -> dict:
    return {"user": user, "competition": "tiny", "file_name": "p.csv", "content_length": 3}


def tokens(objects) -> set[str]:
    return {o.key.split("/")[1] for o in objects.list(layout.UPLOADS)}


def test_each_user_keeps_at_most_a_few_and_loses_the_oldest_first(storage_kind, home, tmp_path):
    objects = open_storage(None if storage_kind == "local" else _url(), home)
    theirs = pending_uploads.start(objects, meta("quin"))
    mine = [pending_uploads.start(objects, meta("pat")) for _ in range(pending_uploads.PER_USER + 2)]
    assert tokens(objects) == {theirs, *mine[2:]}
    for gone in mine[:2]:
        with pytest.raises(NotFoundError, match="no upload under this token"):
            pending_uploads.staged(objects, gone)
    part = pending_uploads.part_path(home, mine[2])
    part.write_bytes(b"a,b")
    pending_uploads.discard(objects, mine[2])  # the user started yet another while these bytes were on their way
    if storage_kind == "local":  # the part file went with the upload's folder
        with pytest.raises(NotFoundError, match="no upload under this token"):
            pending_uploads.keep(objects, mine[2], meta("pat"), part)
    else:
        pending_uploads.keep(objects, mine[2], meta("pat"), part)
    assert not part.exists()
    with pytest.raises(NotFoundError, match="no upload under this token"):  # never submitted
        pending_uploads.staged(objects, mine[2])

def test_uploads_past_their_day_are_swept_at_the_next_start(storage_kind, home, monkeypatch):
    objects = open_storage(None if storage_kind == "local" else _url(), home)
    old = [pending_uploads.start(objects, meta(user)) for user in ("pat", "quin")]
    monkeypatch.setattr(pending_uploads, "TTL", dt.timedelta(seconds=-60))  # everything already there is past it
    new = pending_uploads.start(objects, meta("pat"))
    assert tokens(objects) == {new} and new not in old
    monkeypatch.setattr(pending_uploads, "TTL", dt.timedelta(days=1))
    assert pending_uploads.sweep(objects) == 0 and tokens(objects) == {new}


def _url() -> str:
    import os

    return os.environ["SCRIMMAGE_STORAGE_URL"]
