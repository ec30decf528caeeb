"""Write-ups' queries (see scrimmage/writeups.py for who may read what)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from .schema import users, writeups


def add(conn: Connection, competition_id: int, user_id: int, title: str, body: str, shared: bool,
        now: dt.datetime) -> int:
    return conn.execute(insert(writeups).values(
        competition_id=competition_id, user_id=user_id, title=title, body=body, shared=shared,
        created_at=now, updated_at=now,
    )).inserted_primary_key[0]


def change(conn: Connection, writeup_id: int, title: str, body: str, shared: bool, now: dt.datetime) -> None:
    conn.execute(update(writeups).where(writeups.c.id == writeup_id)
                 .values(title=title, body=body, shared=shared, updated_at=now))


def of_competition(conn: Connection, competition_id: int) -> list:
    """Every write-up of the competition with its ``author``'s name, newest first."""
    return conn.execute(select(writeups, users.c.name.label("author")).join(users, users.c.id == writeups.c.user_id)
                        .where(writeups.c.competition_id == competition_id)
                        .order_by(writeups.c.created_at.desc(), writeups.c.id.desc())).all()
