"""The arena server under load: public-leaderboard latency and submission throughput.

    python benchmarks/server.py                       # SQLite, then PostgreSQL, then 1 and 2 replicas
    python benchmarks/server.py --db replicated       # PostgreSQL through nginx: 1 replica, then 2
    python benchmarks/server.py --db sqlite
    python benchmarks/server.py --db postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

For each database the script makes a fresh arena (a temporary SCRIMMAGE_HOME; on
PostgreSQL a database of its own, dropped at the end) with one binary-AUC
competition of 10,000 test rows, then seeds ``--teams`` teams × ``--per-team``
scored submissions. Rows go straight into the store for speed, but every score
is real: a pool of prediction vectors of graded quality is scored with the
competition's metric, and each seeded submission takes the scores of one of
them (a team's later submissions tend to be better, as in real competitions).

It then starts ``scrimmage serve`` (uvicorn, one process) on 127.0.0.1 and
measures, from this process over HTTP:

* latency of ``GET /api/competitions/REF/leaderboard`` (the public leaderboard,
  every team, JSON), one request at a time after a warm-up: p50 and p99;
* throughput of ``POST /api/competitions/REF/submissions`` with ``--clients``
  concurrent clients (one account and API token each, keep-alive), each
  uploading 10,000-row CSV files that are checked and scored before the answer.

With ``--db replicated`` (and by default, after the two databases) the same
PostgreSQL arena is then served by 1, then 2 ``scrimmage serve`` replicas (a
home each) behind nginx (round robin, docs/deploy.md's proxy settings), and the
same two figures are measured through the balancer, printed side by side. On a
machine whose few cores the replicas, nginx, PostgreSQL and the clients share,
the second replica is not expected to double the throughput: the comparison
shows what it and the balancer cost.

Targets: p99 < 50 ms and >= 50 submissions/s. Prints one JSON line per
setup and a table; the figures go in docs/performance.md (## Server).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path[:0] = [str(TESTS)]  # the tests' helpers: a database of its own; replicas and nginx
from databases import fresh_database  # noqa: E402
from deployment import Replica, balancer, free_port, proxy_location, replica_env  # noqa: E402

TARGET_P99_MS = 50.0
TARGET_SUBMISSIONS_PER_S = 50.0
REF = "bench"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REPLICAS_NOTE = (
    "Replicas, the balancer, PostgreSQL and the clients share this machine's CPUs: a second replica is not expected\n"
    "to double the throughput here. What the side-by-side shows is what the second replica and the balancer cost\n"
    "(or gain) on the same cores; on machines of their own, replicas add their CPUs.")


# -- data ----------------------------------------------------------------------
def write_bundle(folder: Path, rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A binary-AUC bundle with ``rows`` test rows; returns (test ids, test labels)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    n_train = 2000
    x = rng.normal(size=n_train + rows)
    y = (x + rng.normal(size=n_train + rows) > 0).astype(int)
    ids = np.array([f"r{i:07d}" for i in range(n_train + rows)])
    with open(folder / "train.csv", "w") as fh:
        fh.write("id,x,target\n")
        fh.writelines(f"{ids[i]},{x[i]:.4f},{y[i]}\n" for i in range(n_train))
    test = range(n_train, n_train + rows)
    with open(folder / "test.csv", "w") as fh:
        fh.write("id,x\n")
        fh.writelines(f"{ids[i]},{x[i]:.4f}\n" for i in test)
    with open(folder / "sample_submission.csv", "w") as fh:
        fh.write("id,target\n")
        fh.writelines(f"{ids[i]},0.5\n" for i in test)
    with open(folder / "solution.csv", "w") as fh:
        fh.write("id,target\n")
        fh.writelines(f"{ids[i]},{y[i]}\n" for i in test)
    (folder / "competition.toml").write_text(
        'title = "Server benchmark"\nmetric = "roc_auc"\nid_column = "id"\n'
        "public_fraction = 0.25\ndaily_limit = 1000000\n"
    )
    return ids[n_train:], y[n_train:]


def predictions(labels: np.ndarray, quality: float, rng) -> np.ndarray:
    return np.clip(quality * labels + (1 - quality) * rng.random(len(labels)), 0, 1)


def write_submission(path: Path, ids: np.ndarray, pred: np.ndarray) -> Path:
    with open(path, "w") as fh:
        fh.write("id,target\n")
        fh.writelines(f"{i},{p:.6f}\n" for i, p in zip(ids, pred))
    return path


# -- seeding -------------------------------------------------------------------
def seed(arena, teams: int, per_team: int, labels: np.ndarray, pool_size: int = 400, seed: int = 1) -> dict:
    """``teams`` × ``per_team`` complete submissions with real scores, inserted through the store."""
    from sqlalchemy import insert, select

    from scrimmage.scoring import score_aligned
    from scrimmage.store import utcnow
    from scrimmage.store.schema import submissions, team_members, users
    from scrimmage.store.schema import teams as teams_table
    from scrimmage.submissions import Aligned

    t0 = time.perf_counter()
    comp = arena.competition(REF)
    solution, metric = arena.solution_of(comp), arena.metric_of(comp)
    # the solution's rows are in test.csv's order, so the labels line up with y_true
    rng = np.random.default_rng(seed)
    qualities = np.linspace(0.02, 0.6, pool_size)
    pool = []
    for q in qualities:
        s = score_aligned(Aligned(predictions(labels, float(q), rng), None), solution, metric, {})
        pool.append((s.public, s.private))
    scored = time.perf_counter() - t0

    stored = arena.settings.home / "seeded.csv"
    stored.write_text("id,target\n")
    now = utcnow()
    start = now - dt.timedelta(days=30)
    with arena.store.write() as conn:
        comp_id = arena.competition_id(conn, REF)
        conn.execute(insert(users), [{"name": f"team{i:04d}", "display_name": f"team{i:04d}", "created_at": start}
                                     for i in range(teams)])
        user_ids = dict(conn.execute(select(users.c.name, users.c.id).where(users.c.name.like("team%"))).all())
        conn.execute(insert(teams_table), [{"competition_id": comp_id, "name": f"team{i:04d}", "created_at": start}
                                           for i in range(teams)])
        team_ids = dict(conn.execute(select(teams_table.c.name, teams_table.c.id)
                                     .where(teams_table.c.competition_id == comp_id)).all())
        conn.execute(insert(team_members), [{"team_id": team_ids[n], "user_id": user_ids[n], "joined_at": start}
                                            for n in team_ids])
        rows = []
        for i in range(teams):
            name = f"team{i:04d}"
            skill = rng.uniform(0, pool_size - 1)
            for j in range(per_team):
                # later submissions drift towards the team's skill
                k = int(np.clip(skill * (0.5 + 0.5 * j / per_team) + rng.normal(0, 10), 0, pool_size - 1))
                public, private = pool[k]
                when = start + dt.timedelta(minutes=int(rng.integers(0, 30 * 24 * 60)))
                rows.append({
                    "competition_id": comp_id, "team_id": team_ids[name], "user_id": user_ids[name],
                    "created_at": when, "file_name": f"sub{j:02d}.csv", "stored_path": str(stored),
                    "size_bytes": 200_000, "sha256": "0" * 64, "description": "", "status": "complete",
                    "counts": True, "late": False, "public_score": public, "private_score": private,
                    "selected": False, "scored_at": when,
                })
        for chunk in range(0, len(rows), 5000):
            conn.execute(insert(submissions), rows[chunk:chunk + 5000])
    return {"seed_s": round(time.perf_counter() - t0, 1), "score_pool_s": round(scored, 1),
            "rows": len(rows)}


# -- the server ----------------------------------------------------------------
@contextmanager
def server(home: Path, url: str, files: str):
    """``scrimmage serve`` in a child process, its files at ``files`` (a storage_url); yields its base URL."""
    r = Replica("server", home, free_port(), replica_env(home, files), url, separate=False)
    try:
        r.start()
        yield r.url
    finally:
        r.stop()


def leaderboard_latency(base: str, n: int, teams: int) -> dict:
    import httpx

    times = []
    with httpx.Client(base_url=base, timeout=60) as c:
        for i in range(n + 10):
            t0 = time.perf_counter()
            r = c.get(f"/api/competitions/{REF}/leaderboard")
            elapsed = time.perf_counter() - t0
            r.raise_for_status()
            if i == 0:
                rows = len(r.json()["rows"])
                if rows < teams:
                    raise RuntimeError(f"the leaderboard has {rows} rows, expected {teams}")
                size = len(r.content)
            if i >= 10:  # the first ten warm the server up
                times.append(elapsed * 1000)
    times.sort()
    return {"requests": n, "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(times[min(len(times) - 1, int(round(0.99 * len(times))) - 1)], 1),
            "max_ms": round(times[-1], 1), "response_kb": round(size / 1024)}


def submission_throughput(base: str, tokens: list[str], files: list[Path], per_client: int) -> dict:
    import httpx

    codes: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens) + 1)

    def client(k: int):
        path = files[k % len(files)]
        data = path.read_bytes()
        with httpx.Client(base_url=base, timeout=300, headers={"Authorization": f"Bearer {tokens[k]}"}) as c:
            c.get("/api/me").raise_for_status()
            barrier.wait()
            for j in range(per_client):
                r = c.post(f"/api/competitions/{REF}/submissions", files={"file": (path.name, data, "text/csv")},
                           data={"message": f"client {k} #{j}"})
                with lock:
                    codes.append(r.status_code)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(len(tokens))]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ok = sum(c == 201 for c in codes)
    if ok != len(codes):
        raise RuntimeError(f"{len(codes) - ok} of {len(codes)} submissions failed: {sorted(set(codes))}")
    return {"clients": len(tokens), "submissions": ok, "wall_s": round(wall, 2),
            "per_s": round(ok / wall, 1)}


# -- one database --------------------------------------------------------------
@contextmanager
def database(kind: str, home: Path, pg_url: str):
    if kind == "sqlite":
        yield f"sqlite:///{home / 'scrimmage.db'}"
        return
    with fresh_database(pg_url, "scrimmage_bench") as url:
        yield url


def storage_url(root: Path) -> str:
    """Where the arena of the benchmark keeps its files: one folder, shared by every server of the run."""
    return f"file://{root / 'files'}"


@contextmanager
def prepared(kind: str, args):
    """A fresh arena on ``kind`` with the seeded competition; yields (root, database URL, seeding figures, tokens,
    files), then removes it all."""
    from scrimmage.config import Settings
    from scrimmage.arena import Arena

    root = Path(tempfile.mkdtemp(prefix=f"scrimmage-bench-{kind}-"))
    try:
        home = root / "home"
        with database(kind, home, args.pg_url) as url:
            arena = Arena(Settings.load(home=home, database_url=url, user="bench-host", storage_url=storage_url(root)))
            ids, labels = write_bundle(root / REF, args.rows)
            arena.create_competition(root / REF)
            seeded = seed(arena, args.teams, args.per_team, labels)
            rng = np.random.default_rng(7)
            files = [write_submission(root / f"client{k}.csv", ids, predictions(labels, 0.1 + 0.05 * k, rng))
                     for k in range(args.clients)]
            tokens = []
            for k in range(args.clients):
                with arena.store.write() as conn:
                    arena.store.ensure_user(conn, f"client{k}")
                tokens.append(arena.accounts.create_token(f"client{k}", "benchmark"))
            arena.store.engine.dispose()
            yield root, url, seeded, tokens, files
    finally:
        shutil.rmtree(root, ignore_errors=True)


def measure(base: str, tokens: list[str], files: list[Path], args, servers: int = 1) -> dict:
    """The two figures through ``base``, after one submission per server (each reads the solution once)."""
    import httpx

    with httpx.Client(base_url=base, timeout=300, headers={"Authorization": f"Bearer {tokens[0]}"}) as c:
        for _ in range(servers):  # round robin: one each
            c.post(f"/api/competitions/{REF}/submissions",
                   files={"file": (files[0].name, files[0].read_bytes(), "text/csv")}).raise_for_status()
    return {"leaderboard": leaderboard_latency(base, args.requests, args.teams),
            "submit": submission_throughput(base, tokens, files, args.per_client)}


def run(kind: str, args) -> dict:
    with prepared(kind, args) as (root, url, seeded, tokens, files):
        with server(root / "home", url, storage_url(root)) as base:
            figures = measure(base, tokens, files, args)
    result = {"db": kind, "teams": args.teams, "per_team": args.per_team, "rows": args.rows, **seeded, **figures}
    print(json.dumps(result), flush=True)
    return result


@contextmanager
def replicated(root: Path, url: str, n: int):
    """``n`` replicas (``scrimmage serve``, a home each) behind nginx on a free port; yields the balancer's URL.

    The replicas share the seeding arena's file store (a folder: what is measured is the replicas, not a store)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"replicas{n}-", dir=root))
    replicas = [Replica(f"replica{i + 1}", workdir / f"replica{i + 1}" / "home", free_port(), {}, url, separate=False)
                for i in range(n)]
    try:
        for r in replicas:
            r.env = replica_env(r.home, storage_url(root))
            r.launch()
        for r in replicas:
            r.wait_ready()
        with balancer(workdir, replicas, free_port(), proxy_location()) as lb:
            yield lb.url
    finally:
        for r in replicas:
            r.stop()


def run_replicated(args) -> list[dict]:
    """PostgreSQL through nginx: the same arena served by 1, then 2 replicas."""
    results = []
    with prepared("postgresql", args) as (root, url, seeded, tokens, files):
        for n in (1, 2):
            with replicated(root, url, n) as base:
                figures = measure(base, tokens, files, args, servers=n)
            result = {"db": f"{n} replica{'s' * (n > 1)} behind nginx", "replicas": n, "teams": args.teams,
                      "per_team": args.per_team, "rows": args.rows, **seeded, **figures}
            print(json.dumps(result), flush=True)
            results.append(result)
    return results


def table(results: list[dict]) -> str:
    """The figures side by side with the targets."""
    def mark(ok: bool) -> str:
        return "met" if ok else "MISSED"

    lines = ["| measure | target | " + " | ".join(r["db"] for r in results) + " |",
             "|---|---|" + "---|" * len(results)]
    lines.append("| public leaderboard p50 | | " + " | ".join(f"{r['leaderboard']['p50_ms']} ms" for r in results) + " |")
    lines.append(f"| public leaderboard p99 | < {TARGET_P99_MS:g} ms | " + " | ".join(
        f"{r['leaderboard']['p99_ms']} ms ({mark(r['leaderboard']['p99_ms'] < TARGET_P99_MS)})" for r in results) + " |")
    lines.append(f"| submissions per second | >= {TARGET_SUBMISSIONS_PER_S:g} | " + " | ".join(
        f"{r['submit']['per_s']} ({mark(r['submit']['per_s'] >= TARGET_SUBMISSIONS_PER_S)})" for r in results) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=("sqlite", "postgresql", "both", "replicated", "all"), default="all",
                   help="both: SQLite and PostgreSQL, one server each; replicated: PostgreSQL through nginx with 1 "
                        "and 2 replicas; all: both, then replicated")
    p.add_argument("--pg-url", default=os.environ.get("SCRIMMAGE_TEST_POSTGRES_URL") or DEFAULT_PG)
    p.add_argument("--teams", type=int, default=1000)
    p.add_argument("--per-team", type=int, default=50)
    p.add_argument("--rows", type=int, default=10_000, help="test rows (and rows of each submitted file)")
    p.add_argument("--requests", type=int, default=300, help="leaderboard requests timed")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--per-client", type=int, default=40, help="submissions per client")
    args = p.parse_args(argv)
    # stopped from outside: still stop the servers and drop the benchmark's database (the finally blocks)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    kinds = {"both": ("sqlite", "postgresql"), "all": ("sqlite", "postgresql"), "replicated": ()}.get(args.db, (args.db,))
    results = [run(kind, args) for kind in kinds]
    replicas = run_replicated(args) if args.db in ("replicated", "all") else []
    print()
    print(f"{args.teams} teams x {args.per_team} submissions; {args.rows:,}-row files; {args.clients} clients")
    if results:
        print(table(results))
    if replicas:
        print()
        print(table(replicas))
        print(REPLICAS_NOTE)
    missed = [r["db"] for r in results + replicas
              if r["leaderboard"]["p99_ms"] >= TARGET_P99_MS or r["submit"]["per_s"] < TARGET_SUBMISSIONS_PER_S]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
