"""Discussion on the web: the Discussion tab, the site forum, topics, moderation, reports,
what's new and feeds — as pages (with CSRF) and as the REST API."""

from __future__ import annotations

import re

from webutil import app, arena, client, post, signed_up, text_of, token_for, world  # noqa: F401


def _topic_id(response) -> int:
    assert response.status_code == 303, response.text
    return int(re.match(r"/discussion/(\d+)", response.headers["location"]).group(1))


def test_two_learners_and_a_host_discuss(app, world):
    pat, quin, host = world["pat"], world["quin"], world["host"]
    assert "Discussion" in text_of(pat.get("/c/tiny").text)
    assert "No topics yet" in text_of(pat.get("/c/tiny/discussion").text)
    tid = _topic_id(post(pat, "/c/tiny/discussion", {"title": "Validation?", "body": "Which **split**?"}))
    page = pat.get(f"/discussion/{tid}")
    assert page.status_code == 200 and "<strong>split</strong>" in page.text
    assert "Validation?" in text_of(pat.get("/c/tiny/discussion").text)

    r = post(quin, f"/discussion/{tid}/reply", {"body": "Stratified 5-fold."})
    assert r.status_code == 303
    thread = arena_of(app).discussion.thread(tid, "pat")
    reply = thread.posts[1]
    assert post(pat, f"/discussion/posts/{reply.id}/vote", {"action": "up"}).status_code == 303
    assert "Take back upvote" in pat.get(f"/discussion/{tid}").text
    r = post(quin, f"/discussion/posts/{reply.id}/vote", {"action": "up"})
    assert r.status_code == 403 and "you cannot upvote your own post" in text_of(r.text)

    # the author edits, the history keeps the old text
    r = post(quin, f"/discussion/posts/{reply.id}/edit", {"body": "Stratified 10-fold."})
    assert r.status_code == 303
    assert "Stratified 5-fold." in text_of(pat.get(f"/discussion/posts/{reply.id}/history").text)
    r = post(pat, f"/discussion/posts/{reply.id}/edit", {"body": "mine now"})
    assert r.status_code == 403 and "only its author can edit a post" in text_of(r.text)

    # report, then the host hides it from the reports page
    assert post(pat, f"/discussion/posts/{reply.id}/report", {"reason": "off topic"}).status_code == 303
    assert pat.get("/c/tiny/discussion/reports").status_code == 403
    reports = host.get("/c/tiny/discussion/reports")
    assert "off topic" in text_of(reports.text)
    assert post(host, f"/discussion/posts/{reply.id}/hide", {"action": "hide"}).status_code == 303
    assert "Stratified 10-fold." not in pat.get(f"/discussion/{tid}").text
    assert "hidden by a moderator" in text_of(host.get(f"/discussion/{tid}").text)

    # lock: the host still replies, a participant gets the reason
    assert post(host, f"/discussion/{tid}/moderate", {"action": "lock"}).status_code == 303
    r = post(pat, f"/discussion/{tid}/reply", {"body": "one more"})
    assert r.status_code == 403 and "this topic is locked: it takes no more replies" in text_of(r.text)
    assert post(pat, f"/discussion/{tid}/moderate", {"action": "pin"}).status_code == 403

    # what's new for pat: quin's reply and hal's... nothing else; then seen
    new = text_of(pat.get("/discussion/new").text)
    assert "Nothing new" in new or "Validation?" in new
    assert "Nothing new since your last visit" in text_of(pat.get("/discussion/new").text)


def arena_of(app):
    return app.state.arena


def test_bad_input_comes_back_with_the_form(app, world):
    pat = world["pat"]
    r = post(pat, "/c/tiny/discussion", {"title": "", "body": "kept text"})
    assert r.status_code == 400 and "a topic needs a title" in text_of(r.text)
    assert "kept text" in r.text  # nothing typed is lost
    r = client(app).post("/c/tiny/discussion", data={"title": "t", "body": "b"})
    assert r.status_code == 403  # no CSRF token, no session


def test_anonymous_visitors_read_but_cannot_post(app, world):
    tid = _topic_id(post(world["pat"], "/c/tiny/discussion", {"title": "Public", "body": "hello"}))
    anon = client(app)
    assert "hello" in anon.get(f"/discussion/{tid}").text
    assert "Log in" in text_of(anon.get(f"/discussion/{tid}").text)
    r = post(anon, f"/discussion/{tid}/reply", {"body": "x"})
    assert r.status_code in (303, 401)  # sent to the login page
    assert anon.get("/discussion/new").status_code == 303


def test_site_forum_search_and_feeds(app, world):
    pat = world["pat"]
    _topic_id(post(pat, "/discussion", {"title": "Which lesson first?", "body": "I like **imbalance**."}))
    _topic_id(post(pat, "/c/tiny/discussion", {"title": "Calibration", "body": "Platt scaling helps AUC? no."}))
    assert "Which lesson first?" in text_of(client(app).get("/discussion").text)
    found = text_of(client(app).get("/c/tiny/discussion", params={"q": "platt"}).text)
    assert "Search: platt" in found and "Calibration" in found
    assert "Nothing matches" in text_of(client(app).get("/c/tiny/discussion", params={"q": "imbalance"}).text)
    feed = client(app).get("/c/tiny/discussion.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert "<title>Calibration</title>" in feed.text and "Which lesson" not in feed.text
    assert "Which lesson first?" in client(app).get("/discussion.atom").text


def test_big_ids_find_nothing(app, world):
    for path in ("/discussion/122738435413290260627456", "/discussion/posts/122738435413290260627456/history",
                 "/api/discussion/topics/122738435413290260627456"):
        assert client(app).get(path).status_code == 404, path


def test_rest_api(app, world):
    pat, quin = token_for(app, "pat"), token_for(app, "quin")
    c = client(app)
    r = c.post("/api/discussion/topics", json={"competition": "tiny", "title": "API topic", "body": "via **API**"})
    assert r.status_code == 401
    r = c.post("/api/discussion/topics", json={"competition": "tiny", "title": "API topic", "body": "via **API**"},
               headers=pat)
    assert r.status_code == 201, r.text
    tid, first = r.json()["topic"]["id"], r.json()["posts"][0]["id"]
    r = c.post(f"/api/discussion/topics/{tid}/replies", json={"body": "reply"}, headers=quin)
    assert r.status_code == 201 and r.json()["author"] == "quin"
    assert c.post(f"/api/discussion/posts/{first}/vote", headers=quin).json() == {"votes": 1}
    r = c.post(f"/api/discussion/posts/{first}/vote", headers=quin)
    assert r.status_code == 409 and r.json()["error"] == "you have upvoted this post already"
    listing = c.get("/api/discussion/topics", params={"competition": "tiny", "sort": "votes"}).json()
    assert listing["total"] == 1 and listing["topics"][0]["votes"] == 1
    assert c.patch(f"/api/discussion/posts/{first}", json={"body": "edited", "title": "API topic 2"},
                   headers=pat).json()["body"] == "edited"
    assert c.get(f"/api/discussion/posts/{first}/history").json()[0]["body"] == "via **API**"
    hits = c.get("/api/discussion/search", params={"q": "edited", "competition": "tiny"}).json()
    assert [h["title"] for h in hits] == ["API topic 2"]
    assert [n["kind"] for n in c.get("/api/discussion/new", headers=pat).json()] == ["reply-to-you"]
    assert c.delete(f"/api/discussion/posts/{first}", headers=quin).status_code == 403
    assert c.post(f"/api/discussion/topics/{tid}/moderate", json={"pinned": True}, headers=pat).status_code == 403
    r = c.get("/api/discussion/topics", params={"sort": "best"})
    assert r.status_code == 400 and r.json()["error"] == "unknown sort 'best': use one of active, new, votes"




def _raw_json(c, method: str, path: str, text: str, headers: dict):
    """A request with a JSON body written by hand: a lone surrogate as the escape ``\\ud800`` (no
    encoder writes one)."""
    return c.request(method, path, content=text.encode(), headers={**headers, "Content-Type": "application/json"})


def test_hostile_characters_never_break_a_feed_nor_the_database(app, world):
    import xml.etree.ElementTree as ET

    pat, quin = token_for(app, "pat"), token_for(app, "quin")
    c = client(app)
    r = c.post("/api/discussion/topics", json={"title": "nonchar \uffff", "body": "bad xml \ufffe \uffff end \x01"},
               headers=pat)
    assert r.status_code == 201, r.text
    assert r.json()["topic"]["title"] == "nonchar" and r.json()["posts"][0]["body"] == "bad xml   end"
    tid, first = r.json()["topic"]["id"], r.json()["posts"][0]["id"]
    # a lone surrogate is no text: refused, naming the field, before it reaches the database
    unreadable = "Input should be a valid string, unable to parse raw data as a unicode string"
    r = _raw_json(c, "POST", "/api/discussion/topics", '{"competition": "tiny", "title": "lone \\ud800", '
                  '"body": "half \\udfff of a pair"}', pat)
    assert r.status_code == 422 and r.json()["errors"] == [f"title: {unreadable}", f"body: {unreadable}"]
    r = _raw_json(c, "POST", f"/api/discussion/topics/{tid}/replies", '{"body": "\\ud800 reply"}', quin)
    assert r.status_code == 422 and r.json()["errors"] == [f"body: {unreadable}"]
    r = _raw_json(c, "POST", f"/api/discussion/posts/{first}/report", '{"reason": "odd \\ud800"}', quin)
    assert r.status_code == 422 and r.json()["errors"] == [f"reason: {unreadable}"]
    r = _raw_json(c, "POST", "/api/discussion/topics", '{"competition": "tiny", "title": "a pair", '
                  '"body": "a whole one \\ud83d\\ude42"}', pat)
    assert r.status_code == 201 and r.json()["posts"][0]["body"] == "a whole one \U0001F642"
    for path in ("/discussion.atom", "/c/tiny/discussion.atom"):
        feed = c.get(path)
        assert feed.status_code == 200
        ET.fromstring(feed.content)  # well-formed whatever was posted
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(c.get("/discussion.atom").content).findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == ["nonchar"]
    assert entries[0].findtext("a:summary", namespaces=ns) == "bad xml end"


def test_pages_that_show_posts_let_their_https_images_load(app, world):
    from scrimmage.web.headers import CSP, POSTS_CSP

    pat = world["pat"]
    tid = _topic_id(post(pat, "/c/tiny/discussion", {"title": "Chart", "body": "![roc](https://img.example/roc.png)"}))
    page = client(app).get(f"/discussion/{tid}")
    assert '<img src="https://img.example/roc.png" alt="roc">' in page.text
    assert page.headers["content-security-policy"] == POSTS_CSP == (
        "default-src 'self'; img-src 'self' data: https:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    first = arena_of(app).discussion.thread(tid).posts[0].id
    assert client(app).get(f"/discussion/posts/{first}/history").headers["content-security-policy"] == POSTS_CSP
    for path in ("/c/tiny/discussion", "/discussion", "/c/tiny", f"/discussion/posts/{first}/edit"):
        assert pat.get(path).headers["content-security-policy"] == CSP, path  # the rest load nothing from elsewhere


def test_a_posts_history_shows_its_newest_texts(app, world):
    pat = world["pat"]
    tid = _topic_id(post(pat, "/c/tiny/discussion", {"title": "Edited", "body": "text 0"}))
    disc = arena_of(app).discussion
    first = disc.thread(tid).posts[0].id
    for i in range(1, 13):
        disc.edit(first, "pat", f"text {i}")
    page = text_of(client(app).get(f"/discussion/posts/{first}/history").text)
    assert set(re.findall(r"text (\d+)", page)) == {str(i) for i in range(2, 12)}  # the texts before edits 3 to 12
    assert (f"The 2 older texts of this post are not shown here: only the newest 10. "
            f"GET /api/discussion/posts/{first}/history gives them all, as written.") in page
    assert len(client(app).get(f"/api/discussion/posts/{first}/history").json()) == 12
