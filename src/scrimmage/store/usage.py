"""What teams and the server have used: submissions today, bytes of kept files, stored paths."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.engine import Connection

from .schema import competitions, submissions


@dataclass(frozen=True)
class TeamUsage:
    """What a team has used (UTC days)."""

    failed_today: int  # submissions rejected since midnight: they do not count against the daily limit
    counted_today: int  # submissions since midnight that count against it (pending ones too)
    stored_bytes: int  # bytes of the team's kept submission files


def _team_usage_query():
    s = submissions
    today = s.c.created_at >= bindparam("midnight")
    failed = and_(today, s.c.status == "error")
    counted = and_(today, s.c.counts.is_(True), s.c.status != "error")
    return (select(func.sum(case((failed, 1), else_=0)), func.sum(case((counted, 1), else_=0)), func.sum(s.c.size_bytes))
            .where(s.c.team_id == bindparam("team_id")))


_TEAM_USAGE = _team_usage_query()  # built once: building it costs more than running it


def team_usage(conn: Connection, team_id: int, now: dt.datetime) -> TeamUsage:
    """The team's :class:`TeamUsage` at ``now``, in one pass over its submissions."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    failed_n, counted_n, size = conn.execute(_TEAM_USAGE, {"team_id": team_id, "midnight": midnight}).one()
    return TeamUsage(int(failed_n or 0), int(counted_n or 0), int(size or 0))


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


__all__ = ["TeamUsage", "team_usage", "stored_bytes", "stored_files"]
