"""A host's metric file attacks the running server and everything on it, and fails.

Each attack runs inside ``score()`` of a metric file uploaded over HTTP by a host, triggered by a
participant's submission; the metric only gets to see the two frames it is given. The test then
checks that nothing changed and pins what the participant and the host are told.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import textwrap
import zipfile
from pathlib import Path

import httpx
import pytest

from components import COMPONENTS, require
from processes import gone
from webutil import PASSWORD, cheap_hashing, live_server, write_bundle, write_predictions  # noqa: F401
from scrimmage import hosting
from scrimmage.config import Settings
from scrimmage.hostcode.isolation import probe, refusal
from scrimmage.scoring import GENERIC
from scrimmage.web import create_app

pytestmark = pytest.mark.local_files  # attacks the files under the home, which the sandbox hides


@pytest.fixture
def sandbox():
    """The attacks need a working sandbox (under CI=true a machine without one fails them)."""
    reason = probe("/usr/bin/bwrap")
    if reason is not None:
        require("bubblewrap", f"{reason}; {COMPONENTS['bubblewrap']}")


needs_sandbox = pytest.mark.usefixtures("sandbox")

ATTACKS = '''
import json, os, socket, sqlite3, subprocess, time

VICTIM_SOLUTION = {solution!r}
DATABASE = {database!r}
SUBMISSIONS = {submissions!r}
HOME = {home!r}
PORT = {port}


class ParticipantVisibleError(Exception):
    pass


def score(solution, submission, row_id_column_name):
    attack = round(float(submission["target"].iloc[0]), 2)
    if attack == 0.1:  # hand another competition's answers to the participant
        raise ParticipantVisibleError("stolen: " + open(VICTIM_SOLUTION).read())
    if attack == 0.2:  # make myself admin
        db = sqlite3.connect(DATABASE)
        db.execute("UPDATE users SET role = 'admin' WHERE name = 'eve'")
        db.commit()
    if attack == 0.3:  # rename every other team's stored submissions
        for name in os.listdir(SUBMISSIONS):
            os.rename(os.path.join(SUBMISSIONS, name), os.path.join(SUBMISSIONS, name + ".gone"))
    if attack == 0.4:  # leave a process behind and run past the time limit
        subprocess.Popen(["sleep", "3617"], start_new_session=True)
        time.sleep(600)
    if attack == 0.5:  # talk to the server behind everyone's back
        with socket.create_connection(("127.0.0.1", PORT), timeout=5) as s:
            s.sendall(b"GET /api/competitions HTTP/1.0\\r\\n\\r\\n")
            raise ParticipantVisibleError("reached the server: " + s.recv(200).decode())
    if attack == 0.6:  # finish normally, leaving a daemon behind
        subprocess.Popen(["sleep", "3618"], start_new_session=True)
    if attack == 0.7:  # an error too long to store
        raise ParticipantVisibleError("x" * 100_000)
    if attack == 0.9:  # take all the memory
        hog = bytearray(16 << 30)
    if attack == 0.95:  # fork without end
        children = [subprocess.Popen(["sleep", "3619"]) for _ in range(2000)]
    if attack == 0.97:  # open files without end
        handles = [open("metric.py") for _ in range(5000)]
    if attack == 0.8:  # look around for anything of the server's
        raise ParticipantVisibleError(json.dumps({{"root": sorted(os.listdir("/")), "home": os.path.exists(HOME),
                                                  "database": os.path.exists(DATABASE), "env": sorted(os.environ)}}))
    return 0.5
'''


#: A metric that must finish gets a generous time limit: a loaded machine starts Python slowly.
GENEROUS = 'metric_file = "metric.py"\ngreater_is_better = false\nmetric_timeout = 300\n'


def _zip(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    return buf.getvalue()


def _token(url: str, name: str) -> dict:
    with httpx.Client(base_url=url, follow_redirects=False) as c:
        c.get("/login")
        r = c.post("/signup", data={"name": name, "password": PASSWORD, "csrf_token": c.cookies["scrimmage_csrf"]})
        assert r.status_code == 303, r.text
    return name


def _constant(folder: Path, value: float, path: Path) -> Path:
    lines = (folder / "sample_submission.csv").read_text().splitlines()
    path.write_text("\n".join([lines[0]] + [f"{line.split(',')[0]},{value}" for line in lines[1:]]) + "\n")
    return path


@pytest.fixture
def server(tmp_path, home):
    """A live server with a victim competition (host hal, one stored submission of pat) and a host eve."""
    app = create_app(Settings.load())
    arena = app.state.arena
    with live_server(app) as url:
        for name in ("ada", "hal", "eve", "pat"):
            _token(url, name)
        with arena.store.write() as conn:
            from sqlalchemy import update

            from scrimmage.store.schema import users

            conn.execute(update(users).where(users.c.name.in_(["hal", "eve"])).values(role="host"))
        auth = {n: {"Authorization": f"Bearer {arena.accounts.create_token(n, 'test')}"} for n in ("hal", "eve", "pat")}
        victim = write_bundle(tmp_path / "victim", n=40)
        http = httpx.Client(base_url=url, timeout=120)
        r = http.post("/api/competitions", files={"bundle": ("victim.zip", _zip(victim))}, headers=auth["hal"])
        assert r.status_code == 201, r.text
        assert http.post("/api/competitions/victim/join", headers=auth["pat"]).status_code == 200
        with open(write_predictions(tmp_path / "p.csv", victim, 0.7), "rb") as fh:
            r = http.post("/api/competitions/victim/submissions", files={"file": ("p.csv", fh)}, headers=auth["pat"])
        assert r.status_code == 201, r.text
        yield {"url": url, "http": http, "auth": auth, "arena": arena, "home": home, "victim": victim,
               "port": int(url.rsplit(":", 1)[1])}
        http.close()


def _attacker_bundle(server, folder: Path, metric: str, timeout: int = 300) -> Path:
    write_bundle(folder, n=40, extra_toml=f'metric_file = "metric.py"\ngreater_is_better = false\nmetric_timeout = {timeout}\n')
    home = server["home"]
    (folder / "metric.py").write_text(metric.format(
        solution=str(home / "competitions" / "victim" / "solution.csv"), database=str(home / "scrimmage.db"),
        submissions=str(home / "submissions" / "victim"), home=str(home), port=server["port"]))
    return folder


@needs_sandbox
def test_a_metric_file_cannot_reach_outside_its_own_competition(server, tmp_path):
    http, auth, home = server["http"], server["auth"], server["home"]
    folder = _attacker_bundle(server, tmp_path / "trap", ATTACKS)
    r = http.post("/api/competitions", files={"bundle": ("trap.zip", _zip(folder))}, headers=auth["eve"])
    assert r.status_code == 201, r.text
    assert http.post("/api/competitions/trap/join", headers=auth["pat"]).status_code == 200
    stored = sorted(p.name for p in (home / "submissions" / "victim").iterdir())
    secret = (home / "competitions" / "victim" / "solution.csv").read_text()

    def submit(value):
        with open(_constant(folder, value, tmp_path / f"c{value}.csv"), "rb") as fh:
            return http.post("/api/competitions/trap/submissions", files={"file": ("c.csv", fh)}, headers=auth["pat"])

    answers = {value: submit(value) for value in (0.1, 0.2, 0.3, 0.5, 0.9, 0.95, 0.97)}
    for value, r in answers.items():
        assert r.status_code == 422, (value, r.text)
        assert r.json()["error"] == GENERIC
        assert secret.splitlines()[1] not in r.text
    mine = http.get("/api/competitions/trap/submissions", headers=auth["pat"]).json()
    assert [s["error"] for s in mine] == [GENERIC] * 7
    details = [h.host_error for h in reversed(hosting.submissions(server["arena"], "trap", "eve"))]  # oldest first
    assert "FileNotFoundError: [Errno 2] No such file or directory: " + repr(str(home / "competitions" / "victim" / "solution.csv")) in details[0]
    assert "sqlite3.OperationalError: unable to open database file" in details[1]
    assert "FileNotFoundError: [Errno 2] No such file or directory: " + repr(str(home / "submissions" / "victim")) in details[2]
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in details[3]
    assert details[4].endswith("\nMemoryError\n")
    assert "BlockingIOError: [Errno 11] Resource temporarily unavailable" in details[5]
    assert "OSError: [Errno 24] Too many open files: 'metric.py'" in details[6]
    assert all(len(d) < 1000 for d in details)

    # nothing changed: eve is still a host, pat's stored files are where they were, no process survived
    with sqlite3.connect(home / "scrimmage.db") as db:
        assert db.execute("SELECT role FROM users WHERE name = 'eve'").fetchone() == ("host",)
    assert sorted(p.name for p in (home / "submissions" / "victim").iterdir()) == stored
    assert gone("3619")

    done = submit(0.6)  # a daemon left behind by a metric that finished normally is ended too
    assert done.status_code == 201 and done.json()["public_score"] == 0.5
    assert gone("3618")


@needs_sandbox
def test_a_metric_that_forks_and_runs_past_its_time_limit_leaves_nothing_behind(server, tmp_path):
    http, auth = server["http"], server["auth"]
    folder = _attacker_bundle(server, tmp_path / "slow", ATTACKS, timeout=3)
    r = http.post("/api/competitions", files={"bundle": ("slow.zip", _zip(folder))}, headers=auth["eve"])
    assert r.status_code == 201, r.text
    assert http.post("/api/competitions/slow/join", headers=auth["pat"]).status_code == 200
    with open(_constant(folder, 0.4, tmp_path / "c4.csv"), "rb") as fh:
        r = http.post("/api/competitions/slow/submissions", files={"file": ("c.csv", fh)}, headers=auth["pat"])
    assert (r.status_code, r.json()["error"]) == (422, GENERIC)
    [seen] = hosting.submissions(server["arena"], "slow", "eve")
    assert seen.host_error == "metric_file metric.py took longer than 3 s (metric_timeout) per split and was stopped"
    assert gone("3617")

    # the same at creation: the file forks while it is imported, which needs no data and starts at once
    folder = _attacker_bundle(server, tmp_path / "slower", "import subprocess, time\n"
                              "subprocess.Popen(['sleep', '3620'], start_new_session=True)\ntime.sleep(600)\n", timeout=3)
    r = http.post("/api/competitions", files={"bundle": ("slower.zip", _zip(folder))}, headers=auth["eve"])
    assert r.status_code == 400
    assert r.json()["errors"] == ["metric_file metric.py took longer than 3 s (metric_timeout) and was stopped while importing"]
    assert gone("3620")


@needs_sandbox
def test_what_a_metric_sees_and_how_long_its_errors_get(server, tmp_path):
    http, auth, home = server["http"], server["auth"], server["home"]
    folder = _attacker_bundle(server, tmp_path / "look", ATTACKS)
    r = http.post("/api/competitions", files={"bundle": ("look.zip", _zip(folder))}, headers=auth["eve"])
    assert r.status_code == 201, r.text
    assert http.post("/api/competitions/look/join", headers=auth["pat"]).status_code == 200
    with open(_constant(folder, 0.8, tmp_path / "c8.csv"), "rb") as fh:
        r = http.post("/api/competitions/look/submissions", files={"file": ("c.csv", fh)}, headers=auth["pat"])
    assert r.status_code == 422
    # the root holds the Python environment, the metric's files and nothing of the server's
    seen = json.loads(r.json()["error"])
    assert {"bundle", "dev", "proc", "tmp", "usr"} <= set(seen["root"]) and "home" not in seen["root"]
    assert (seen["home"], seen["database"], seen["env"]) == (False, False, ["HOME", "LANG", "MKL_NUM_THREADS", "OMP_NUM_THREADS",
                                                                  "OPENBLAS_NUM_THREADS", "PATH", "PWD", "TMPDIR"])
    with open(_constant(folder, 0.7, tmp_path / "c7.csv"), "rb") as fh:
        r = http.post("/api/competitions/look/submissions", files={"file": ("c.csv", fh)}, headers=auth["pat"])
    assert r.status_code == 422
    assert r.json()["error"] == "x" * 500 + "... [99500 characters cut]"
    mine = http.get("/api/competitions/look/submissions", headers=auth["pat"]).json()[0]
    assert mine["error"] == "x" * 500 + "... [99500 characters cut]"


@needs_sandbox
def test_a_metric_reading_other_data_at_import_is_refused_at_creation(server, tmp_path):
    http, auth, home = server["http"], server["auth"], server["home"]
    folder = _attacker_bundle(server, tmp_path / "early", "SOLUTION = {solution!r}\nROWS = open(SOLUTION).read()\n"
                              "def score(solution, submission, row_id_column_name):\n    return 0.0\n")
    r = http.post("/api/competitions", files={"bundle": ("early.zip", _zip(folder))}, headers=auth["eve"])
    assert r.status_code == 400
    path = str(home / "competitions" / "victim" / "solution.csv")
    assert r.json()["errors"] == [f"metric_file metric.py failed to import: FileNotFoundError: [Errno 2] "
                                  f"No such file or directory: {path!r}"]


@pytest.mark.parametrize("trusted", [False, True])
def test_a_server_without_a_sandbox_refuses_host_code_unless_trusted(tmp_path, home, monkeypatch, trusted):
    monkeypatch.setenv("SCRIMMAGE_BWRAP", str(tmp_path / "no-bwrap"))
    if trusted:
        monkeypatch.setenv("SCRIMMAGE_TRUST_HOST_CODE", "true")
    app = create_app(Settings.load())
    arena = app.state.arena
    folder = write_bundle(tmp_path / "mine", n=40, extra_toml=GENEROUS)
    (folder / "metric.py").write_text(textwrap.dedent("""
        def score(solution, submission, row_id_column_name):
            return float(abs(solution["target"].values - submission["target"].values).mean())
    """))
    with live_server(app) as url:
        _token(url, "ada")
        headers = {"Authorization": f"Bearer {arena.accounts.create_token('ada', 'test')}"}
        r = httpx.post(f"{url}/api/competitions", files={"bundle": ("mine.zip", _zip(folder))}, headers=headers, timeout=120)
        if not trusted:
            assert r.status_code == 403
            assert r.json()["error"] == refusal(f"bubblewrap not found at {tmp_path / 'no-bwrap'}")
            assert r.json()["error"].startswith("this server cannot isolate host code (bubblewrap not found at ")
            assert "set trust_host_code = true" in r.json()["error"]
            return
        assert r.status_code == 201, r.text
        httpx.post(f"{url}/api/competitions/mine/join", headers=headers)
        with open(write_predictions(tmp_path / "s.csv", folder, 1.0), "rb") as fh:
            r = httpx.post(f"{url}/api/competitions/mine/submissions", files={"file": ("s.csv", fh)}, headers=headers,
                           timeout=120)
        assert r.status_code == 201 and r.json()["public_score"] == 0.0


def test_the_local_cli_runs_host_code_directly_without_a_sandbox(tmp_path, monkeypatch, capsys):
    from scrimmage.cli import main

    monkeypatch.setenv("SCRIMMAGE_BWRAP", str(tmp_path / "no-bwrap"))
    folder = write_bundle(tmp_path / "solo", n=40, extra_toml=GENEROUS)
    (folder / "metric.py").write_text("def score(solution, submission, row_id_column_name):\n    return 1.5\n")
    with pytest.raises(SystemExit) as info:
        main(["competitions", "create", str(folder)])
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    assert out.startswith("Created competition solo") and "isolat" not in out + err and "sandbox" not in out + err


def test_a_server_that_lost_its_sandbox_refuses_to_score_and_tells_the_host(tmp_path, home, monkeypatch):
    from scrimmage.arena import Arena

    folder = write_bundle(tmp_path / "kept", n=40, extra_toml=GENEROUS)
    (folder / "metric.py").write_text("def score(solution, submission, row_id_column_name):\n    return 1.0\n")
    Arena().create_competition(folder, host="hal")  # created while bubblewrap worked
    monkeypatch.setenv("SCRIMMAGE_BWRAP", str(tmp_path / "gone"))
    app = create_app(Settings.load())
    with live_server(app) as url:
        _token(url, "pat")
        headers = {"Authorization": f"Bearer {app.state.arena.accounts.create_token('pat', 'test')}"}
        httpx.post(f"{url}/api/competitions/kept/join", headers=headers)
        with open(write_predictions(tmp_path / "s.csv", folder, 1.0), "rb") as fh:
            r = httpx.post(f"{url}/api/competitions/kept/submissions", files={"file": ("s.csv", fh)}, headers=headers,
                           timeout=120)
    assert (r.status_code, r.json()["error"]) == (422, GENERIC)
    [seen] = hosting.submissions(app.state.arena, "kept", "hal")
    assert seen.host_error == refusal(f"bubblewrap not found at {tmp_path / 'gone'}")
