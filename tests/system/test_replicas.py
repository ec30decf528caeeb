"""Two replicas behind nginx, sharing one PostgreSQL database and one S3-compatible bucket.

Each replica runs as on a machine of its own (a host name of its own; the other's home hidden from it).

Every request goes through the balancer, as participants reach a deployed arena; nginx's
access log says which replica answered each one, and the tests check that both did for
every kind of request (a file stored through one replica read through the other). The
official ``kaggle`` client talks to http://localhost only, so the balancer listens on
port 80 and these tests share the port-80 xdist group.
"""

from __future__ import annotations

import errno
import io
import os
import re
import socket
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bundles import write_bundle, write_predictions
from components import require, require_program
from deployment import NGINX, deployment

PG_URL = os.environ.get("SCRIMMAGE_TEST_POSTGRES_URL")
PASSWORD = "correct horse battery"
CLIENTS = 16
DAILY_LIMIT = 5
pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("port-80")]


def _port_80_free() -> None:
    """Port 80 on loopback can be bound (another test of the group may still be letting it go: wait a little)."""
    deadline = time.monotonic() + 60
    while True:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", 80))
                return
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE and time.monotonic() < deadline:
                    time.sleep(0.5)
                    continue
                require("port 80", f"the kaggle client only talks to http://localhost on port 80, and it cannot be "
                                   f"bound here ({exc.strerror or exc})")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not PG_URL:
        require("PostgreSQL")
    require_program(NGINX, "nginx")
    require_program("moto_server", "moto")
    require_program("/usr/bin/bwrap", "bubblewrap")
    _port_80_free()
    with deployment(tmp_path_factory.mktemp("deploy"), PG_URL, port=80) as dep:
        yield dep


# -- a browser and an API client through the balancer --------------------------------------
class Browser:
    """Someone with a browser: cookies, the CSRF field of the forms."""

    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, follow_redirects=False, timeout=120)

    def csrf(self) -> str:
        if "scrimmage_csrf" not in self.http.cookies:
            self.http.get("/login")
        return self.http.cookies["scrimmage_csrf"]

    def post(self, path: str, data: dict | None = None, **kw) -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf(), **(data or {})}, **kw)

    def sign_up(self, name: str) -> "Browser":
        r = self.post("/signup", {"name": name, "password": PASSWORD})
        assert r.status_code == 303, r.text
        return self

    def new_token(self) -> str:
        r = self.post("/account/tokens", {"label": "deploy"})
        assert r.status_code == 200, r.text
        return re.search(r'<pre class="token">([^<]+)</pre>', r.text).group(1).strip()


def api(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=120, headers={"Authorization": f"Bearer {token}"})


def bundle_zip(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"{folder.name}/{p.name}")
    return buf.getvalue()


def create(host: httpx.Client, folder: Path) -> dict:
    r = host.post("/api/competitions", files={"bundle": (f"{folder.name}.zip", bundle_zip(folder), "application/zip")})
    assert r.status_code == 201, r.text
    return r.json()


def submit(client: httpx.Client, ref: str, path: Path, message: str = "") -> httpx.Response:
    return client.post(f"/api/competitions/{ref}/submissions", files={"file": (path.name, path.read_bytes(), "text/csv")},
                       data={"message": message})


@pytest.fixture(scope="module")
def people(cluster):
    """ada (the first account: admin), hal (made host by ada), pat and quin (participants), signed up through the
    balancer, each with an API token."""
    ada = Browser(cluster.url).sign_up("ada")
    hal = Browser(cluster.url).sign_up("hal")
    r = ada.post("/admin/users/hal/role", {"role": "host"})
    assert r.status_code == 303, r.text
    out = {"ada": ada, "hal": hal}
    for name in ("pat", "quin"):
        out[name] = Browser(cluster.url).sign_up(name)
    tokens = {name: b.new_token() for name, b in out.items()}
    return {"browser": out, "token": tokens, "api": {n: api(cluster.url, t) for n, t in tokens.items()}}


def requests_since(cluster, mark: int, pattern: str, method: str | None = None) -> list[dict]:
    """The balancer's log entries after the first ``mark`` whose URI matches ``pattern``."""
    return [e for e in cluster.balancer.entries()[mark:]
            if re.search(pattern, e["uri"]) and (method is None or e["method"] == method)]


def log_mark(cluster) -> int:
    return len(cluster.balancer.entries())


# -- the tests ---------------------------------------------------------------------------
def test_sign_up_create_download_and_submit_land_on_both_replicas(cluster, people, tmp_path):
    mark = log_mark(cluster)
    folder = write_bundle(tmp_path / "deploy-one", extra_toml='ref = "deploy-one"\n')
    hal, pat = people["api"]["hal"], people["api"]["pat"]
    assert create(hal, folder)["ref"] == "deploy-one"
    assert pat.post("/api/competitions/deploy-one/join").status_code == 200

    # the files, listed and downloaded through each replica: the bytes the host uploaded
    for _ in range(4):  # three requests a round: each kind lands on each replica (round robin)
        listing = pat.get("/api/competitions/deploy-one/files")
        assert listing.status_code == 200, listing.text
        assert sorted(f["name"] for f in listing.json()) == ["sample_submission.csv", "test.csv", "train.csv"]
        for name in ("train.csv", "test.csv"):
            r = pat.get(f"/api/competitions/deploy-one/files/{name}")
            assert r.status_code == 200, r.text
            assert r.content == (folder / name).read_bytes()
    page = people["browser"]["pat"].http.get("/c/deploy-one/data/test.csv")
    assert page.status_code == 200 and page.content == (folder / "test.csv").read_bytes()

    # submissions scored by each replica, with the same score for the same file
    good = write_predictions(tmp_path / "good.csv", folder, 0.4)
    scores = []
    for k in range(4):
        r = submit(pat, "deploy-one", good, f"try {k}")
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "complete"
        scores.append(r.json()["public_score"])
    assert len(set(scores)) == 1 and 0.5 < scores[0] < 1
    # the host reads every submission file, whichever replica stored it
    subs = pat.get("/api/competitions/deploy-one/submissions").json()
    assert len(subs) == 4
    for s in subs:
        r = people["browser"]["hal"].http.get(f"/c/deploy-one/submissions/{s['id']}/file")
        assert r.status_code == 200, r.text
        assert r.content == good.read_bytes()
    board = pat.get("/api/competitions/deploy-one/leaderboard").json()
    assert [(row["team_name"], row["score"]) for row in board["rows"] if row.get("team_name") == "pat"] == [
        ("pat", scores[0])]

    served = {kind: set(cluster.served_by(requests_since(cluster, mark, pattern, method)))
              for kind, pattern, method in [("download", r"/files/t\w+\.csv$", "GET"),
                                            ("listing", r"/files$", "GET"),
                                            ("submit", r"/deploy-one/submissions$", "POST"),
                                            ("submission file", r"/submissions/\d+/file$", "GET")]}
    assert served == {kind: {"replica1", "replica2"} for kind in served}


def test_the_official_kaggle_client_through_the_balancer(cluster, people, tmp_path):
    from kaggle_cli import kaggle, kaggle_env, table

    folder = write_bundle(tmp_path / "deploy-kaggle", extra_toml='ref = "deploy-kaggle"\n')
    create(people["api"]["hal"], folder)
    people["api"]["quin"].post("/api/competitions/deploy-kaggle/join").raise_for_status()
    env = kaggle_env(tmp_path, "quin", people["token"]["quin"])
    mark = log_mark(cluster)
    dest = tmp_path / "data"
    kaggle(env, "competitions", "download", "deploy-kaggle", "-p", str(dest))
    with zipfile.ZipFile(dest / "deploy-kaggle.zip") as zf:
        assert zf.read("train.csv") == (folder / "train.csv").read_bytes()
    good = write_predictions(tmp_path / "good.csv", folder, 0.3)
    for k in range(3):  # three uploads: the upload and its submission land on different replicas at least once
        out = kaggle(env, "competitions", "submit", "deploy-kaggle", "-f", str(good), "-m", f"client {k}").stdout
        assert "Successfully submitted to Tiny" in out
    rows = table(kaggle(env, "competitions", "submissions", "deploy-kaggle").stdout)
    assert [r["status"] for r in rows] == ["SubmissionStatus.COMPLETE"] * 3

    flow = [e for e in cluster.balancer.entries()[mark:]
            if "StartSubmissionUpload" in e["uri"] or "/uploads/" in e["uri"] or "CreateSubmission" in e["uri"]]
    assert len(flow) == 9 and all(e["status"] == 200 for e in flow), flow
    replicas = cluster.served_by(flow)
    # each submit is three requests (start, upload, create); some of them crossed from one replica to the other
    assert any(len(set(replicas[i:i + 3])) == 2 for i in range(0, 9, 3)), replicas


def test_the_daily_limit_is_exact_under_16_concurrent_clients(cluster, people, tmp_path):
    folder = write_bundle(tmp_path / "deploy-busy", n=50, extra_toml=f'ref = "deploy-busy"\ndaily_limit = {DAILY_LIMIT}\n')
    create(people["api"]["hal"], folder)
    token = people["token"]["pat"]
    api(cluster.url, token).post("/api/competitions/deploy-busy/join").raise_for_status()
    path = write_predictions(tmp_path / "s.csv", folder, 0.5)
    mark = log_mark(cluster)
    barrier = threading.Barrier(CLIENTS)

    def one(k: int) -> int:
        with api(cluster.url, token) as c:
            c.get("/api/me").raise_for_status()  # connected
            barrier.wait()
            return submit(c, "deploy-busy", path, f"race {k}").status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        codes = list(pool.map(one, range(CLIENTS)))
    assert sorted(codes) == [201] * DAILY_LIMIT + [429] * (CLIENTS - DAILY_LIMIT)
    subs = api(cluster.url, token).get("/api/competitions/deploy-busy/submissions").json()
    assert len(subs) == CLIENTS  # every attempt is kept and listed
    assert sum(s["status"] == "complete" for s in subs) == DAILY_LIMIT
    posts = requests_since(cluster, mark, r"/deploy-busy/submissions$", "POST")
    assert len(posts) == CLIENTS and set(cluster.served_by(posts)) == {"replica1", "replica2"}


def test_close_reveals_the_same_private_leaderboard_on_both_replicas(cluster, people, tmp_path):
    folder = write_bundle(tmp_path / "deploy-close", extra_toml='ref = "deploy-close"\n')
    hal = people["api"]["hal"]
    create(hal, folder)
    for k, name in enumerate(("pat", "quin")):
        c = people["api"][name]
        c.post("/api/competitions/deploy-close/join").raise_for_status()
        r = submit(c, "deploy-close", write_predictions(tmp_path / f"{name}.csv", folder, 0.2 + 0.3 * k, seed=k))
        assert r.status_code == 201, r.text
    pat = people["api"]["pat"]
    hidden = pat.get("/api/competitions/deploy-close/leaderboard", params={"private": "true"})
    assert hidden.status_code == 403, hidden.text  # before the close: no private scores, from either replica
    r = hal.post("/api/competitions/deploy-close/close")
    assert r.status_code == 200 and r.json()["closed"] is True, r.text
    mark = log_mark(cluster)
    boards = [pat.get("/api/competitions/deploy-close/leaderboard", params={"private": "true"}).json()
              for _ in range(4)]
    assert set(cluster.served_by(requests_since(cluster, mark, r"/deploy-close/leaderboard"))) == {"replica1", "replica2"}
    ranked = [[(row["team_name"], row["score"]) for row in b["rows"] if row.get("team_name") in ("pat", "quin")]
              for b in boards]
    assert all(r == ranked[0] for r in ranked) and [name for name, _ in ranked[0]] == ["quin", "pat"]
    assert all(score is not None for _, score in ranked[0])


def test_a_replica_killed_mid_submission_loses_nothing_and_the_other_keeps_serving(cluster, people, tmp_path):
    from sqlalchemy import create_engine, text

    # a host metric that never returns: scoring is under way until the replica is killed
    folder = write_bundle(tmp_path / "deploy-slow", extra_toml='ref = "deploy-slow"\nmetric_file = "metric.py"\n'
                                                             'greater_is_better = true\n')
    (folder / "metric.py").write_text("import time\n\ndef score(solution, submission, row_id_column_name):\n"
                                      "    time.sleep(3600)\n    return 1.0\n")
    other = write_bundle(tmp_path / "deploy-live", extra_toml='ref = "deploy-live"\n')
    create(people["api"]["hal"], folder)
    create(people["api"]["hal"], other)
    pat = people["api"]["pat"]
    for ref in ("deploy-slow", "deploy-live"):
        pat.post(f"/api/competitions/{ref}/join").raise_for_status()
    path = write_predictions(tmp_path / "slow.csv", folder, 0.5)
    answer: dict = {}
    sender = threading.Thread(target=lambda: answer.update(r=submit(api(cluster.url, people["token"]["pat"]),
                                                                   "deploy-slow", path, "in flight")))
    sender.start()

    # the submission is stored and pending; the database says which process is scoring it
    engine = create_engine(cluster.db_url)
    query = text("SELECT s.id, s.scorer_pid FROM submissions s JOIN competitions c ON c.id = s.competition_id "
                 "WHERE c.ref = 'deploy-slow' AND s.status = 'pending'")
    deadline = time.monotonic() + 120  # a safety net only: the row is there as soon as the upload is read
    with engine.connect() as conn:
        while not (row := conn.execute(query).first()):
            assert time.monotonic() < deadline, "the submission never became pending"
            time.sleep(0.1)
    engine.dispose()
    victim = next(r for r in cluster.replicas if r.pid == row.scorer_pid)
    survivor = next(r for r in cluster.replicas if r is not victim)
    mark = log_mark(cluster)
    victim.kill()
    sender.join(120)
    assert answer["r"].status_code == 502  # the balancer does not replay a POST a replica had received

    # the other replica keeps serving everything, through the balancer
    live = write_predictions(tmp_path / "live.csv", other, 0.4)
    for k in range(4):
        r = submit(pat, "deploy-live", live, f"after the kill {k}")
        assert r.status_code == 201 and r.json()["status"] == "complete", r.text
        assert pat.get("/api/competitions/deploy-live/leaderboard").status_code == 200
        assert pat.get("/api/competitions/deploy-live/files/train.csv").status_code == 200
    after = [e for e in cluster.balancer.entries()[mark:] if "deploy-live" in e["uri"]]
    assert set(cluster.served_by(after)) == {survivor.name} and all(e["status"] in (200, 201) for e in after)
    # the submission is kept: the surviving replica sees its scorer is gone (the dead process's database session
    # ended) and shows it failed, with the reason; it does not count against the limit; its file is there as sent
    deadline = time.monotonic() + 60  # a safety net only: the database ends a killed process's session at once
    while (listed := {s["id"]: s for s in pat.get("/api/competitions/deploy-slow/submissions").json()})[row.id][
            "status"] == "pending":
        assert time.monotonic() < deadline, "the killed replica's submission stayed pending"
        time.sleep(0.1)
    assert listed[row.id]["status"] == "error"
    assert listed[row.id]["error"].startswith("scoring was interrupted (the scoring process stopped before it finished)")
    for browser in (people["browser"]["pat"], people["browser"]["hal"]):
        r = browser.http.get(f"/c/deploy-slow/submissions/{row.id}/file")
        assert r.status_code == 200 and r.content == path.read_bytes()
    late = [e for e in cluster.balancer.entries()[mark:] if "deploy-slow" in e["uri"] and e["method"] == "GET"]
    assert set(cluster.served_by(late)) == {survivor.name}
    assert victim.proc.poll() is not None and survivor.proc.poll() is None
