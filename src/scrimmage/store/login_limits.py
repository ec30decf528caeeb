"""Failed-login counters, counted atomically in the database.

Each counter (one per user name, one per client address) is a row bumped by a single
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement, so parallel attempts, in one
process or many, each see their own count: no two can both read "4 of 5" and both go on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, delete, update
from sqlalchemy.engine import Connection

from .schema import login_limits


def _insert(conn: Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def bump(conn: Connection, key: str, now: dt.datetime, window: dt.timedelta) -> tuple[int, dt.datetime]:
    """Count one more attempt on ``key``; returns (attempts in the current window, when that window began).

    A window older than ``window`` starts afresh with this attempt.
    """
    stale = login_limits.c.window_start <= now - window
    statement = _insert(conn)(login_limits).values(key=key[:200], failures=1, window_start=now)
    statement = statement.on_conflict_do_update(
        index_elements=[login_limits.c.key],
        set_={"failures": case((stale, 1), else_=login_limits.c.failures + 1),
              "window_start": case((stale, now), else_=login_limits.c.window_start)},
    ).returning(login_limits.c.failures, login_limits.c.window_start)
    row = conn.execute(statement).one()
    return row.failures, row.window_start


def forget(conn: Connection, key: str) -> None:
    """Drop the counter of ``key`` (a successful login clears its name's failures)."""
    conn.execute(delete(login_limits).where(login_limits.c.key == key[:200]))


def take_back(conn: Connection, key: str) -> None:
    """Uncount one attempt on ``key`` (a successful login is not a failure of its address)."""
    conn.execute(update(login_limits).where(login_limits.c.key == key[:200], login_limits.c.failures > 0)
                 .values(failures=login_limits.c.failures - 1))


__all__ = ["bump", "forget", "take_back"]
