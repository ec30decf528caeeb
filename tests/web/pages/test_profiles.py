"""Profile pages and API: private by default, public at the owner's word, readable without an account."""

from webutil import app, arena, client, post, signed_up, text_of, token_for, world  # noqa: F401


def test_profile_page_private_then_public(app, world):
    pat = world["pat"]
    page = pat.get("/u/pat")
    assert page.status_code == 200 and "private profile: only you and the admins can read it" in text_of(page.text)
    assert "Make public" in page.text
    assert world["quin"].get("/u/pat").status_code == 403
    assert "pat has not made their profile public" in text_of(world["quin"].get("/u/pat").text)
    assert client(app).get("/u/pat").status_code == 404
    assert world["admin"].get("/u/pat").status_code == 200
    r = post(pat, "/u/pat/visibility", {"public": "1"})
    assert r.status_code == 303 and "anyone with the link can read it" in text_of(pat.get(r.headers["location"]).text)
    anon = client(app).get("/u/pat")
    assert anon.status_code == 200 and "Competitions" in anon.text and "tiny" in anon.text
    r = post(world["quin"], "/u/pat/visibility", {"public": "0"})
    assert r.status_code == 403 and "only its owner can make a profile public or private" in text_of(r.text)
    assert client(app).get("/u/nobody").status_code == 404


def test_profile_api(app, world):
    c = client(app)
    pat = token_for(app, "pat")
    assert c.get("/api/users/pat/profile").status_code == 404
    me = c.get("/api/users/pat/profile", headers=pat).json()
    assert me["name"] == "pat" and me["public"] is False and me["tier"] == "Novice"
    assert [r["competition"] for r in me["results"]] == ["tiny"]
    assert c.put("/api/users/pat/profile/visibility", json={"public": True}, headers=pat).json() == {"public": True}
    assert c.get("/api/users/pat/profile").json()["public"] is True
    r = c.put("/api/users/pat/profile/visibility", json={"public": False}, headers=token_for(app, "quin"))
    assert r.status_code == 403
