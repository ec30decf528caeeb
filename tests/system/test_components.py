"""A test that needs a missing real component fails under CI=true and otherwise skips, naming it."""

import subprocess
import sys
import textwrap

import pytest

import components


def test_missing_component_skips_naming_it_outside_ci(monkeypatch):
    monkeypatch.setattr(components, "CI", False)
    with pytest.raises(pytest.skip.Exception) as info:
        components.require("PostgreSQL")
    assert str(info.value.msg) == ("needs PostgreSQL, missing here: set SCRIMMAGE_TEST_POSTGRES_URL "
                                   "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)")


def test_missing_component_fails_under_ci(monkeypatch):
    monkeypatch.setattr(components, "CI", True)
    with pytest.raises(pytest.fail.Exception) as info:
        components.require_program("/nonexistent/chromium", "Chromium")
    assert str(info.value.msg) == ("CI=true and this test needs Chromium, missing here: no executable /nonexistent/chromium; "
                                   "apt-get install -y chromium (the browser tests drive /usr/bin/chromium)")
    with pytest.raises(pytest.fail.Exception, match="^CI=true and this test needs mlflow, missing here: cannot import "):
        components.require_module("no_such_module_here", "mlflow")
    with pytest.raises(KeyError, match="unknown component 'GPU'"):
        components.require("GPU")


@pytest.mark.parametrize("ci, outcome", [("true", "1 error"), ("", "1 skipped")])
def test_database_fixture_without_postgresql(tmp_path, ci, outcome):
    """The suite's own db_url fixture, run by pytest without SCRIMMAGE_TEST_POSTGRES_URL."""
    import os
    from pathlib import Path

    tests = Path(__file__).parents[1]
    (tmp_path / "test_pg.py").write_text(textwrap.dedent("""
        def test_store(db_url):
            assert db_url
    """))
    (tmp_path / "conftest.py").write_text((tests / "conftest.py").read_text())
    env = {k: v for k, v in os.environ.items() if k not in ("SCRIMMAGE_TEST_POSTGRES_URL", "CI")}
    env.update(CI=ci, PYTHONPATH=os.pathsep.join([str(tests), env.get("PYTHONPATH", "")]))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-k", "postgresql",
                          str(tmp_path / "test_pg.py")], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert outcome in run.stdout, run.stdout + run.stderr
    assert (run.returncode != 0) == (ci == "true")
    assert "needs PostgreSQL, missing here: set SCRIMMAGE_TEST_POSTGRES_URL" in run.stdout
