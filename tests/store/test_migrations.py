"""Alembic: the migrations form one line, and a database upgraded as branches joins it."""

from __future__ import annotations

import sqlite3

from alembic.script import ScriptDirectory
from alembic.config import Config

from scrimmage.store import MIGRATIONS, Store


def _script() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def test_migrations_form_one_line():
    script = _script()
    assert len(script.get_heads()) == 1, script.get_heads()
    for rev in script.walk_revisions():
        assert not isinstance(rev.down_revision, (tuple, list)), f"{rev.revision} merges branches"


def test_database_upgraded_as_three_branches_joins_the_line(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.begin() as conn:  # the tables the three branches made
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004_leaderboard")
    engine.dispose()
    head = _script().get_current_head()
    with sqlite3.connect(tmp_path / "old.db") as db:
        # as the branched history recorded it: all three sibling heads
        db.execute("DELETE FROM alembic_version")
        db.executemany("INSERT INTO alembic_version VALUES (?)",
                       [("0002_accounts",), ("0003_coach",), ("0004_leaderboard",)])
    Store(url)
    with sqlite3.connect(tmp_path / "old.db") as db:
        rows = [r[0] for r in db.execute("SELECT version_num FROM alembic_version")]
    assert rows == [head]
