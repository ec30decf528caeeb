"""The light paths stay light: what `import scrimmage`, the CLI's help, the remote client and the
commands that read the store load (each in a fresh interpreter; sys.modules afterwards)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

#: Never needed to start the CLI or to read the store.
HEAVY = ("numpy", "pandas", "polars", "pyarrow", "scipy", "sklearn", "alembic", "mako", "fastapi", "uvicorn",
         "matplotlib")

_REPORT = ("import json, sys; {body}; "
           "print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})), file=sys.__stderr__)")


def _loaded(body: str, *args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", _REPORT.format(body=body), *args], capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS="200"), timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_import_scrimmage_is_light():
    loaded = _loaded("import scrimmage")
    assert not loaded & {*HEAVY, "sqlalchemy", "rich"}, loaded & {*HEAVY, "sqlalchemy", "rich"}


def test_cli_help_loads_no_heavy_library():
    loaded = _loaded("from scrimmage.cli import main\ntry: main(['--help'])\nexcept SystemExit: pass")
    assert not loaded & {*HEAVY, "sqlalchemy"}, loaded & {*HEAVY, "sqlalchemy"}


def test_the_remote_client_needs_no_database_library():
    loaded = _loaded("import scrimmage.client, scrimmage.cli.competitions")
    assert "sqlalchemy" not in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def _cli() -> str:
    return "from scrimmage.cli import main\ntry: main(sys.argv[1:])\nexcept SystemExit as e: assert not e.code, e.code"


@pytest.fixture
def arena_with_a_submission(bundle, tmp_path):
    from bundles import write_predictions
    from scrimmage.arena import Arena

    arena = Arena()
    comp = arena.create_competition(bundle)
    arena.submit(comp.ref, write_predictions(tmp_path / "sub.csv", bundle), "first")
    arena.store.engine.dispose()
    return comp.ref


@pytest.mark.parametrize("command", ["files", "leaderboard", "submissions"])
def test_commands_that_read_the_store_load_no_numpy(arena_with_a_submission, command):
    loaded = _loaded(_cli(), "competitions", command, arena_with_a_submission)
    assert "sqlalchemy" in loaded  # the store was really read
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_listing_competitions_loads_no_data_library(arena_with_a_submission):
    loaded = _loaded(_cli(), "competitions", "list")
    assert "sqlalchemy" in loaded
    # the lessons not created yet are listed too, from lessons/_listing.py, not from their trap modules
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
