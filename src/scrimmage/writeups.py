"""Write-ups: participants share how they did it (markdown).

A write-up is visible to everyone once the competition closes, or earlier when
its author chooses to share it; until then only its author and the host see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import ConfigError, ForbiddenError, NotFoundError
from .store import utcnow
from .store import team_queries
from .store import writeups as q

MAX_TITLE = 200
MAX_BODY = 100_000


@dataclass(frozen=True)
class Writeup:
    id: int
    competition: str
    author: str
    title: str
    body: str
    shared: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class Writeups:
    def __init__(self, arena):
        self.arena = arena
        self.store = arena.store

    def post(self, ref: str, user: str, title: str, body: str, shared: bool = False) -> Writeup:
        comp = self.arena.competition(ref)
        title, body = _check(title, body)
        with self.store.write() as conn:
            if team_queries.team_id(self.store, conn, comp.ref, user) is None:
                raise ForbiddenError(f"join {comp.ref!r} before writing about it")
            wid = q.add(conn, self.store.competition(conn, comp.ref).id, team_queries.user_id(conn, user),
                        title, body, shared, utcnow())
        return self.get(comp.ref, wid, user)

    def edit(self, ref: str, user: str, writeup_id: int, title: str, body: str, shared: bool) -> Writeup:
        current = self.get(ref, writeup_id, user)
        if current.author != user:
            raise ForbiddenError("only its author can edit a write-up")
        title, body = _check(title, body)
        with self.store.write() as conn:
            q.change(conn, writeup_id, title, body, shared, utcnow())
        return self.get(ref, writeup_id, user)

    def list(self, ref: str, viewer: str | None) -> list[Writeup]:
        """The write-ups ``viewer`` may read, newest first."""
        comp = self.arena.competition(ref)
        with self.store.read() as conn:
            rows = q.of_competition(conn, self.store.competition(conn, comp.ref).id)
        everyone = comp.closed or (viewer is not None and self.arena.is_host(comp, viewer))
        return [_writeup(comp.ref, r) for r in rows if everyone or r.shared or r.author == viewer]

    def get(self, ref: str, writeup_id: int, viewer: str | None) -> Writeup:
        found = [w for w in self.list(ref, viewer) if w.id == writeup_id]
        if not found:
            raise NotFoundError(f"no write-up {writeup_id} in {ref!r} that you can read")
        return found[0]


def _check(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    problems = []
    if not title:
        problems.append("a write-up needs a title")
    elif len(title) > MAX_TITLE:
        problems.append(f"the title is too long: at most {MAX_TITLE} characters")
    if not body:
        problems.append("a write-up needs some text")
    elif len(body) > MAX_BODY:
        problems.append(f"the text is too long: at most {MAX_BODY:,} characters")
    if problems:
        raise ConfigError("the write-up was not saved", problems)
    return title, body


def _writeup(ref: str, r) -> Writeup:
    return Writeup(r.id, ref, r.author, r.title, r.body, bool(r.shared), r.created_at, r.updated_at)


__all__ = ["Writeups", "Writeup"]
