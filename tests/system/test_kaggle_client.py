"""The unmodified official ``kaggle`` client against scrimmage, as its users run it.

With ``KAGGLE_API_ENVIRONMENT=LOCALHOST`` the client talks to http://localhost on
port 80, so the arena is served there (skipped when the port cannot be had), and
``kaggle.json`` holds a scrimmage user name and API token. Each command is the
real CLI in a subprocess; the assertions read what it prints.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import re
import socket
import threading
import time
import zipfile

import pytest
import requests

from bundles import write_bundle, write_predictions
from components import require
from kaggle_cli import kaggle, kaggle_env, table
from scrimmage.config import Settings
from scrimmage.web import create_app

PORT = 80
#: Every test on port 80 runs in one xdist worker (`--dist loadgroup`), one after another.
pytestmark = pytest.mark.xdist_group("port-80")
_busy: list[int] = []  # set once port 80 stayed taken for a minute

if importlib.util.find_spec("kaggle") is None or importlib.util.find_spec("six") is None:
    require("kaggle client", "pip install kaggle six (kaggle 2.2 imports six without declaring it)", module_level=True)


@pytest.fixture
def port_80():
    """A socket bound to 127.0.0.1:80, or a skip saying why there is none.

    While the port is in use (by a test of this file in another worker, say) it is tried again for a minute,
    once per session: after that the tests skip at once.
    """
    deadline = time.monotonic() + (0 if _busy else 60)
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", PORT))
            sock.listen(128)  # at once: a socket bound but not listening does not keep others off the port
            break
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            _busy.append(exc.errno)
            require("port 80", f"the kaggle client only talks to http://localhost on port {PORT}, and it cannot be "
                               f"bound here ({exc.strerror or exc}): another server holds it, or binding needs root")
    yield sock
    sock.close()


@pytest.fixture
def arena_on_80(port_80, tmp_path, monkeypatch):
    """scrimmage on 127.0.0.1:80 (SQLite) with a host's competition 'tiny' and a participant 'pat'."""
    import uvicorn

    from scrimmage import accounts

    monkeypatch.setattr(accounts, "PASSWORD_HASH", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    app = create_app(Settings.load())
    a = app.state.arena
    a.accounts.sign_up("ada", "correct horse battery")  # the admin
    a.accounts.sign_up("pat", "correct horse battery")
    folder = write_bundle(tmp_path / "tiny", extra_toml='tags = ["tabular", "playground"]\n')
    a.create_competition(folder, host="ada")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [port_80]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # a safety net only
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server on port 80 did not start"
        time.sleep(0.05)
    try:
        yield a, folder
    finally:
        server.should_exit = True
        thread.join(10)


def test_the_official_client_lists_downloads_submits_and_reads_the_leaderboard(arena_on_80, tmp_path):
    a, folder = arena_on_80
    env = kaggle_env(tmp_path, "pat", a.accounts.create_token("pat", "kaggle"))

    # competitions list: the catalogue and 'tiny', in the client's columns
    rows = table(kaggle(env, "competitions", "list", "-s", "tiny").stdout)
    assert rows == [{"ref": "tiny", "deadline": "None", "category": "Playground", "reward": "Knowledge",
                     "teamCount": "0", "userHasEntered": "False", "userRank": "0"}]  # the client shows no rank as 0
    everything = table(kaggle(env, "competitions", "list", "--page-size", "100").stdout)
    assert {"tiny", "titanic", "palmer-penguins"} <= {r["ref"] for r in everything}

    # files: name, size, creationDate
    rows = table(kaggle(env, "competitions", "files", "tiny").stdout)
    assert {r["name"]: int(r["size"]) for r in rows} == {
        p: (folder / p).stat().st_size for p in ("sample_submission.csv", "test.csv", "train.csv")}
    assert all(re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", r["creationDate"]) for r in rows)

    # download: every public file in tiny.zip, as Kaggle does; one file with -f
    dest = tmp_path / "data"
    out = kaggle(env, "competitions", "download", "tiny", "-p", str(dest)).stdout
    assert f"Downloading tiny.zip to {dest}" in out
    with zipfile.ZipFile(dest / "tiny.zip") as zf:
        assert sorted(zf.namelist()) == ["sample_submission.csv", "test.csv", "train.csv"]
        assert zf.read("train.csv") == (folder / "train.csv").read_bytes()
    out = kaggle(env, "competitions", "download", "tiny", "-f", "train.csv", "-p", str(dest)).stdout
    assert f"Downloading train.csv to {dest}" in out
    assert (dest / "train.csv").read_bytes() == (folder / "train.csv").read_bytes()
    out = kaggle(env, "competitions", "download", "tiny", "-p", str(dest)).stdout
    assert "tiny.zip: Skipping, found more recently modified local copy" in out  # Last-Modified is honoured

    # submit a good file: scored at once; the client then prints the day's allowance
    good = write_predictions(tmp_path / "good.csv", folder, 0.3)
    out = kaggle(env, "competitions", "submit", "tiny", "-f", str(good), "-m", "first try").stdout
    sub = a.submissions("tiny", user="pat")[0]
    assert sub.status == "complete" and 0.5 < sub.public_score < 1
    assert f"Successfully submitted to Tiny (submission {sub.id}, public score {sub.public_score:.5f})" in out
    assert "4 submissions remaining today." in out

    # submit a rejected file: every problem reaches the terminal, and the exit code says it failed
    bad = tmp_path / "bad.csv"
    bad.write_text("id,prediction\n000,0.5\n")
    proc = kaggle(env, "competitions", "submit", "tiny", "-f", str(bad), "-m", "oops", ok=False)
    assert "submission rejected: 4 problem(s) found" in proc.stderr
    for problem in ("the header must have the columns of sample_submission.csv: id, target; missing: target; "
                    "unexpected: prediction", "200 id(s) of the test set are missing", "1 id(s) are not in the test set",
                    "the file has 1 rows; expected 200, one per test id"):
        assert f"  - {problem}" in proc.stderr

    # submissions: newest first, the rejected one too, scores as 5-decimal strings
    rows = table(kaggle(env, "competitions", "submissions", "tiny").stdout)
    assert [(r["ref"], r["fileName"], r["description"], r["status"], r["publicScore"], r["privateScore"])
            for r in rows] == [
        (str(sub.id + 1), "bad.csv", "oops", "SubmissionStatus.ERROR", "", ""),
        (str(sub.id), "good.csv", "first try", "SubmissionStatus.COMPLETE", f"{sub.public_score:.5f}", ""),
    ]

    # leaderboard --show: teamId, teamName, submissionDate, score
    rows = table(kaggle(env, "competitions", "leaderboard", "tiny", "--show").stdout)
    team = a.teams.team("tiny", "pat")
    assert [(r["teamId"], r["teamName"], r["score"]) for r in rows] == [(str(team.id), "pat", f"{sub.public_score:.5f}")]
    kaggle(env, "competitions", "leaderboard", "tiny", "--download", "-p", str(tmp_path / "lb"))
    with zipfile.ZipFile(tmp_path / "lb" / "tiny.zip") as zf:
        lines = zf.read("tiny-publicleaderboard.csv").decode().splitlines()
    assert lines[0] == "Rank,TeamId,TeamName,LastSubmissionDate,Score,SubmissionCount"
    assert lines[1].split(",")[:3] == ["1", str(team.id), "pat"]

    # the list now shows the entry and the rank
    row = table(kaggle(env, "competitions", "list", "-s", "tiny").stdout)[0]
    assert (row["teamCount"], row["userHasEntered"], row["userRank"]) == ("1", "True", "1")


def test_the_official_client_shows_scrimmage_errors(arena_on_80, tmp_path):
    a, folder = arena_on_80
    env = kaggle_env(tmp_path, "pat", a.accounts.create_token("pat", "kaggle"))

    # an unknown competition: a 404 naming it, not an opaque 403
    proc = kaggle(env, "competitions", "files", "no-such-comp", ok=False)
    assert re.search(r"no competition 'no-such-comp'; known competitions: .*\btiny\b", proc.stderr)
    proc = kaggle(env, "competitions", "submit", "no-such-comp", "-f", str(folder / "sample_submission.csv"),
                  "-m", "x", ok=False)
    assert "no competition 'no-such-comp'" in proc.stderr
    proc = kaggle(env, "competitions", "download", "tiny", "-f", "solution.csv", "-p", str(tmp_path), ok=False)
    assert "no public file 'solution.csv'; the files are: sample_submission.csv, test.csv, train.csv" in proc.stderr

    # a key that is not a token, and a token under another name
    proc = kaggle(kaggle_env(tmp_path, "pat", "scr_not-a-token"), "competitions", "submissions", "tiny", ok=False)
    assert "the key in kaggle.json is not a valid scrimmage API token" in proc.stderr
    proc = kaggle(kaggle_env(tmp_path, "ada", a.accounts.create_token("pat")), "competitions", "submissions", "tiny",
                  ok=False)
    assert """the key in kaggle.json belongs to 'pat', not 'ada': set "username": "pat\"""" in proc.stderr


def test_the_official_client_with_a_bearer_token(arena_on_80, tmp_path):
    """KAGGLE_API_TOKEN instead of kaggle.json: the client asks who the token belongs to, then sends it as Bearer."""
    a, folder = arena_on_80
    env = kaggle_env(tmp_path, "nobody", "unused")
    os.unlink(os.path.join(env["KAGGLE_CONFIG_DIR"], "kaggle.json"))
    env["KAGGLE_API_TOKEN"] = a.accounts.create_token("pat")
    good = write_predictions(tmp_path / "good.csv", folder, 0.3)
    out = kaggle(env, "competitions", "submit", "tiny", "-f", str(good), "-m", "by token").stdout
    assert "Successfully submitted to Tiny" in out
    rows = table(kaggle(env, "competitions", "submissions", "tiny").stdout)
    assert [(r["fileName"], r["description"], r["status"]) for r in rows] == [
        ("good.csv", "by token", "SubmissionStatus.COMPLETE")]


def client_verbs() -> set[str]:
    """Every competitions verb of the installed client, sub-verbs as ``"pages create"``."""
    from kaggle.cli import Help

    nested = {"pages": Help.entity_pages_choices, "data": Help.entity_data_choices,
              "settings": Help.entity_settings_choices, "solution": Help.entity_solution_choices,
              "topics": Help.entity_topics_choices}
    out = set()
    for verb in Help.competitions_choices:
        out |= {f"{verb} {sub}" for sub in nested[verb]} if verb in nested else {verb}
    return out


#: The verbs scrimmage does not serve, each with a command line (after ``competitions``) that calls it.
NOT_SERVED = {
    "episodes": ("episodes", "1"), "replay": ("replay", "1"), "logs": ("logs", "1", "0"),
    # the client's own parser misreads `pages list tiny`: pages use the default competition
    "pages create": ("pages", "create", "--page-name", "rules", "-f", "{page}"),
    "pages update": ("pages", "update", "--page-name", "rules", "-f", "{page}"),
    "pages delete": ("pages", "delete", "--page-name", "rules", "-y"),
    "host-add": ("host-add", "tiny", "-u", "pat", "-y"), "data update": ("data", "update", "tiny", "-p", "{folder}", "-m", "v2"),
    "settings update": ("settings", "update", "tiny", "-f", "{settings}"),
    "solution create": ("solution", "create", "tiny", "-p", "{page}"), "launch": ("launch", "tiny"),
    "create": ("create", "-p", "{folder}"), "topics list": ("topics", "list", "tiny"), "topics show": ("topics", "show", "1"),
    "topic-messages": ("topic-messages", "tiny", "1"),
}
REASONS = {
    "episodes": "scrimmage has no simulation competitions", "replay": "scrimmage has no simulation competitions",
    "logs": "scrimmage has no simulation competitions",
    "pages create": "scrimmage does not edit pages through the kaggle client",
    "pages update": "scrimmage does not edit pages through the kaggle client",
    "pages delete": "scrimmage does not edit pages through the kaggle client",
    "host-add": "a scrimmage competition has one host", "data update": "scrimmage does not replace a competition's data or solution",
    "settings update": "scrimmage does not change settings through the kaggle client",
    "solution create": "scrimmage does not replace a competition's data or solution", "launch": "a scrimmage competition is open as soon",
    "create": "scrimmage creates a competition from a bundle folder", "topics list": "scrimmage does not serve its discussion to the kaggle client",
    "topics show": "scrimmage does not serve its discussion to the kaggle client", "topic-messages": "scrimmage does not serve its discussion to the kaggle client",
}
#: Verbs that kaggle 2.2.5 cannot send (its parser passes an argument its function lacks), and their calls.
BROKEN_IN_CLIENT = {"pages create": "CreateCompetitionPage", "pages update": "UpdateCompetitionPage",
                    "pages delete": "DeleteCompetitionPage"}
#: The verbs served (tested one by one below), and ``init``, which the client runs on its own.
SERVED = {"list", "files", "download", "submit", "submissions", "submission", "leaderboard", "team-submissions",
          "submission-limits", "submission-download", "hosts", "pages list", "settings get", "solution status", "init"}


def test_every_verb_of_the_installed_client_is_served_or_answered(arena_on_80, tmp_path):
    a, folder = arena_on_80
    assert client_verbs() == SERVED | set(NOT_SERVED), "a verb of the installed client is neither served nor answered"
    pat = kaggle_env(tmp_path, "pat", a.accounts.create_token("pat", "kaggle"))
    ada = kaggle_env(tmp_path, "ada", a.accounts.create_token("ada", "kaggle"))
    # a competition pat hosts: ada (an admin) may act on it, but does not host it
    a.accounts.sign_up("quin", "correct horse battery")
    a.create_competition(write_bundle(tmp_path / "other", toml='title = "Other"\nref = "other"\nmetric = "roc_auc"\n'
                                      'id_column = "id"\n'), host="quin")

    # submit, then look the submission up by the ref the client prints
    good = write_predictions(tmp_path / "good.csv", folder, 0.3)
    out = kaggle(pat, "competitions", "submit", "tiny", "-f", str(good), "-m", "first").stdout
    ref = int(re.search(r"Submission ref: (\d+)", out).group(1))
    sub = a.submissions("tiny", user="pat")[0]
    assert ref == sub.id
    out = kaggle(pat, "competitions", "submission", str(ref)).stdout
    assert re.search(rf"Submission Ref:\s+{ref}\n", out) and re.search(r"Status:\s+COMPLETE\n", out)
    assert re.search(rf"Public Score:\s+{sub.public_score:.5f}\n", out) and re.search(r"Description:\s+first\n", out)
    proc = kaggle(ada, "competitions", "submission", str(ref))  # the host (an admin here) sees every submission
    proc = kaggle(kaggle_env(tmp_path, "quin", a.accounts.create_token("quin")), "competitions", "submission", str(ref),
                  ok=False)
    assert f"no submission {ref} of yours" in proc.stderr
    proc = kaggle(pat, "competitions", "submission", "99999", ok=False)
    assert "no submission 99999: `kaggle competitions submissions REF` lists yours" in proc.stderr

    # submission-download: the file as it was submitted, under its name
    dest = tmp_path / "mine"
    kaggle(pat, "competitions", "submission-download", str(ref), "-p", str(dest))
    assert (dest / "good.csv").read_bytes() == good.read_bytes()

    # submission-limits: today's count, the lifetime count, what is left
    out = kaggle(pat, "competitions", "submission-limits", "tiny").stdout
    assert out.splitlines() == ["Submissions today: 1", "Lifetime submissions: 1", "Remaining today: 4"]

    # team-submissions: a team's submission on the public leaderboard, by the team id the leaderboard shows
    team = a.teams.team("tiny", "pat")
    board = table(kaggle(pat, "competitions", "leaderboard", "tiny", "--show").stdout)
    assert [r["teamId"] for r in board] == [str(team.id)]
    rows = table(kaggle(ada, "competitions", "team-submissions", str(team.id)).stdout)
    assert [(r["id"], r["publicScore"]) for r in rows] == [(str(ref), f"{sub.public_score:.5f}")]
    proc = kaggle(pat, "competitions", "team-submissions", "99999", ok=False)
    assert "no team 99999" in proc.stderr

    # hosts, pages
    rows = table(kaggle(pat, "competitions", "hosts", "tiny").stdout)
    assert [(r["userName"], r["displayName"]) for r in rows] == [("ada", "ada")]
    assert table(kaggle(pat, "competitions", "hosts", "other").stdout)[0]["userName"] == "quin"
    # the client's parser reads `pages REF list` and `pages list REF` wrongly: pages go by the default competition
    kaggle(pat, "config", "set", "-n", "competition", "-v", "other")
    assert "No pages found" in kaggle(pat, "competitions", "pages", "list").stdout  # a bundle without texts
    a.create_competition(write_bundle(tmp_path / "texts", toml='title = "Texts"\nref = "texts"\nmetric = "roc_auc"\n'
                                      'id_column = "id"\ndescription = "Predict it."\nevaluation = "AUC."\n'), host="ada")
    kaggle(pat, "config", "set", "-n", "competition", "-v", "texts")
    assert [r["name"] for r in table(kaggle(pat, "competitions", "pages", "list").stdout)] == [
        "description", "evaluation"]
    out = kaggle(pat, "competitions", "pages", "list", "--page-name", "evaluation", "--content").stdout
    assert "AUC." in out and "Predict it." not in out

    # settings get and solution status: for the host
    out = kaggle(ada, "competitions", "settings", "get", "tiny").stdout
    assert "[General]" in out and "  title: Tiny" in out and "  competition_name: tiny" in out
    proc = kaggle(pat, "competitions", "settings", "get", "tiny", ok=False)
    assert "only the host of 'tiny' can see this" in proc.stderr
    out = kaggle(ada, "competitions", "solution", "status", "tiny").stdout
    assert "Ready: true" in out and "Row ID column: id" in out and "  target (" in out

    # --group hosted: every competition the user hosts, and only those (not all the admin may act on)
    hosted = {r["ref"] for r in table(kaggle(ada, "competitions", "list", "--group", "hosted").stdout)}
    assert hosted == {"tiny", "texts"}
    assert {r["ref"] for r in table(kaggle(pat, "competitions", "list", "--group", "entered").stdout)} == {"tiny"}

    # init runs on the client alone: it writes a metadata template
    (tmp_path / "new").mkdir()
    kaggle(ada, "competitions", "init", str(tmp_path / "new"))
    meta = tmp_path / "new" / "competition-metadata.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "title": "New one", "slug": "new-one",
                                "briefDescription": "A new one."}))

    # every other verb: the client's error shape, a sentence saying scrimmage does not have it
    page = tmp_path / "page.md"
    page.write_text("# Rules\n")
    settings = tmp_path / "settings.json"
    settings.write_text('{"title": "New"}')
    fill = {"{page}": str(page), "{folder}": str(tmp_path / "new"), "{settings}": str(settings)}
    kaggle(ada, "config", "set", "-n", "competition", "-v", "tiny")
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:  # the client starts slowly: four at a time
        procs = dict(zip(NOT_SERVED, pool.map(lambda args: kaggle(ada, "competitions", *(fill.get(x, x) for x in args),
                                                                  ok=False), NOT_SERVED.values())))
    for verb, proc in procs.items():
        if verb in BROKEN_IN_CLIENT and "scrimmage does not have" not in proc.stderr:
            # kaggle 2.2.5 fails before sending: the server is asked as the client would
            assert "got an unexpected keyword argument 'csv_display'" in proc.stderr, proc.stderr
            method = BROKEN_IN_CLIENT[verb]
            reply = requests.post(f"http://localhost/api/v1/competitions.CompetitionApiService/{method}",
                                  json={"competitionName": "tiny", "pageName": "rules"}, timeout=60,
                                  auth=("ada", json.loads(open(os.path.join(ada["KAGGLE_CONFIG_DIR"], "kaggle.json")).read())["key"]))
            assert reply.status_code == 400
            message = reply.json()["message"]
        else:
            message = proc.stderr
        assert "scrimmage does not have this feature" in message and REASONS[verb] in message, (verb, message)


def test_the_leaderboard_the_client_shows_agrees_with_the_docs(arena_on_80, tmp_path):
    """LastSubmissionDate is the team's last submission; the reference rows sit among the teams, unranked."""
    a, folder = arena_on_80
    refs = ('[[reference_scores]]\nname = "constant"\npublic = 0.5\nprivate = 0.5\n'
            '[[reference_scores]]\nname = "strong"\npublic = 0.99\nprivate = 0.99\n')
    a.create_competition(write_bundle(tmp_path / "refs", toml='title = "Refs"\nref = "refs"\nmetric = "roc_auc"\n'
                                      'id_column = "id"\n' + refs), host="ada")
    pat = kaggle_env(tmp_path, "pat", a.accounts.create_token("pat", "kaggle"))
    good = write_predictions(tmp_path / "good.csv", a and (tmp_path / "refs"), 0.3)
    worse = write_predictions(tmp_path / "worse.csv", tmp_path / "refs", 0.05, seed=5)
    kaggle(pat, "competitions", "submit", "refs", "-f", str(good), "-m", "good")
    kaggle(pat, "competitions", "submit", "refs", "-f", str(worse), "-m", "worse")
    best, last = sorted(a.submissions("refs", user="pat"), key=lambda s: s.id)
    assert best.public_score > last.public_score

    rows = table(kaggle(pat, "competitions", "leaderboard", "refs", "--show").stdout)
    team = a.teams.team("refs", "pat")
    assert [(r["teamName"], r["score"]) for r in rows] == [
        ("reference: strong model", "0.99000"), ("pat", f"{best.public_score:.5f}"),
        ("reference: constant baseline", "0.50000")]
    assert rows[1]["teamId"] == str(team.id) and rows[0]["teamId"] == rows[2]["teamId"] == "0"
    kaggle(pat, "competitions", "leaderboard", "refs", "--download", "-p", str(tmp_path / "lb"))
    with zipfile.ZipFile(tmp_path / "lb" / "refs.zip") as zf:
        lines = zf.read("refs-publicleaderboard.csv").decode().splitlines()
    assert lines[0] == "Rank,TeamId,TeamName,LastSubmissionDate,Score,SubmissionCount"
    assert lines[1] == ",,reference: strong model,,0.99000,"
    stamp = last.date.isoformat(timespec="milliseconds") + "Z"
    assert lines[2] == f"1,{team.id},pat,{stamp},{best.public_score:.5f},2"  # the last submission, not the best
    assert lines[3] == ",,reference: constant baseline,,0.50000,"


def test_a_wrong_kaggle_api_token_reaches_the_user_with_the_reason(arena_on_80, tmp_path):
    a, folder = arena_on_80
    env = kaggle_env(tmp_path, "nobody", "unused")
    os.unlink(os.path.join(env["KAGGLE_CONFIG_DIR"], "kaggle.json"))
    env["KAGGLE_API_TOKEN"] = "scr_this-is-not-a-token"
    proc = kaggle(env, "competitions", "submissions", "tiny", ok=False)
    assert ("the bearer token (KAGGLE_API_TOKEN) is not a valid scrimmage API token (revoked or mistyped); "
            "create a new one on your account page") in proc.stderr
    assert "Authentication required" not in proc.stdout + proc.stderr  # not the client's sign-in help for kaggle.com


def test_docs_give_every_verb_of_the_installed_client_a_status():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "server.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `") and "| served" in line or "| not served" in line
            or "| client only" in line]
    documented = " ".join(r.split("|")[1] for r in rows)
    for verb in client_verbs():
        head = verb.split(" ")[0]
        assert f"`{verb}" in documented or f"`{head}`" in documented, f"docs/server.md gives no status for `{verb}`"


def test_the_official_client_submits_free_rows(arena_on_80, tmp_path):
    """A free-row competition (any number of points per image) through the real client and server."""
    from scrimmage import lessons

    a, _ = arena_on_80
    folder = lessons.generate("particle-picking", tmp_path / "pp", n_rows=2000, seed=11, ref="particle-picking")
    a.create_competition(folder, host="ada")
    pat = kaggle_env(tmp_path, "pat", a.accounts.create_token("pat", "kaggle"))
    answers = tmp_path / "answers.csv"
    lines = (folder / "solution.csv").read_text().splitlines()
    answers.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in lines))  # the answers, without Usage
    out = kaggle(pat, "competitions", "submit", "particle-picking", "-f", str(answers), "-m", "all").stdout
    assert "public score 1.00000" in out
    training = (folder / "train.csv").read_text().splitlines()[1].split(",")[0]
    testing = (folder / "test.csv").read_text().splitlines()[1]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"tomogram_id,x,y,z\n{training},1,2,3\n{testing},3,,\n")
    proc = kaggle(pat, "competitions", "submit", "particle-picking", "-f", str(bad), "-m", "bad", ok=False)
    assert f"  - 1 id(s) are not in the test set, e.g. {training}" in proc.stderr
    assert f"  - 1 row(s) have some prediction columns empty and others filled, e.g. id {testing}" in proc.stderr
