"""`scrimmage kernels push|pull|list` with Kaggle's kernel-metadata.json, on the local store and
against a live server."""

from __future__ import annotations

import json

from cliutil import run_as
from notebooks_hostile import ordinary


def _folder(tmp_path, name="work", **meta):
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    (folder / "baseline.ipynb").write_bytes(ordinary("cli"))
    values = {"id": "pat/cli-baseline", "title": "CLI baseline", "code_file": "baseline.ipynb",
              "language": "python", "kernel_type": "notebook", "is_private": False,
              "competition_sources": ["tiny"], **meta}
    (folder / "kernel-metadata.json").write_text(json.dumps(values))
    return folder


def test_push_pull_list(tiny, capsys, monkeypatch, tmp_path):
    r = lambda user, *a: run_as(capsys, monkeypatch, user, *a)  # noqa: E731
    assert r("pat", "kernels", "list", "tiny")[1] == \
        "No notebooks shared with you yet. Share one with `scrimmage kernels push -p FOLDER`.\n"
    assert r("pat", "kernels", "list", "--mine")[1] == \
        "You have not shared any notebook yet. Share one with `scrimmage kernels push -p FOLDER`.\n"
    assert r("pat", "kernels", "list", "tiny", "--mine")[1] == \
        "You have not shared any notebook yet for tiny. Share one with `scrimmage kernels push -p FOLDER`.\n"
    work = _folder(tmp_path)
    assert r("pat", "kernels", "push", "-p", str(work))[1] == \
        "Pushed pat/cli-baseline version 1 (notebook, public) for tiny: /code/pat/cli-baseline\n"
    assert r("pat", "kernels", "push", "-p", str(work))[1].startswith("Pushed pat/cli-baseline version 2 ")
    code, out, _ = r("quin", "kernels", "list", "tiny", "--csv")
    assert code == 0 and out.splitlines()[0] == "ref,title,kind,visibility,version,votes,score,updated"
    assert out.splitlines()[1].startswith("pat/cli-baseline,CLI baseline,notebook,public,2,0,,")
    dest = tmp_path / "pulled"
    assert r("quin", "kernels", "pull", "pat/cli-baseline", "-p", str(dest), "-m", "-v", "1")[1] == \
        f"Wrote {dest / 'baseline.ipynb'} (pat/cli-baseline version 1)\nWrote {dest / 'kernel-metadata.json'}\n"
    assert (dest / "baseline.ipynb").read_bytes() == ordinary("cli")
    meta = json.loads((dest / "kernel-metadata.json").read_text())
    assert (meta["id"], meta["code_file"], meta["kernel_type"], meta["competition_sources"], meta["is_private"]) == \
        ("pat/cli-baseline", "baseline.ipynb", "notebook", ["tiny"], False)
    # pushing someone else's id is refused with the fix
    assert r("quin", "kernels", "push", "-p", str(dest)) == (1, "", (
        f"error: {dest / 'kernel-metadata.json'} has problems; fix them and push again\n"
        "  - id: 'pat/cli-baseline' is not yours (you are quin): set it to \"quin/cli-baseline\", or copy the "
        "notebook first (Copy and edit on its page)\n"))
    private = _folder(tmp_path, "private", id="pat/secret", is_private=True)
    assert "(notebook, private)" in r("pat", "kernels", "push", "-p", str(private))[1]
    assert r("quin", "kernels", "pull", "pat/secret") == (
        1, "", "error: no notebook pat/secret, or it is not shared with you\n")
    assert [line.split(",")[0] for line in r("pat", "kernels", "list", "--mine", "--csv")[1].splitlines()[1:]] == \
        ["pat/secret", "pat/cli-baseline"]  # equal votes: the newest first


def test_bad_metadata(tiny, capsys, monkeypatch, tmp_path):
    r = lambda *a: run_as(capsys, monkeypatch, "pat", *a)  # noqa: E731
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = r("kernels", "push", "-p", str(empty))
    assert code == 1 and err.startswith(f"error: no kernel-metadata.json in {empty}: write one")
    bad = _folder(tmp_path, "bad", id="noslash", competition_sources=[], language="r", kernel_type="script")
    code, _, err = r("kernels", "push", "-p", str(bad))
    assert code == 1 and err.startswith(f"error: {bad / 'kernel-metadata.json'} has problems; fix them and push again")
    for problem in ('id: give "USER/SLUG"', 'competition_sources: give the one competition it is for, e.g. ["titanic"]',
                    "language: scrimmage shares Python notebooks and scripts only (not 'r')",
                    "code_file: a script is a .py file"):
        assert problem in err, err
    assert r("kernels", "pull", "nobody") == (1, "", "error: bad notebook 'nobody': give it as USER/SLUG, "
                                                     "e.g. 'pat/my-baseline'\n")
    good = _folder(tmp_path, "good")
    assert r("kernels", "push", "-p", str(good), "--submission", "999") == (
        1, "", "error: submission 999 is not one of your team's in 'tiny': link one from "
               "`scrimmage competitions submissions tiny`\n")
    assert r("kernels", "push", "-p", str(tmp_path / "does" / "not" / "exist")) == (
        1, "", f"error: no folder {tmp_path / 'does' / 'not' / 'exist'}: give -p the folder that holds "
               "kernel-metadata.json and the code file\n")
    # every problem at once, the ones that need the user or the folder included
    wrong = _folder(tmp_path, "wrong", id="quin/Bad Slug", title="t" * 300, code_file="other.ipynb",
                    visibility="everyone")
    meta = wrong / "kernel-metadata.json"
    assert r("kernels", "push", "-p", str(wrong)) == (1, "", (
        f"error: {meta} has problems; fix them and push again\n"
        "  - id: 'quin/Bad Slug' is not yours (you are pat): set it to \"pat/Bad Slug\", or copy the notebook "
        "first (Copy and edit on its page)\n"
        "  - id: bad notebook slug 'Bad Slug': use lower-case letters, digits and dashes (at most 100), "
        "e.g. 'my-first-model'\n"
        "  - title: the title is too long: at most 200 characters (it has 300)\n"
        f"  - code_file: there is no file 'other.ipynb' in {wrong}\n"
        "  - visibility: use one of private, competition, public (not 'everyone')\n"))


def test_the_same_against_a_live_server(db_url, tiny, capsys, monkeypatch, tmp_path):
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
            return run_as(capsys, monkeypatch, "someone-else", "--server", url, *args)

        work = _folder(tmp_path)
        assert remote("pat", "kernels", "push", "-p", str(work))[1] == \
            "Pushed pat/cli-baseline version 1 (notebook, public) for tiny: /code/pat/cli-baseline\n"
        code, out, _ = remote("quin", "kernels", "list", "tiny", "--csv")
        assert code == 0 and out.splitlines()[1].startswith("pat/cli-baseline,CLI baseline,notebook,public,1,0,,")
        dest = tmp_path / "pulled"
        assert remote("quin", "kernels", "pull", "pat/cli-baseline", "-p", str(dest), "-m")[0] == 0
        assert (dest / "baseline.ipynb").read_bytes() == ordinary("cli")
        assert json.loads((dest / "kernel-metadata.json").read_text())["id"] == "pat/cli-baseline"
        assert remote("quin", "kernels", "push", "-p", str(dest))[2].endswith(
            "\n  - id: 'pat/cli-baseline' is not yours (you are quin): set it to \"quin/cli-baseline\", or copy "
            "the notebook first (Copy and edit on its page)\n")
        assert remote("quin", "kernels", "pull", "pat/nothing") == (
            1, "", "error: no notebook pat/nothing, or it is not shared with you\n")
