"""The one storage interface on both kinds of store (a local folder, a real S3 server on loopback): writes whole or
not at all, listings, reads, local copies checked against the store, and every refused storage_url by its message."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import s3
from scrimmage.config import Settings, write_value
from scrimmage.errors import ConfigError, StorageError, TooLargeError
from scrimmage.storage import open_storage
from scrimmage.storage.base import attachment
from scrimmage.storage.cache import ReadCache


def store(home: Path):
    return open_storage(Settings.load(home=home).storage_url, home)


def test_writes_reads_and_listings(storage_kind, home):
    objects = store(home)
    assert objects.kind == storage_kind
    written = objects.put_bytes("competitions/tiny/train.csv", b"id,x\n1,2\n")
    assert (written.key, written.size) == ("competitions/tiny/train.csv", 9)
    assert written.sha256 == hashlib.sha256(b"id,x\n1,2\n").hexdigest()
    objects.put_bytes("competitions/tiny/hidden/m.py", b"x = 1\n")
    objects.put_bytes("competitions/.internal/tiny/split.json", b"{}")
    assert [o.key for o in objects.list("competitions/tiny")] == ["competitions/tiny/hidden/m.py",
                                                                  "competitions/tiny/train.csv"]
    assert [o.name for o in objects.list("competitions/tiny", recursive=False)] == ["train.csv"]
    assert objects.list("competitions/nothing") == []
    assert objects.head("competitions/tiny/nothing.csv") is None
    found = objects.head("competitions/tiny/train.csv")
    assert (found.name, found.size) == ("train.csv", 9)
    assert b"".join(objects.chunks(found.key)) == b"id,x\n1,2\n"
    assert objects.sha256(found.key) == written.sha256
    assert objects.local_path(found.key).read_bytes() == b"id,x\n1,2\n"
    folder = objects.local_folder("competitions/tiny")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "hidden/m.py", "train.csv"]
    only = objects.local_folder("competitions/tiny", only=lambda rel: rel.startswith("hidden/"))
    fetched = sorted(p.relative_to(only).as_posix() for p in only.rglob("*") if p.is_file())
    assert fetched == (["hidden/m.py"] if storage_kind == "s3" else ["hidden/m.py", "train.csv"])  # a copy: only those
    with pytest.raises(FileNotFoundError):
        objects.local_path("competitions/tiny/nothing.csv")
    with pytest.raises(FileNotFoundError):
        list(objects.chunks("competitions/tiny/nothing.csv"))
    objects.delete("competitions/tiny/train.csv")
    objects.delete("competitions/tiny/train.csv")  # twice: nothing to do
    assert objects.head("competitions/tiny/train.csv") is None
    objects.delete_prefix("competitions")
    assert objects.list("competitions") == []
    if storage_kind == "s3":  # nothing of it went to the home but this server's cache
        assert sorted(p.name for p in home.iterdir()) == ["cache"]


def test_an_object_store_keeps_each_files_download_name_with_it(storage_kind, home):
    objects = store(home)
    named = objects.put_bytes("submissions/tiny/20260101T000000-1a2b3c4d-p_1.csv", b"id\n", name="p 1.csv").key
    unnamed = objects.put_bytes("submissions/tiny/20260101T000000-5e6f7a8b-p.csv", b"id\n").key  # as a migration
    other = objects.put_bytes("notebooks/3/7/v1.py", b"x = 1\n").key
    found = [objects.head(k).disposition for k in (named, unnamed, other)]
    if storage_kind == "s3":  # the store answers a signed URL with it
        assert found == [attachment("p 1.csv"), attachment("p.csv"), attachment("v1.py")]
        assert found[0] == "attachment; filename*=utf-8''p%201.csv"
    else:  # a local file is served by the arena itself, which names it
        assert found == [None, None, None]


def test_a_write_past_its_limit_leaves_nothing(storage_kind, home):
    objects = store(home)
    with pytest.raises(TooLargeError, match="too big"):
        objects.put_chunks("submissions/t/big.csv", [b"x" * 600, b"y" * 600], limit=1000,
                           too_large=lambda: TooLargeError("too big"))
    assert objects.list("submissions") == []
    assert not [p for p in home.rglob("*") if p.is_file()]  # no partial file anywhere, the cache included


def test_a_copy_is_never_used_once_another_server_replaced_the_file(storage_kind, home, tmp_path):
    here, there = store(home), store(tmp_path / "other-home")
    if storage_kind == "local":  # one folder seen by two servers (a shared mount)
        there = open_storage(f"file://{home}", tmp_path / "other-home")
    here.put_bytes("competitions/t/solution.csv", b"id,target\n1,0\n")
    first = here.local_path("competitions/t/solution.csv")
    assert first.read_bytes() == b"id,target\n1,0\n"
    there.put_bytes("competitions/t/solution.csv", b"id,target\n1,1\n")  # the other server's rescore
    assert here.local_path("competitions/t/solution.csv").read_bytes() == b"id,target\n1,1\n"
    assert here.read_bytes("competitions/t/solution.csv") == b"id,target\n1,1\n"


def test_the_cache_keeps_to_its_bound(tmp_path, monkeypatch):
    from scrimmage.storage import cache

    monkeypatch.setattr(cache, "GRACE_SECONDS", 0)
    kept = ReadCache(tmp_path / "cache", limit_bytes=2500)
    paths = []
    for i in range(4):
        def fetch(dest, i=i):
            dest.write_bytes(bytes([i]) * 1000)
        paths.append(kept.file(f"k/{i}.csv", "v1", fetch))
        os.utime(paths[-1].parent, (1000 + i, 1000 + i))  # used in this order
    assert [p.exists() for p in paths] == [False, False, True, True]  # the least recently used went first
    assert kept.file("k/3.csv", "v1", lambda dest: pytest.fail("fetched again")) == paths[3]
    again = kept.file("k/3.csv", "v2", lambda dest: dest.write_bytes(b"new"))  # another version: another copy
    assert again != paths[3] and again.read_bytes() == b"new"


@pytest.mark.parametrize("url, message", [
    ("s3://key:secret@bucket/p", "storage_url 's3://bucket/p' holds credentials: put them in the environment "
                                 "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), never in the URL"),
    ("s3:///prefix", "storage_url 's3:///prefix' names no bucket; use s3://BUCKET/PREFIX?endpoint=http://127.0.0.1:9000"),
    ("s3://b/p?endpoint=http://KEY:s3cr3t@h:9", "storage_url 's3://b/p?endpoint=http://h:9' holds credentials: put "
     "them in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), never in the URL"),
    ("file://KEY:s3cr3t@nas/srv", "storage_url 'file://nas/srv' needs an absolute path: file:///srv/scrimmage"),
    ("s3://b/p?endpoint=http://h:9&colour=s3cr3t",
     "storage_url 's3://b/p?endpoint=http://h:9&colour=…': unknown option colour; valid options: endpoint (the "
     "store's address when it is not AWS, e.g. http://127.0.0.1:9000); region (the bucket's region (default "
     "us-east-1)); presign (seconds a signed download URL stays valid; downloads then redirect to the store)"),
    ("s3://b/p?presign=forever", "storage_url 's3://b/p?presign=forever': presign must be a number of seconds "
                                 "from 1 to 604800, got 'forever'"),
    ("s3://b/p?endpoint=ftp://h", "storage_url 's3://b/p?endpoint=ftp://h': endpoint must be an http:// or https:// "
                                  "address, got 'ftp://h'"),
    ("gs://bucket", "storage_url 'gs://bucket' is not supported; use file:///PATH or s3://BUCKET/PREFIX?endpoint=URL "
                    "(or leave it unset for the folder SCRIMMAGE_HOME)"),
    ("file://relative/path", "storage_url 'file://relative/path' needs an absolute path: file:///srv/scrimmage"),
])
def test_a_bad_storage_url_is_refused_before_it_is_saved(home, url, message):
    with pytest.raises(ConfigError) as info:
        write_value("storage_url", url, home)
    assert info.value.message == message
    assert "s3cr3t" not in info.value.message
    assert not (home / "config.toml").exists()


def test_a_store_that_does_not_answer_is_said_so(home, monkeypatch):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for name, value in s3.CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    objects = open_storage(f"s3://arena/files?endpoint=http://127.0.0.1:{port}", home)
    with pytest.raises(StorageError) as info:
        objects.head("competitions/tiny/train.csv")
    assert info.value.status == 503
    assert info.value.message == ("the arena's file store did not answer; try again in a minute (the server's log "
                                  "says why, for its admin)")  # the same for everyone: where the files are is not told
    assert info.value.detail.startswith(f"the file store s3://arena/files at http://127.0.0.1:{port} did not answer "
                                        "as expected (")
    assert info.value.detail.endswith("); check that it runs and that the arena's credentials may use the bucket")
    assert "scrimmage-test-secret" not in info.value.detail


def test_a_file_replaced_while_it_is_read_comes_whole_as_it_was_when_opened(storage_kind, home, tmp_path):
    here, there = store(home), store(tmp_path / "other-home")
    if storage_kind == "local":
        there = open_storage(f"file://{home}", tmp_path / "other-home")
    first, second = b"a" * (3 * 1024 * 1024 + 5), b"b" * 10
    here.put_bytes("competitions/t/train.csv", first)
    found, chunks = here.open("competitions/t/train.csv")
    there.put_bytes("competitions/t/train.csv", second)  # another server's host replaced it meanwhile
    assert found.size == len(first) and b"".join(chunks) == first  # the size told is that of the bytes sent
    with pytest.raises(FileNotFoundError):
        here.open("competitions/t/none.csv")
