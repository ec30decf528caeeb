"""The schema revision this code expects, and a cheap check of a database's.

Opening the store must not load Alembic's script machinery on every command: a database
whose recorded revision is :data:`HEAD` is up to date. A test keeps :data:`HEAD` equal to
the newest migration in ``migrations/versions``.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

#: The newest migration's ``revision`` (kept in sync by tests/store/test_migrations.py).
HEAD = "0016_search_visibility"


def recorded(engine: Engine) -> set[str]:
    """The revisions the database records (empty for a new database)."""
    with engine.connect() as conn:
        return recorded_on(conn)


def recorded_on(conn: Connection) -> set[str]:
    """:func:`recorded`, read on an open connection (inside its transaction)."""
    if not inspect(conn).has_table("alembic_version"):
        return set()
    return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def is_current(engine: Engine) -> bool:
    """True when the database is at :data:`HEAD` (so no upgrade is needed)."""
    return recorded(engine) == {HEAD}
