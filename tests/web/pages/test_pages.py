"""The pages, driven like a browser would (forms with CSRF), on SQLite and PostgreSQL."""

from webutil import app, arena, client, post, signed_up, text_of, world, write_predictions  # noqa: F401


def test_competition_list_filters_by_tag(world, app):
    c = client(app)
    page = text_of(c.get("/").text)
    assert "Tiny" in page and "Titanic" in page  # uploaded, and the built-in catalogue
    page = text_of(c.get("/?tag=binary-classification").text)
    assert "Tiny" in page
    assert "Tiny" not in text_of(c.get("/?tag=regression").text)
    assert "No competition matches." in text_of(c.get("/?q=zzzz-nothing").text)


def test_competition_list_filters_by_track_in_track_order(world, app):
    from scrimmage import tracks

    steps = tracks.refs(tracks.get("tabular-classification"))
    # a visitor sees the steps that exist here (lessons once created); the admin also the lessons to create
    visitor = client(app).get("/?track=tabular-classification").text
    assert [ref for ref in steps if f'href="/c/{ref}"' in visitor] == [r for r in steps if not r.startswith("lesson-")]
    c = world["admin"]
    html = c.get("/?track=tabular-classification").text
    shown = [ref for ref in steps if f'href="/c/{ref}"' in html]
    assert shown == steps
    assert [html.index(f'href="/c/{ref}"') for ref in shown] == sorted(html.index(f'href="/c/{ref}"') for ref in shown)
    assert 'href="/c/tiny"' not in html
    missing = c.get("/?track=nope")
    assert missing.status_code == 404 and "unknown track 'nope'; choose one of: " in text_of(missing.text)


def test_overview_renders_markdown_without_raw_html(world, app):
    html = client(app).get("/c/tiny").text
    assert "<h1>Predict <em>target</em></h1>" in html and "<code>x</code>" in html
    post(world["host"], "/c/tiny/host/settings", {"description": "<script>alert(1)</script> [x](javascript:alert(1))"})
    html = client(app).get("/c/tiny").text
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;" in html


def test_data_rules_and_download_need_joining(world, app):
    visitor = client(app)
    assert "join to download" in visitor.get("/c/tiny/data").text
    r = visitor.get("/c/tiny/data/train.csv")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/c/tiny/data/train.csv"
    outsider = signed_up(app, "olga")
    r = outsider.get("/c/tiny/data/train.csv")
    assert r.status_code == 403
    assert "join 'tiny' (accept its rules) before downloading its data" in text_of(r.text)
    r = world["pat"].get("/c/tiny/data/train.csv")
    assert r.status_code == 200 and r.content == (world["folder"] / "train.csv").read_bytes()
    rules = text_of(client(app).get("/c/tiny/rules").text)
    assert "5 scored submissions per team per UTC day" in rules and "Teams of up to 5" in rules


def test_submit_good_and_bad_files_and_select(world, app, tmp_path):
    pat = world["pat"]
    good = write_predictions(tmp_path / "good.csv", world["folder"], 0.8)
    with open(good, "rb") as fh:
        r = post(pat, "/c/tiny/submissions", {"message": "baseline"}, files={"file": ("good.csv", fh)})
    assert r.status_code == 303 and "public+score" in r.headers["location"].replace("%20", "+")
    page = text_of(pat.get("/c/tiny/submissions").text)
    assert "4 of 5 submissions left today (UTC)" in page and "baseline" in page
    bad = tmp_path / "bad.csv"
    bad.write_text("id,target\n200,abc\n200,0.5\nzzz,0.1\n")
    with open(bad, "rb") as fh:
        r = post(pat, "/c/tiny/submissions", {"message": "oops"}, files={"file": ("bad.csv", fh)})
    assert r.status_code == 400
    page = text_of(r.text)
    assert "submission rejected: 5 problem(s) found" in page
    [rejected, scored] = app.state.arena.submissions("tiny", user="pat")
    assert len(rejected.problems) == 5
    for problem in rejected.problems:  # every problem is on the page
        assert problem in page, problem
    assert "4 of 5 submissions left today (UTC)" in page  # a rejected file does not count
    r = post(pat, f"/c/tiny/submissions/{scored.id}/select", {"action": "select"})
    assert r.status_code == 303
    assert app.state.arena.submissions("tiny", user="pat")[1].selected
    assert "✓ Selected" in pat.get("/c/tiny/submissions").text
    r = post(pat, f"/c/tiny/submissions/{rejected.id}/select", {"action": "select"})
    assert r.status_code == 409
    assert f"submission {rejected.id} was not scored (error); only scored submissions can be selected" in text_of(r.text)
    post(pat, f"/c/tiny/submissions/{scored.id}/select", {"action": "unselect"})
    assert not app.state.arena.submissions("tiny", user="pat")[1].selected
    own = pat.get(f"/c/tiny/submissions/{scored.id}/file")
    assert own.status_code == 200 and own.content == good.read_bytes()


def test_team_invite_and_accept(world, app):
    pat, quin = world["pat"], world["quin"]
    r = post(pat, "/c/tiny/team/invite", {"name": "quin"})
    assert r.status_code == 303
    page = text_of(quin.get("/c/tiny/team").text)
    assert "pat invites your team" in page
    [inv], _ = app.state.arena.teams.invites("tiny", "quin")
    assert post(quin, f"/c/tiny/team/invites/{inv.id}/accept").status_code == 303
    assert app.state.arena.teams.team("tiny", "quin").members == ["pat", "quin"]
    r = post(pat, "/c/tiny/team/invite", {"name": "nobody"})
    assert r.status_code == 404
    assert "'nobody' has not joined 'tiny'; they must join before you can invite them" in text_of(r.text)
    assert post(pat, "/c/tiny/team/rename", {"name": "Quokkas"}).status_code == 303
    assert "Quokkas" in pat.get("/c/tiny/team").text


def test_writeups(world, app):
    pat = world["pat"]
    r = post(pat, "/c/tiny/writeups", {"title": "How I won", "body": "Use **x**."})
    assert r.status_code == 303
    wid = app.state.arena.writeups.list("tiny", "pat")[0].id
    assert "<strong>x</strong>" in pat.get(f"/c/tiny/writeups/{wid}").text
    assert client(app).get(f"/c/tiny/writeups/{wid}").status_code == 404  # not shared, not closed
    r = post(pat, f"/c/tiny/writeups/{wid}/edit", {"title": "How I won", "body": "Use **x**.", "shared": "1"})
    assert r.status_code == 303 and client(app).get(f"/c/tiny/writeups/{wid}").status_code == 200
    r = post(pat, "/c/tiny/writeups", {"title": "", "body": ""})
    assert r.status_code == 400
    assert "a write-up needs a title" in text_of(r.text) and "a write-up needs some text" in text_of(r.text)


def test_a_writeup_is_rendered_as_posts_are(world, app):
    """Sanitised, highlighted in the listed languages only, bounded in size and kept rendered."""
    from scrimmage.community import markup

    pat = world["pat"]
    tables = ("|a" * 700 + "|\n" + "|-" * 700 + "|\n" + "|\n" * 90 + "\n") * 3  # 189,000 cells once padded
    body = "<script>alert(1)</script>\n\n```chapel\n'" + "\\" * 60 + "\n```\n\n" + tables
    assert post(pat, "/c/tiny/writeups", {"title": "Tables", "body": body, "shared": "1"}).status_code == 303
    wid = app.state.arena.writeups.list("tiny", "pat")[0].id
    page = pat.get(f"/c/tiny/writeups/{wid}")
    assert "Shown as written: its tables would have over 20,000 cells." in text_of(page.text)
    assert "<table>" not in page.text and "<script>" not in page.text and len(page.text) < 2 * len(body)
    hits = markup.CACHE.hits
    assert pat.get(f"/c/tiny/writeups/{wid}").text == page.text and markup.CACHE.hits == hits + 1
    assert post(pat, f"/c/tiny/writeups/{wid}/edit", {"title": "Tables", "body": "```chapel\n'" + "\\" * 60 + "\n```",
                                                      "shared": "1"}).status_code == 303
    page = pat.get(f"/c/tiny/writeups/{wid}")
    assert '<pre><code class="language-chapel">\'' + "\\" * 60 in page.text.replace("&#39;", "\'")
    assert page.headers["content-security-policy"].startswith("default-src 'self'; img-src 'self' data: https:;")


def test_host_edits_closes_and_the_private_board_shows_medals(world, app, tmp_path):
    host, pat, quin = world["host"], world["pat"], world["quin"]
    for c, q in ((pat, 0.9), (quin, 0.3)):
        with open(write_predictions(tmp_path / f"{q}.csv", world["folder"], q), "rb") as fh:
            post(c, "/c/tiny/submissions", {"message": "m"}, files={"file": ("p.csv", fh)})
    for i in range(8):  # ten teams: medals by Kaggle's thresholds (gold 1, silver 2, bronze 4)
        app.state.arena.submit("tiny", write_predictions(tmp_path / f"t{i}.csv", world["folder"], 0.1, seed=i), "", user=f"t{i}")
    r = post(host, "/c/tiny/host/settings", {"daily_limit": "0", "deadline": "soon"})
    assert r.status_code == 400
    page = text_of(r.text)
    assert "'tiny' was not changed" in page
    assert "daily_limit must be at least 1, got 0" in page
    assert "deadline must be a date-time like 2030-01-31 23:59 (UTC), got 'soon'" in page
    r = post(host, "/c/tiny/host/settings", {"daily_limit": "7", "deadline": "2099-01-31 23:59", "title": "Tiny II"})
    assert r.status_code == 303
    comp = app.state.arena.competition("tiny")
    assert (comp.daily_limit, comp.title, comp.deadline.year) == (7, "Tiny II", 2099)
    r = pat.get("/c/tiny/leaderboard?private=1")
    assert r.status_code == 403 and "the private leaderboard of 'tiny' is hidden until the competition closes" in text_of(r.text)
    assert 'title="revealed when the competition closes">Private' in client(app).get("/c/tiny/leaderboard").text
    r = post(host, "/c/tiny/host/close", {})
    assert r.status_code == 400
    assert "tick the box to confirm: closing reveals the private leaderboard and cannot be undone" in text_of(r.text)
    assert post(host, "/c/tiny/host/close", {"confirm": "yes"}).status_code == 303
    html = client(app).get("/c/tiny/leaderboard").text  # after the reveal, private by default
    rows = app.state.arena.leaderboard("tiny", private=True).rows
    assert rows[0].team_name == "pat" and [r.medal for r in rows[:4]] == ["gold", "silver", "bronze", "bronze"]
    assert html.count('<span class="medal gold">Gold</span>') == 1
    assert html.count('<span class="medal silver">Silver</span>') == 1
    assert html.count('<span class="medal bronze">Bronze</span>') == 2
    assert "mean |Δrank| / teams" in html and "Spearman" in html
    assert f"{rows[0].score:.5f}" in html


def test_only_hosts_reach_the_host_area(world, app):
    r = world["pat"].get("/c/tiny/host")
    assert r.status_code == 403 and "only the host of 'tiny' can do this" in text_of(r.text)
    r = world["pat"].get("/host/new")
    assert r.status_code == 403
    assert "only hosts and admins can create competitions; ask an admin for the host role" in text_of(r.text)
    assert world["admin"].get("/c/tiny/host").status_code == 200  # admins may do everything


def test_leaderboard_shows_reference_rows_and_medals_by_reference(world, app, tmp_path):
    c = client(app)
    html = text_of(c.get("/c/titanic/leaderboard").text)
    assert "reference: strong model" in html and "reference: simple model" in html
    assert "The reference scores to beat:" in html


def test_the_leaderboard_legend_says_where_the_medal_bars_are(app, arena, tmp_path):
    """lesson-imbalance's references: the strong model scored below the simple one, so the bars meet."""
    from bundles import write_bundle

    refs = ('[[reference_scores]]\nname = "simple"\npublic = 0.60532\nprivate = 0.6\n'
            '[[reference_scores]]\nname = "strong"\npublic = 0.53685\nprivate = 0.7\n')
    arena.create_competition(write_bundle(tmp_path / "refs", extra_toml=refs))
    c = client(app)
    page = text_of(c.get("/c/refs/leaderboard").text)
    assert ("Medals by reference (fewer than 20 teams): no reference beats the simple model, so the bars meet: gold "
            "beats it, and with it every reference; there is no silver or bronze.") in page
    arena.close("refs")
    page = text_of(c.get("/c/refs/leaderboard?private=1").text)
    assert ("Medals by reference (fewer than 20 teams): bronze beats the simple model, silver is halfway from there to "
            "the strong model, gold beats every reference.") in page


def test_a_closed_lessons_overview_ends_with_its_post_mortem(app, arena, tmp_path):
    from bundles import write_bundle

    arena.create_competition(write_bundle(tmp_path / "story", extra_toml=(
        'description = "## The story\\n\\nPredict the target."\n'
        'reveal = "## The trap: what happened\\n\\nThe ending."\n'
        'source = "Made up for the test."\n')))
    page = text_of(client(app).get("/c/story").text)
    assert "The story" in page and "The trap" not in page
    arena.close("story")
    page = text_of(client(app).get("/c/story").text)
    assert page.count("The trap: what happened") == 1
    assert (page.index("The story") < page.index("Evaluation") < page.index("Made up for the test.")
            < page.index("The trap: what happened The ending."))


def test_overview_has_one_evaluation_heading_and_provenance_once(world, app):
    page = client(app).get("/c/titanic").text  # the catalogue's description tells its provenance itself
    assert page.count(">Evaluation") == 1 and "<h1>Evaluation: ROC AUC</h1>" in page
    assert page.count("compiled by Thomas Cason") == 1 and "<h2>Source</h2>" not in page
    assert "about 50% of the test rows (209)" in page
    tiny = client(app).get("/c/tiny").text  # no evaluation text of its own: the page's heading and the metric
    assert tiny.count(">Evaluation") == 1 and "<h2>Evaluation</h2>" in tiny and "Submissions are scored with" in tiny
