"""Alembic: the migrations form one line, and a database upgraded as branches joins it."""

from __future__ import annotations

import sqlite3

import pytest

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


def test_head_constant_is_the_newest_migration():
    from scrimmage.store import revision

    head = _script().get_current_head()
    assert revision.HEAD == head, (
        f"scrimmage.store.revision.HEAD is {revision.HEAD!r} but the newest migration is {head!r}: "
        "set HEAD to the newest migration's revision"
    )


def test_a_database_behind_head_is_upgraded_on_open(db_url):
    from sqlalchemy import text

    from scrimmage.store import make_engine, revision

    _move(db_url, "0003_coach", "upgrade")
    engine = make_engine(db_url)
    assert revision.recorded(engine) == {"0003_coach"}
    assert not revision.is_current(engine)
    store = Store(db_url)
    assert revision.recorded(store.engine) == {revision.HEAD}
    with store.engine.connect() as conn:  # 0004's column exists: the upgrade really ran
        assert conn.execute(text("SELECT board_version FROM competitions")).all() == []
    store.engine.dispose()
    engine.dispose()


def test_a_new_database_is_created_at_head(db_url):
    from scrimmage.store import revision

    store = Store(db_url)
    assert revision.recorded(store.engine) == {revision.HEAD}
    store.engine.dispose()


def test_opening_a_current_database_does_not_load_alembic(db_url):
    import subprocess
    import sys

    Store(db_url).engine.dispose()
    code = ("import sys; from scrimmage.store import Store; Store(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))")
    out = subprocess.run([sys.executable, "-c", code, db_url], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def _upgrade(conn, target: str, step: str = "upgrade") -> None:
    """Move the database on ``conn`` to revision ``target`` (``step``: "upgrade" or "downgrade")."""
    from alembic import command


    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    getattr(command, step)(cfg, target)


def _move(url: str, target: str, step: str) -> None:
    from scrimmage.store import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        _upgrade(conn, target, step)
    engine.dispose()


def test_processes_opening_an_old_database_at_once_migrate_it_once(postgres_url):
    """Replicas started together on an old PostgreSQL schema: one migrates, the others wait, then find it current."""
    import threading
    import time

    from sqlalchemy import text

    from scrimmage.store import MIGRATION_LOCK, make_engine, revision

    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        _upgrade(conn, "0003_coach")
    outcome: dict = {}

    def open_store():
        try:
            outcome["store"] = Store(postgres_url)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = exc

    # a first process is migrating: it holds the lock, its migration not yet committed
    first = engine.connect()
    tx = first.begin()
    first.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    _upgrade(first, "head")
    second = threading.Thread(target=open_store)
    second.start()
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    deadline = time.monotonic() + 120  # a safety net only: the second process waits on the lock long before
    with engine.connect() as probe:
        while probe.execute(waiting).scalar() == 0:
            assert second.is_alive() and time.monotonic() < deadline, f"the second process did not wait: {outcome}"
            time.sleep(0.05)
    tx.commit()  # the first process's migration is done
    first.close()
    second.join(120)
    assert "error" not in outcome, f"the second process failed instead of finding the schema current: {outcome['error']}"
    assert revision.recorded(outcome["store"].engine) == {revision.HEAD}
    outcome["store"].engine.dispose()
    engine.dispose()


def test_a_database_migrated_by_a_newer_scrimmage_is_refused(db_url):
    from sqlalchemy import text

    from scrimmage.errors import ConfigError
    from scrimmage.store import make_engine, revision

    Store(db_url).engine.dispose()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    with pytest.raises(ConfigError) as info:
        Store(db_url)
    assert str(info.value) == (
        f"the database is at schema revision 0099_future, newer than this scrimmage knows (its newest is "
        f"{revision.HEAD}): a newer scrimmage migrated it; upgrade scrimmage here (pip install --upgrade scrimmage) "
        "to use this database")


def test_admin_migrate_says_from_which_revision(db_url):
    import subprocess
    import sys

    from scrimmage.store import make_engine, revision

    engine = make_engine(db_url)
    with engine.begin() as conn:
        _upgrade(conn, "0003_coach")
    engine.dispose()

    def migrate(*flags):
        return subprocess.run([sys.executable, "-m", "scrimmage", "admin", "migrate", "--db", db_url, *flags],
                              capture_output=True, text=True, timeout=300)

    out = migrate("--check")  # says so, changes nothing
    assert (out.returncode, out.stderr.strip()) == (1, (
        f"error: the schema is at 0003_coach; this version needs {revision.HEAD}: stop the servers that use this "
        "database, run scrimmage admin migrate, then start them"))
    assert revision.recorded(engine) == {"0003_coach"}
    out = migrate()
    assert (out.returncode, out.stdout.strip()) == (0, f"the schema was at 0003_coach; now at {revision.HEAD}"), out.stderr
    assert migrate("--check").stdout.strip() == f"the schema is at {revision.HEAD}, this version's: nothing to do"
    out = migrate()
    assert out.stdout.strip() == f"the schema is at {revision.HEAD}, this version's: nothing to do"
    engine = make_engine(db_url)
    with engine.begin() as conn:
        from sqlalchemy import text

        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    out = migrate()
    assert out.returncode == 1 and out.stderr.startswith("error: the database is at schema revision 0099_future, newer")


def test_absolute_paths_of_an_older_arena_become_storage_keys(db_url, home, tmp_path):
    from sqlalchemy import select

    from bundles import write_bundle, write_predictions
    from scrimmage.arena import Arena
    from scrimmage.store import make_engine
    from scrimmage.store.schema import competitions, submissions
    from scrimmage.stored_files import check

    arena = Arena()
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)
    sub = arena.submit("tiny", write_predictions(tmp_path / "p.csv", folder, 0.5))

    def recorded():
        with make_engine(db_url).connect() as conn:
            return (conn.execute(select(competitions.c.storage)).scalar_one(),
                    conn.execute(select(submissions.c.stored_path)).scalar_one())

    assert recorded() == ("competitions/tiny", sub.stored_path)
    assert sub.stored_path.startswith("submissions/tiny/") and sub.stored_path.endswith("-p.csv")
    _move(db_url, "0010_rescoring", "downgrade")  # the records as the arena wrote them before keys: absolute paths
    assert recorded() == (str(home / "competitions" / "tiny"), str(home / sub.stored_path))

    again = Arena()  # opening the store upgrades it
    assert recorded() == ("competitions/tiny", sub.stored_path)
    assert [f.name for f in again.files("tiny")] == ["sample_submission.csv", "test.csv", "train.csv"]
    assert check(again) == []
    assert again.submit("tiny", write_predictions(tmp_path / "q.csv", folder, 0.9)).status == "complete"


def test_a_path_the_arena_did_not_write_is_left_as_it_is():
    import importlib

    keys = importlib.import_module("scrimmage.store.migrations.versions.0014_storage_keys")
    assert keys.key("/srv/old/submissions/tiny/x.csv", "submissions", 2) == "submissions/tiny/x.csv"
    assert keys.key("/srv/old/competitions/tiny", "competitions", 1) == "competitions/tiny"
    assert keys.key("/elsewhere/x.csv", "submissions", 2) == "/elsewhere/x.csv"
    assert keys.key("submissions/tiny/x.csv", "submissions", 2) == "submissions/tiny/x.csv"


def test_posts_of_an_older_arena_are_given_their_discussion(db_url, tmp_path):
    """0015: each post records its topic's competition (NULL in the site forum); on PostgreSQL the GIN
    index of the posts' text keeps no pending list of unindexed posts."""
    from sqlalchemy import select, text

    from bundles import write_bundle
    from scrimmage.arena import Arena
    from scrimmage.store import make_engine
    from scrimmage.store.schema import competitions, forum_posts

    arena = Arena()
    arena.create_competition(write_bundle(tmp_path / "tiny"))
    topic = arena.discussion.create_topic("tiny", "host", "Boosting", "gradient boosting")
    arena.discussion.reply(topic.topic.id, "host", "boosting again")
    arena.discussion.create_topic(None, "host", "Welcome", "boosting in the site forum")

    def scopes():
        with make_engine(db_url).connect() as conn:
            tiny = conn.execute(select(competitions.c.id)).scalar_one()
            rows = conn.execute(select(forum_posts.c.competition_id).order_by(forum_posts.c.id)).scalars().all()
            return tiny, rows

    tiny, rows = scopes()
    assert rows == [tiny, tiny, None]
    _move(db_url, "0014_storage_keys", "downgrade")

    again = Arena()  # opening the store upgrades it
    assert scopes() == (tiny, [tiny, tiny, None])
    assert [h.title for h in again.discussion.search("boosting", "host", "tiny")] == ["Boosting", "Boosting"]
    assert [h.title for h in again.discussion.search("boosting", "host")] == ["Welcome"]
    if db_url.startswith("postgresql"):
        with make_engine(db_url).connect() as conn:
            options = conn.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'ix_forum_posts_search'"))
            assert options.scalar_one() == ["fastupdate=off"]
