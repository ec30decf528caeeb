"""Discussion: topics, replies, edits with history, soft deletes, votes, moderation, reports,
rate limits, full-text search by the database and what's new — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bundles import write_bundle, write_predictions
from scrimmage.community import discussion as d
from scrimmage.errors import AuthError, ConfigError, ConflictError, ForbiddenError, LimitError, NotFoundError
from scrimmage.arena import Arena
from scrimmage.store.schema import users


@pytest.fixture
def arena(db_url, tmp_path):
    """hal hosts 'tiny'; pat and quin joined it; ada is an admin."""
    a = Arena(user="hal")
    a.create_competition(write_bundle(tmp_path / "tiny"), host="hal")
    for name in ("pat", "quin"):
        a.teams.join("tiny", name)
    with a.store.write() as conn:
        a.store.ensure_user(conn, "ada")
        conn.execute(update(users).where(users.c.name == "ada").values(role="admin"))
    return a


def test_topic_reply_vote_and_sorts(arena):
    disc = arena.discussion
    first = disc.create_topic("tiny", "pat", "  Baseline   ideas ", "Start with **group means**.")
    assert first.topic.title == "Baseline ideas" and first.topic.competition == "tiny"
    assert [p.author for p in first.posts] == ["pat"] and first.posts[0].opening
    second = disc.create_topic("tiny", "quin", "Feature x looks noisy", "Anyone else?")
    reply = disc.reply(first.topic.id, "quin", "Try boosting next.")
    assert disc.vote(reply.id, "pat") == 1
    assert disc.vote(second.posts[0].id, "pat") == 1 and disc.vote(second.posts[0].id, "hal") == 2

    active, total = disc.topics("tiny", "pat")
    assert total == 2 and [t.title for t in active] == ["Baseline ideas", "Feature x looks noisy"]
    assert active[0].replies == 1
    assert [t.title for t in disc.topics("tiny", "pat", sort="new")[0]] == ["Feature x looks noisy", "Baseline ideas"]
    assert [t.votes for t in disc.topics("tiny", "pat", sort="votes")[0]] == [2, 0]
    with pytest.raises(ConfigError, match="unknown sort 'best': use one of active, new, votes"):
        disc.topics("tiny", "pat", sort="best")
    # the site forum is its own place
    disc.create_topic(None, "pat", "Hello arena", "Which lesson first?")
    assert [t.title for t in disc.topics(None, "pat")[0]] == ["Hello arena"]
    assert disc.thread(reply.topic_id, "pat").posts[1].voted


def test_votes_once_never_your_own(arena):
    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Votes", "text")
    post = t.posts[0]
    with pytest.raises(ForbiddenError, match="^you cannot upvote your own post$"):
        disc.vote(post.id, "pat")
    assert disc.vote(post.id, "quin") == 1
    with pytest.raises(ConflictError, match="^you have upvoted this post already$"):
        disc.vote(post.id, "quin")
    assert disc.vote(post.id, "quin", up=False) == 0
    with pytest.raises(ConflictError, match="^you have not upvoted this post$"):
        disc.vote(post.id, "quin", up=False)


def test_edit_keeps_history_and_delete_is_soft(arena):
    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Old title", "first text")
    post = t.posts[0]
    with pytest.raises(ForbiddenError, match="^only its author can edit a post$"):
        disc.edit(post.id, "quin", "hijacked")
    disc.edit(post.id, "pat", "second text", title="New title")
    disc.edit(post.id, "pat", "third text")
    history = disc.history(post.id, "quin")
    assert [(e.title, e.body) for e in history] == [(None, "second text"), ("Old title", "first text")]
    page = disc.thread(t.topic.id, "quin")
    assert page.topic.title == "New title" and page.posts[0].body == "third text" and page.posts[0].edited_at
    reply = disc.reply(t.topic.id, "quin", "a reply")
    with pytest.raises(ConfigError, match="^only a topic's opening post has a title$"):
        disc.edit(reply.id, "quin", "x", title="y")
    with pytest.raises(ForbiddenError, match=r"^only its author can delete a post \(hosts hide posts instead\)$"):
        disc.delete(reply.id, "pat")
    disc.delete(reply.id, "quin")
    gone = disc.thread(t.topic.id, "pat").posts[1]
    assert gone.deleted and gone.body is None  # the place stays, the text is gone
    assert disc.history(reply.id, "pat") == []
    with pytest.raises(ConflictError, match="^this post was deleted: it cannot be edited$"):
        disc.edit(reply.id, "quin", "back")
    disc.delete(post.id, "pat")  # the opening post: the topic leaves the lists
    assert disc.topics("tiny", "pat")[1] == 0
    with pytest.raises(NotFoundError, match=f"^no topic {t.topic.id}$"):
        disc.thread(t.topic.id, "quin")


def test_bad_input_is_named(arena):
    disc = arena.discussion
    with pytest.raises(ConfigError, match="^a topic needs a title$"):
        disc.create_topic("tiny", "pat", "   ", "body")
    with pytest.raises(ConfigError, match="^the post is empty: write something$"):
        disc.create_topic("tiny", "pat", "title", " \n ")
    with pytest.raises(ConfigError, match=r"^the title is too long: at most 200 characters \(it has 201\)$"):
        disc.create_topic("tiny", "pat", "t" * 201, "body")
    with pytest.raises(ConfigError, match=r"^the post is too long: at most 50,000 characters \(it has 50,001\)$"):
        disc.create_topic("tiny", "pat", "title", "b" * 50_001)
    with pytest.raises(AuthError, match="^sign in to take part in the discussion$"):
        disc.create_topic("tiny", "anonymous", "title", "body")
    with pytest.raises(NotFoundError, match="no competition 'nope'"):
        disc.create_topic("nope", "pat", "title", "body")
    for bad in (0, -1, 2**64, "x"):
        with pytest.raises(NotFoundError):
            disc.thread(bad, "pat")
    with pytest.raises(ConfigError, match="^search for something: give a few words$"):
        disc.search("  ", "pat")
    with pytest.raises(ConfigError, match="^the search is too long: at most 200 characters$"):
        disc.search("w" * 201, "pat")
    many = " ".join(f"w{i}" for i in range(17))
    with pytest.raises(ConfigError, match=r"^the search has too many different words: at most 16 \(it has 17\); "
                                          "leave some out$"):
        disc.search(many, "pat")
    assert disc.search(many.rsplit(" ", 1)[0] + " w0 W1", "pat") == []  # 16 different words (repeats count once)


def test_moderation_pin_lock_hide_and_reports(arena):
    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Rules question", "Can we use external data?")
    spam = disc.reply(t.topic.id, "quin", "buy cheap gpus")
    with pytest.raises(ForbiddenError, match="^only the host or an admin can moderate this competition's discussion$"):
        disc.moderate_topic(t.topic.id, "pat", pinned=True)
    disc.moderate_topic(t.topic.id, "hal", pinned=True, locked=True)
    assert disc.topics("tiny", "pat")[0][0].pinned
    with pytest.raises(ForbiddenError, match="^this topic is locked: it takes no more replies$"):
        disc.reply(t.topic.id, "pat", "one more")
    disc.reply(t.topic.id, "hal", "No external data.")  # the host still can
    assert not disc.thread(t.topic.id, "pat").can_reply and disc.thread(t.topic.id, "hal").can_reply

    disc.report(spam.id, "pat", "  spam,   advertising ")
    with pytest.raises(ConflictError, match="^you have reported this post already; the host will look at it$"):
        disc.report(spam.id, "pat", "again")
    with pytest.raises(ConfigError, match=r"^say why you report this post \(a few words for the host\)$"):
        disc.report(spam.id, "quin", " ")
    with pytest.raises(ForbiddenError):
        disc.reports("tiny", "pat")
    [report] = disc.reports("tiny", "hal")
    assert (report.post_id, report.reporter, report.reason) == (spam.id, "pat", "spam, advertising")
    assert [r.post_id for r in disc.reports(None, "ada")] == [spam.id]
    with pytest.raises(ForbiddenError, match="^only an admin sees the reports of the whole site$"):
        disc.reports(None, "hal")
    disc.moderate_post(spam.id, "hal", hidden=True)
    assert disc.reports("tiny", "hal") == []
    assert spam.id not in [p.id for p in disc.thread(t.topic.id, "pat").posts]
    assert spam.id in [p.id for p in disc.thread(t.topic.id, "quin").posts]  # its author still sees it
    assert [p for p in disc.thread(t.topic.id, "hal").posts if p.id == spam.id][0].hidden
    assert disc.search("cheap gpus", "pat", "tiny") == []
    disc.moderate_topic(t.topic.id, "ada", hidden=True)
    assert disc.topics("tiny", "pat")[1] == 0 and disc.topics("tiny", "hal")[1] == 1
    with pytest.raises(NotFoundError):
        disc.thread(t.topic.id, "pat")
    with pytest.raises(ForbiddenError, match="^only an admin can moderate the site forum$"):
        disc.moderate_topic(disc.create_topic(None, "pat", "x", "y").topic.id, "hal", pinned=True)


def test_posting_is_rate_limited(arena, monkeypatch):
    disc = arena.discussion
    monkeypatch.setattr(d, "MAX_POSTS", 3)
    t = disc.create_topic("tiny", "pat", "Fast", "one")
    disc.reply(t.topic.id, "pat", "two")
    disc.reply(t.topic.id, "pat", "three")
    with pytest.raises(LimitError, match="^you are posting too fast: at most 3 posts in 10 minutes; try again in 10 minutes$"):
        disc.reply(t.topic.id, "pat", "four")
    disc.reply(t.topic.id, "quin", "others still can")


def test_suspended_users_cannot_post(arena):
    from scrimmage.cli import main

    with pytest.raises(SystemExit) as done:
        main(["users", "suspend", "quin"])
    assert done.value.code == 0
    with pytest.raises(ForbiddenError, match="^your account is suspended: you cannot post; ask an admin$"):
        arena.discussion.create_topic("tiny", "quin", "t", "b")


def test_search_is_the_databases_full_text_search(arena):
    disc = arena.discussion
    a = disc.create_topic("tiny", "pat", "Gradient boosting baseline", "I tuned the learning rate.")
    disc.reply(a.topic.id, "quin", "Boosted trees overfit quickly with deep trees")
    disc.create_topic("tiny", "quin", "Linear models", "A logistic regression scores 0.71.")
    disc.create_topic(None, "quin", "Boosting everywhere", "site-wide")

    hits = disc.search("boosting", "pat", "tiny")
    assert {h.title for h in hits} == {"Gradient boosting baseline"} and len(hits) == 2  # stems: boosted/boosting
    assert hits[0].post_id == a.posts[0].id  # a title match ranks first
    assert [h.title for h in disc.search("logistic regression", "pat", "tiny")] == ["Linear models"]
    assert disc.search("regression boosting", "pat", "tiny") == []  # every word must match
    assert {h.title for h in disc.search("boosting", "pat", everywhere=True)} == {
        "Gradient boosting baseline", "Boosting everywhere"}
    # operators and quotes of either full-text syntax are just words
    for odd in ('"unbalanced', "AND OR NOT", "learn*", "a:b", "(boost", "'; drop table forum_posts; --", "-trees"):
        disc.search(odd, "pat", "tiny")
    assert [h.title for h in disc.search("learn", "pat", "tiny")] == ["Gradient boosting baseline"]


def test_whats_new_since_the_last_visit(arena):
    disc = arena.discussion
    assert disc.whats_new("pat") == []
    t = disc.create_topic("tiny", "pat", "Question", "How to validate?")
    disc.create_topic("tiny", "quin", "Idea", "Stratify.")
    disc.reply(t.topic.id, "quin", "Use stratified folds.")
    disc.create_topic(None, "hal", "Welcome", "Hello all")
    new = disc.whats_new("pat")
    assert [(n.kind, n.title, n.author) for n in new] == [
        ("topic", "Welcome", "hal"), ("reply-to-you", "Question", "quin"), ("topic", "Idea", "quin")]
    assert disc.whats_new("pat") == []  # seen
    disc.reply(t.topic.id, "hal", "Or group folds.")
    assert [n.kind for n in disc.whats_new("pat", "tiny", mark=False)] == ["reply-to-you"]
    # quin's first visit: everything by others since joining; hal's reply follows quin's own in t
    assert [(n.kind, n.author) for n in disc.whats_new("quin")] == [
        ("reply-to-you", "hal"), ("topic", "hal"), ("topic", "pat")]
    with pytest.raises(AuthError):
        disc.whats_new("anonymous")


def test_hosts_cannot_post_a_private_score_before_the_close(arena, tmp_path):
    sub = arena.submit("tiny", write_predictions(tmp_path / "s.csv", tmp_path / "tiny", quality=0.6), user="pat")
    from scrimmage.store.schema import submissions

    with arena.store.read() as conn:
        value = conn.execute(submissions.select().where(submissions.c.id == sub.id)).first().private_score
    private = f"{value:.5f}"
    disc = arena.discussion
    with pytest.raises(ForbiddenError, match=rf"^this post quotes a private score \({private}\) of 'tiny', which is open: "
                                             "private scores are revealed when the competition closes$"):
        disc.create_topic("tiny", "hal", "Status", f"the best private score is {private}")
    # participants cannot use the check to probe private scores: nothing is checked for them
    disc.create_topic("tiny", "pat", "Guess", f"is it {private}?")
    arena.close("tiny", user="hal")
    disc.create_topic("tiny", "hal", "Results", f"the best private score was {private}")


def test_a_host_who_may_not_see_private_scores_cannot_use_the_check_to_guess_them(arena, tmp_path):
    """A host with a team in the competition sees its board as every participant does: were their posts
    checked, a refused post would say which number is a private score."""
    sub = arena.submit("tiny", write_predictions(tmp_path / "s.csv", tmp_path / "tiny", quality=0.6), user="pat")
    from scrimmage.store.schema import submissions

    with arena.store.read() as conn:
        private = f"{conn.execute(submissions.select().where(submissions.c.id == sub.id)).first().private_score:.5f}"
    arena.submit("tiny", write_predictions(tmp_path / "h.csv", tmp_path / "tiny", quality=0.3), user="hal")
    assert not arena.sees_private(arena.competition("tiny"), "hal")
    t = arena.discussion.create_topic("tiny", "hal", "Guess", f"is it {private}?")
    arena.notebooks.push("tiny", "hal", "guess.py", f"# is it {private}?\n".encode())
    assert private in t.posts[0].body


def test_atom_feed(arena):
    import xml.etree.ElementTree as ET

    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Feed <me>", "Some **bold** & <script>alert(1)</script>")
    disc.reply(t.topic.id, "quin", "reply")
    feed = ET.fromstring(disc.feed("tiny", "http://arena.example/"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles == ["Re: Feed <me>", "Feed <me>"]
    entry = feed.findall("a:entry", ns)[1]
    # a plain-text summary and a link to the post, not the post rendered
    assert entry.find("a:summary", ns).get("type") == "text" and entry.find("a:content", ns) is None
    assert entry.findtext("a:summary", namespaces=ns) == "Some **bold** & <script>alert(1)</script>"
    assert entry.find("a:link", ns).get("href") == f"http://arena.example/discussion/{t.topic.id}#post-{t.posts[0].id}"
    assert feed.find("a:link[@rel='self']", ns).get("href") == "http://arena.example/c/tiny/discussion.atom"


def test_feed_entries_are_bounded_however_long_the_posts(arena):
    import xml.etree.ElementTree as ET

    from scrimmage.community import feed as f

    disc = arena.discussion
    block = "```python\nx\n```\n"
    t = disc.create_topic("tiny", "pat", "Blocks", block * (d.MAX_BODY // len(block)))
    for _ in range(3):
        disc.reply(t.topic.id, "quin", "word " * (d.MAX_BODY // 5))
    text = disc.feed("tiny", "http://arena.example/")
    summaries = [e.text for e in ET.fromstring(text).iter("{http://www.w3.org/2005/Atom}summary")]
    assert len(summaries) == 4 and all(len(s) <= f.SUMMARY for s in summaries)
    assert summaries[0].endswith("…") and len(text) < 4 * (f.SUMMARY + 1000)


def test_what_xml_forbids_is_never_stored_nor_fed(arena):
    import xml.etree.ElementTree as ET

    from scrimmage.community.feed import xml_text

    disc = arena.discussion
    # the command line hands over a lone surrogate for bytes that are not UTF-8 (surrogateescape)
    t = disc.create_topic("tiny", "pat", "odd \udc80 title \uffff", "a\x00b \ud800 c \ufffe \U0001fffe \ufdd0 d \U0001F642")
    assert t.topic.title == "odd title" and t.posts[0].body == "ab  c    d \U0001F642"
    reply = disc.reply(t.topic.id, "quin", "r \udfff")
    assert disc.edit(reply.id, "quin", "edited \udbff\uffff").body == "edited"
    disc.report(reply.id, "pat", "why \ud800")
    assert [h.title for h in disc.search("edited \ud800", "pat", "tiny")] == ["odd title"]
    ET.fromstring(disc.feed("tiny", "http://arena.example/"))
    assert xml_text("a\x00\x0bb\tc\ud800\ufffe\uffffd\ufffd\U0010ffff") == "ab\tcd\ufffd\U0010ffff"


def test_posts_are_rendered_once_per_text(arena):
    from scrimmage.community import markup

    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Cached", "some *text* unlike any other")
    markup.CACHE.clear()
    first = markup.render(disc.thread(t.topic.id).posts[0].body)
    again = markup.render(disc.thread(t.topic.id).posts[0].body)
    assert again is first and (markup.CACHE.hits, markup.CACHE.misses) == (1, 1)
    disc.edit(t.posts[0].id, "pat", "some *other* text")  # a new text: rendered anew
    assert "<em>other</em>" in markup.render(disc.thread(t.topic.id).posts[0].body)
    assert markup.CACHE.misses == 2


def test_search_ranks_within_the_newest_matches(arena, monkeypatch):
    from scrimmage.store import forum_search

    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Stacking", "stacking one")
    for i in range(4):
        disc.reply(t.topic.id, "quin", f"stacking reply {i}")
    disc.create_topic(None, "quin", "Stacking elsewhere", "stacking in the site forum")
    monkeypatch.setattr(forum_search, "SEARCH_WINDOW", 3)
    hits = disc.search("stacking", "pat", "tiny")
    assert sorted(h.excerpt for h in hits) == ["stacking reply 1", "stacking reply 2", "stacking reply 3"]
    assert len(disc.search("stacking", "pat", everywhere=True)) == 3


def test_phrases_and_exclusions_narrow_the_newest_posts_with_the_words(arena, monkeypatch):
    """A phrase or an exclusion is checked within the window of the newest posts having the search's words, so
    a phrase of common words that is rare costs a window's worth of work, not a look at every post."""
    from scrimmage.store import forum_search

    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Encodings", "target encoding first")
    newer = [disc.reply(t.topic.id, "quin", f"encoding of the target {i}").id for i in range(3)]
    monkeypatch.setattr(forum_search, "SEARCH_WINDOW", 3)
    assert disc.search('"target encoding"', "pat", "tiny") == []  # older than the 3 newest posts with both words
    assert sorted(h.post_id for h in disc.search("encoding -first", "pat", "tiny")) == newer
    monkeypatch.setattr(forum_search, "SEARCH_WINDOW", 4)
    assert [h.post_id for h in disc.search('"target encoding"', "pat", "tiny")] == [t.posts[0].id]


def test_control_characters_never_reach_the_database(arena):
    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Nul\x00 title\x07", "body\x00 with nul\n\tand tab")
    assert t.topic.title == "Nul title" and t.posts[0].body == "body with nul\n\tand tab"
    assert [h.title for h in disc.search("nul\x00", "pat", "tiny")] == ["Nul title"]
    with pytest.raises(NotFoundError):
        disc.topics("ti\x00ny", "pat")
    with pytest.raises(NotFoundError, match="no user"):
        arena.profiles.get("pa\x00t", "pat")


def test_hidden_spam_takes_no_place_in_the_search(arena, monkeypatch):
    """Spam that a moderator hid (or its author deleted) outranks nothing: the ranking reads visible posts alone."""
    monkeypatch.setattr(d, "MAX_POSTS", 1000)
    disc = arena.discussion
    legit = disc.create_topic("tiny", "pat", "Feature ideas", "some ideas")
    real = disc.reply(legit.topic.id, "pat", "I think the shadowword feature matters")
    assert [h.post_id for h in disc.search("shadowword", "pat", "tiny", limit=5)] == [real.id]
    spam = []
    for who in ("spammer1", "spammer2"):
        topic = disc.create_topic("tiny", who, "shadowword " * 10, "shadowword " * 40).topic.id
        spam += [topic] + [disc.reply(topic, who, "shadowword " * 40).id for _ in range(9)]
    hidden_reply = disc.reply(legit.topic.id, "quin", "shadowword " * 40).id
    assert real.id not in [h.post_id for h in disc.search("shadowword", "pat", "tiny", limit=5)]

    first, second = spam[0], spam[10]
    disc.moderate_topic(first, "ada", hidden=True)
    disc.delete(disc.thread(second, "spammer2").posts[0].id, "spammer2")
    disc.moderate_post(hidden_reply, "hal", hidden=True)
    disc.reply(first, "hal", "shadowword " * 40)  # a moderator's reply in the hidden topic stays out too
    for limit in (1, 5, 100):
        assert [h.post_id for h in disc.search("shadowword", "pat", "tiny", limit=limit)] == [real.id]
    assert [h.post_id for h in disc.search("shadowword", "pat", everywhere=True)] == [real.id]
    disc.moderate_topic(first, "ada", hidden=False)  # shown again: its posts are found again
    found = [h.post_id for h in disc.search("shadowword", "pat", "tiny", limit=100)]
    assert len(found) == 12 and real.id in found and hidden_reply not in found


def test_search_has_web_search_syntax_on_both_databases(arena):
    """Words (all must match), "quoted phrases", OR and -exclusions mean the same on SQLite and PostgreSQL;
    a search with no word to find (only exclusions or stop words) finds nothing."""
    disc = arena.discussion
    topic = disc.create_topic("tiny", "pat", "Notes", "ridge regression with tuning").topic.id
    post = {"ridge": disc.thread(topic, "pat").posts[0].id}
    for key, body in (("leak", "leakage of the target in folds"), ("model", "model target leakage"),
                      ("state", "state of the art stacking"), ("both", "ridge model stacking")):
        post[key] = disc.reply(topic, "quin", body).id

    def found(query):
        return {k for k, v in post.items() if v in [h.post_id for h in disc.search(query, "pat", "tiny", limit=100)]}

    assert found("model") == {"model", "both"}
    assert found("-model") == set()  # nothing to find: nothing, not every post without "model"
    assert found("leakage -model") == {"leak"}
    assert found('stacking -"ridge model"') == {"state"}
    assert found("ridge stacking") == {"both"}
    assert found("regression OR stacking") == {"ridge", "state", "both"}
    assert found("ridge tuning OR art") == {"ridge", "state"}  # AND binds closer than OR
    assert found('"target leakage"') == {"model"}
    assert found('"leakage target"') == set()
    assert found('"state of the art"') == {"state"}
    assert found("the of") == set()  # stop words alone
    assert found("the -model") == set()
    assert found("-model OR stacking") == {"state", "both"}  # an alternative with nothing to find is left out
    assert found("model " * 30) == {"model", "both"}  # repeats count once
    assert found("the " * 45 + "ridge") == {"ridge", "both"}
