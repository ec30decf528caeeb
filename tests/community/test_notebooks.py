"""Shared notebooks: versions rendered once and sanitised, visibility, votes, comments, copies,
linked scores (private only after the close), highlights, limits — on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from bundles import write_bundle, write_predictions
from notebooks_hostile import PNG, hostile, ordinary
from scrimmage.community import notebook_files as files
from scrimmage.errors import AuthError, ConfigError, ConflictError, ForbiddenError, LimitError, NotFoundError
from scrimmage.arena import Arena


@pytest.fixture
def arena(db_url, tmp_path):
    """hal hosts 'tiny'; pat and quin joined it (separate teams); rex has not."""
    a = Arena(user="hal")
    a.create_competition(write_bundle(tmp_path / "tiny"), host="hal")
    for name in ("pat", "quin"):
        a.teams.join("tiny", name)
    with a.store.write() as conn:
        a.store.ensure_user(conn, "rex")
    return a


def test_versions_are_rendered_once_and_kept_in_the_store(arena):
    nbs = arena.notebooks
    first = nbs.push("tiny", "pat", "baseline.ipynb", ordinary("v1"), title="My baseline", visibility="public")
    assert (first.ref, first.version, first.kind, first.visibility) == ("pat/my-baseline", 1, "notebook", "public")
    second = nbs.push("tiny", "pat", "baseline.ipynb", ordinary("v2"), slug="my-baseline")
    assert second.version == 2 and second.title == "My baseline"
    page = nbs.page("pat", "my-baseline", "quin")
    assert [v.number for v in page.versions] == [2, 1] and page.versions[0].cells == 3
    html = nbs.rendered("pat", "my-baseline", None)
    assert "<strong>v2</strong>" in html and f"data:image/png;base64,{PNG}" in html and "42" in html
    assert "<strong>v1</strong>" in nbs.rendered("pat", "my-baseline", None, version=1)
    key, version, _ = nbs.file("pat", "my-baseline", None, version=1)
    assert arena.objects.read_bytes(key) == ordinary("v1") and version.file_name == "baseline.ipynb"
    # the database holds keys of the arena's store
    from sqlalchemy import select
    from scrimmage.store.schema import notebook_versions
    with arena.store.read() as conn:
        stored = [r.path for r in conn.execute(select(notebook_versions))] + \
                 [r.rendered_path for r in conn.execute(select(notebook_versions))]
    assert all(p.startswith("notebooks/") for p in stored)
    assert sorted(o.key.rsplit("/", 1)[1] for o in arena.objects.list("notebooks")) == [
        "v1.html", "v1.ipynb", "v2.html", "v2.ipynb"]  # and nothing half-written
    with pytest.raises(NotFoundError, match=r"^pat/my-baseline has no version 7 \(it has 1 to 2\)$"):
        nbs.file("pat", "my-baseline", None, version=7)


def test_a_script_is_shared_highlighted(arena):
    nb = arena.notebooks.push("tiny", "pat", "solve.py", b"import os\nprint('<script>x</script>')\n",
                              visibility="competition")
    assert (nb.ref, nb.kind) == ("pat/solve", "script")
    html = arena.notebooks.rendered("pat", "solve", "quin")
    assert "&lt;script&gt;" in html and "<script>" not in html
    with pytest.raises(ConflictError, match="^pat/solve is a script: a new version must be a script too"):
        arena.notebooks.push("tiny", "pat", "solve.ipynb", ordinary(), slug="solve")


def test_hostile_outputs_are_dropped_or_sanitised():
    r = files.render("evil.ipynb", hostile())
    low = r.html.lower()
    for bad in ("<script", " onerror=", " onload=", " onmouseover=", '="javascript:', "<iframe", "<svg", "<style",
                "srcdoc", "image/svg"):
        assert bad not in low, bad
    assert "bold output" in r.html and "still here" in r.html
    assert r.note == "3 outputs with script, widgets or SVG not shown"


@pytest.mark.parametrize("name,data,error,message", [
    ("x.txt", b"hi", ConfigError, "'x.txt' is neither a notebook (.ipynb) nor a Python script (.py): share one of those"),
    ("x.ipynb", b"{not json", ConfigError, "'x.ipynb' is not a notebook: it is not JSON; save it again from Jupyter"),
    ("x.ipynb", b"\xff\xfe", ConfigError, "'x.ipynb' is not UTF-8 text: save it again as UTF-8"),
    ("x.ipynb", b'{"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', ConfigError,
     "'x.ipynb' is not a notebook Jupyter can read"),
])
def test_bad_files_get_clear_messages(name, data, error, message):
    with pytest.raises(error) as info:
        files.render(name, data)
    assert str(info.value).startswith(message)


def test_limits(monkeypatch):
    import nbformat
    from nbformat import v4

    nb = v4.new_notebook()
    nb.cells = [v4.new_code_cell("x") for _ in range(files.MAX_CELLS + 1)]
    with pytest.raises(LimitError, match="^the notebook has 2,001 cells, over the limit of 2,000: split it"):
        files.render("big.ipynb", nbformat.writes(nb).encode())
    monkeypatch.setattr(files, "MAX_FILE_MB", 0.001)
    with pytest.raises(LimitError, match=r"^the notebook is 0\.0 MB, over the 0\.001 MB limit: clear large outputs"):
        files.render("big.py", b"x = 1\n" * 400)
    monkeypatch.setattr(files, "MAX_OUTPUT", 10)
    small = v4.new_notebook()
    small.cells = [v4.new_code_cell("x", outputs=[v4.new_output("display_data", data={"text/html": "<p>" + "y" * 50})])]
    r = files.render("o.ipynb", nbformat.writes(small).encode())
    assert "an output of 0.0 MB is not shown" in r.html and r.note == "1 output over 1e-05 MB not shown"


def test_visibility(arena):
    nbs = arena.notebooks
    arena.teams.join("tiny", "ann")  # ann's own team
    nbs.push("tiny", "pat", "a.py", b"print(1)\n", slug="secret")
    nbs.push("tiny", "pat", "b.py", b"print(2)\n", slug="shared", visibility="competition")
    nbs.push("tiny", "pat", "c.py", b"print(3)\n", slug="open", visibility="public")
    refs = lambda viewer: [n.slug for n in nbs.list("tiny", viewer, sort="recent")]  # noqa: E731
    assert refs("pat") == ["open", "shared", "secret"]
    assert refs("quin") == ["open", "shared"]  # a participant
    assert refs("hal") == ["open", "shared"]  # the host
    assert refs("rex") == ["open"] and refs(None) == ["open"]
    with pytest.raises(NotFoundError, match="^no notebook pat/secret, or it is not shared with you$"):
        nbs.page("pat", "secret", "quin")
    with pytest.raises(NotFoundError, match="^no notebook pat/shared, or it is not shared with you$"):
        nbs.rendered("pat", "shared", None)
    # a team mate sees the private one
    invite = arena.teams.invite("tiny", "pat", "ann")
    arena.teams.accept("tiny", "ann", invite.id)
    assert refs("ann") == ["open", "shared", "secret"]
    assert [n.slug for n in nbs.list("tiny", "pat", mine=True, sort="recent")] == ["open", "shared", "secret"]
    with pytest.raises(AuthError, match="^sign in to share, upvote or comment on notebooks$"):
        nbs.list("tiny", None, mine=True)
    assert nbs.list(None, "newcomer", mine=True) == []  # a name with no account yet has shared nothing
    nbs.set_visibility("pat", "secret", "pat", "public")
    assert "secret" in refs(None)
    with pytest.raises(ForbiddenError, match="^only its author can change who sees a notebook$"):
        nbs.set_visibility("pat", "secret", "quin", "private")
    with pytest.raises(ConfigError, match="^unknown visibility 'everyone': use one of private, competition, public$"):
        nbs.push("tiny", "pat", "a.py", b"x\n", visibility="everyone")


def test_votes_comments_and_sorts(arena):
    nbs = arena.notebooks
    nbs.push("tiny", "pat", "a.py", b"print(1)\n", slug="first", visibility="public")
    nbs.push("tiny", "quin", "b.py", b"print(2)\n", slug="second", visibility="public")
    with pytest.raises(ForbiddenError, match="^you cannot upvote your own notebook$"):
        nbs.vote("pat", "first", "pat")
    assert nbs.vote("quin", "second", "pat") == 1 and nbs.vote("quin", "second", "rex") == 2
    with pytest.raises(ConflictError, match="^you have upvoted this notebook already$"):
        nbs.vote("quin", "second", "pat")
    assert nbs.vote("pat", "first", "quin") == 1
    assert [n.slug for n in nbs.list("tiny", "rex", sort="votes")] == ["second", "first"]
    assert [n.slug for n in nbs.list("tiny", "rex", sort="recent")] == ["second", "first"]
    assert nbs.vote("pat", "first", "quin", up=False) == 0
    with pytest.raises(ConflictError, match="^you have not upvoted this notebook$"):
        nbs.vote("pat", "first", "quin", up=False)
    with pytest.raises(AuthError):
        nbs.vote("pat", "first", "anonymous")
    c = nbs.comment("pat", "first", "quin", "  Nice **work** ")
    assert c.body == "Nice **work**" and nbs.get("pat", "first", "rex").comments == 1
    with pytest.raises(ForbiddenError, match=r"^only its author \(or the host\) can delete a comment$"):
        nbs.delete_comment(c.id, "rex")
    nbs.delete_comment(c.id, "quin")
    page = nbs.page("pat", "first", "rex")
    assert page.comments[0].deleted and page.comments[0].body is None and page.notebook.comments == 0
    with pytest.raises(ConfigError, match="^the comment is empty: write something$"):
        nbs.comment("pat", "first", "quin", "  ")
    for i in range(9):
        nbs.comment("pat", "first", "quin", f"comment {i}")
    with pytest.raises(LimitError, match="^you are commenting too fast: at most 10 comments in 10 minutes; try again in"):
        nbs.comment("pat", "first", "quin", "one more")


def test_linked_score_and_highlight(arena, tmp_path):
    folder = arena.storage("tiny")
    sub = arena.submit("tiny", write_predictions(tmp_path / "p.csv", folder, 0.9), "", user="pat")
    other = arena.submit("tiny", write_predictions(tmp_path / "q.csv", folder, 0.3), "", user="quin")
    nbs = arena.notebooks
    with pytest.raises(NotFoundError, match=f"^submission {other.id} is not one of your team's in 'tiny'"):
        nbs.push("tiny", "pat", "a.py", b"x\n", submission=other.id)
    nb = nbs.push("tiny", "pat", "a.py", b"x\n", slug="good", visibility="public", submission=sub.id)
    nbs.push("tiny", "quin", "b.py", b"y\n", slug="weak", visibility="public", submission=other.id)
    nbs.push("tiny", "rex", "c.py", b"z\n", slug="none", visibility="public")
    assert nb.public_score is not None and nb.private_score is None  # hidden before the close
    assert [n.slug for n in nbs.list("tiny", None, sort="score")] == ["good", "weak", "none"]
    with pytest.raises(ConflictError, match="^'tiny' is open: highlight top solutions after it closes$"):
        nbs.highlight("quin", "weak", "hal")
    arena.close("tiny", user="hal")
    assert nbs.get("pat", "good", None).private_score is not None
    with pytest.raises(ForbiddenError, match="^only the competition's host or an admin can highlight notebooks$"):
        nbs.highlight("quin", "weak", "pat")
    assert nbs.highlight("quin", "weak", "hal").highlighted
    assert [n.slug for n in nbs.list("tiny", None, sort="score")][0] == "weak"


def test_copy_and_edit(arena):
    nbs = arena.notebooks
    nbs.push("tiny", "pat", "a.ipynb", ordinary("orig"), slug="base", visibility="competition")
    mine = nbs.copy("pat", "base", "quin")
    assert (mine.ref, mine.visibility, mine.copied_from, mine.version) == ("quin/base", "private", "pat/base", 1)
    assert arena.objects.read_bytes(nbs.file("quin", "base", "quin")[0]) == ordinary("orig")
    again = nbs.copy("pat", "base", "quin")
    assert again.ref == "quin/base-copy"
    with pytest.raises(NotFoundError):
        nbs.copy("pat", "base", "rex")  # not a participant: not shared with rex
    arena.create_competition(write_bundle(arena.settings.home.parent / "second"), host="hal")
    with pytest.raises(ConflictError, match="^your notebook pat/base is shared for 'tiny': choose another slug"):
        arena.notebooks.push("second", "pat", "a.ipynb", ordinary(), slug="base")


def test_bad_slug_and_suspended(arena):
    with pytest.raises(ConfigError, match="^bad notebook slug 'Bad Slug!': use lower-case letters"):
        arena.notebooks.push("tiny", "pat", "a.py", b"x\n", slug="Bad Slug!")
    with pytest.raises(NotFoundError):
        arena.notebooks.push("nope", "pat", "a.py", b"x\n")
    assert json.loads(files.strip_outputs(ordinary()))["cells"][1]["outputs"] == []


def test_from_the_notebook_api(arena, tmp_path):
    from scrimmage.notebook import Competition

    comp = Competition.open("tiny", user="pat")
    assert comp.arena.settings.user == "pat"
    sub = comp.submit(write_predictions(tmp_path / "p.csv", arena.storage("tiny"), 0.8))
    nb_file = tmp_path / "my work.ipynb"
    nb_file.write_bytes(ordinary())
    nb = comp.share_notebook(nb_file, "My work", submission=sub["id"], visibility="public")
    assert (nb.ref, nb.version, nb.public_score) == ("pat/my-work", 1, sub["public"])
    assert comp.share_notebook(nb_file, "My work").version == 2
    frame = comp.notebooks()
    assert list(frame["ref"]) == ["pat/my-work"] and frame["version"][0] == 2
    with pytest.raises(FileNotFoundError, match="^no file at"):
        comp.share_notebook(tmp_path / "missing.ipynb")


def test_a_host_cannot_share_a_private_score_before_the_close(arena, tmp_path):
    folder = arena.storage("tiny")
    sub = arena.submit("tiny", write_predictions(tmp_path / "p.csv", folder, 0.9), "", user="pat")
    private = f"{_private(arena, sub.id):.5f}"
    arena.notebooks.push("tiny", "pat", "a.py", b"x = 1\n", slug="open", visibility="public")
    with pytest.raises(ForbiddenError, match=rf"^this comment quotes a private score \({private}\) of 'tiny', which is open"):
        arena.notebooks.comment("pat", "open", "hal", f"the best private score is {private}")
    with pytest.raises(ForbiddenError, match=rf"^this notebook quotes a private score \({private}\) of 'tiny'"):
        arena.notebooks.push("tiny", "hal", "leak.py", f"print('{private}')\n".encode())
    arena.notebooks.comment("pat", "open", "quin", f"I guess {private}")  # others are not checked
    arena.close("tiny", user="hal")
    assert arena.notebooks.comment("pat", "open", "hal", f"it was {private}").body.endswith(private)


def _private(arena, sub_id: int) -> float:
    from sqlalchemy import select
    from scrimmage.store.schema import submissions

    with arena.store.read() as conn:
        return conn.execute(select(submissions.c.private_score).where(submissions.c.id == sub_id)).scalar_one()


def test_a_notebook_saved_by_jupyter_renders_quietly_without_ipython(tmp_path):
    """Jupyter names IPython's lexer; without IPython installed nbconvert falls back on Python's and warned
    on every render, so a learner pushing a notebook saw a library's source line."""
    import subprocess
    import sys

    nb = json.loads(ordinary())
    nb["metadata"]["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    code = ("import sys; sys.modules['IPython'] = None\n"  # as in an environment without IPython
            "from scrimmage.community import notebook_files\n"
            f"r = notebook_files.render('nb.ipynb', bytes.fromhex({(tmp_path / 'nb.ipynb').read_bytes().hex()!r}))\n"
            "print('<span class=\"nb\">print</span>' in r.html)")  # highlighted all the same
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "True\n")


def test_a_title_is_stored_without_what_no_text_may_hold(arena):
    """Control characters, lone surrogates and noncharacters are left out, as in discussion titles."""
    nb = arena.notebooks.push("tiny", "pat", "a.py", b"x = 1\n", title="My\x00 base\ud800line\uffff \x1b[31m v2")
    assert nb.title == "My baseline [31m v2"


def test_a_language_off_the_list_is_shown_as_plain_code(monkeypatch):
    """Pygments' Chapel lexer backtracks for minutes on a quote and 60 backslashes: a notebook in Chapel (or a
    cell or markdown block naming it) is shown as plain code, its lexer never looked up."""
    import nbconvert.filters.markdown_mistune
    from nbformat import v4

    looked_up = []

    def lookup(name, **_kw):
        looked_up.append(name)
        raise AssertionError(f"the {name!r} lexer was looked up")

    monkeypatch.setattr("pygments.lexers.get_lexer_by_name", lookup)
    monkeypatch.setattr(nbconvert.filters.markdown_mistune, "get_lexer_by_name", lookup)
    hostile = "'" + "\\" * 60
    nb = v4.new_notebook()
    nb.metadata["language_info"] = {"name": "chapel", "pygments_lexer": "chapel"}
    nb.cells = [v4.new_markdown_cell(f"```chapel\n{hostile}\n```"), v4.new_code_cell(hostile),
                v4.new_code_cell(f"%%chapel\n{hostile}", metadata={"magics_language": "chapel"})]
    out = files.render("nb.ipynb", nbformat_bytes(nb))
    assert looked_up == []
    assert out.html.count(f'<div class="highlight"><pre>{hostile}\n</pre></div>') == 1
    assert f'<pre><code class="language-chapel">{hostile}\n</code></pre>' in out.html
    assert f"%%chapel\n{hostile}" in out.html and '<span class="' not in out.html


def test_code_is_highlighted_within_bounds(monkeypatch):
    from nbformat import v4

    monkeypatch.setattr("scrimmage.community.markup.MAX_HIGHLIGHT_CHARS", 30)
    monkeypatch.setattr(files, "MAX_HIGHLIGHTED_CHARS", 60)
    nb = v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nb.cells = [v4.new_code_cell("import a"), v4.new_markdown_cell("```py\nimport b\n```"),
                v4.new_code_cell("import c  # " + "x" * 30), v4.new_code_cell("import d  # " + "y" * 15),
                v4.new_code_cell("import e  # " + "z" * 10)]
    html = files.render("nb.ipynb", nbformat_bytes(nb)).html
    assert html.count('<span class="kn">import</span>') == 3  # a, b, d: c is too long, e over the budget
    assert "import c  # " + "x" * 30 in html and "import e  # " + "z" * 10 in html
    script = files.render("s.py", b"import os\n" * 7)
    assert '<span class="kn">import</span>' not in script.html and "import os\nimport os" in script.html


def nbformat_bytes(nb) -> bytes:
    import nbformat

    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"
    return nbformat.writes(nb).encode()


def test_markdown_and_outputs_render_in_bounded_time_whatever_they_hold():
    """nbconvert's files/ link rewriting takes time growing with the square of a run of "[" (30,000 took 6 s)
    and its ansi2html 10 s for 100,000 colour codes: files/ links are not rewritten, colours are dropped,
    and a notebook's markdown is rendered up to a budget, the rest shown as written."""
    import nbformat
    from nbformat import v4

    nb = v4.new_notebook()
    nb.cells = [v4.new_markdown_cell("*a* " + "[" * 30_000), v4.new_markdown_cell("x" * (files.MAX_MARKDOWN_CHARS - 30_000)),
                v4.new_code_cell("1/0", outputs=[v4.new_output("error", ename="E", evalue="x",
                                                                traceback=["\x1b[31mE\x1b[0m: <x>"])])]
    r = files.render("n.ipynb", nbformat.writes(nb).encode())
    assert r.html.count("<em>a</em>") == 1  # the first cell rendered, the second past the budget
    assert "Shown as written: the notebook's markdown is over 50,000 characters." in r.html
    assert "<pre>E: &lt;x&gt;</pre>" in r.html
    filters = files._exporter().environment.filters
    assert (filters["strip_files_prefix"], filters["ansi2html"]) == (files._unchanged, files._ansi_plain)
