"""Shared notebooks on the web: the Code tab, a notebook's page, the rendered version behind a
strict Content-Security-Policy, downloads, votes, comments, copies — as pages (with CSRF) and
as the REST API."""

from __future__ import annotations

import re

from notebooks_hostile import hostile, ordinary
from webutil import app, client, post, text_of, token_for, world  # noqa: F401
from scrimmage.web.headers import POSTS_CSP

STRICT = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


def _share(c, data: bytes, name: str = "baseline.ipynb", **form):
    r = post(c, "/c/tiny/code", {"title": "Baseline", "visibility": "public", **form},
             files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == 303, text_of(r.text)
    return r.headers["location"].split("?")[0]


def test_share_read_vote_comment_copy(app, world):
    pat, quin = world["pat"], world["quin"]
    assert "Code" in text_of(pat.get("/c/tiny").text)
    assert "No notebooks shared with you yet" in text_of(pat.get("/c/tiny/code").text)
    where = _share(pat, ordinary("v1"))
    assert where == "/code/pat/baseline"
    assert _share(pat, ordinary("v2")) == where  # the same title: a new version
    page = quin.get(where)
    assert page.status_code == 200 and 'sandbox src="/code/pat/baseline/rendered?version=2"' in page.text
    assert "version 2 of 2" in text_of(page.text)
    rendered = quin.get(f"{where}/rendered?version=1")
    assert rendered.status_code == 200 and rendered.headers["content-security-policy"].startswith(STRICT)
    assert rendered.headers["x-frame-options"] == "SAMEORIGIN" and "<strong>v1</strong>" in rendered.text
    # the app's own pages keep the app's policy; the notebook's page, which shows comments, their https images
    assert quin.get(where).headers["content-security-policy"] == POSTS_CSP
    download = quin.get(f"{where}/download?version=1")
    assert download.content == ordinary("v1") and "attachment" in download.headers["content-disposition"]
    assert download.headers["content-type"] == "application/octet-stream"

    assert post(quin, f"{where}/vote", {"action": "up"}).status_code == 303
    assert "Take back upvote" in quin.get(where).text
    r = post(pat, f"{where}/vote", {"action": "up"})
    assert r.status_code == 403 and "you cannot upvote your own notebook" in text_of(r.text)
    assert post(quin, f"{where}/comment", {"body": "Nice **split**"}).status_code == 303
    assert "<strong>split</strong>" in pat.get(where).text
    r = post(quin, f"{where}/comment", {"body": " "})
    assert r.status_code == 400 and "the comment is empty: write something" in text_of(r.text)

    r = post(quin, f"{where}/copy")
    assert r.status_code == 303 and r.headers["location"].startswith("/code/quin/baseline")
    assert "copied from pat/baseline" in text_of(quin.get("/code/quin/baseline").text)
    listing = text_of(client(app).get("/c/tiny/code").text)
    assert "Baseline" in listing and "quin" not in listing  # the copy is private


def test_bad_files_come_back_with_the_form(app, world):
    pat = world["pat"]
    r = post(pat, "/c/tiny/code", {"title": "kept title"}, files={"file": ("notes.txt", b"hi", "text/plain")})
    assert r.status_code == 400
    assert "'notes.txt' is neither a notebook (.ipynb) nor a Python script (.py): share one of those" in text_of(r.text)
    assert "kept title" in r.text
    r = client(app).post("/c/tiny/code", files={"file": ("a.py", b"x", "text/plain")})
    assert r.status_code in (401, 403)  # no session (refused before the body), no CSRF token


def test_private_notebooks_stay_private(app, world):
    pat = world["pat"]
    where = _share(pat, b"print('secret')\n", name="secret.py", visibility="private", title="Secret")
    for path in (where, f"{where}/rendered", f"{where}/download", "/api/notebooks/pat/secret"):
        assert client(app).get(path).status_code in (404, 303), path
        assert world["quin"].get(path).status_code == 404, path
    assert pat.get(f"{where}/rendered").status_code == 200
    assert "Secret" not in text_of(world["quin"].get("/c/tiny/code").text)


def test_hostile_notebook_is_served_harmless(app, world):
    where = _share(world["pat"], hostile(), name="evil.ipynb", title="Evil")
    r = world["quin"].get(f"{where}/rendered")
    low = r.text.lower()
    assert r.headers["content-security-policy"].startswith(STRICT)
    for bad in ("<script", " onerror=", " onload=", " onmouseover=", '="javascript:', "<iframe", "<svg"):
        assert bad not in low, bad
    assert "Not shown: 3 outputs with script, widgets or SVG not shown" in text_of(world["quin"].get(where).text)


def test_rest_api(app, world, tmp_path):
    pat, quin, hal = token_for(app, "pat"), token_for(app, "quin"), token_for(app, "hal")
    c = client(app)
    files = {"file": ("solve.py", b"print(42)\n", "text/x-python")}
    assert c.post("/api/notebooks", data={"competition": "tiny"}, files=files).status_code == 401
    r = c.post("/api/notebooks", data={"competition": "tiny", "title": "Solve it", "visibility": "competition"},
               files=files, headers=pat)
    assert r.status_code == 201, r.text
    nb = r.json()
    assert (nb["ref"], nb["kind"], nb["version"], nb["visibility"]) == ("pat/solve-it", "script", 1, "competition")
    assert c.get("/api/notebooks", params={"competition": "tiny"}).json()["notebooks"] == []  # not public
    listed = c.get("/api/notebooks", params={"competition": "tiny", "sort": "recent"}, headers=quin).json()
    assert [n["ref"] for n in listed["notebooks"]] == ["pat/solve-it"]
    assert c.post("/api/notebooks/pat/solve-it/vote", headers=quin).json() == {"votes": 1}
    r = c.post("/api/notebooks/pat/solve-it/vote", headers=quin)
    assert r.status_code == 409 and r.json()["error"] == "you have upvoted this notebook already"
    r = c.post("/api/notebooks/pat/solve-it/comments", json={"body": "why 42?"}, headers=quin)
    assert r.status_code == 201 and r.json()["author"] == "quin"
    cid = r.json()["id"]
    page = c.get("/api/notebooks/pat/solve-it", headers=quin).json()
    assert page["notebook"]["votes"] == 1 and [x["body"] for x in page["comments"]] == ["why 42?"]
    assert page["versions"][0]["sha256"] and page["versions"][0]["file_name"] == "solve.py"
    assert c.get("/api/notebooks/pat/solve-it/file", headers=quin).content == b"print(42)\n"
    assert c.delete(f"/api/notebooks/comments/{cid}", headers=pat).status_code == 403
    assert c.delete(f"/api/notebooks/comments/{cid}", headers=quin).json() == {"ok": True}
    r = c.patch("/api/notebooks/pat/solve-it", json={"highlighted": True}, headers=hal)
    assert r.status_code == 409 and r.json()["error"] == "'tiny' is open: highlight top solutions after it closes"
    assert c.patch("/api/notebooks/pat/solve-it", json={"visibility": "public"}, headers=pat).json()["visibility"] == "public"
    r = c.post("/api/notebooks/pat/solve-it/copy", json={"slug": "mine"}, headers=quin)
    assert r.status_code == 201 and r.json()["ref"] == "quin/mine" and r.json()["copied_from"] == "pat/solve-it"
    r = c.get("/api/notebooks", params={"sort": "best"})
    assert r.status_code == 422
    r = c.post("/api/notebooks", data={"competition": "tiny", "slug": "Bad!"}, files=files, headers=pat)
    assert r.status_code == 400 and r.json()["error"].startswith("bad notebook slug 'Bad!'")
    spec = c.get("/api/openapi.json").json()
    assert "/api/notebooks/{owner}/{slug}" in spec["paths"] and "NotebookOut" in spec["components"]["schemas"]
    assert "404" in spec["paths"]["/api/notebooks/{owner}/{slug}/file"]["get"]["responses"]
    assert re.match(r"^[0-9a-f]{64}$", page["versions"][0]["sha256"])


def test_attacks_over_http(app, world, monkeypatch):
    """Oversized uploads, huge ids and versions, path tricks: clear answers, never a 500."""
    from scrimmage.community import notebook_files

    pat = token_for(app, "pat")
    c = client(app)
    monkeypatch.setattr(notebook_files, "MAX_FILE_MB", 0.01)
    r = c.post("/api/notebooks", data={"competition": "tiny"}, headers=pat,
               files={"file": ("big.py", b"x = 1\n" * 5000, "text/x-python")})
    assert r.status_code == 413 and r.json()["error"] == "the notebook is over the 0.01 MB limit; upload a smaller one"
    r = c.post("/api/notebooks", data={"competition": "tiny", "visibility": "public"}, headers=pat,
               files={"file": ("../../etc/evil.py", b"print(1)\n", "text/x-python")})
    assert r.status_code == 201 and r.json()["ref"] == "pat/evil"
    for path in ("/api/notebooks/pat/evil/file?version=99999999999999999999999",
                 "/code/pat/evil/rendered?version=99999999999999999999999",
                 "/api/notebooks/pat/..%2F..%2Fetc", "/code/pat/evil/download?version=0"):
        assert c.get(path).status_code in (404, 422), path
    assert c.delete("/api/notebooks/comments/99999999999999999999999", headers=pat).status_code in (404, 422)
    assert c.get("/api/notebooks", params={"competition": "tiny", "page": 100_000}).json()["notebooks"] == []


def test_a_linked_submission_shows_its_public_score_only_before_the_close(app, world, tmp_path):
    from webutil import write_predictions

    a = app.state.arena
    sub = a.submit("tiny", write_predictions(tmp_path / "p.csv", world["folder"], 0.8), "", user="pat")
    pat = world["pat"]
    tab = pat.get("/c/tiny/code").text
    assert f'<option value="{sub.id}">#{sub.id} · {sub.public_score:.5f}' in tab
    where = _share(pat, b"print(1)\n", name="linked.py", title="Linked", submission=str(sub.id))
    page = text_of(world["quin"].get(where).text)
    assert f"public score {sub.public_score:.5f}" in page and "private score" not in page
    a.close("tiny", user="hal")
    private = a.notebooks.get("pat", "linked", "quin").private_score
    assert f"private score {private:.5f}" in text_of(world["quin"].get(where).text)
