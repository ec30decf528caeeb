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
from scrimmage.storage.base import attachment
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
    # a copied submission keeps the name it is downloaded as (a signed URL's answer names it)
    assert target.head(subs[0].stored_path).disposition == attachment(subs[0].file_name) == (
        'attachment; filename="p0.3.csv"')
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


def test_a_target_that_is_the_source_or_inside_it_is_refused(old_home, home, tmp_path, capsys):
    before = snapshot(home)
    (tmp_path / "same").symlink_to(home)
    refused = {f"file://{home}/.": f"the folder {home}", f"file://{tmp_path}/same": f"the folder {tmp_path}/same",
               f"file://{home}/sub/..": f"the folder {home}/sub/..",
               f"file://{home}/competitions/copy": f"the folder {home}/competitions/copy"}
    for url, shown in refused.items():
        code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
        if url.endswith("/."):  # spelled the same once the URL is read: the store in use
            assert (code, err) == (1, f"error: the arena's files are in the folder {home} already: give another --to\n")
            continue
        assert (code, err) == (1, f"error: {shown} is the arena's own store (the folder {home}) or inside it: give "
                                  "a --to outside it\n"), url
    assert snapshot(home) == before and "storage_url" not in read_file(home)


def test_credentials_in_the_target_url_are_refused_and_never_shown(old_home, home, capsys):
    code, out, err = run(capsys, "storage", "migrate", "-q", "--to",
                         "s3://AKIAEXAMPLE:wJalrXUtnFEMI@arena-files/main?endpoint=http://127.0.0.1:9")
    assert (code, out) == (1, "")
    assert err == ("error: storage_url 's3://arena-files/main?endpoint=http://127.0.0.1:9' holds credentials: put them "
                   "in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), never in the URL\n")
    assert "storage_url" not in read_file(home) and not (home / "storage-migrations").exists()


def test_links_in_the_home_to_files_outside_it_are_never_copied_out(old_home, home, tmp_path, monkeypatch, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "id_rsa").write_bytes(b"-----BEGIN OPENSSH PRIVATE KEY-----\n")
    (home / "competitions" / "tiny" / "leak.csv").symlink_to(outside / "id_rsa")
    (home / "submissions" / "tiny" / "folder").symlink_to(outside)
    (home / "notebooks" / "all").symlink_to(outside, target_is_directory=True)
    url = s3.fresh_url(monkeypatch)
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 0, err
    target = open_storage(url, home)
    copied = plan(target)
    own = {key for key in snapshot(home) if not (home / key).is_symlink()}
    assert {o.key for o in copied} == own  # the home's own files, no link nor what it points at
    assert not [o for o in copied if target.read_bytes(o.key).startswith(b"-----BEGIN")]
    assert err == ("warning: 3 link(s) under the arena's folders were not copied (a link may point outside the "
                   "home): competitions/tiny/leak.csv, submissions/tiny/folder, notebooks/all\n")


def interrupted_after(source, target, home, n):
    """A migration stopped after its first ``n`` files (as by Ctrl-C)."""
    class Stop(Exception):
        pass

    def stop(done, size, key, seen=[]):
        seen.append(key)
        if len(seen) == n:
            raise Stop

    with pytest.raises(Stop):
        migrate(source, target, journal_path(home, target), stop)
    return [o.key for o in plan(source)][:n]


def test_a_file_changed_between_runs_is_copied_again_over_the_first_runs_copy(old_home, home, monkeypatch, capsys):
    url = s3.fresh_url(monkeypatch)
    source, target = Arena().objects, open_storage(url, home)
    first = interrupted_after(source, target, home, 2)
    (home / first[1]).write_bytes((home / first[1]).read_bytes() + b"\n")  # changed after it was copied
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 0, err
    assert target.read_bytes(first[1]) == (home / first[1]).read_bytes()
    assert {o.key: target.sha256(o.key) for o in plan(target)} == snapshot(home)


def test_a_tampered_journal_vouches_for_nothing(old_home, home, monkeypatch, capsys):
    import json

    url = s3.fresh_url(monkeypatch)
    source, target = Arena().objects, open_storage(url, home)
    interrupted_after(source, target, home, 1)
    rest = [o for o in plan(source)][1:]
    victim = rest[0]
    junk = b"x" * victim.size  # bytes of the same size planted in the target, and the journal says all is copied
    target.put_bytes(victim.key, junk)
    with open(journal_path(home, target), "a") as log:
        for o in rest:
            log.write(json.dumps({"key": o.key, "sha256": source.sha256(o.key), "size": o.size,
                                  "version": "forged"}) + "\n")
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 1
    assert err.startswith(f"error: {target.describe()} holds {victim.key} already with other bytes (SHA-256 "
                          f"{hashlib.sha256(junk).hexdigest()[:16]}…")
    assert "storage_url" not in read_file(home)
    target.delete(victim.key)
    code, out, err = run(capsys, "storage", "migrate", "--to", url, "-q")
    assert code == 0, err
    assert {o.key: target.sha256(o.key) for o in plan(target)} == snapshot(home)
