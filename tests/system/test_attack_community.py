"""Attacks on discussion and profiles over HTTP, against a real server on loopback.

A hostile participant, an anonymous visitor and a nosy second host try markup that runs,
content that should be gone, private scores, double votes and bursts in parallel, other
people's moderation, oversized and odd input, forged forms and private profiles. Each test
performs the attack and pins what the attacker gets now.
"""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from webutil import PASSWORD, app, cheap_hashing, live_server, signed_up, token_for, text_of, world  # noqa: F401

BIG = str(2**64 + 7)
CSRF_MESSAGE = "the form expired or came from another site: reload the page and try again"


class Browser:
    """A browser session against the live server: a cookie jar, and forms sent with their CSRF field."""

    def __init__(self, url: str, cookies=None):
        self.http = httpx.Client(base_url=url, follow_redirects=False, timeout=120, cookies=cookies)
        self.http.get("/login")

    def get(self, path: str, **kw) -> httpx.Response:
        return self.http.get(path, **kw)

    def post(self, path: str, data: dict | None = None, csrf: bool = True) -> httpx.Response:
        form = {"csrf_token": self.http.cookies["scrimmage_csrf"]} if csrf else {}
        return self.http.post(path, data={**form, **(data or {})})


def browser_of(url: str, test_client) -> Browser:
    """The live-server twin of a signed-in TestClient of webutil (the same session cookie)."""
    return Browser(url, cookies={"scrimmage_session": test_client.cookies["scrimmage_session"]})


def api(url: str, headers: dict | None = None) -> httpx.Client:
    return httpx.Client(base_url=url, headers=headers or {}, timeout=120)


def topic_id(r: httpx.Response) -> int:
    assert r.status_code == 303, r.text
    return int(re.match(r"/discussion/(\d+)", r.headers["location"]).group(1))


def parallel(calls, n: int):
    """Run ``n`` calls at once (a barrier releases them together); their results in order."""
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait(timeout=120)
        return calls(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


@pytest.fixture
def served(app, world):
    with live_server(app) as url:
        people = {k: browser_of(url, world[k]) for k in ("admin", "host", "pat", "quin")}
        yield url, people


# markup ----------------------------------------------------------------------------------------
HOSTILE = ('<script>alert("t")</script> <img src=x onerror=alert(1)> [click](javascript:alert(2)) '
           '![i](data:image/svg+xml;base64,PHN2Zz4=) <a href="javascript:alert(3)">a</a> '
           '[s](JaVaScRiPt:alert(4)) [e](java%0ascript:alert(5)) <iframe src=//evil></iframe> '
           '<svg onload=alert(6)> zebracorn')


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _no_live_markup(html: str) -> None:
    """No element of ``html`` runs script or loads a non-http(s) resource (the page's own script files aside)."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("iframe", "svg", "object", "embed"), (tag, attrs)
        assert tag != "script" or (set(attrs) == {"src"} and attrs["src"].startswith("/static/")), (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for a in ("href", "src"):
            value = re.sub(r"[\s\x00-\x1f]", "", attrs.get(a) or "").lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)


def test_hostile_markup_is_shown_as_text_everywhere(app, world, served):
    url, people = served
    pat, host = people["pat"], people["host"]
    mallory = Browser(url)
    r = mallory.post("/signup", {"name": "mallory", "password": PASSWORD,
                                 "display_name": '<script>alert("name")</script>'})
    assert r.status_code == 303, r.text
    tid = topic_id(mallory.post("/c/tiny/discussion", {"title": '<script>alert("title")</script>', "body": HOSTILE}))
    mallory.post(f"/discussion/{tid}/reply", {"body": HOSTILE})
    thread = api(url).get(f"/api/discussion/topics/{tid}").json()
    first = thread["posts"][0]["id"]
    assert pat.post(f"/discussion/posts/{first}/report", {"reason": '<script>alert("reason")</script>'}).status_code == 303
    r = mallory.post("/u/mallory/visibility", {"public": "1"})
    assert r.status_code == 303

    pages = {
        "topic": pat.get(f"/discussion/{tid}"),
        "list": Browser(url).get("/c/tiny/discussion"),
        "search": Browser(url).get("/c/tiny/discussion", params={"q": "zebracorn"}),
        "history": pat.get(f"/discussion/posts/{first}/history"),
        "reports": host.get("/c/tiny/discussion/reports"),
        "profile": Browser(url).get("/u/mallory"),
        "new": pat.get("/discussion/new"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, (name, page.text)
        _no_live_markup(page.text)
    assert '&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;' in pages["topic"].text
    assert "zebracorn" in pages["search"].text
    assert '&lt;script&gt;alert(&#34;reason&#34;)' in pages["reports"].text
    csp = pages["topic"].headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'self'" in csp  # no inline script runs anyway

    feed = Browser(url).get("/c/tiny/discussion.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(feed.content).findall("a:entry", ns)
    assert entries[-1].findtext("a:title", namespaces=ns) == '<script>alert("title")</script>'
    for entry in entries:  # a summary a feed reader shows as text, never HTML
        assert entry.find("a:content", ns) is None and entry.find("a:summary", ns).get("type") == "text"


# what is gone stays gone ------------------------------------------------------------------------
def test_hidden_and_deleted_posts_leak_through_no_route(app, world, served):
    url, people = served
    pat, quin, host = people["pat"], people["quin"], people["host"]
    tid = topic_id(pat.post("/c/tiny/discussion", {"title": "Open topic", "body": "visible words"}))
    assert quin.post(f"/discussion/{tid}/reply", {"body": "hiddenword insult"}).status_code == 303
    assert quin.post(f"/discussion/{tid}/reply", {"body": "deletedword regret"}).status_code == 303
    secret = topic_id(quin.post("/c/tiny/discussion", {"title": "Hiddentopic spam", "body": "spamword here"}))
    posts = api(url).get(f"/api/discussion/topics/{tid}").json()["posts"]
    hidden, deleted = posts[1]["id"], posts[2]["id"]
    assert host.post(f"/discussion/posts/{hidden}/hide", {"action": "hide"}).status_code == 303
    assert quin.post(f"/discussion/posts/{deleted}/delete").status_code == 303
    assert host.post(f"/discussion/{secret}/moderate", {"action": "hide"}).status_code == 303
    secret_post = secret + 0  # the opening post of the hidden topic
    with app.state.arena.store.read() as conn:
        from sqlalchemy import select

        from scrimmage.store.schema import forum_posts

        secret_post = conn.execute(select(forum_posts.c.id).where(forum_posts.c.topic_id == secret)).scalar()

    anon = Browser(url)
    quin_api, pat_api = api(url, token_for(app, "quin")), api(url, token_for(app, "pat"))
    gone = ("hiddenword", "deletedword", "spamword", "Hiddentopic")
    seen = [
        anon.get(f"/discussion/{tid}").text, pat.get(f"/discussion/{tid}").text,
        anon.get("/c/tiny/discussion").text, pat.get("/c/tiny/discussion").text,
        anon.get("/c/tiny/discussion.atom").text, anon.get("/discussion.atom").text,
        api(url).get(f"/api/discussion/topics/{tid}").text, pat_api.get(f"/api/discussion/topics/{tid}").text,
        api(url).get("/api/discussion/topics", params={"competition": "tiny"}).text,
        pat_api.get("/api/discussion/new").text, pat.get("/discussion/new").text,
        api(url).get(f"/api/discussion/posts/{deleted}/history").text,
    ]
    for word in ("hiddenword", "deletedword", "spamword", "Hiddentopic"):
        for who in (anon, pat):
            page = who.get("/c/tiny/discussion", params={"q": word}).text
            assert f"Nothing matches “{word}”." in text_of(page)
            assert page.count(word) == 3  # the search box, the heading and that sentence only
        seen.append(api(url).get("/api/discussion/search", params={"q": word, "everywhere": True}).text)
        seen.append(pat_api.get("/api/discussion/search", params={"q": word, "competition": "tiny"}).text)
    for text in seen:
        for word in gone:
            assert word not in text, word
    # by id: the hidden post, the hidden topic and its post are not there for others
    for path in (f"/discussion/posts/{hidden}/history", f"/discussion/{secret}",
                 f"/discussion/posts/{secret_post}/history", f"/discussion/posts/{hidden}/edit"):
        r = pat.get(path)
        assert r.status_code == 404, path
    r = pat_api.get(f"/api/discussion/topics/{secret}")
    assert r.status_code == 404 and r.json()["error"] == f"no topic {secret}"
    r = pat_api.get(f"/api/discussion/posts/{hidden}/history")
    assert r.status_code == 404 and r.json()["error"] == f"no post {hidden}"
    r = pat_api.post(f"/api/discussion/posts/{hidden}/vote")
    assert r.status_code == 404 and r.json()["error"] == f"no post {hidden}"
    assert pat_api.post(f"/api/discussion/topics/{secret}/replies", json={"body": "x"}).status_code == 404
    # the author still sees their hidden post, marked; the deleted one has no text for anyone
    mine = quin_api.get(f"/api/discussion/topics/{tid}").json()["posts"]
    assert [(p["hidden"], p["deleted"], p["body"]) for p in mine[1:]] == [
        (True, False, "hiddenword insult"), (False, True, None)]
    assert quin_api.get(f"/api/discussion/posts/{deleted}/history").json() == []


# private scores ----------------------------------------------------------------------------------
def _scores(app, world, tmp_path) -> tuple[str, str]:
    """pat's submission's public and private score as shown (they differ)."""
    from webutil import write_predictions

    from scrimmage.store.schema import submissions

    arena = app.state.arena
    arena.submit("tiny", write_predictions(tmp_path / "s.csv", world["folder"], quality=0.05, seed=3), user="pat")
    with arena.store.read() as conn:
        row = conn.execute(submissions.select()).first()
    public, private = f"{row.public_score:.5f}", f"{row.private_score:.5f}"
    assert public != private
    return public, private


def test_hosts_and_admins_cannot_post_a_private_score_anywhere(app, world, served, tmp_path):
    url, people = served
    _, private = _scores(app, world, tmp_path)
    refused = (f"this post quotes a private score ({private}) of 'tiny', which is open: "
               "private scores are revealed when the competition closes")
    host, admin, pat = people["host"], people["admin"], people["pat"]
    # in the competition's discussion, in the site forum, as a reply, as an edit: refused for both
    for who in (host, admin):
        for path in ("/c/tiny/discussion", "/discussion"):
            r = who.post(path, {"title": "Status", "body": f"the leader has {private} on the private board"})
            assert r.status_code == 403 and refused in text_of(r.text), (path, text_of(r.text)[:300])
    tid = topic_id(admin.post("/discussion", {"title": "Site news", "body": "nothing secret"}))
    r = host.post(f"/discussion/{tid}/reply", {"body": f"psst: {private}"})
    assert r.status_code == 403 and refused in text_of(r.text)
    opening = api(url).get(f"/api/discussion/topics/{tid}").json()["posts"][0]["id"]
    r = api(url, token_for(app, "ada")).patch(f"/api/discussion/posts/{opening}",
                                              json={"body": "ok", "title": f"best private {private}"})
    assert r.status_code == 403 and r.json()["error"] == refused
    # a second host who hosts nothing here is not told anything about tiny's scores
    nosy = signed_up(app, "nosy", role="host")
    r = browser_of(url, nosy).post("/discussion", {"title": "Guess", "body": f"is it {private}?"})
    assert r.status_code == 303
    # participants are not checked, so the check cannot be used as an oracle
    assert pat.post("/discussion", {"title": "Mine", "body": f"I hope for {private}"}).status_code == 303
    for text in (Browser(url).get("/discussion").text, api(url).get("/api/discussion/topics").text):
        assert "Status" not in text and "best private" not in text


def test_profiles_show_nothing_private_before_the_close(app, world, served, tmp_path):
    url, people = served
    public, private = _scores(app, world, tmp_path)
    pat_api = api(url, token_for(app, "pat"))
    assert pat_api.put("/api/users/pat/profile/visibility", json={"public": True}).json() == {"public": True}
    for viewer in (api(url), pat_api, api(url, token_for(app, "ada")), api(url, token_for(app, "hal"))):
        body = viewer.get("/api/users/pat/profile")
        assert body.status_code == 200 and private not in body.text
        result = body.json()["results"][0]
        assert (f"{result['score']:.5f}", result["medal"], result["closed"]) == (public, None, False)
    for page in (Browser(url).get("/u/pat"), people["admin"].get("/u/pat"), people["host"].get("/u/pat")):
        assert page.status_code == 200 and private not in page.text


# votes and bursts in parallel ---------------------------------------------------------------------
def test_parallel_votes_count_once_and_never_your_own(app, world, served):
    url, _ = served
    pat, quin = api(url, token_for(app, "pat")), api(url, token_for(app, "quin"))
    r = pat.post("/api/discussion/topics", json={"competition": "tiny", "title": "Vote me", "body": "please"})
    post_id = r.json()["posts"][0]["id"]
    r = pat.post(f"/api/discussion/posts/{post_id}/vote")
    assert r.status_code == 403 and r.json()["error"] == "you cannot upvote your own post"

    results = parallel(lambda i: quin.post(f"/api/discussion/posts/{post_id}/vote"), 8)
    codes = sorted(r.status_code for r in results)
    assert codes == [200] + [409] * 7, codes
    assert {r.json()["error"] for r in results if r.status_code == 409} == {"you have upvoted this post already"}
    thread = api(url).get("/api/discussion/topics", params={"competition": "tiny"}).json()
    assert thread["topics"][0]["votes"] == 1

    results = parallel(lambda i: quin.delete(f"/api/discussion/posts/{post_id}/vote"), 8)
    assert sorted(r.status_code for r in results) == [200] + [409] * 7
    thread = api(url).get("/api/discussion/topics", params={"competition": "tiny"}).json()
    assert thread["topics"][0]["votes"] == 0


def test_a_parallel_burst_of_posts_meets_the_rate_limit(app, world, served):
    url, _ = served
    quin = api(url, token_for(app, "quin"))
    results = parallel(lambda i: quin.post("/api/discussion/topics", json={
        "competition": "tiny", "title": f"Burst {i}", "body": "flood"}), 16)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 10 + [429] * 6, codes
    for r in results:
        if r.status_code == 429:
            assert re.fullmatch(r"you are posting too fast: at most 10 posts in 10 minutes; try again in 1[01] minutes",
                                r.json()["error"]), r.json()
    assert api(url).get("/api/discussion/topics", params={"competition": "tiny"}).json()["total"] == 10


def test_a_parallel_burst_of_edits_meets_the_edit_limit(app, world, served):
    """Each edit keeps the text before it: edits are bounded like posts, or the history fills the disk."""
    url, _ = served
    quin = api(url, token_for(app, "quin"))
    post_id = quin.post("/api/discussion/topics", json={"competition": "tiny", "title": "Mine",
                                                         "body": "v0"}).json()["posts"][0]["id"]
    results = parallel(lambda i: quin.patch(f"/api/discussion/posts/{post_id}", json={"body": "x" * 1000 + str(i)}), 36)
    assert sorted(r.status_code for r in results) == [200] * 30 + [429] * 6
    for r in results:
        if r.status_code == 429:
            assert re.fullmatch(r"you are editing too fast: at most 30 edits in 10 minutes; try again in 1[01] minutes",
                                r.json()["error"]), r.json()
    assert len(api(url).get(f"/api/discussion/posts/{post_id}/history").json()) == 30
    # posting is counted apart
    topic = next(r for r in results if r.status_code == 200).json()["topic_id"]
    assert quin.post(f"/api/discussion/topics/{topic}/replies",
                     json={"body": "still can reply"}).status_code == 201


# moderation by the wrong people --------------------------------------------------------------------
def test_only_the_host_and_admins_moderate(app, world, served):
    url, people = served
    pat = people["pat"]
    tid = topic_id(pat.post("/c/tiny/discussion", {"title": "Mine", "body": "text"}))
    post_id = api(url).get(f"/api/discussion/topics/{tid}").json()["posts"][0]["id"]
    nosy_client = signed_up(app, "nosy", role="host")
    nosy = browser_of(url, nosy_client)
    denied = "only the host or an admin can moderate this competition's discussion"
    for who in (nosy, pat, people["quin"]):
        for action in ("pin", "lock", "hide"):
            r = who.post(f"/discussion/{tid}/moderate", {"action": action})
            assert r.status_code == 403 and denied in text_of(r.text), action
        r = who.post(f"/discussion/posts/{post_id}/hide", {"action": "hide"})
        assert r.status_code == 403 and denied in text_of(r.text)
        r = who.get("/c/tiny/discussion/reports")
        assert r.status_code == 403 and denied in text_of(r.text)
        r = who.get("/discussion/reports")
        assert r.status_code == 403 and "only an admin sees the reports of the whole site" in text_of(r.text)
    for token in (token_for(app, "nosy"), token_for(app, "quin")):
        c = api(url, token)
        r = c.post(f"/api/discussion/topics/{tid}/moderate", json={"hidden": True})
        assert r.status_code == 403 and r.json()["error"] == denied
        r = c.post(f"/api/discussion/posts/{post_id}/moderate", json={"hidden": True})
        assert r.status_code == 403 and r.json()["error"] == denied
        assert c.get("/api/discussion/reports", params={"competition": "tiny"}).status_code == 403
        r = c.delete(f"/api/discussion/posts/{post_id}")
        assert r.status_code == 403 and r.json()["error"] == "only its author can delete a post (hosts hide posts instead)"
    # the admin moderates the site forum; a host does not
    site = topic_id(pat.post("/discussion", {"title": "Site", "body": "text"}))
    r = people["host"].post(f"/discussion/{site}/moderate", {"action": "pin"})
    assert r.status_code == 403 and "only an admin can moderate the site forum" in text_of(r.text)
    assert people["admin"].post(f"/discussion/{site}/moderate", {"action": "pin"}).status_code == 303
    topic = api(url).get(f"/api/discussion/topics/{tid}").json()["topic"]
    assert (topic["pinned"], topic["locked"], topic["hidden"]) == (False, False, False)


# odd and oversized input --------------------------------------------------------------------------
def test_oversized_and_control_character_input_gets_a_message(app, world, served):
    url, people = served
    pat = people["pat"]
    quin = api(url, token_for(app, "quin"))
    r = pat.post("/c/tiny/discussion", {"title": "t" * 201, "body": "b"})
    assert r.status_code == 400 and "the title is too long: at most 200 characters (it has 201)" in text_of(r.text)
    r = quin.post("/api/discussion/topics", json={"competition": "tiny", "title": "t", "body": "b" * 50_001})
    assert r.status_code == 400 and r.json()["error"] == "the post is too long: at most 50,000 characters (it has 50,001)"
    r = quin.post("/api/discussion/topics", json={"competition": "tiny", "title": "t", "body": "b" * 100_001})
    assert r.status_code == 422 and r.json()["errors"]
    r = quin.post("/api/discussion/topics", json={"competition": "tiny", "title": "\x00\x01", "body": "b"})
    assert r.status_code == 400 and r.json()["error"] == "a topic needs a title"
    r = quin.post("/api/discussion/topics", json={"competition": "tiny", "title": "nul\x00 title\x1b", "body": "a\x00b\x07c"})
    assert r.status_code == 201, r.text
    assert r.json()["topic"]["title"] == "nul title" and r.json()["posts"][0]["body"] == "abc"
    post_id = r.json()["posts"][0]["id"]
    r = pat.post(f"/discussion/posts/{post_id}/report", {"reason": "r" * 501})
    assert r.status_code == 400 and "the reason is too long: at most 500 characters" in text_of(r.text)
    r = api(url).get("/api/discussion/search", params={"q": "x" * 201})
    assert r.status_code == 400 and r.json()["error"] == "the search is too long: at most 200 characters"
    r = api(url).get("/api/discussion/search", params={"q": " ".join(f"w{i}" for i in range(40))})
    assert r.status_code == 400 and r.json()["error"] == (
        "the search has too many different words: at most 16 (it has 40); leave some out")
    r = api(url).get("/api/discussion/search", params={"q": "a " * 99})
    assert r.status_code == 200 and r.json() == []  # one word, and a stop word: nothing to find
    r = api(url).get("/api/discussion/search", params={"q": "\x00 \x01"})
    assert r.status_code == 400 and r.json()["error"] == "search for something: give a few words"
    r = api(url).get("/api/discussion/search", params={"q": 'NEAR(" OR * ^ -"x'})
    assert r.status_code == 200  # search syntax of the database is never passed through
    r = api(url).get("/api/discussion/topics", params={"competition": "ti\x00ny"})
    assert r.status_code == 404 and r.json()["error"] == "no competition 'ti\\x00ny'"


def test_huge_page_numbers_and_ids_past_64_bits(app, world, served):
    url, people = served
    pat, anon = people["pat"], Browser(url)
    for path in ("/discussion?page=" + "9" * 30, "/c/tiny/discussion?page=" + BIG, "/discussion?page=-3"):
        r = anon.get(path)
        assert r.status_code == 200, (path, r.text[:300])
    r = api(url).get("/api/discussion/topics", params={"page": BIG})
    assert r.status_code == 422
    for path in (f"/discussion/{BIG}", f"/discussion/posts/{BIG}/history", f"/discussion/posts/{BIG}/edit"):
        r = pat.get(path)
        assert r.status_code == 404, path
    for path in (f"/discussion/{BIG}/reply", f"/discussion/{BIG}/moderate", f"/discussion/posts/{BIG}/vote",
                 f"/discussion/posts/{BIG}/report", f"/discussion/posts/{BIG}/delete", f"/discussion/posts/{BIG}/hide",
                 f"/discussion/posts/{BIG}/edit"):
        r = pat.post(path, {"body": "x", "reason": "x", "action": "pin"})
        assert r.status_code == 404, path
    c = api(url, token_for(app, "pat"))
    for method, path in (("GET", f"/api/discussion/topics/{BIG}"), ("POST", f"/api/discussion/topics/{BIG}/replies"),
                         ("POST", f"/api/discussion/topics/{BIG}/moderate"), ("PATCH", f"/api/discussion/posts/{BIG}"),
                         ("DELETE", f"/api/discussion/posts/{BIG}"), ("POST", f"/api/discussion/posts/{BIG}/vote"),
                         ("DELETE", f"/api/discussion/posts/{BIG}/vote"), ("POST", f"/api/discussion/posts/{BIG}/report"),
                         ("POST", f"/api/discussion/posts/{BIG}/moderate"), ("GET", f"/api/discussion/posts/{BIG}/history"),
                         ("GET", "/api/discussion/topics/-4")):
        r = c.request(method, path, json={"body": "x", "reason": "x", "hidden": True})
        assert r.status_code == 404, (method, path, r.text)


def test_an_edit_form_of_any_post_of_a_long_thread(app, world, served):
    """A post past the first page of a thread (here the 201st) opens its edit form and history."""
    url, people = served
    from scrimmage.store import community as q

    arena = app.state.arena
    thread = arena.discussion.create_topic("tiny", "quin", "Long", "first")
    with arena.store.write() as conn:
        quin_id = q.user(conn, "quin").id
        from scrimmage.store import utcnow

        for i in range(200):
            last = q.add_reply(conn, thread.topic.id, quin_id, f"reply {i}", utcnow())
    quin = browser_of(url, world["quin"])
    r = quin.get(f"/discussion/posts/{last}/edit")
    assert r.status_code == 200 and "reply 199" in r.text
    assert quin.post(f"/discussion/posts/{last}/edit", {"body": "reply 199, edited"}).status_code == 303
    r = quin.get(f"/discussion/posts/{last}/history")
    assert r.status_code == 200 and "reply 199" in r.text


# forged forms ----------------------------------------------------------------------------------------
def test_every_discussion_and_profile_form_needs_its_csrf_field(app, world, served):
    url, people = served
    pat = people["pat"]
    tid = topic_id(pat.post("/c/tiny/discussion", {"title": "Real", "body": "text"}))
    post_id = api(url).get(f"/api/discussion/topics/{tid}").json()["posts"][0]["id"]
    forms = ["/c/tiny/discussion", "/discussion", f"/discussion/{tid}/reply", f"/discussion/{tid}/moderate",
             f"/discussion/posts/{post_id}/vote", f"/discussion/posts/{post_id}/report",
             f"/discussion/posts/{post_id}/delete", f"/discussion/posts/{post_id}/hide",
             f"/discussion/posts/{post_id}/edit", "/u/pat/visibility"]
    for who in (pat, people["host"]):
        for path in forms:
            r = who.post(path, {"title": "forged", "body": "forged", "reason": "forged", "action": "hide",
                                "public": "1"}, csrf=False)
            assert r.status_code == 403 and CSRF_MESSAGE in text_of(r.text), path
            r = who.http.post(path, data={"csrf_token": "guessed", "body": "forged", "public": "1"})
            assert r.status_code == 403 and CSRF_MESSAGE in text_of(r.text), path
    thread = api(url).get(f"/api/discussion/topics/{tid}").json()
    assert [p["body"] for p in thread["posts"]] == ["text"] and thread["topic"]["hidden"] is False
    assert Browser(url).get("/u/pat").status_code == 404  # still private


# private profiles ----------------------------------------------------------------------------------------
def test_a_private_profile_is_reachable_by_no_route(app, world, served):
    url, people = served
    private = "pat has not made their profile public"
    nosy = browser_of(url, signed_up(app, "nosy", role="host"))
    r = Browser(url).get("/u/pat")
    assert r.status_code == 404 and private in text_of(r.text)
    for who in (people["quin"], people["host"], nosy):
        r = who.get("/u/pat")
        assert r.status_code == 403 and private in text_of(r.text)
    r = api(url).get("/api/users/pat/profile")
    assert r.status_code == 404 and r.json()["error"] == private
    for name in ("quin", "hal", "nosy"):
        r = api(url, token_for(app, name)).get("/api/users/pat/profile")
        assert r.status_code == 403 and r.json()["error"] == private
    for path in ("/u/PAT", "/u/pat%00", "/api/users/pat%20/profile"):
        assert Browser(url).get(path).status_code == 404, path
    # nobody else flips the switch
    denied = "only its owner can make a profile public or private"
    r = people["quin"].post("/u/pat/visibility", {"public": "1"})
    assert r.status_code == 403 and denied in text_of(r.text)
    r = api(url, token_for(app, "ada")).put("/api/users/pat/profile/visibility", json={"public": True})
    assert r.status_code == 403 and r.json()["error"] == denied
    assert api(url).get("/api/users/pat/profile").status_code == 404
    # the owner and the admins read it
    assert people["pat"].get("/u/pat").status_code == 200 and people["admin"].get("/u/pat").status_code == 200


def test_a_huge_body_is_refused_while_it_arrives(app, world, served):
    url, people = served
    too_large = re.compile(r"the request body is [\d.]+ MB; this address takes at most 2 MB")
    pat = people["pat"]
    big = "b" * (3 * 1024 * 1024)
    r = pat.post("/c/tiny/discussion", {"title": "big", "body": big})
    assert r.status_code == 413 and too_large.search(text_of(r.text)), text_of(r.text)[:300]
    r = Browser(url).http.post("/discussion", data={"body": big})  # anonymous, no CSRF field: refused first
    assert r.status_code == 413 and too_large.search(text_of(r.text))
    quin = api(url, token_for(app, "quin"))
    r = quin.post("/api/discussion/topics", json={"competition": "tiny", "title": "big", "body": big})
    assert r.status_code == 413 and too_large.fullmatch(r.json()["error"]), r.text[:300]

    def chunks():
        for _ in range(48):
            yield b"x" * 65536

    r = quin.post("/api/discussion/topics", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text[:300]
    # the longest post still goes through, even in the widest encoding
    wide = "€" * 50_000
    r = pat.post("/c/tiny/discussion", {"title": "€" * 200, "body": wide})
    assert r.status_code == 303, text_of(r.text)[:300]
    escaped = json.dumps({"competition": "tiny", "title": "t", "body": wide})  # six bytes a character
    r = quin.post("/api/discussion/topics", content=escaped, headers={"content-type": "application/json"})
    assert r.status_code == 201, r.text[:300]
    assert api(url).get("/api/discussion/topics", params={"competition": "tiny"}).json()["total"] == 2
