"""The leaderboard cannot be read ahead of time: attacks on a real server (loopback) that now fail.

A participant tries to rebuild the Public/Private split, to download hidden files under every
spelling, to read private scores through an admin who competes; a host tries to take a built-in
catalogue ref. Each attack fails with the message pinned here.
"""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

from webutil import app, cheap_hashing, world  # noqa: F401 - fixtures (cheap_hashing: autouse)
from webutil import bundle_zip, client, live_server, post, text_of, token_for, write_bundle, write_predictions
from scrimmage.solution import Solution, assign_usage
from scrimmage.solution_store import SOLUTION_CACHE, SPLIT_FILE
from scrimmage.storage.layout import internal


def upload(url: str, headers: dict, folder, tmp_path) -> httpx.Response:
    with open(bundle_zip(folder, tmp_path / f"{folder.name}.zip"), "rb") as fh:
        return httpx.post(f"{url}/api/competitions", headers=headers,
                          files={"bundle": (f"{folder.name}.zip", fh, "application/zip")}, timeout=60)


def usage_of(arena, ref: str) -> np.ndarray:
    key = f"{internal(arena.storage_key(ref))}/{SOLUTION_CACHE}"
    frame = Solution.load(arena.objects.local_path(key), "id", ["target"], ["target"]).frame
    return frame["Usage"].to_numpy()


def test_the_split_is_drawn_from_a_secret_seed_nobody_is_shown(world, app, tmp_path):
    a = app.state.arena
    host = token_for(app, "hal")
    toml = 'title = "{t}"\nmetric = "roc_auc"\nid_column = "id"\nref = "{t}"\n'
    with live_server(app) as url:
        for ref in ("split-a", "split-b"):
            folder = write_bundle(tmp_path / ref, usage=False, toml=toml.format(t=ref))
            assert upload(url, host, folder, tmp_path).status_code == 201
        seeded = write_bundle(tmp_path / "split-s", usage=False, toml=toml.format(t="split-s") + "split_seed = 7\n")
        assert upload(url, host, seeded, tmp_path).status_code == 201
        snoop = token_for(app, "pat")
        shown = [httpx.get(f"{url}/api/competitions/{r}", headers=snoop).json() for r in ("split-a", "split-s")]
        listed = httpx.get(f"{url}/api/competitions", headers=snoop).text
        pages = [httpx.get(f"{url}/c/split-s{tab}").text for tab in ("", "/data", "/rules", "/leaderboard")]
    # the attack of old: the default seed 0 and the shown public_fraction rebuilt every row's side
    a_usage, b_usage = usage_of(a, "split-a"), usage_of(a, "split-b")
    guess = assign_usage(len(a_usage), shown[0]["settings"]["public_fraction"], 0)
    assert (guess == a_usage).mean() < 0.9 and (a_usage != b_usage).any()
    for comp in shown:
        assert "split_seed" not in comp["settings"]
    assert '"split_seed"' not in listed and not any("split_seed" in page for page in pages)
    # an explicit seed still rebuilds the material (for the host), and is kept with the hidden files only
    assert (usage_of(a, "split-s") == assign_usage(len(a_usage), 0.25, 7)).all()
    record = json.loads(a.objects.read_bytes(f"{internal(a.storage_key('split-s'))}/{SPLIT_FILE}"))
    assert record["seed"] == "7" and record["seed_from"] == "competition.toml"
    drawn = json.loads(a.objects.read_bytes(f"{internal(a.storage_key('split-a'))}/{SPLIT_FILE}"))
    assert drawn["seed_from"] == "drawn at creation" and int(drawn["seed"]) != 0
    for ref in ("split-a", "split-s"):  # nothing of the arena's own lives in the served folder
        assert [o.key.rsplit("/", 1)[1] for o in a.objects.list(a.storage_key(ref))] == [
            "competition.toml", "sample_submission.csv", "solution.csv", "test.csv", "train.csv"]


HIDDEN_SPELLINGS = ["solution.parquet", "Solution.CSV", "solution.csv.gz", "metric.py", "competition.toml",
                    "Competition.TOML", ".secret", "sub"]


def test_no_spelling_of_a_hidden_file_is_served(world, app, tmp_path):
    folder = write_bundle(tmp_path / "spell", toml='title = "Spell"\nmetric = "roc_auc"\nid_column = "id"\n'
                                                   'ref = "spell"\nmetric_file = "./metric.py"\ngreater_is_better = true\n')
    (folder / "metric.py").write_text("SECRET = 'metric-source'\n\ndef score(solution, submission, row_id_column_name):\n"
                                      "    return 1.0\n")
    answers = (folder / "solution.csv").read_text()
    (folder / "solution.parquet").write_text(answers)  # a host's own copy of the answers, by a tempting name
    (folder / "Solution.CSV").write_text(answers)
    (folder / "solution.csv.gz").write_text(answers)
    (folder / "Competition.TOML").write_text("x = 1\n")
    (folder / ".secret").write_text(answers)
    (folder / "notes.txt").write_text("public notes\n")
    with live_server(app) as url:
        assert upload(url, token_for(app, "hal"), folder, tmp_path).status_code == 201
        pat = token_for(app, "pat")
        httpx.post(f"{url}/api/competitions/spell/join", headers=pat)
        listed = [f["name"] for f in httpx.get(f"{url}/api/competitions/spell/files").json()]
        assert listed == ["notes.txt", "sample_submission.csv", "test.csv", "train.csv"]
        web = world["pat"]
        assert post(web, "/c/spell/join").status_code == 303
        for name in HIDDEN_SPELLINGS:
            r = httpx.get(f"{url}/api/competitions/spell/files/{name}", headers=pat)
            assert (r.status_code, r.json()["error"]) == (404, f"no public file {name!r}; the files are: "
                                                               "notes.txt, sample_submission.csv, test.csv, train.csv")
            page = web.get(f"/c/spell/data/{name}")
            assert page.status_code == 404 and "metric-source" not in page.text and "Public" not in page.text
        assert httpx.get(f"{url}/api/competitions/spell/files/notes.txt", headers=pat).text == "public notes\n"


def test_an_admin_who_competes_sees_no_private_score_before_the_close(world, app, tmp_path):
    a = app.state.arena
    admin, host = world["admin"], world["host"]
    assert post(admin, "/c/tiny/join").status_code == 303
    a.submit("tiny", write_predictions(tmp_path / "ada.csv", world["folder"], 0.05, seed=4), "", user="ada")
    a.submit("tiny", write_predictions(tmp_path / "pat.csv", world["folder"], 0.02, seed=5), "", user="pat")
    from scrimmage import hosting

    private = {f"{h.submission.private_score:.5f}" for h in hosting.submissions(a, "tiny", "hal")}
    assert len(private) == 2 and not private & {f"{h.submission.public_score:.5f}" for h in hosting.submissions(a, "tiny", "hal")}
    with live_server(app):
        r = admin.get("/c/tiny/leaderboard?private=1")
        assert r.status_code == 403
        assert text_of(r.text).count("the private leaderboard of 'tiny' is hidden until the competition closes; "
                                     "you have a team in it, so you see it as every participant does") == 1
        board = admin.get("/c/tiny/leaderboard")
        assert 'href="?private=1"' not in board.text and not any(p in board.text for p in private)
        host_page = admin.get("/c/tiny/host")  # an admin may open the host tab, but sees no private score there
        assert host_page.status_code == 200 and not any(p in host_page.text for p in private)
        # the host, who has no team, still sees them; the public board labels the admin's team
        assert host.get("/c/tiny/leaderboard?private=1").status_code == 200
        assert any(p in host.get("/c/tiny/host").text for p in private)
        assert 'class="you staff" title="the competition\'s admin competes in this team">admin<' in board.text
    body = client(app).get("/api/competitions/tiny/leaderboard?private=true", headers=token_for(app, "ada"))
    assert body.status_code == 403 and "you have a team in it" in body.json()["error"]
    staff = client(app).get("/api/competitions/tiny/leaderboard", headers=token_for(app, "pat")).json()["staff_teams"]
    assert [s["role"] for s in staff] == ["admin"]


def test_a_host_cannot_take_a_builtin_catalogue_ref(world, app, tmp_path):
    folder = write_bundle(tmp_path / "fake", toml='title = "Titanic"\nmetric = "roc_auc"\nid_column = "id"\nref = "titanic"\n')
    with live_server(app) as url:
        r = upload(url, token_for(app, "hal"), folder, tmp_path)
    assert (r.status_code, r.json()["error"]) == (
        409, "the ref 'titanic' belongs to a built-in catalogue competition; set another ref in competition.toml")


def test_catalogue_competitions_say_they_are_practice_on_your_honour(world, app):
    from scrimmage.practice import HONOUR_NOTICE

    with live_server(app) as url:
        listed = {c["ref"]: c for c in httpx.get(f"{url}/api/competitions").json()}
        index = httpx.get(f"{url}/").text
    assert listed["titanic"]["practice_notice"] == HONOUR_NOTICE and listed["tiny"]["practice_notice"] is None
    assert "anyone can read its test labels" in HONOUR_NOTICE
    card = index[index.index('href="/c/titanic"'):]
    card = card[:card.index("</li>")]
    assert ">Practice</span>" in card and ">Open</span>" not in card
    tiny = index[index.index('href="/c/tiny"'):]
    assert ">Open</span>" in tiny[:tiny.index("</li>")]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_catalogue_page_and_the_cli_say_it_plainly(db_url, world, app, capsys, tmp_path):
    from scrimmage import catalog
    from scrimmage.cli import main
    from scrimmage.practice import HONOUR_NOTICE

    ref = min(catalog.refs(), key=lambda r: (r != "penguins", r))  # a small one, built from its package
    page = world["pat"].get(f"/c/{ref}")
    assert page.status_code == 200 and HONOUR_NOTICE.replace("'", "&#39;") in page.text
    with pytest.raises(SystemExit):
        main(["competitions", "download", ref, "-p", str(tmp_path / "d"), "-q"])
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["competitions", "leaderboard", ref])
    assert HONOUR_NOTICE in capsys.readouterr().err
