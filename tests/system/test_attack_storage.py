"""Attacks on the arena's file store over real HTTP, on both kinds of store (the folder SCRIMMAGE_HOME, a real S3
server on loopback): names that try to leave their folder, uploads that never end or never stop growing, errors that
would show where the files are, and a server's local copies changed behind its back."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import uuid
from urllib.parse import quote, unquote

import httpx
import pytest

import s3
from webutil import cheap_hashing, live_server, signed_up, text_of, token_for, world  # noqa: F401 - fixtures
from webutil import bundle_zip, write_bundle, write_predictions
from scrimmage import pending_uploads
from scrimmage.config import Settings
from scrimmage.solution_store import SOLUTION_CACHE
from scrimmage.storage import layout
from scrimmage.web import create_app

K = "/api/v1/competitions.CompetitionApiService/"
HOSTILE_NAMES = ["../../competitions/tiny/solution.csv", "/etc/passwd", "..\\..\\competitions\\tiny\\x.csv", "..",
                 ".", "a\x00b.csv", "%2e%2e%2fsolution.csv", "x" * 1000 + ".csv", "ünï😀.csv", ".hidden.csv",
                 "kaggle-uploads/../upload.json"]
BOMB_MESSAGE = ("the file inflates past the 1 MB limit once decompressed; the decompressed CSV must stay within it "
                "(write fewer decimals?)")
STORE_DOWN = ("the arena's file store did not answer; try again in a minute (the server's log says why, for its "
              "admin)")
NAMES_TOML = 'title = "Names"\nmetric = "roc_auc"\nid_column = "id"\nref = "names"\ndaily_limit = 100\n'


@pytest.fixture
def app(storage_kind, home):
    """An app on SQLite, its files on the kind of store of the run."""
    return create_app(Settings.load())


def basic(app, name: str) -> dict:
    token = app.state.arena.accounts.create_token(name, "kaggle")
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{token}".encode()).decode()}


def every_key(objects) -> list[str]:
    return [o.key for top in layout.TOP for o in objects.list(top)]


def kaggle_start(url: str, auth: dict, name: str, size: int, ref: str = "tiny") -> httpx.Response:
    return httpx.post(f"{url}{K}StartSubmissionUpload", headers=auth, timeout=60,
                      json={"competitionName": ref, "fileName": name, "contentLength": size})


def kaggle_submit(url: str, auth: dict, name: str, data: bytes, ref: str = "tiny") -> httpx.Response:
    up = kaggle_start(url, auth, name, len(data), ref)
    assert up.status_code == 200, up.text
    token = up.json()["token"]
    put = httpx.put(f"{url}/api/v1/kaggle/uploads/{token}", content=data, timeout=60)
    assert put.status_code == 200, put.text
    return httpx.post(f"{url}{K}CreateSubmission", headers=auth, timeout=60,
                      json={"competitionName": ref, "blobFileTokens": token})


def test_no_file_name_a_participant_gives_leaves_the_submissions_folder(world, app, tmp_path):
    a = app.state.arena
    folder = write_bundle(tmp_path / "names", toml=NAMES_TOML)
    a.create_competition(folder, host="hal")
    a.teams.join("names", "pat")
    solution = a.objects.read_bytes(f"{a.storage_key('names')}/solution.csv")
    before = set(every_key(a.objects))
    data = write_predictions(tmp_path / "p.csv", folder, 0.3).read_bytes()
    rest, kaggle = token_for(app, "pat"), basic(app, "pat")
    with live_server(app) as url:
        for name in HOSTILE_NAMES:
            r = httpx.post(f"{url}/api/competitions/names/submissions", headers=rest, timeout=60,
                           files={"file": (name, data, "text/csv")})
            assert r.status_code == 201, (name, r.text)
            r = kaggle_submit(url, kaggle, name, data, "names")
            assert r.status_code == 200 and r.json()["message"].startswith("Successfully submitted"), (name, r.text)
        for ref in ("..", "..%2F..%2Fetc", "%2e%2e", "tiny%00", "tiny%2F..%2F..%2Fsubmissions"):
            r = httpx.get(f"{url}/api/competitions/{ref}/files/train.csv", headers=rest, timeout=60)
            assert r.status_code == 404, (ref, r.status_code, r.text)
            assert b"id,target" not in r.content
        subs = httpx.get(f"{url}/api/competitions/names/submissions", headers=rest, timeout=60).json()
    new = set(every_key(a.objects)) - before
    assert len(new) == 2 * len(HOSTILE_NAMES)
    for key in new:  # each one a plain file directly in the competition's submissions folder
        where, _, name = key.rpartition("/")
        assert where == "submissions/names" and name[0].isdigit() and len(name) < 160, key
        assert a.objects.read_bytes(key) == data
    assert a.objects.read_bytes(f"{a.storage_key('names')}/solution.csv") == solution
    assert all(s["status"] == "complete" for s in subs)
    for s in subs:  # the names shown are as safe as the keys
        assert "/" not in s["file_name"] and "\\" not in s["file_name"] and s["file_name"] not in (".", "..")
    assert not a.objects.list(layout.UPLOADS)  # every upload was used and removed


def test_a_gzip_bomb_or_a_huge_file_is_stopped_at_the_limit_on_every_way_in(world, app, tmp_path):
    a = app.state.arena
    a.create_competition(write_bundle(tmp_path / "small", toml=NAMES_TOML.replace('"names"', '"small"')
                                      + "submission_limit_mb = 1\n"), host="hal")
    a.teams.join("small", "pat")
    bomb = gzip.compress(b"id,target\n" + b"0" * 40_000_000, 9)  # 40 MB of zeros in about 40 KB
    huge = b"id,target\n" + b"0" * 1_500_000
    rest, kaggle = token_for(app, "pat"), basic(app, "pat")
    with live_server(app) as url:
        inflated = kaggle_submit(url, kaggle, "bomb.csv.gz", bomb, "small")
        r = httpx.post(f"{url}/api/competitions/small/submissions", headers=rest, timeout=60,
                       files={"file": ("bomb.csv.gz", bomb, "application/gzip")})
        announced = kaggle_start(url, kaggle, "huge.csv", len(huge), "small")
        negative = kaggle_start(url, kaggle, "huge.csv", -5, "small")
        liar = kaggle_start(url, kaggle, "huge.csv", 1000, "small")
        put = httpx.put(f"{url}/api/v1/kaggle/uploads/{liar.json()['token']}", content=huge, timeout=60)
        posted = httpx.post(f"{url}/api/competitions/small/submissions", headers=rest, timeout=60,
                            files={"file": ("huge.csv", huge, "text/csv")})
    assert inflated.status_code == r.status_code == 400, (inflated.text, r.text)
    assert inflated.json()["errors"] == r.json()["errors"] == [BOMB_MESSAGE]
    assert announced.status_code == 429 and announced.json()["message"] == (
        "the submission is over the 1 MB limit of 'small'; submit a smaller file")
    assert negative.status_code == 400 and negative.json()["message"] == (
        "contentLength must be the file's size in bytes, not -5")
    assert put.status_code == 429 and put.json()["message"] == (
        "the upload is longer than the 1000 bytes announced; run the submit command again")
    assert posted.status_code == 413 and posted.json()["error"] == (
        "the upload is 1.5 MB: a submission may be at most 1 MB here; nothing was stored (compress a submission as "
        ".csv.gz or .zip)")
    kept = [o for o in a.objects.list("submissions/small")]  # the rejected bombs, kept as sent: never inflated
    assert [o.size for o in kept] == [len(bomb)] * 2
    left = [o.key.rsplit("/", 1)[1] for o in a.objects.list(layout.UPLOADS)]  # the liar's record only
    assert len(left) == 2 and left[1] == "upload.json" and left[0].startswith("started."), left


def test_uploads_started_and_never_submitted_are_bounded_per_user(world, app, tmp_path):
    a = app.state.arena
    pat, quin = basic(app, "pat"), basic(app, "quin")
    data = write_predictions(tmp_path / "p.csv", world["folder"], 0.3).read_bytes()
    with live_server(app) as url:
        theirs = kaggle_start(url, quin, "q.csv", len(data)).json()["token"]
        tokens = []
        for i in range(pending_uploads.PER_USER + 3):  # a client that starts uploads and never submits them
            tokens.append(kaggle_start(url, pat, f"p{i}.csv", len(data)).json()["token"])
            put = httpx.put(f"{url}/api/v1/kaggle/uploads/{tokens[-1]}", content=data, timeout=60)
            assert put.status_code == 200, put.text
        held = {o.key.split("/")[1] for o in a.objects.list(layout.UPLOADS)}
        assert held == {theirs, *tokens[-pending_uploads.PER_USER:]}  # pat's oldest three are gone, quin's stays
        for token in tokens[:3]:
            r = httpx.put(f"{url}/api/v1/kaggle/uploads/{token}", content=data, timeout=60)
            assert r.status_code == 404 and r.json()["message"] == pending_uploads.GONE
            r = httpx.post(f"{url}{K}CreateSubmission", headers=pat, timeout=60,
                           json={"competitionName": "tiny", "blobFileTokens": token})
            assert r.status_code == 404 and r.json()["message"] == pending_uploads.GONE
        r = httpx.post(f"{url}{K}CreateSubmission", headers=pat, timeout=60,
                       json={"competitionName": "tiny", "blobFileTokens": tokens[-1]})
        assert r.status_code == 200, r.text
        assert httpx.put(f"{url}/api/v1/kaggle/uploads/{theirs}", content=data, timeout=60).status_code == 200
        r = httpx.post(f"{url}{K}CreateSubmission", headers=quin, timeout=60,
                       json={"competitionName": "tiny", "blobFileTokens": theirs})
        assert r.status_code == 200, r.text
    assert len({o.key.split("/")[1] for o in a.objects.list(layout.UPLOADS)}) == pending_uploads.PER_USER - 1



def test_a_store_that_fails_shows_a_participant_neither_its_address_nor_its_keys(home, monkeypatch, tmp_path, caplog):
    bucket, prefix, endpoint = f"arena-{uuid.uuid4().hex[:12]}", "private-prefix", s3.endpoint()
    httpx.put(f"{endpoint}/{bucket}", timeout=30).raise_for_status()
    s3.fresh_url(monkeypatch)  # the credentials
    monkeypatch.setenv("SCRIMMAGE_STORAGE_URL", f"s3://{bucket}/{prefix}?endpoint={endpoint}")
    app = create_app(Settings.load())
    a = app.state.arena
    signed_up(app, "hal", role="host")
    browser = signed_up(app, "pat")
    folder = write_bundle(tmp_path / "tiny")
    a.create_competition(folder, host="hal")
    a.teams.join("tiny", "pat")
    rest, kaggle = token_for(app, "pat"), basic(app, "pat")
    for obj in a.objects.list(""):  # the bucket goes away (deleted, or the arena's credentials lost their rights)
        a.objects.delete(obj.key)
    httpx.delete(f"{endpoint}/{bucket}", timeout=30).raise_for_status()
    data = write_predictions(tmp_path / "p.csv", folder, 0.3).read_bytes()
    with live_server(app) as url:
        answers = [
            httpx.get(f"{url}/api/competitions/tiny/files/train.csv", headers=rest, timeout=60),
            httpx.get(f"{url}/api/competitions/tiny/files", headers=rest, timeout=60),
            httpx.post(f"{url}/api/competitions/tiny/submissions", headers=rest, timeout=60,
                       files={"file": ("p.csv", data, "text/csv")}),
            httpx.post(f"{url}{K}StartSubmissionUpload", headers=kaggle, timeout=60,
                       json={"competitionName": "tiny", "fileName": "p.csv", "contentLength": len(data)}),
            httpx.get(f"{url}/c/tiny/data", cookies=dict(browser.cookies), timeout=60),
        ]
    for r in answers:
        assert r.status_code == 503, (r.request.url, r.status_code, r.text)
        for secret in (bucket, prefix, endpoint, endpoint.rsplit(":", 1)[1], "competitions/", str(home)):
            assert secret not in r.text, (r.request.url, secret, r.text)
    assert answers[0].json()["error"] == STORE_DOWN
    assert answers[3].json()["message"] == STORE_DOWN
    assert STORE_DOWN in text_of(answers[4].text)
    logged = "\n".join(rec.getMessage() for rec in caplog.records)  # the server's log has it all, for its admin
    assert f"the file store s3://{bucket}/{prefix} at {endpoint} did not answer as expected" in logged


@pytest.mark.parametrize("storage_kind", ["s3"], indirect=True)  # a folder store keeps no copies: its files are it
def test_a_poisoned_local_copy_of_the_answers_is_never_scored_against(world, app, tmp_path, storage_kind):
    a = app.state.arena
    flip = write_bundle(tmp_path / "flip", toml=NAMES_TOML.replace('"names"', '"flip"'))
    lines = (flip / "solution.csv").read_text().splitlines()
    (flip / "solution.csv").write_text("\n".join([lines[0]] + [
        ",".join([p[0], str(1 - int(p[1]))] + p[2:]) for p in (line.split(",") for line in lines[1:])]) + "\n")
    a.create_competition(flip, host="hal")
    a.teams.join("flip", "pat")
    rest = token_for(app, "pat")
    data = write_predictions(tmp_path / "p.csv", world["folder"], 0.3).read_bytes()

    def submit(url, ref):
        r = httpx.post(f"{url}/api/competitions/{ref}/submissions", headers=rest, timeout=60,
                       files={"file": ("p.csv", data, "text/csv")})
        assert r.status_code == 201, r.text
        return r.json()["public_score"]

    with live_server(app) as url:
        honest, flipped = submit(url, "tiny"), submit(url, "flip")
    assert flipped == pytest.approx(1 - honest)
    copy = {ref: a.objects.local_path(f"{layout.internal(a.storage_key(ref))}/{SOLUTION_CACHE}")
            for ref in ("tiny", "flip")}
    copy["tiny"].write_bytes(copy["flip"].read_bytes())  # this server's copy of tiny's answers, poisoned
    with live_server(create_app(Settings.load())) as url:  # the server restarted: nothing held in memory
        assert submit(url, "tiny") == pytest.approx(honest)
    assert hashlib.sha256(copy["tiny"].read_bytes()).hexdigest() == a.objects.sha256(
        f"{layout.internal(a.storage_key('tiny'))}/{SOLUTION_CACHE}")  # fetched again from the store


def test_a_signed_url_is_handed_out_only_for_a_file_the_asker_may_read(home, monkeypatch, tmp_path):
    monkeypatch.setenv("SCRIMMAGE_STORAGE_URL", s3.fresh_url(monkeypatch) + "&presign=60")
    app = create_app(Settings.load())
    a = app.state.arena
    signed_up(app, "hal", role="host")
    pat, quin = signed_up(app, "pat"), signed_up(app, "quin")
    folder = write_bundle(tmp_path / "tiny")
    a.create_competition(folder, host="hal")
    for name in ("pat", "quin"):
        a.teams.join("tiny", name)
    data = write_predictions(tmp_path / "p.csv", folder, 0.3).read_bytes()
    private = b"print('my private idea')\n"
    with live_server(app) as url:
        r = httpx.post(f"{url}/api/competitions/tiny/submissions", headers=token_for(app, "pat"), timeout=60,
                       files={"file": ("mine.csv", data, "text/csv")})
        assert r.status_code == 201, r.text
        sub = r.json()["id"]
        r = httpx.post(f"{url}/api/notebooks", headers=token_for(app, "pat"), timeout=60,
                       data={"competition": "tiny", "title": "Mine"}, files={"file": ("mine.py", private)})
        assert r.status_code == 201, r.text
        own = httpx.get(f"{url}/c/tiny/submissions/{sub}/file", cookies=dict(pat.cookies), timeout=60)
        quin_api, quin_k = token_for(app, "quin"), basic(app, "quin")
        tries = [
            httpx.get(f"{url}/c/tiny/submissions/{sub}/file", cookies=dict(quin.cookies), timeout=60),
            httpx.get(f"{url}/api/v1/kaggle/submissions/{sub}/mine.csv", headers=quin_k, timeout=60),
            httpx.post(f"{url}/api/v1/competitions.CompetitionApiService/DownloadSubmission", headers=quin_k,
                       json={"submissionId": sub}, timeout=60),
            httpx.get(f"{url}/api/notebooks/pat/mine/file", headers=quin_api, timeout=60),
            httpx.get(f"{url}/api/competitions/tiny/files/solution.csv", headers=quin_api, timeout=60),
            httpx.get(f"{url}/api/v1/kaggle/data/tiny/solution.csv", headers=quin_k, timeout=60),
            httpx.get(f"{url}/api/v1/kaggle/data/tiny/competition.toml", headers=quin_k, timeout=60),
            httpx.get(f"{url}/c/tiny/data/solution.csv", cookies=dict(quin.cookies), timeout=60),
        ]
    assert own.status_code == 302 and "X-Amz-Signature=" in own.headers["location"]
    assert httpx.get(own.headers["location"], timeout=30).content == data
    for r in tries:
        assert r.status_code in (403, 404), (r.request.url, r.status_code, r.text)
        assert "location" not in r.headers and "X-Amz" not in r.text, (r.request.url, r.text)
        assert s3.BUCKET not in r.text and private.decode() not in r.text


def test_a_notebook_under_any_name_is_kept_under_its_ids(world, app):
    a = app.state.arena
    before = set(every_key(a.objects))
    with live_server(app) as url:
        for i, name in enumerate(["../../competitions/tiny/solution.py", "..\\..\\x.py", "a\x00b.py", "ünï😀.py",
                                  "/etc/cron.d/x.py", "x" * 1000 + ".py"]):
            r = httpx.post(f"{url}/api/notebooks", headers=token_for(app, "pat"), timeout=60,
                           data={"competition": "tiny", "title": f"Hostile {i}", "visibility": "public"},
                           files={"file": (name, b"x = 1\n")})
            assert r.status_code == 201, (name, r.text)
            slug = r.json()["ref"].split("/")[1]
            got = httpx.get(f"{url}/api/notebooks/pat/{slug}/file", headers=token_for(app, "quin"), timeout=60)
            assert got.status_code == 200 and got.content == b"x = 1\n", (name, got.text)
            shown = unquote(got.headers["content-disposition"])  # the name a browser saves it under: no folder
            assert "/" not in shown and "\\" not in shown and ".." not in shown, shown
    new = set(every_key(a.objects)) - before
    assert len(new) == 12 and all(re.fullmatch(r"notebooks/\d+/\d+/v1\.(py|html)", key) for key in new), new


def test_a_host_cannot_name_a_competition_into_another_folder(world, app, tmp_path, home):
    a = app.state.arena
    before = set(every_key(a.objects))
    answers = {}
    with live_server(app) as url:
        for i, ref in enumerate(["..", "../submissions", ".internal", "tiny/../x", "tiny\\\\..", "x\\u0000", "-x"]):
            folder = write_bundle(tmp_path / f"b{i}", toml='title = "T"\nmetric = "roc_auc"\nid_column = "id"\n'
                                                            f'ref = "{ref}"\n')
            with open(bundle_zip(folder, tmp_path / f"b{i}.zip"), "rb") as fh:
                r = httpx.post(f"{url}/api/competitions", headers=token_for(app, "hal"), timeout=60,
                               files={"bundle": ("b.zip", fh, "application/zip")})
            answers[ref] = r
    for ref, r in answers.items():
        assert r.status_code == 400, (ref, r.status_code, r.text)
        assert r.json()["error"] == f"b{list(answers).index(ref)} is not a valid competition bundle", r.text
        assert [p for p in r.json()["errors"] if p.startswith("ref ")], r.text
        assert str(home) not in r.text and "/tmp" not in r.text, r.text  # nor where the server unpacked it
    assert set(every_key(a.objects)) == before


def test_no_upload_token_reaches_a_key_it_was_not_given(world, app, tmp_path):
    a = app.state.arena
    data = write_predictions(tmp_path / "p.csv", world["folder"], 0.3).read_bytes()
    pat = basic(app, "pat")
    hostile = ["..", "../../competitions", "upload.json", "A" * 19, "A" * 65, "A" * 30 + "/..", "A" * 30 + "\x00",
               "A" * 30 + "%2F..%2F..", "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ", "A" * 5000]
    with live_server(app) as url:
        real = kaggle_start(url, pat, "p.csv", len(data)).json()["token"]
        for token in hostile + [real.upper() if real.upper() != real else real.lower()]:
            r = httpx.post(f"{url}{K}CreateSubmission", headers=pat, timeout=60,
                           json={"competitionName": "tiny", "blobFileTokens": token})
            assert r.status_code == 404 and r.json()["message"] == pending_uploads.GONE, (token, r.text)
            r = httpx.put(f"{url}/api/v1/kaggle/uploads/{quote(token, safe='')}", content=data, timeout=60)
            assert r.status_code == 404, (token, r.status_code, r.text)
    assert {o.key.split("/")[1] for o in a.objects.list(layout.UPLOADS)} == {real}
