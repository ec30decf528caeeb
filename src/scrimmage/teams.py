"""Teams: everyone is a team of one; invitations merge teams under Kaggle's rules.

An invitation goes from a team to a user of another team; when that user
accepts, their whole team joins the inviting team (members and submissions).
A merge is allowed only while the competition is open, before its
``merger_deadline``, within ``max_team_size``, and only if the merged team's
submissions number no more than ``daily_limit`` × the days the competition has
run (Kaggle's rule). Final selections of the joining team are dropped, so the
merged team keeps at most its own ``final_selections``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import ConflictError, ForbiddenError, LimitError, NotFoundError
from .store import team_queries as q
from .store import utcnow
from .team_names import check_team_name


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    competition: str
    members: list[str]
    submission_count: int


@dataclass(frozen=True)
class Invite:
    id: int
    competition: str
    from_team: str
    to_team: str
    to_members: list[str]
    created_by: str
    created_at: dt.datetime
    status: str


class Teams:
    def __init__(self, arena):
        self.arena = arena
        self.store = arena.store

    def join(self, ref: str, user: str) -> Team:
        """Enter the competition (accept its rules): the user becomes a team of one."""
        comp = self.arena.competition(ref)
        with self.store.write() as conn:
            row = self.store.competition(conn, comp.ref)
            uid = self.store.ensure_user(conn, user)
            self.store.ensure_team(conn, row.id, uid, _free_name(conn, row.id, user))
        return self.team(comp.ref, user)

    def team(self, ref: str, user: str) -> Team | None:
        """The user's team in ``ref``, or None before they join."""
        comp = self.arena.competition(ref)
        with self.store.read() as conn:
            team_id = q.team_id(self.store, conn, comp.ref, user)
            return _team(conn, comp.ref, team_id) if team_id else None

    def entered(self, user: str | None) -> set[str]:
        """The refs of the competitions ``user`` has joined."""
        if not user:
            return set()
        with self.store.read() as conn:
            return q.entered_refs(conn, user)

    def used_today(self, ref: str, user: str) -> tuple[int, int]:
        """(scored submissions the user's team made today (UTC), the daily limit)."""
        comp = self.arena.competition(ref)
        with self.store.read() as conn:
            team_id = q.team_id(self.store, conn, comp.ref, user)
            used = self.store.used_today(conn, team_id, utcnow()) if team_id else 0
        return used, comp.daily_limit

    def rename(self, ref: str, user: str, name: str) -> Team:
        team = self._own(ref, user)
        name = name.strip()
        if not 1 <= len(name) <= 64:
            raise ConflictError("a team name needs 1 to 64 characters")
        check_team_name(name)
        with self.store.write() as conn:
            comp_id = self.store.competition(conn, team.competition).id
            is_user = q.user_id(conn, name) is not None
            if q.name_taken(conn, comp_id, name, team.id) or (is_user and name not in team.members):
                raise ConflictError(f"the team name {name!r} is taken in {team.competition!r}; choose another")
            q.rename(conn, team.id, name)
            self.store.bump_board(conn, comp_id)
        return self.team(ref, user)

    def invite(self, ref: str, user: str, other: str) -> Invite:
        """Invite ``other`` (and their team) to join the user's team."""
        mine = self._own(ref, user)
        comp = self.arena.competition(ref)
        theirs = self.team(comp.ref, other) if self._exists(other) else None
        if theirs is None:
            raise NotFoundError(f"{other!r} has not joined {comp.ref!r}; they must join before you can invite them")
        if theirs.id == mine.id:
            raise ConflictError(f"{other!r} is already in your team")
        self._check_merge(comp, mine, theirs)
        with self.store.write() as conn:
            if q.pending_invite(conn, mine.id, theirs.id):
                raise ConflictError(f"you have already invited {other!r}; wait for them to accept")
            invite_id = q.add_invite(conn, self.store.competition(conn, comp.ref).id, mine.id, theirs.id,
                                     q.user_id(conn, user), utcnow())
        return self._invite(invite_id)

    def invites(self, ref: str, user: str) -> tuple[list[Invite], list[Invite]]:
        """(invitations to the user's team, invitations it sent), pending ones only."""
        team = self.team(ref, user)
        if team is None:
            return [], []
        with self.store.read() as conn:
            rows = q.pending_invites(conn, team.id)
        got = [self._invite(r.id) for r in rows]
        return [i for i, r in zip(got, rows) if r.to_team_id == team.id], [i for i, r in zip(got, rows) if r.to_team_id != team.id]

    def accept(self, ref: str, user: str, invite_id: int) -> Team:
        """Accept an invitation: the user's team joins the inviting team."""
        comp = self.arena.competition(ref)
        mine = self._own(comp.ref, user)
        with self.store.read() as conn:
            inv = q.invite_row(conn, invite_id)
        if inv is None or inv.to_team_id != mine.id or inv.status != "pending":
            raise NotFoundError(f"no pending invitation {invite_id} for you in {comp.ref!r}")
        now = utcnow()
        with self.store.write() as conn:
            for team_id in sorted((inv.from_team_id, inv.to_team_id)):
                self.store.lock_team(conn, team_id, now)
            host, guest = _team(conn, comp.ref, inv.from_team_id), _team(conn, comp.ref, inv.to_team_id)
            self._check_merge(comp, host, guest)
            q.merge(conn, invite_id, host.id, guest.id, now)
            self.store.bump_board(conn, self.store.competition(conn, comp.ref).id)
        return self.team(comp.ref, user)

    def decline(self, ref: str, user: str, invite_id: int) -> None:
        """Decline an invitation to your team, or withdraw one your team sent."""
        mine = self._own(ref, user)
        with self.store.write() as conn:
            done = q.decline(conn, invite_id, mine.id, utcnow())
        if not done:
            raise NotFoundError(f"no pending invitation {invite_id} for you in {mine.competition!r}")

    # rules ------------------------------------------------------------------------
    def _check_merge(self, comp, a: Team, b: Team) -> None:
        now = utcnow()
        if comp.closed:
            raise LimitError(f"{comp.ref!r} is closed; teams can no longer merge")
        raw = comp.settings.get("merger_deadline")
        if raw:
            deadline = dt.datetime.fromisoformat(raw).astimezone(dt.timezone.utc).replace(tzinfo=None)
            if now >= deadline:
                raise LimitError(f"the team merger deadline of {comp.ref!r} has passed ({deadline:%Y-%m-%d %H:%M} UTC); "
                                 "teams can no longer merge")
        size, limit = len(a.members) + len(b.members), comp.max_team_size
        if size > limit:
            raise LimitError(f"the merged team would have {size} members; {comp.ref!r} allows at most {limit} per team")
        days = days_running(comp.created_at, now)
        allowed = comp.daily_limit * days
        count = a.submission_count + b.submission_count
        if count > allowed:
            raise LimitError(
                f"the merged team would have {count} submissions, more than the {allowed} allowed by now "
                f"({comp.daily_limit} a day x {days} day{'s' * (days != 1)} the competition has run); "
                "teams with many submissions can merge later"
            )

    def _own(self, ref: str, user: str) -> Team:
        team = self.team(ref, user)
        if team is None:
            raise ForbiddenError(f"join {self.arena.competition(ref).ref!r} first: you have no team there yet")
        return team

    def _exists(self, name: str) -> bool:
        with self.store.read() as conn:
            return q.user_id(conn, name) is not None

    def _invite(self, invite_id: int) -> Invite:
        with self.store.read() as conn:
            inv = q.invite_row(conn, invite_id)
            ref, by = q.invite_names(conn, inv)
            a, b = _team(conn, ref, inv.from_team_id), _team(conn, ref, inv.to_team_id)
        return Invite(inv.id, ref, a.name, b.name, b.members, by, inv.created_at, inv.status)


def days_running(created_at: dt.datetime | None, now: dt.datetime) -> int:
    """Days the competition has run, counting its first (UTC) day as day 1."""
    if created_at is None:
        return 1
    return (now.date() - created_at.date()).days + 1


def _team(conn, ref: str, team_id: int) -> Team:
    row = q.team_row(conn, team_id)
    return Team(row.id, row.name, ref, q.member_names(conn, team_id), q.counted_submissions(conn, team_id))


def _free_name(conn, competition_id: int, name: str) -> str:
    """``name``, or ``name-2``, ``name-3``... when a team already uses it."""
    taken = q.team_names(conn, competition_id)
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name}-{n}"
    return out


__all__ = ["Teams", "Team", "Invite", "days_running"]
