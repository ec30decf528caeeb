"""`scrimmage discussion …` on the local store, and the same commands against a live server."""

from __future__ import annotations

from cliutil import run_as


def test_discussion_from_the_cli(tiny, capsys, monkeypatch, tmp_path):
    r = lambda user, *a: run_as(capsys, monkeypatch, user, *a)  # noqa: E731
    assert r("pat", "discussion", "list", "tiny")[1].startswith("No topics yet. Start one with "
                                                               "`scrimmage discussion post tiny --title TITLE -m TEXT`.")
    body = tmp_path / "post.md"
    body.write_text("Group means score **0.77**.\n")
    assert r("pat", "discussion", "post", "tiny", "--title", "First try", "-f", str(body))[1] == \
        "Topic 1 posted: First try\n"
    assert r("quin", "discussion", "reply", "1", "-m", "Add age bins")[1] == "Reply 2 posted in topic 1.\n"
    assert r("quin", "discussion", "vote", "1")[1] == "Post 1 has 1 vote.\n"
    assert r("pat", "discussion", "vote", "1") == (1, "", "error: you cannot upvote your own post\n")
    code, out, _ = r("pat", "discussion", "list", "tiny", "--csv")
    assert out.splitlines()[0] == "id,title,author,replies,votes,lastPost,flags"
    assert out.splitlines()[1].startswith("1,First try,pat,1,1,")
    code, out, _ = r("pat", "discussion", "list", "--new", "--csv")
    assert code == 0 and out.splitlines()[1].startswith("1,2,reply to you,tiny,First try,quin,")
    assert r("pat", "discussion", "list", "--new")[1] == "Nothing new since your last visit.\n"
    out = r("pat", "discussion", "show", "1")[1]
    assert out.startswith("# First try\ntopic 1 in tiny · 1 reply\n") and "Group means score **0.77**." in out
    assert "Add age bins" in r("pat", "discussion", "search", "age bins", "tiny")[1]
    assert r("pat", "discussion", "search", "nothing-like-it", "tiny")[1] == "Nothing matches 'nothing-like-it'.\n"
    assert r("quin", "discussion", "edit", "2", "-m", "Add age bins and fare")[1] == "Post 2 saved.\n"
    assert r("pat", "discussion", "report", "2", "--reason", "spam")[1] == "Post 2 reported: the host will look at it.\n"
    assert r("pat", "discussion", "moderate", "1", "--pin")[0] == 1
    assert r("hal", "discussion", "moderate", "1", "--pin", "--lock")[1] == "Topic 1: pinned, locked.\n"
    assert "spam" in r("hal", "discussion", "reports", "tiny", "--csv")[1]
    assert r("pat", "discussion", "list", "tiny", "--page", "2")[1] == "No topics on page 2: the 1 topic fit on 1 page.\n"
    assert r("hal", "discussion", "moderate", "2", "--post", "--pin") == (
        1, "", "error: with --post give --hide or --show (a post is not pinned or locked: its topic is)\n")
    assert r("pat", "discussion", "moderate", "2", "--post", "--hide") == (
        1, "", "error: only the host or an admin can moderate this competition's discussion\n")
    assert r("hal", "discussion", "moderate", "2", "--post", "--hide")[1] == "Post 2: hidden; its reports are settled.\n"
    assert r("hal", "discussion", "reports", "tiny")[1] == "No reports waiting.\n"
    assert r("hal", "discussion", "moderate", "2", "--post", "--show")[1] == "Post 2: shown; its reports are settled.\n"
    assert r("pat", "discussion", "reply", "1", "-m", "late") == (
        1, "", "error: this topic is locked: it takes no more replies\n")
    assert r("quin", "discussion", "delete", "2")[1] == "Post 2 deleted.\n"
    assert r("pat", "discussion", "post", "--site", "--title", "Hello", "-m", "all")[1] == "Topic 2 posted: Hello\n"
    # bad input: named, one line, exit 1
    assert r("pat", "discussion", "post", "tiny", "--title", "x") == (
        1, "", "error: give the text with -m TEXT or -f FILE (one of them)\n")
    assert r("pat", "discussion", "post", "tiny", "--site", "--title", "x", "-m", "y") == (
        1, "", "error: give REF or --site, not both\n")
    assert r("pat", "discussion", "list") == (
        1, "", "error: no competition given: pass REF, --site for the site forum, or set a default with "
               "`scrimmage config set competition REF`\n")
    assert r("pat", "discussion", "show", "99") == (1, "", "error: no topic 99\n")


def test_the_same_against_a_live_server(db_url, tiny, capsys, monkeypatch):
    from scrimmage.config import Settings
    from scrimmage.web import create_app
    from webutil import live_server

    app = create_app(Settings.load())
    with app.state.arena.store.write() as conn:
        for name in ("pat", "quin"):
            app.state.arena.store.ensure_user(conn, name)
    tokens = {name: app.state.arena.accounts.create_token(name, "cli") for name in ("pat", "quin")}
    with live_server(app) as url:
        def remote(user, *args):
            monkeypatch.setenv("SCRIMMAGE_TOKEN", tokens[user])
            return run_as(capsys, monkeypatch, user, "--server", url, *args)

        assert remote("pat", "discussion", "post", "tiny", "--title", "Remote", "-m", "over **HTTP**")[1] == \
            "Topic 1 posted: Remote\n"
        assert remote("quin", "discussion", "reply", "1", "-m", "hello")[1] == "Reply 2 posted in topic 1.\n"
        assert remote("pat", "discussion", "vote", "1") == (1, "", "error: you cannot upvote your own post\n")
        local = run_as(capsys, monkeypatch, "pat", "discussion", "show", "1")
        assert remote("pat", "discussion", "show", "1") == local
        assert remote("pat", "discussion", "list", "tiny", "--csv") == run_as(
            capsys, monkeypatch, "pat", "discussion", "list", "tiny", "--csv")
        code, out, _ = remote("pat", "discussion", "list", "--new", "--csv")
        assert code == 0 and ",reply to you,tiny,Remote,quin," in out
        monkeypatch.setenv("SCRIMMAGE_TOKEN", "wrong")
        code, _, err = run_as(capsys, monkeypatch, "pat", "--server", url, "discussion", "post", "tiny",
                           "--title", "x", "-m", "y")
        assert code == 1 and err.startswith("error: the API token is not valid")
