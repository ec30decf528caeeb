"""The public share shown (pages, coach) is the solution's real Usage counts, not the bundle's default fraction."""

import pytest
from sqlalchemy import update

from bundles import write_bundle
from scrimmage.arena import Arena
from scrimmage.store.schema import competitions


def test_titanic_public_share_is_its_real_usage_counts(home):
    comp = Arena().competition("titanic")
    assert comp.settings["usage_rows"] == {"Public": 209, "Private": 209, "Ignored": 0}
    assert comp.public_rows == 209 and comp.public_share == 0.5
    assert comp.settings.get("public_fraction", 0.25) == 0.25  # the bundle's default fraction is not what is shown


def test_pages_say_the_real_share(home, tmp_path):
    from fastapi.testclient import TestClient

    from scrimmage.config import Settings
    from scrimmage.web import create_app

    folder = write_bundle(tmp_path / "tiny")  # 50 of 200 test rows are Public
    (folder / "solution.csv").write_text("id,target,Usage\n" + "".join(
        f"{i:03d},{i % 2},{'Public' if i % 5 < 3 else 'Private'}\n" for i in range(200, 400)))
    app = create_app(Settings.load())
    app.state.arena.create_competition(folder)
    c = TestClient(app)
    assert "about 60% of the test rows" in c.get("/c/tiny/leaderboard").text
    assert "about 60% of the test rows" in c.get("/c/tiny").text


@pytest.mark.local_files  # the migration reads the home's own folder, as arenas of its time kept it
def test_migration_records_the_counts_of_an_existing_competition(db_url, home, tmp_path):
    from alembic.config import Config
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from scrimmage.store import MIGRATIONS

    arena = Arena()
    arena.create_competition(write_bundle(tmp_path / "tiny"))
    with arena.store.write() as conn:  # as a store created before the counts were recorded
        row = arena.store.competition(conn, "tiny")
        settings = {k: v for k, v in row.settings.items() if k != "usage_rows"}
        conn.execute(update(competitions).where(competitions.c.id == row.id)
                     .values(settings=settings, storage=str(home / row.storage)))  # a path then, not a key
    # the data migration itself, run on the store as it was before it (later migrations stay as they are)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    migration = ScriptDirectory.from_config(cfg).get_revision("0009_usage_rows").module
    with arena.store.engine.begin() as conn:
        with Operations.context(MigrationContext.configure(conn)):
            migration.upgrade()
    arena.store.engine.dispose()
    assert Arena().competition("tiny").settings["usage_rows"] == {"Public": 50, "Private": 150, "Ignored": 0}
    assert Arena().competition("tiny").public_share == 0.25


def test_coach_noise_band_is_sized_from_the_public_rows(home, tmp_path):
    from scrimmage import coach

    folder = write_bundle(tmp_path / "tiny")
    (folder / "solution.csv").write_text("id,target,Usage\n" + "".join(
        f"{i:03d},{i % 2},{'Public' if i % 5 < 3 else 'Private'}\n" for i in range(200, 400)))
    Arena().create_competition(folder)
    coach.advise_split("tiny", split="random")
    assert coach.track("tiny").n_public == 120  # 60 % of 200 test rows; the default fraction would say 50
    assert "public split about 120 rows" in str(coach.track("tiny"))
