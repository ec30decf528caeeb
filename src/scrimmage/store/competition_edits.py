"""Changes to a competition's row by its host: its settings and title."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from .schema import competitions


def set_settings(conn: Connection, ref: str, settings: dict, title: str | None = None) -> None:
    """Replace the settings of competition ``ref`` (and its title, when given)."""
    values = {"settings": settings} | ({"title": title} if title is not None else {})
    conn.execute(competitions.update().where(competitions.c.ref == ref).values(**values))

