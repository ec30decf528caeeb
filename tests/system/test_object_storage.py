"""An arena over HTTP on both kinds of store (the folder SCRIMMAGE_HOME, a real S3 server on loopback), and two
servers with separate homes sharing one database and one bucket, as replicas behind a balancer are: every file a
request needs is found whichever server stored it, and no server uses a copy another one made stale."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
from sklearn.metrics import roc_auc_score

import s3
from bundles import solution_targets
from webutil import PASSWORD, bundle_zip, cheap_hashing, client, post, signed_up, token_for  # noqa: F401
from webutil import write_bundle, write_predictions
from scrimmage.config import Settings
from scrimmage.rescoring import rescore
from scrimmage.storage.base import attachment
from scrimmage.stored_files import check
from scrimmage.web import create_app

K = "/api/v1/competitions.CompetitionApiService/"
PUBLIC = ["sample_submission.csv", "test.csv", "train.csv"]


def basic(app, name: str) -> dict:
    token = app.state.arena.accounts.create_token(name, "kaggle")
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{token}".encode()).decode()}


def public_auc(folder, predictions) -> float:
    """The oracle: roc_auc of the Public rows (every fourth test row) from scikit-learn."""
    truth = solution_targets(folder)
    lines = predictions.read_text().splitlines()[1:]
    pred = {i: float(p) for i, p in (line.split(",") for line in lines)}
    public = [i for k, i in enumerate(truth) if k % 4 == 0]
    return roc_auc_score([truth[i] for i in public], [pred[i] for i in public])


def kaggle_submit(c_start, c_put, c_create, auth, path, ref="tiny"):
    """The official client's three steps, each sent to the given client (a server of its own)."""
    data = path.read_bytes()
    up = c_start.post(K + "StartSubmissionUpload", json={"competitionName": ref, "fileName": path.name,
                                                         "contentLength": len(data)}, headers=auth)
    assert up.status_code == 200, up.text
    put = c_put.put(up.json()["createUrl"].replace("http://localhost", ""), content=data)
    assert put.status_code == 200, put.text
    return c_create.post(K + "CreateSubmission", json={"competitionName": ref, "blobFileTokens": up.json()["token"],
                                                       "submissionDescription": "kaggle"}, headers=auth)


def flipped(folder, dest):
    text = (folder / "solution.csv").read_text().splitlines()
    out = [text[0]] + [",".join([p[0], str(1 - int(p[1]))] + p[2:]) for p in (line.split(",") for line in text[1:])]
    dest.write_text("\n".join(out) + "\n")
    return dest


def test_an_arena_works_the_same_on_both_kinds_of_store(storage_kind, home, tmp_path):
    app = create_app(Settings.load())
    a = app.state.arena
    signed_up(app, "hal", role="host")
    pat = signed_up(app, "pat")
    host = client(app)
    assert post(host, "/login", {"name": "hal", "password": PASSWORD}).status_code == 303
    folder = write_bundle(tmp_path / "tiny")
    api = client(app)
    with open(bundle_zip(folder, tmp_path / "tiny.zip"), "rb") as fh:  # the host creates it by uploading its bundle
        r = api.post("/api/competitions", headers=token_for(app, "hal"), files={"bundle": ("tiny.zip", fh)})
    assert r.status_code == 201, r.text
    auth = token_for(app, "pat")
    assert api.post("/api/competitions/tiny/join", headers=auth).status_code == 200

    listed = api.get("/api/competitions/tiny/files", headers=auth).json()
    assert [(f["name"], f["size"]) for f in listed] == [(n, (folder / n).stat().st_size) for n in PUBLIC]
    for name in PUBLIC:
        r = api.get(f"/api/competitions/tiny/files/{name}", headers=auth)
        assert r.status_code == 200 and r.content == (folder / name).read_bytes()
        assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert api.get("/api/competitions/tiny/files/solution.csv", headers=auth).status_code == 404
    kaggle = client(app)
    kaggle.base_url = "http://localhost"
    r = kaggle.get("/api/v1/kaggle/archives/tiny.zip", headers=basic(app, "pat"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert sorted(zf.namelist()) == PUBLIC and zf.read("train.csv") == (folder / "train.csv").read_bytes()

    preds = write_predictions(tmp_path / "p.csv", folder, 0.4)
    with open(preds, "rb") as fh:
        r = api.post("/api/competitions/tiny/submissions", headers=auth, files={"file": ("p.csv", fh)})
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["status"] == "complete" and sub["public_score"] == pytest.approx(public_auc(folder, preds))
    r = host.get(f"/c/tiny/submissions/{sub['id']}/file")  # the host downloads the file as it was stored
    assert r.status_code == 200 and r.content == preds.read_bytes()
    r = kaggle_submit(kaggle, kaggle, kaggle, basic(app, "pat"), write_predictions(tmp_path / "k.csv", folder, 0.7))
    assert r.status_code == 200, r.text
    assert [s.status for s in a.submissions("tiny", user="pat")] == ["complete", "complete"]

    report = rescore(a, "tiny", "hal", "labels were flipped", files={"solution.csv": flipped(folder, tmp_path / "f.csv")})
    assert report.rescored == 2
    first = a.submission("tiny", sub["id"], user="pat")
    assert first.public_score == pytest.approx(1 - sub["public_score"])  # roc_auc of the flipped labels

    nb = {"competition": "tiny", "title": "Baseline"}
    script = b"print('hello')\n"
    r = api.post("/api/notebooks", headers=auth, data=nb, files={"file": ("baseline.py", script)})
    assert r.status_code == 201, r.text
    r = api.get("/api/notebooks/pat/baseline/file", headers=auth)
    assert r.status_code == 200 and r.content == script
    assert "hello" in pat.get("/code/pat/baseline/rendered").text  # the page rendered once, read from the store

    assert check(a) == []
    if storage_kind == "s3":  # every file in the bucket; the home holds the database and this server's copies
        assert not (home / "competitions").exists() and not (home / "submissions").exists()
        assert {o.key.split("/")[0] for o in a.objects.list("")} == {
            "competitions", "submissions", "archives", "notebooks"}
    else:
        assert (home / "competitions" / "tiny" / "train.csv").read_bytes() == (folder / "train.csv").read_bytes()


def test_two_servers_with_separate_homes_share_one_database_and_one_bucket(home, tmp_path, monkeypatch):
    s3.use_s3(monkeypatch)
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", f"sqlite:///{tmp_path / 'shared.db'}")
    one = create_app(Settings.load(home=tmp_path / "one"))
    two = create_app(Settings.load(home=tmp_path / "two"))
    signed_up(one, "hal", role="host")
    signed_up(two, "pat")
    host_one = client(one)
    assert post(host_one, "/login", {"name": "hal", "password": PASSWORD}).status_code == 303
    folder = write_bundle(tmp_path / "tiny")
    with open(bundle_zip(folder, tmp_path / "tiny.zip"), "rb") as fh:  # created on server one
        r = client(one).post("/api/competitions", headers=token_for(one, "hal"), files={"bundle": ("tiny.zip", fh)})
    assert r.status_code == 201, r.text
    api_two = client(two)
    auth = token_for(two, "pat")
    assert api_two.post("/api/competitions/tiny/join", headers=auth).status_code == 200
    assert [f["name"] for f in api_two.get("/api/competitions/tiny/files", headers=auth).json()] == PUBLIC
    assert api_two.get("/api/competitions/tiny/files/test.csv", headers=auth).content == (folder / "test.csv").read_bytes()

    preds = write_predictions(tmp_path / "p.csv", folder, 0.4)
    with open(preds, "rb") as fh:  # submitted to, stored and scored by server two
        r = api_two.post("/api/competitions/tiny/submissions", headers=auth, files={"file": ("p.csv", fh)})
    assert r.status_code == 201, r.text
    sub = r.json()
    assert sub["public_score"] == pytest.approx(public_auc(folder, preds))
    r = host_one.get(f"/c/tiny/submissions/{sub['id']}/file")  # and the host downloads it from server one
    assert r.status_code == 200 and r.content == preds.read_bytes()

    k_one, k_two = client(one), client(two)
    k_one.base_url = k_two.base_url = "http://localhost"
    r = kaggle_submit(k_one, k_two, k_one, basic(one, "pat"), write_predictions(tmp_path / "k.csv", folder, 0.7))
    assert r.status_code == 200, r.text  # started on one, sent to two, submitted on one
    assert json.loads(r.text)["message"].startswith("Successfully submitted to Tiny")

    # server one rescores with a fixed solution; server two, which scored with the old one in memory, sees it
    rescore(one.state.arena, "tiny", "hal", "flipped", files={"solution.csv": flipped(folder, tmp_path / "f.csv")})
    with open(preds, "rb") as fh:
        r = api_two.post("/api/competitions/tiny/submissions", headers=auth, files={"file": ("again.csv", fh)})
    assert r.status_code == 201 and r.json()["public_score"] == pytest.approx(1 - sub["public_score"])
    board = client(two).get("/api/competitions/tiny/leaderboard", headers=auth).json()
    assert board["rows"][0]["score"] == pytest.approx(max(1 - sub["public_score"], r.json()["public_score"]))

    r = api_two.post("/api/notebooks", headers=auth, data={"competition": "tiny", "title": "Mine"},
                     files={"file": ("mine.py", b"x = 1\n")})
    assert r.status_code == 201, r.text
    assert client(one).get("/api/notebooks/pat/mine/file", headers=token_for(one, "pat")).content == b"x = 1\n"
    assert check(one.state.arena) == [] and check(two.state.arena) == []
    assert not (tmp_path / "one" / "submissions").exists() and not (tmp_path / "two" / "competitions").exists()


def presigned(tmp_path, monkeypatch):
    """An arena on a bucket that hands out signed URLs for 60 s, with tiny hosted by hal and joined by pat."""
    monkeypatch.setenv("SCRIMMAGE_STORAGE_URL", s3.fresh_url(monkeypatch) + "&presign=60")
    app = create_app(Settings.load())
    signed_up(app, "hal", role="host")
    signed_up(app, "pat")
    folder = write_bundle(tmp_path / "tiny")
    app.state.arena.create_competition(folder, host="hal")
    app.state.arena.teams.join("tiny", "pat")
    return app, folder


def test_with_presign_downloads_redirect_to_a_signed_url_of_the_store(home, tmp_path, monkeypatch):
    import httpx

    app, folder = presigned(tmp_path, monkeypatch)
    r = client(app).get("/api/competitions/tiny/files/train.csv", headers=token_for(app, "pat"))
    assert r.status_code == 302
    signed = r.headers["location"]
    assert signed.startswith(f"{s3.endpoint()}/{s3.BUCKET}/") and "X-Amz-Signature=" in signed
    assert "X-Amz-Expires=60" in signed
    assert httpx.get(signed, timeout=30).content == (folder / "train.csv").read_bytes()  # no credentials needed
    unsigned = signed.split("?", 1)[0]
    assert httpx.get(unsigned, timeout=30).status_code == 403  # the bucket itself stays closed


def test_a_signed_url_is_saved_under_the_files_own_name(home, tmp_path, monkeypatch):
    import httpx
    import obstore

    app, folder = presigned(tmp_path, monkeypatch)
    a = app.state.arena
    host = client(app)
    assert post(host, "/login", {"name": "hal", "password": PASSWORD}).status_code == 303
    api, auth = client(app), token_for(app, "pat")
    kaggle = client(app)
    kaggle.base_url = "http://localhost"

    def fetched(r, name: str) -> httpx.Response:
        """The redirect followed as a browser does, with no credentials: the store names the file."""
        assert r.status_code == 302, r.text
        got = httpx.get(r.headers["location"], timeout=30)
        assert got.status_code == 200 and got.headers["content-disposition"] == attachment(name)
        return got

    assert fetched(api.get("/api/competitions/tiny/files/train.csv", headers=auth), "train.csv").content == (
        folder / "train.csv").read_bytes()
    assert attachment("train.csv") == 'attachment; filename="train.csv"'
    got = fetched(kaggle.get("/api/v1/kaggle/archives/tiny.zip", headers=basic(app, "pat")), "tiny.zip")
    assert got.headers["content-type"] == "application/zip"  # stored as archives/tiny-STAMP.zip
    with zipfile.ZipFile(io.BytesIO(got.content)) as zf:
        assert sorted(zf.namelist()) == PUBLIC

    preds = write_predictions(tmp_path / "p.csv", folder, 0.4)
    with open(preds, "rb") as fh:  # kept as submissions/tiny/STAMP-ID-my-predictions.csv
        r = api.post("/api/competitions/tiny/submissions", headers=auth, files={"file": ("my-predictions.csv", fh)})
    assert r.status_code == 201, r.text
    sub = a.submission("tiny", r.json()["id"], user="pat")
    assert sub.file_name == "my-predictions.csv" and sub.stored_path.rsplit("/", 1)[-1] != sub.file_name
    assert fetched(host.get(f"/c/tiny/submissions/{sub.id}/file"), sub.file_name).content == preds.read_bytes()

    r = api.post("/api/notebooks", headers=auth, data={"competition": "tiny", "title": "Baseline"},
                 files={"file": ("baseline.py", b"print(1)\n")})
    assert r.status_code == 201, r.text  # kept as notebooks/USER/ID/v1.py
    assert fetched(api.get("/api/notebooks/pat/baseline/file", headers=auth), "baseline.py").content == b"print(1)\n"

    # a file stored without its name (by another program, say) is not redirected to: it streams under its name
    obstore.put(a.objects.store, sub.stored_path, preds.read_bytes())
    r = host.get(f"/c/tiny/submissions/{sub.id}/file")
    assert r.status_code == 200 and r.content == preds.read_bytes()
    assert r.headers["content-disposition"] == 'attachment; filename="my-predictions.csv"'
