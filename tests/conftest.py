"""Shared fixtures: an isolated SCRIMMAGE_HOME, tiny competition bundles, both databases."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from bundles import write_bundle
from components import require

PG_URL = os.environ.get("SCRIMMAGE_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own SCRIMMAGE_HOME and user, and no stray settings."""
    root = tmp_path / "home"
    for var in ("SCRIMMAGE_DATABASE_URL", "SCRIMMAGE_COMPETITION", "SCRIMMAGE_SERVER", "SCRIMMAGE_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCRIMMAGE_HOME", str(root))
    monkeypatch.setenv("SCRIMMAGE_USER", "alice")
    return root


def _pg_database():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(PG_URL)
    name = f"scrimmage_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, home, monkeypatch):
    """The store's URL: SQLite under SCRIMMAGE_HOME, then the real PostgreSQL server."""
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'scrimmage.db'}"
        monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", url)
        yield url
        return
    if not PG_URL:
        require("PostgreSQL")
    gen = _pg_database()
    url = next(gen)
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", url)
    yield url
    gen.close()



@pytest.fixture
def bundle(tmp_path) -> Path:
    return write_bundle(tmp_path / "tiny")
