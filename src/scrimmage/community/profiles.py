"""A learner's public profile: the portfolio they link from a CV.

Competitions entered with the final rank and medal (the medal the closed competition's
private leaderboard shows: by Kaggle's thresholds, or by reference with few teams), the
standing so far in open ones (public leaderboard only: nothing private before the close),
learning tracks and lessons, write-ups, shared notebooks, posts and their votes, and progression tiers
(:mod:`.tiers`). A profile is private until its owner makes it public; admins can always
read it.
"""

from __future__ import annotations

from ..errors import ForbiddenError, NotFoundError
from ..store import community as q
from ..store import notebooks as nq
from ..store import profiles as pq
from . import tiers as t
from .records import Profile, Result, TrackRecord

NOBODY = "anonymous"
PRIVATE = "{name} has not made their profile public"


class Profiles:
    """``arena.profiles``: read a profile, make yours public or private."""

    def __init__(self, arena):
        self.arena = arena
        self.store = arena.store

    def set_public(self, user: str, public: bool) -> None:
        with self.store.write() as conn:
            if not user or user == NOBODY or q.user(conn, user) is None:
                raise NotFoundError(f"no user {user!r}")
            pq.set_profile_public(conn, user, public)

    def get(self, name: str, viewer: str | None) -> Profile:
        from ..config import check_user_name
        from ..errors import ConfigError

        try:
            check_user_name(name or "")
        except ConfigError:
            raise NotFoundError(f"no user {name!r}") from None
        with self.store.read() as conn:
            row = q.user(conn, name) if name and name != NOBODY else None
            me = q.user(conn, viewer) if viewer and viewer != NOBODY else None
            if row is None:
                raise NotFoundError(f"no user {name!r}")
            if not (row.profile_public or (me is not None and (me.id == row.id or me.role == "admin"))):
                if me is None:
                    raise NotFoundError(PRIVATE.format(name=name))
                raise ForbiddenError(PRIVATE.format(name=name))
            stats = pq.post_stats(conn, row.id)
            top = pq.top_posts(conn, row.id, 10)
            post_medals = pq.post_vote_counts(conn, row.id)
            notebook_votes = nq.medal_votes(conn, row.id)
        results = self._results(name)
        writeups = [(r.competition, w.id, w.title) for r in results
                    for w in self.arena.writeups.list(r.competition, viewer) if w.author == name]
        notebooks = self.arena.notebooks.list(None, viewer, "votes", owner=name)
        medals = {
            "competitions": _count(r.medal for r in results if r.closed),
            "notebooks": _count(t.medal_for_votes("notebooks", v) for v in notebook_votes),
            "discussion": _count(t.medal_for_votes("discussion", v) for v in post_medals),
        }
        solo_gold = sum(1 for r in results if r.closed and r.medal == "gold" and r.solo)
        active = {"competitions": any(r.score is not None for r in results), "notebooks": bool(notebook_votes),
                  "discussion": stats["posts"] > 0}
        tiers = {c: t.tier(c, {**medals[c], "solo_gold": solo_gold} if c == "competitions" else medals[c], active[c])
                 for c in medals}
        return Profile(
            name=row.name, display_name=row.display_name or row.name, joined=row.created_at,
            public=bool(row.profile_public), results=results, tracks=self._tracks(name), writeups=writeups,
            posts=stats["posts"], post_votes=stats["votes"],
            top_posts=[dict(r._mapping) for r in top], medals=medals, tiers=tiers,
            next_steps={c: t.next_step(c, tiers[c]) for c in tiers}, notebooks=notebooks,
            notebook_votes=sum(notebook_votes),
        )

    def _results(self, name: str) -> list[Result]:
        from ..references import board_rows

        out = []
        for ref in sorted(self.arena.teams.entered(name)):
            comp = self.arena.competition(ref)
            team = self.arena.teams.team(ref, name)
            # the private board only once it is public to everyone: a profile never shows more
            board = self.arena.leaderboard(ref, private=comp.closed, user=NOBODY)
            rows = board_rows(board)
            mine = next((r for r in rows if r.team_id == team.id), None)
            n_teams = sum(1 for r in rows if not r.is_reference)
            out.append(Result(
                competition=ref, title=comp.title, closed=comp.closed, team=team.name, solo=len(team.members) == 1,
                rank=mine.rank if mine else None, teams=n_teams, score=mine.score if mine else None,
                medal=(mine.medal if mine and comp.closed else None),
                standing=(mine.by_reference if mine else ""), lesson="lesson" in comp.tags,
            ))
        return out

    def _tracks(self, name: str) -> list[TrackRecord]:
        from .. import tracks

        out = []
        for track in tracks.tracks():
            steps = tracks.progress(self.arena, track, user=name)
            done = sum(1 for s in steps if s.done)
            if any(s.submissions for s in steps):
                out.append(TrackRecord(track.name, track.title, done, len(steps)))
        return out


def _count(medals) -> dict[str, int]:
    out = {c: 0 for c in t.CLASSES}
    for m in medals:
        if m in out:
            out[m] += 1
    return out
