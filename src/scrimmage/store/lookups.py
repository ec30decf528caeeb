"""Small reads by id that the Kaggle-compatible API needs: which competition a
submission or a team belongs to, a competition's host, each team's last submission."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .schema import competitions, submissions, teams, users


def competition_of_submission(conn: Connection, sub_id: int) -> str | None:
    """The ref of the competition of submission ``sub_id`` (None when there is no such submission)."""
    q = (select(competitions.c.ref).select_from(submissions.join(competitions, competitions.c.id == submissions.c.competition_id))
         .where(submissions.c.id == sub_id))
    return conn.execute(q).scalar()


def competition_of_team(conn: Connection, team_id: int) -> str | None:
    """The ref of the competition of team ``team_id`` (None when there is no such team)."""
    q = (select(competitions.c.ref).select_from(teams.join(competitions, competitions.c.id == teams.c.competition_id))
         .where(teams.c.id == team_id))
    return conn.execute(q).scalar()


def host_of(conn: Connection, ref: str):
    """The host's user row (``id``, ``name``, ``display_name``) of competition ``ref``, or None."""
    q = (select(users.c.id, users.c.name, users.c.display_name)
         .select_from(competitions.join(users, users.c.id == competitions.c.host_user_id))
         .where(competitions.c.ref == ref))
    return conn.execute(q).first()


def hosted_refs(conn: Connection, user: str) -> set[str]:
    """The refs of every competition ``user`` hosts."""
    q = (select(competitions.c.ref).select_from(competitions.join(users, users.c.id == competitions.c.host_user_id))
         .where(users.c.name == user))
    return set(conn.execute(q).scalars())


def last_submission_dates(conn: Connection, ref: str) -> dict[int, dt.datetime]:
    """Each team's last submission that counts on the leaderboard (scored, on time), by team id."""
    s = submissions
    q = (select(s.c.team_id, func.max(s.c.created_at))
         .select_from(s.join(competitions, competitions.c.id == s.c.competition_id))
         .where(competitions.c.ref == ref, s.c.status == "complete", s.c.late.is_(False))
         .group_by(s.c.team_id))
    return {team_id: when for team_id, when in conn.execute(q).all()}


def is_host_or_admin(conn: Connection, ref: str, user: str) -> bool:
    """Whether ``user`` hosts competition ``ref`` or is an admin (admins may do everything)."""
    me = conn.execute(select(users.c.id, users.c.role).where(users.c.name == user)).first()
    if me is None:
        return False
    host = conn.execute(select(competitions.c.host_user_id).where(competitions.c.ref == ref)).scalar()
    return me.role == "admin" or host == me.id
