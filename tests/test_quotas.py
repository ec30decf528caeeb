"""The storage quotas' count of the arena's kept bytes (real SQLite and PostgreSQL, two arenas on one store)."""

import pytest
from sqlalchemy import event

from bundles import write_bundle
from scrimmage import quotas
from scrimmage.errors import QuotaError
from scrimmage.quotas import RECOUNT_SECONDS, Quotas
from scrimmage.arena import Arena
from scrimmage.store import utcnow


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(quotas, "_now", lambda: now[0])
    return now


def sums_over_every_submission(engine) -> list[str]:
    """The statements run on ``engine`` that add up every kept file (no team named)."""
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, *args):
        if "sum(submissions.size_bytes)" in statement and "team_id" not in statement:
            seen.append(statement)

    return seen


def test_the_arena_total_is_counted_again_near_the_quota_and_when_old(db_url, tmp_path, home, clock):
    folder = write_bundle(tmp_path / "tiny", extra_toml="daily_limit = 50\n")
    alice, bob = Arena(), Arena()  # two processes' views of one arena
    alice.create_competition(folder)
    sample = folder / "sample_submission.csv"
    size = sample.stat().st_size
    alice.submit("tiny", sample, user="alice")
    for _ in range(5):  # stored meanwhile by another process: not in alice's count
        bob.submit("tiny", sample, user="bob")
    with alice.store.read() as conn:
        team = alice.team_id(conn, "tiny", "alice")
    sums = sums_over_every_submission(alice.store.engine)

    def check(server_files: float):
        with alice.store.read() as conn:
            Quotas(server_mb=server_files * size / 1e6).check(conn, team, size, 50, utcnow())

    check(1000)  # far from the quota: alice's recent count is enough
    assert sums == []
    with pytest.raises(QuotaError) as refused:  # near it: counted again, bob's files with alice's
        check(2)
    assert f"the arena's kept submission files take {6 * size / 1e6:.1f} MB" in refused.value.message
    assert len(sums) == 1

    check(1000)  # the new count is recent again
    assert len(sums) == 1
    clock[0] += RECOUNT_SECONDS + 1
    check(1000)  # an old count is never used
    assert len(sums) == 2
