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
