"""A pending submission whose scorer died is marked failed by any process that lists it, also from another machine."""

from __future__ import annotations

import subprocess
import sys
import time

from bundles import write_bundle, write_predictions
from scrimmage.arena import Arena
from scrimmage.store import INTERRUPTED

#: A scoring process on another machine: it holds its scorer lock, says so, then waits to be killed.
ELSEWHERE = """
import sys, time
from scrimmage.store import Store
store = Store(sys.argv[1])
store.presence.host = "another-machine"
store.presence.hold()
print("held", flush=True)
time.sleep(3600)
"""


def test_a_scorer_on_another_machine_that_dies_is_noticed_through_postgresql(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", postgres_url)
    arena = Arena()
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)
    sub = arena.submit("tiny", write_predictions(tmp_path / "s.csv", folder, 0.5))
    scorer = subprocess.Popen([sys.executable, "-c", ELSEWHERE, postgres_url], stdout=subprocess.PIPE, text=True)
    try:
        assert scorer.stdout.readline().strip() == "held"
        with arena.store.write() as conn:  # as that process records a submission it is scoring
            arena.store.update_submission(conn, sub.id, status="pending", scorer_host="another-machine",
                                          scorer_pid=scorer.pid)
        # alive on its machine: its submission stays pending, however often it is listed
        assert [s.status for s in arena.submissions("tiny")] == ["pending"]
        assert arena.store.fail_interrupted() == 0
    finally:
        scorer.kill()
        scorer.wait()
    deadline = time.monotonic() + 60  # a safety net only: the database ends the dead process's session at once
    while (listed := arena.submissions("tiny"))[0].status == "pending":
        assert time.monotonic() < deadline, "the dead scorer's submission stayed pending"
        time.sleep(0.1)
    assert (listed[0].status, listed[0].error) == ("error", INTERRUPTED)


def test_a_scorer_on_another_machine_is_not_judged_without_postgresql(home, monkeypatch, tmp_path):
    """On SQLite (one machine) a scorer elsewhere cannot be asked: its submission is left pending until it is stale."""
    arena = Arena()
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)
    sub = arena.submit("tiny", write_predictions(tmp_path / "s.csv", folder, 0.5))
    with arena.store.write() as conn:
        arena.store.update_submission(conn, sub.id, status="pending", scorer_host="another-machine", scorer_pid=1)
    assert [s.status for s in arena.submissions("tiny")] == ["pending"]


def ended(store, backend: int) -> None:
    """Wait until PostgreSQL's process ``backend`` (a closed connection's) has ended."""
    import time

    from sqlalchemy import text

    deadline = time.monotonic() + 60
    while True:
        with store.engine.connect() as conn:
            if not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                {"pid": backend}).scalar():
                return
        assert time.monotonic() < deadline, f"PostgreSQL's process {backend} did not end within a minute"
        time.sleep(0.05)


def test_every_store_of_one_process_holds_the_scorer_lock_side_by_side(postgres_url):
    """Two stores of one process (an arena and a CLI command, say) both hold the lock without waiting on each
    other; the lock reads as taken until the last of them is gone."""
    from sqlalchemy import text

    from scrimmage.store import Store
    from scrimmage.store.scorers import lock_key

    first, second, checker = Store(postgres_url), Store(postgres_url), Store(postgres_url)
    for s in (first, second):
        s.presence.host = "another-machine"
    key = lock_key("another-machine", first.presence.pid)

    def modes() -> list[str]:
        with checker.engine.connect() as conn:
            return sorted(conn.execute(text("SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                            "AND (classid::bigint << 32 | objid::bigint) = (:key & x'FFFFFFFFFFFFFFFF'::bigint)"),
                                       {"key": key}).scalars())

    def gone() -> bool:
        with checker.write() as conn:
            return checker.presence.is_gone(conn, "another-machine", first.presence.pid)

    first.presence.hold()
    assert modes() == ["ShareLock"]  # shared: a second holder of the same process does not wait
    second.presence.hold()
    assert modes() == ["ShareLock", "ShareLock"]
    assert not gone()
    first.presence._conn.close()
    assert not gone()  # the other store of the process still holds it
    backend = second.presence._conn.execute(text("SELECT pg_backend_pid()")).scalar()
    second.presence._conn.close()
    ended(checker, backend)  # the server releases the lock when the connection's process has ended
    assert gone()
    for s in (first, second, checker):
        s.engine.dispose()
