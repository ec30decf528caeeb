"""Fixtures for the coach: small competitions of each task kind, registered in the test's arena."""

from __future__ import annotations

from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

from coach_bundles import make_bundle


@pytest.fixture(autouse=True)
def one_thread():
    with threadpool_limits(1):
        yield


@pytest.fixture(autouse=True)
def fresh_coach():
    """Every test starts without a current coach workspace."""
    import scrimmage.coach as coach

    coach._current = None
    yield
    coach._current = None


@pytest.fixture
def arena(home):
    from scrimmage.arena import Arena

    return Arena()


@pytest.fixture
def comp(tmp_path, arena):
    """A registered binary competition with random folds saved."""
    from scrimmage import coach

    info = arena.create_competition(make_bundle(tmp_path / "bin", "binary"))
    coach.advise_split(info.ref, split="random")
    return info.ref
