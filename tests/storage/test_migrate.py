"""``scrimmage storage migrate --to URL``: a single server's home copied into a real S3 server on loopback, verified,
resumed after an interruption, refused over a file the target holds with other bytes; the source never changes."""

from __future__ import annotations

import hashlib

import pytest

import s3
from bundles import write_bundle, write_predictions
from scrimmage.cli import main
from scrimmage.config import Settings, read_file
from scrimmage.arena import Arena
from scrimmage.storage import open_storage
from scrimmage.storage.migrate import journal_path, migrate, plan

pytestmark = pytest.mark.local_files  # the source is a home's own folder


def run(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(home):
    """Every file under the home's arena folders, with its hash."""
    return {p.relative_to(home).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for top in ("competitions", "submissions", "notebooks") for p in (home / top).rglob("*") if p.is_file()}


@pytest.fixture
def old_home(home, tmp_path):
    """A single server's arena: a competition, two submissions, a shared notebook."""
    arena = Arena()
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)
    subs = [arena.submit("tiny", write_predictions(tmp_path / f"p{q}.csv", folder, q)) for q in (0.3, 0.8)]
    arena.notebooks.push("tiny", "alice", "mine.py", b"print(1)\n", visibility="public")
    return folder, subs


def test_a_home_moves_into_an_object_store_and_the_arena_works_from_it(old_home, home, tmp_path, capsys, monkeypatch):
    folder, subs = old_home
    url = s3.fresh_url(monkeypatch)
    before = snapshot(home)
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 0, err
    files = len(before)
    assert out.splitlines()[0].startswith(f"{files} file(s), ")
    assert f": {files} copied now, 0 there already; each one read back and checked by SHA-256" in out
    assert f"storage_url = {url} is set in {home / 'config.toml'}; nothing was removed from the folder {home}" in out
    assert read_file(home)["storage_url"] == url
    assert snapshot(home) == before  # the source is as it was

    arena = Arena()  # from now on on the bucket
    assert arena.objects.kind == "s3"
    target = arena.objects
    assert {o.key: target.sha256(o.key) for o in plan(target)} == before
    assert [f.name for f in arena.files("tiny")] == ["sample_submission.csv", "test.csv", "train.csv"]
    assert arena.objects.read_bytes(subs[0].stored_path) == (tmp_path / "p0.3.csv").read_bytes()
    again = arena.submit("tiny", write_predictions(tmp_path / "p3.csv", folder, 0.3))
    assert again.public_score == pytest.approx(subs[0].public_score)  # scored with the answers from the bucket
    assert arena.notebooks.download("alice", "mine", "alice")[1] == b"print(1)\n"
    assert run(capsys, "admin", "check-files")[1].strip() == "every recorded file is in place"


def test_an_interrupted_migration_goes_on_where_it_stopped(old_home, home, monkeypatch, capsys):
    url = s3.fresh_url(monkeypatch)
    source, target = Arena().objects, open_storage(url, home)
    total = len(plan(source))

    class Stop(Exception):
        pass

    def stop_after_two(done, size, key, seen=[]):
        seen.append(key)
        if len(seen) == 2:
            raise Stop

    with pytest.raises(Stop):
        migrate(source, target, journal_path(home, target), stop_after_two)
    assert len(plan(target)) == 2
    assert "storage_url" not in read_file(home)
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 0, err
    assert f": {total - 2} copied now, 2 there already;" in out
    assert len(plan(target)) == total
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")  # a rerun after the switch: nothing to copy
    assert (code, err) == (1, f"error: the arena's files are in {target.describe()} already: give another --to\n")


def test_a_file_the_target_holds_with_other_bytes_is_never_overwritten(old_home, home, monkeypatch, capsys):
    folder, subs = old_home
    url = s3.fresh_url(monkeypatch)
    target = open_storage(url, home)
    target.put_bytes(subs[1].stored_path, b"id,target\nsomeone else's\n")  # another arena's file at that key
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 1
    theirs = hashlib.sha256(b"id,target\nsomeone else's\n").hexdigest()
    ours = hashlib.sha256((home / subs[1].stored_path).read_bytes()).hexdigest()
    assert err == (f"error: {target.describe()} holds {subs[1].stored_path} already with other bytes (SHA-256 "
                   f"{theirs[:16]}…, the source's is {ours[:16]}…); nothing was overwritten and the migration stopped: "
                   "migrate to an empty prefix, or remove that file from the target if it is not needed, and run the "
                   "command again\n")
    assert target.read_bytes(subs[1].stored_path) == b"id,target\nsomeone else's\n"
    assert "storage_url" not in read_file(home) and Settings.load().storage_url is None
    target.delete(subs[1].stored_path)  # the admin removes it: the rerun finishes
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 0, err
    assert target.read_bytes(subs[1].stored_path) == (home / subs[1].stored_path).read_bytes()
