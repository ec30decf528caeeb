"""A fresh PostgreSQL database on a server, dropped afterwards: for the tests, the deployment and the benchmarks."""

from __future__ import annotations

import uuid
from contextlib import contextmanager


@contextmanager
def fresh_database(server_url: str, prefix: str = "scrimmage_t"):
    """A new database on the server of ``server_url``; yields its URL, then drops it (ending its connections)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
