"""What teams and the server have used: failed uploads today, bytes of kept files, stored paths."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .schema import competitions, submissions


def failed_today(conn: Connection, team_id: int, now: dt.datetime) -> int:
    """The team's submissions rejected since midnight UTC (they do not count against the daily limit)."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    q = select(func.count()).where(submissions.c.team_id == team_id, submissions.c.status == "error",
                                   submissions.c.created_at >= midnight)
    return conn.execute(q).scalar_one()


def stored_bytes(conn: Connection, team_id: int | None = None) -> int:
    """Bytes of kept submission files: the team's, or (``team_id=None``) the whole server's."""
    q = select(func.coalesce(func.sum(submissions.c.size_bytes), 0))
    if team_id is not None:
        q = q.where(submissions.c.team_id == team_id)
    return int(conn.execute(q).scalar_one())


def stored_files(conn: Connection):
    """Every kept submission file: id, competition ref, file name, stored path and size, in id order."""
    q = (select(submissions.c.id, competitions.c.ref, submissions.c.file_name, submissions.c.stored_path,
                submissions.c.size_bytes)
         .join(competitions, competitions.c.id == submissions.c.competition_id)
         .order_by(submissions.c.id))
    return conn.execute(q).all()


__all__ = ["failed_today", "stored_bytes", "stored_files"]
