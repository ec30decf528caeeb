"""The Kaggle-compatible API in process, on SQLite and PostgreSQL: shapes the client's own types read, paging,
filters, the upload protocol and its guards, errors as ``{"code", "message"}``."""

from __future__ import annotations

import base64
import zipfile
from io import BytesIO

import pytest

from components import require_module
from webutil import app, cheap_hashing, client, signed_up, write_bundle, write_predictions  # noqa: F401

S = "/api/v1/competitions.CompetitionApiService/"


def basic(name: str, key: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{key}".encode()).decode()}


@pytest.fixture
def kaggle(app, tmp_path):
    """A client on the app, the host 'hal' with competition 'tiny', participants pat and quin (Basic auth)."""
    a = app.state.arena
    signed_up(app, "ada")
    signed_up(app, "hal", role="host")
    for name in ("pat", "quin"):
        signed_up(app, name)
    folder = write_bundle(tmp_path / "tiny", extra_toml='tags = ["tabular", "beginner"]\n')
    a.create_competition(folder, host="hal")
    c = client(app)
    c.base_url = "http://localhost"
    auth = {n: basic(n, a.accounts.create_token(n, "kaggle")) for n in ("hal", "pat", "quin")}
    return c, a, folder, auth


def submit(c, auth, path, ref="tiny", message="m"):
    data = path.read_bytes()
    start = c.post(S + "StartSubmissionUpload", json={"competitionName": ref, "fileName": path.name,
                                                       "contentLength": len(data), "lastModifiedEpochSeconds": 1},
                   headers=auth)
    assert start.status_code == 200, start.text
    up = start.json()
    assert up["createUrl"].startswith("http://localhost/api/v1/kaggle/uploads/")
    assert c.put(up["createUrl"], content=data).status_code == 200  # no credentials: the URL is the credential
    return c.post(S + "CreateSubmission", json={"competitionName": ref, "blobFileTokens": up["token"],
                                                "submissionDescription": message}, headers=auth)


def test_shapes_read_by_the_clients_own_types(kaggle, tmp_path):
    types = require_module("kagglesdk.competitions.types.competition_api_service", "kaggle client")
    from kagglesdk.competitions.types.submission_status import SubmissionStatus

    c, a, folder, auth = kaggle
    r = submit(c, auth["pat"], write_predictions(tmp_path / "s.csv", folder, 0.3), message="first")
    created = types.ApiCreateSubmissionResponse.from_dict(r.json())
    sub = a.submissions("tiny", user="pat")[0]
    assert created.ref == sub.id and created.message.startswith("Successfully submitted to Tiny")

    comp = types.ApiCompetition.from_dict(c.post(S + "GetCompetition", json={"competitionName": "tiny"},
                                                 headers=auth["pat"]).json())
    assert (comp.ref, comp.title, comp.category, comp.reward, comp.team_count, comp.user_has_entered,
            comp.user_rank, comp.max_daily_submissions, comp.evaluation_metric) == (
        "tiny", "Tiny", "Getting Started", "Knowledge", 1, True, 1, 5, "roc_auc")
    assert [t.ref for t in comp.tags] == ["tabular", "beginner"] and comp.url == "http://localhost/c/tiny"

    files = types.ApiListDataFilesResponse.from_dict(
        c.post(S + "ListDataFiles", json={"competitionName": "tiny"}).json()).files
    assert [(f.name, f.total_bytes) for f in files] == [
        (n, (folder / n).stat().st_size) for n in ("sample_submission.csv", "test.csv", "train.csv")]
    assert files[0].creation_date.year >= 2024

    subs = types.ApiListSubmissionsResponse.from_dict(
        c.post(S + "ListSubmissions", json={"competitionName": "tiny"}, headers=auth["pat"]).json()).submissions
    assert [(s.ref, s.file_name, s.description, s.status, s.public_score, s.private_score, s.team_name)
            for s in subs] == [(sub.id, "s.csv", "first", SubmissionStatus.COMPLETE, f"{sub.public_score:.5f}", "", "pat")]
    assert subs[0].date.replace(microsecond=0) == sub.date.replace(microsecond=0)

    board = types.ApiGetLeaderboardResponse.from_dict(
        c.post(S + "GetLeaderboard", json={"competitionName": "tiny"}).json()).submissions
    assert [(b.team_name, b.score) for b in board] == [("pat", f"{sub.public_score:.5f}")]
    limits = types.ApiSubmissionLimits.from_dict(
        c.post(S + "GetSubmissionLimits", json={"competitionName": "tiny"}, headers=auth["pat"]).json())
    assert (limits.num_today, limits.num_total, limits.num_allowed_now) == (1, 1, 4)


def test_list_filters_sorts_and_pages(kaggle):
    c, a, folder, auth = kaggle
    a.teams.join("tiny", "pat")

    def refs(body, who="pat"):
        r = c.post(S + "ListCompetitions", json=body, headers=auth[who]).json()
        return [x["ref"] for x in r["competitions"]], r["nextPageToken"]

    everything, token = refs({"pageSize": 1000})
    assert "tiny" in everything and "titanic" in everything and token == ""
    first, token = refs({"pageSize": 3})
    second, token2 = refs({"pageSize": 3, "pageToken": token})
    assert first + second == everything[:6] and token == "3" and token2 == "6"
    assert refs({"pageSize": 3, "page": 2})[0] == second
    assert refs({"group": "COMPETITION_LIST_TAB_ENTERED"})[0] == ["tiny"]
    assert refs({"group": "COMPETITION_LIST_TAB_HOSTED"}, who="hal")[0] == ["tiny"]
    assert refs({"search": "tiny"})[0] == ["tiny"]
    assert "tiny" in refs({"category": "HOST_SEGMENT_GETTING_STARTED"})[0]
    assert "tiny" not in refs({"category": "HOST_SEGMENT_PLAYGROUND", "pageSize": 1000})[0]
    assert refs({"sortBy": "COMPETITION_SORT_BY_NUMBER_OF_TEAMS"})[0][0] in everything
    r = c.post(S + "ListCompetitions", json={"pageToken": "x"})
    assert r.status_code == 400 and r.json()["message"] == "pageToken 'x' is not one this server gave out"


def test_downloads_redirect_to_a_named_file_with_length_and_date(kaggle):
    c, a, folder, auth = kaggle
    r = c.post(S + "DownloadDataFile", json={"competitionName": "tiny", "fileName": "train.csv"}, headers=auth["pat"])
    assert r.status_code == 302 and r.headers["location"] == "http://localhost/api/v1/kaggle/data/tiny/train.csv"
    f = c.get(r.headers["location"], headers=auth["pat"])
    assert f.content == (folder / "train.csv").read_bytes()
    assert f.headers["content-length"] == str(len(f.content)) and f.headers["last-modified"].endswith(" GMT")
    assert c.get(r.headers["location"]).status_code == 403  # the data needs credentials, as in the REST API

    r = c.post(S + "DownloadDataFiles", json={"competitionName": "tiny"}, headers=auth["pat"])
    assert r.status_code == 302 and r.headers["location"] == "http://localhost/api/v1/kaggle/archives/tiny.zip"
    z = c.get(r.headers["location"], headers=auth["pat"])
    assert z.headers["content-length"] == str(len(z.content))
    with zipfile.ZipFile(BytesIO(z.content)) as zf:
        assert sorted(zf.namelist()) == ["sample_submission.csv", "test.csv", "train.csv"]
    again = c.get(r.headers["location"], headers=auth["pat"])
    assert again.headers["last-modified"] == z.headers["last-modified"] and again.content == z.content

    for body, message in (({"competitionName": "tiny", "fileName": "solution.csv"},
                           "no public file 'solution.csv'; the files are: sample_submission.csv, test.csv, train.csv"),
                          ({"competitionName": "nope", "fileName": "x.csv"}, "no competition 'nope'; known competitions: ")):
        r = c.post(S + "DownloadDataFile", json=body, headers=auth["pat"])
        assert r.status_code == 404 and r.json()["code"] == 404 and r.json()["message"].startswith(message)
    assert c.get("/api/v1/kaggle/data/tiny/solution.csv", headers=auth["pat"]).status_code == 404


def test_the_upload_protocol_is_guarded(kaggle, tmp_path):
    c, a, folder, auth = kaggle
    path = write_predictions(tmp_path / "s.csv", folder, 0.3)
    data = path.read_bytes()

    def start(who="pat", size=len(data)):
        return c.post(S + "StartSubmissionUpload", json={"competitionName": "tiny", "fileName": "../../s.csv",
                                                          "contentLength": size}, headers=auth[who]).json()

    up = start()
    r = c.post(S + "CreateSubmission", json={"competitionName": "tiny", "blobFileTokens": up["token"]}, headers=auth["pat"])
    assert r.status_code == 404 and "no upload under this token" in r.json()["message"]  # nothing was PUT yet
    r = c.put(up["createUrl"], content=data + b"more")
    assert r.status_code == 429 and "longer than the" in r.json()["message"]
    assert c.put(up["createUrl"], content=data).status_code == 200
    r = c.post(S + "CreateSubmission", json={"competitionName": "tiny", "blobFileTokens": up["token"]}, headers=auth["quin"])
    assert r.status_code == 404  # another user cannot submit pat's upload
    r = c.post(S + "CreateSubmission", json={"competitionName": "tiny", "blobFileTokens": up["token"]}, headers=auth["pat"])
    assert r.status_code == 200
    assert a.submissions("tiny", user="pat")[0].file_name == "s.csv"  # the name, not the path sent
    r = c.post(S + "CreateSubmission", json={"competitionName": "tiny", "blobFileTokens": up["token"]}, headers=auth["pat"])
    assert r.status_code == 404  # used once
    assert c.put("/api/v1/kaggle/uploads/..%2F..%2Fetc", content=b"x").status_code == 404
    assert c.put("/api/v1/kaggle/uploads/" + "A" * 32, content=b"x").status_code == 404
    r = c.post(S + "StartSubmissionUpload", json={"competitionName": "tiny", "contentLength": 10**12}, headers=auth["pat"])
    assert r.status_code == 429 and r.json()["message"] == "the submission is over the 500 MB limit of 'tiny'; submit a smaller file"


def test_rejections_limits_and_the_private_board_after_closing(kaggle, tmp_path):
    c, a, folder, auth = kaggle
    bad = tmp_path / "bad.csv"
    bad.write_text("nope\n")
    r = submit(c, auth["pat"], bad)
    body = r.json()
    assert r.status_code == 400 and body["code"] == 400
    assert body["message"].startswith("submission rejected:") and body["errors"]
    assert all(f"  - {p}" in body["message"] for p in body["errors"])
    listed = c.post(S + "ListSubmissions", json={"competitionName": "tiny"}, headers=auth["pat"]).json()["submissions"]
    assert listed[0]["status"] == "ERROR" and listed[0]["errorDescription"].splitlines() == body["errors"]

    good = write_predictions(tmp_path / "s.csv", folder, 0.3)
    assert submit(c, auth["pat"], good).status_code == 200
    assert submit(c, auth["quin"], write_predictions(tmp_path / "q.csv", folder, 0.6)).status_code == 200
    a.close("tiny", user="hal")
    board = c.post(S + "GetLeaderboard", json={"competitionName": "tiny"}).json()["submissions"]
    private = a.leaderboard("tiny", private=True)
    assert [(b["teamName"], b["score"]) for b in board] == [(r.team_name, f"{r.score:.5f}") for r in private.rows]
    public = c.post(S + "GetLeaderboard", json={"competitionName": "tiny", "overridePublic": True}).json()["submissions"]
    assert [b["score"] for b in public] == [f"{r.score:.5f}" for r in a.leaderboard("tiny").rows]
    mine = c.post(S + "ListSubmissions", json={"competitionName": "tiny", "group": "SUBMISSION_GROUP_SUCCESSFUL"},
                  headers=auth["pat"]).json()["submissions"]
    assert len(mine) == 1 and mine[0]["privateScore"]  # revealed after closing


def test_auth_errors_say_what_is_wrong(kaggle):
    c, a, folder, auth = kaggle
    token = a.accounts.create_token("pat")
    cases = [
        ({}, "this needs your scrimmage user name and API token: put them in kaggle.json"),
        (basic("pat", "scr_nope"), "the key in kaggle.json is not a valid scrimmage API token"),
        (basic("quin", token), """the key in kaggle.json belongs to 'pat', not 'quin': set "username": "pat\""""),
        ({"Authorization": "Basic !!!"}, "the Authorization header is not HTTP Basic username:key or Bearer TOKEN"),
        ({"Authorization": "Bearer scr_nope"}, "the bearer token (KAGGLE_API_TOKEN) is not a valid scrimmage API token"),
    ]
    for headers, message in cases:
        r = c.post(S + "ListSubmissions", json={"competitionName": "tiny"}, headers=headers)
        assert r.status_code == 403 and r.json()["code"] == 403 and r.json()["message"].startswith(message), r.text
    r = c.post(S + "ListSubmissions", json={"competitionName": "tiny"}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    r = c.post("/api/v1/security.OAuthService/IntrospectToken", json={"token": token})
    assert r.json() == {"active": True, "username": "pat"}
    assert c.post("/api/v1/security.OAuthService/IntrospectToken", json={"token": "x"}).json() == {
        "active": True, "username": "(not a scrimmage token)"}  # so the client sends it and shows the 403 reason
    r = c.post("/api/v1/datasets.DatasetApiService/ListDatasets", json={})
    assert r.status_code == 400 and r.json()["message"] == (
        "scrimmage does not have this feature (datasets.DatasetApiService/ListDatasets): "
        "scrimmage serves competitions only, not datasets")
    r = c.post(S + "ListDataFiles", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["message"] == "the request body is not JSON"
    r = c.post(S + "ListDataFiles", json={})
    assert r.status_code == 400 and r.json()["message"].startswith("competitionName is missing")


def test_reference_rows_on_both_apis_before_and_after_the_close(kaggle, tmp_path):
    """The Kaggle API interleaves the reference rows (public scores, then private after the close); the REST API
    gives the teams' rows and the references in the competition's settings, private scores only after the close."""
    c, a, _, auth = kaggle
    refs = '[[reference_scores]]\nname = "simple"\npublic = 0.6\nprivate = 0.61\n'
    folder = write_bundle(tmp_path / "refs", toml='title = "Refs"\nref = "refs"\nmetric = "roc_auc"\nid_column = "id"\n'
                          + refs)
    a.create_competition(folder, host="hal")
    assert submit(c, auth["pat"], write_predictions(tmp_path / "p.csv", folder, 0.5), ref="refs").status_code == 200
    pat = a.submissions("refs", user="pat")[0]
    rows = c.post(S + "GetLeaderboard", json={"competitionName": "refs"}, headers=auth["pat"]).json()["submissions"]
    assert [(r.get("teamId"), r["teamName"], r["score"]) for r in rows] == [
        (a.teams.team("refs", "pat").id, "pat", f"{pat.public_score:.5f}"), (None, "reference: simple model", "0.60000")]
    token = {"Authorization": f"Bearer {a.accounts.create_token('pat')}"}
    rest = c.get("/api/competitions/refs/leaderboard", headers=token).json()
    assert [r["team_name"] for r in rest["rows"]] == ["pat"]
    assert rest["competition"]["settings"]["reference_scores"] == [{"name": "simple", "public": 0.6}]

    a.close("refs", user="hal")
    rows = c.post(S + "GetLeaderboard", json={"competitionName": "refs"}, headers=auth["pat"]).json()["submissions"]
    assert ("reference: simple model", "0.61000") in [(r["teamName"], r["score"]) for r in rows]
    rest = c.get("/api/competitions/refs/leaderboard?private=true", headers=token).json()
    assert rest["competition"]["settings"]["reference_scores"] == [{"name": "simple", "public": 0.6, "private": 0.61}]
