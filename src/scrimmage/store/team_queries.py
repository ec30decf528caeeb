"""Teams' queries: members, names, invitations and merges (see scrimmage/teams.py for the rules)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection

from .schema import competitions, submissions, team_invites, team_members, teams, users


def user_id(conn: Connection, name: str):
    """The id of user ``name``, or None."""
    return conn.execute(select(users.c.id).where(users.c.name == name)).scalar()


def team_id(store, conn: Connection, ref: str, user: str) -> int | None:
    """The id of ``user``'s team in competition ``ref`` (None before they join)."""
    uid = user_id(conn, user)
    team = store.user_team(conn, store.competition(conn, ref).id, uid) if uid else None
    return team.id if team else None


def entered_refs(conn: Connection, user: str) -> set[str]:
    """The refs of the competitions ``user`` has a team in."""
    q = (select(competitions.c.ref).join(teams, teams.c.competition_id == competitions.c.id)
         .join(team_members, team_members.c.team_id == teams.c.id)
         .join(users, users.c.id == team_members.c.user_id).where(users.c.name == user))
    return set(conn.execute(q).scalars())


def team_row(conn: Connection, team_id: int):
    return conn.execute(select(teams).where(teams.c.id == team_id)).one()


def member_names(conn: Connection, team_id: int) -> list[str]:
    """The team's members, first joined first."""
    return list(conn.execute(select(users.c.name).join(team_members, team_members.c.user_id == users.c.id)
                             .where(team_members.c.team_id == team_id)
                             .order_by(team_members.c.joined_at, users.c.name)).scalars())


def counted_submissions(conn: Connection, team_id: int) -> int:
    """The team's submissions that count towards its limits (not rejected)."""
    return conn.execute(select(func.count()).where(submissions.c.team_id == team_id, submissions.c.counts.is_(True),
                                                   submissions.c.status != "error")).scalar_one()


def team_names(conn: Connection, competition_id: int) -> set[str]:
    return set(conn.execute(select(teams.c.name).where(teams.c.competition_id == competition_id)).scalars())


def name_taken(conn: Connection, competition_id: int, name: str, team_id: int) -> bool:
    """Whether another team of the competition is called ``name``."""
    return conn.execute(select(teams.c.id).where(teams.c.competition_id == competition_id, teams.c.name == name,
                                                 teams.c.id != team_id)).first() is not None


def rename(conn: Connection, team_id: int, name: str) -> None:
    conn.execute(update(teams).where(teams.c.id == team_id).values(name=name))


def pending_invite(conn: Connection, from_team_id: int, to_team_id: int) -> bool:
    return conn.execute(select(team_invites.c.id).where(
        team_invites.c.from_team_id == from_team_id, team_invites.c.to_team_id == to_team_id,
        team_invites.c.status == "pending")).first() is not None


def add_invite(conn: Connection, competition_id: int, from_team_id: int, to_team_id: int, created_by: int,
               now: dt.datetime) -> int:
    return conn.execute(insert(team_invites).values(
        competition_id=competition_id, from_team_id=from_team_id, to_team_id=to_team_id,
        created_by=created_by, created_at=now, status="pending",
    )).inserted_primary_key[0]


def pending_invites(conn: Connection, team_id: int) -> list:
    """(id, to_team_id) of the pending invitations to or from the team, oldest first."""
    return conn.execute(select(team_invites.c.id, team_invites.c.to_team_id).where(
        or_(team_invites.c.to_team_id == team_id, team_invites.c.from_team_id == team_id),
        team_invites.c.status == "pending").order_by(team_invites.c.id)).all()


def invite_row(conn: Connection, invite_id: int):
    """The invitation's row, or None."""
    return conn.execute(select(team_invites).where(team_invites.c.id == invite_id)).first()


def invite_names(conn: Connection, invite) -> tuple[str, str]:
    """(the competition's ref, the inviting user's name) of an invitation row."""
    ref = conn.execute(select(competitions.c.ref).where(competitions.c.id == invite.competition_id)).scalar_one()
    by = conn.execute(select(users.c.name).where(users.c.id == invite.created_by)).scalar_one()
    return ref, by


def merge(conn: Connection, invite_id: int, host_id: int, guest_id: int, now: dt.datetime) -> None:
    """Team ``guest_id`` joins ``host_id`` (members and submissions, its selections dropped); the invitation is
    accepted and the guest's other pending invitations cancelled."""
    conn.execute(update(team_members).where(team_members.c.team_id == guest_id).values(team_id=host_id, joined_at=now))
    conn.execute(update(submissions).where(submissions.c.team_id == guest_id).values(team_id=host_id, selected=False))
    conn.execute(update(team_invites).where(team_invites.c.id == invite_id).values(status="accepted", decided_at=now))
    conn.execute(update(team_invites).where(
        or_(team_invites.c.from_team_id == guest_id, team_invites.c.to_team_id == guest_id),
        team_invites.c.status == "pending").values(status="cancelled", decided_at=now))


def decline(conn: Connection, invite_id: int, team_id: int, now: dt.datetime) -> bool:
    """Decline (or withdraw) a pending invitation to or from the team; False when there is none."""
    return bool(conn.execute(update(team_invites).where(
        team_invites.c.id == invite_id, team_invites.c.status == "pending",
        or_(team_invites.c.to_team_id == team_id, team_invites.c.from_team_id == team_id),
    ).values(status="declined", decided_at=now)).rowcount)
