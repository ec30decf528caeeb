"""A competition's row: added, its settings and title changed, closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection

from .schema import competitions


def set_settings(conn: Connection, ref: str, settings: dict, title: str | None = None) -> None:
    """Replace the settings of competition ``ref`` (and its title, when given)."""
    values = {"settings": settings} | ({"title": title} if title is not None else {})
    conn.execute(competitions.update().where(competitions.c.ref == ref).values(**values))


def add(conn: Connection, ref: str, title: str, metric: str, settings: dict, storage: str, host_user_id: int,
        now: dt.datetime) -> None:
    conn.execute(competitions.insert().values(ref=ref, title=title, metric=metric, settings=settings, storage=storage,
                                              host_user_id=host_user_id, created_at=now))


def close(conn: Connection, ref: str, now: dt.datetime) -> None:
    conn.execute(competitions.update().where(competitions.c.ref == ref).values(closed_at=now))
