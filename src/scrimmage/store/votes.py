"""Upvotes, one per user and thing (a post, a notebook), counted on the thing's row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Table, delete, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError


def vote(conn: Connection, votes: Table, key: str, things: Table, thing_id: int, user_id: int,
         now: dt.datetime) -> bool:
    """Add the user's upvote to ``things`` row ``thing_id`` (``votes.c[key]`` names it); False when it was there."""
    try:
        with conn.begin_nested():
            conn.execute(insert(votes).values({key: thing_id, "user_id": user_id, "created_at": now}))
    except IntegrityError:
        return False
    conn.execute(update(things).where(things.c.id == thing_id).values(votes=things.c.votes + 1))
    return True


def unvote(conn: Connection, votes: Table, key: str, things: Table, thing_id: int, user_id: int) -> bool:
    """Take the user's upvote back; False when there was none."""
    gone = conn.execute(delete(votes).where(votes.c[key] == thing_id, votes.c.user_id == user_id)).rowcount
    if gone:
        conn.execute(update(things).where(things.c.id == thing_id).values(votes=things.c.votes - 1))
    return bool(gone)
