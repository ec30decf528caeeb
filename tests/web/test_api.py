"""The REST API under /api/ with bearer tokens, on SQLite and PostgreSQL."""

from webutil import app, bundle_zip, client, signed_up, token_for, write_bundle, write_predictions  # noqa: F401


def setup(app, tmp_path):
    folder = write_bundle(tmp_path / "tiny", extra_toml='tags = ["tabular"]\n')
    signed_up(app, "ada")  # the first account: admin
    signed_up(app, "hal", role="host")
    signed_up(app, "pat")
    c = client(app)
    hal, pat = token_for(app, "hal"), token_for(app, "pat")
    with open(bundle_zip(folder, tmp_path / "tiny.zip"), "rb") as fh:
        r = c.post("/api/competitions", files={"bundle": ("tiny.zip", fh)}, headers=hal)
    assert r.status_code == 201, r.text
    assert r.json()["ref"] == "tiny"
    return c, folder, hal, pat


def test_auth_errors_use_the_envelope(app, tmp_path):
    c, *_ = setup(app, tmp_path)
    r = c.get("/api/competitions/tiny/submissions")
    assert r.status_code == 401
    assert r.json() == {"ok": False, "status": 401, "errors": [],
                        "error": "this needs an API token: send the header 'Authorization: Bearer TOKEN' "
                                 "(create one on your account page)"}
    r = c.get("/api/me", headers={"Authorization": "Bearer scr_nope"})
    assert r.status_code == 401
    assert r.json()["error"] == "the API token is not valid (revoked or mistyped); create a new one on your account page"
    r = c.get("/api/competitions/nope")
    assert r.status_code == 404 and r.json()["error"].startswith("no competition 'nope'; known competitions: ")
    r = c.get("/api/nothing-here")
    assert r.json() == {"ok": False, "error": "no page at /api/nothing-here", "errors": [], "status": 404}


def test_list_files_download_submit_select_leaderboard(app, tmp_path):
    c, folder, hal, pat = setup(app, tmp_path)
    assert c.get("/api/me", headers=pat).json() == {"name": "pat", "display_name": "pat", "role": "participant"}
    listed = {d["ref"]: d for d in c.get("/api/competitions?tag=tabular", headers=pat).json()}
    assert "tiny" in listed and listed["tiny"]["user_has_entered"] is False
    assert [f["name"] for f in c.get("/api/competitions/tiny/files").json()] == ["sample_submission.csv", "test.csv", "train.csv"]
    r = c.get("/api/competitions/tiny/files/train.csv", headers=pat)
    assert r.content == (folder / "train.csv").read_bytes()
    with open(write_predictions(tmp_path / "s.csv", folder, 0.8), "rb") as fh:
        r = c.post("/api/competitions/tiny/submissions", files={"file": ("s.csv", fh)}, data={"message": "m1"}, headers=pat)
    assert r.status_code == 201
    sub = r.json()
    assert sub["status"] == "complete" and sub["private_score"] is None and sub["file_name"] == "s.csv"
    assert "stored_path" not in sub
    bad = tmp_path / "bad.csv"
    bad.write_text("nope\n")
    with open(bad, "rb") as fh:
        r = c.post("/api/competitions/tiny/submissions", files={"file": ("bad.csv", fh)}, headers=pat)
    body = r.json()
    assert r.status_code == 400 and body["ok"] is False and body["error"].startswith("submission rejected:")
    assert body["errors"] and body["status"] == 400
    assert c.get("/api/competitions/tiny", headers=pat).json()["user_has_entered"] is True
    r = c.post(f"/api/competitions/tiny/submissions/{sub['id']}/select", headers=pat)
    assert r.json()["selected"] is True
    r = c.post(f"/api/competitions/tiny/submissions/{sub['id']}/select", json={"unselect": True}, headers=pat)
    assert r.json()["selected"] is False
    subs = c.get("/api/competitions/tiny/submissions", headers=pat).json()
    assert [s["status"] for s in subs] == ["error", "complete"]
    board = c.get("/api/competitions/tiny/leaderboard").json()
    assert board["private"] is False and [r["team_name"] for r in board["rows"]] == ["pat"]
    r = c.get("/api/competitions/tiny/leaderboard?private=true", headers=pat)
    assert r.status_code == 403
    assert r.json()["error"] == "the private leaderboard of 'tiny' is hidden until the competition closes"
    assert c.get("/api/competitions/tiny/leaderboard?private=true", headers=hal).json()["private"] is True


def test_host_verbs(app, tmp_path):
    c, folder, hal, pat = setup(app, tmp_path)
    r = c.post("/api/competitions/tiny/close", headers=pat)
    assert r.status_code == 403 and r.json()["error"] == "only the host of 'tiny' can do this"
    r = c.patch("/api/competitions/tiny", json={"daily_limit": 9, "colour": "red"}, headers=hal)
    assert r.status_code == 400
    assert r.json()["errors"] == ["'colour' cannot be edited; editable: title, description, evaluation, data, deadline, "
                                  "merger_deadline, daily_limit, final_selections, max_team_size, tags"]
    assert c.patch("/api/competitions/tiny", json={"daily_limit": 9}, headers=hal).json()["settings"]["daily_limit"] == 9
    with open(bundle_zip(folder, tmp_path / "again.zip"), "rb") as fh:
        r = c.post("/api/competitions", files={"bundle": ("again.zip", fh)}, headers=pat)
    assert r.status_code == 403
    assert r.json()["error"] == "only hosts and admins can create competitions; ask an admin for the host role"
    assert c.post("/api/competitions/tiny/join", headers=pat).json() == {"team": "pat", "members": ["pat"]}
    closed = c.post("/api/competitions/tiny/close", headers=hal).json()
    assert closed["closed"] is True
    assert c.get("/api/competitions/tiny/leaderboard?private=true").json()["private"] is True


def test_bad_bundle_and_validation_errors(app, tmp_path):
    c, folder, hal, pat = setup(app, tmp_path)
    (tmp_path / "evil.zip").write_bytes(b"not a zip")
    with open(tmp_path / "evil.zip", "rb") as fh:
        r = c.post("/api/competitions", files={"bundle": ("evil.zip", fh)}, headers=hal)
    assert r.status_code == 400
    assert r.json()["errors"] == ["the upload is not a .zip file: zip the bundle folder and upload the .zip"]
    r = c.post("/api/competitions/tiny/submissions", headers=pat)
    assert r.status_code == 422
    assert r.json() == {"ok": False, "error": "the request is missing something or has a bad value",
                        "errors": ["file: Field required"], "status": 422}


def test_openapi_documents_the_api(app):
    paths = client(app).get("/api/openapi.json").json()["paths"]
    for path in ("/api/competitions", "/api/competitions/{ref}/files/{name}", "/api/competitions/{ref}/submissions",
                 "/api/competitions/{ref}/leaderboard", "/api/competitions/{ref}/close",
                 "/api/competitions/{ref}/submissions/{sub_id}/select"):
        assert path in paths
    assert not any(p.startswith("/c/") for p in paths)  # pages are not API
    assert client(app).get("/api/docs").status_code == 200


def test_daily_limit_and_selections_exact_with_16_concurrent_api_clients(app, tmp_path):
    """16 clients at once through the HTTP server: exactly daily_limit scored, exactly final_selections chosen."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from webutil import live_server

    c, folder, hal, pat = setup(app, tmp_path)
    path = write_predictions(tmp_path / "s.csv", folder, 0.6)
    with live_server(app) as url:
        def submit(_):
            with open(path, "rb") as fh:
                return httpx.post(f"{url}/api/competitions/tiny/submissions", files={"file": ("s.csv", fh)},
                                  headers=pat, timeout=120).status_code

        def select(sub_id):
            return httpx.post(f"{url}/api/competitions/tiny/submissions/{sub_id}/select", headers=pat,
                              timeout=120).status_code

        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(submit, range(16)))
        assert sorted(codes) == [201] * 5 + [429] * 11
        subs = c.get("/api/competitions/tiny/submissions", headers=pat).json()
        scored = [s["id"] for s in subs if s["status"] == "complete"]
        assert len(subs) == 16 and len(scored) == 5  # every attempt is kept and listed
        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(select, (scored * 4)[:16]))
    chosen = [s for s in c.get("/api/competitions/tiny/submissions", headers=pat).json() if s["selected"]]
    assert len(chosen) == 2 and 429 in codes
