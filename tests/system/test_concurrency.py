"""Daily limits and final selections stay exact with 16 concurrent clients, on both databases."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from bundles import write_bundle, write_predictions
from scrimmage.errors import LimitError
from scrimmage.arena import Arena

CLIENTS = 16
# spawn, not fork: polars' thread pool does not survive a fork
SPAWN = multiprocessing.get_context("spawn")


def _submit(path):
    try:
        return Arena().submit("busy", path, "race").status
    except LimitError:
        return "limit"


def _select(sub_id):
    try:
        Arena().select("busy", sub_id)
        return "selected"
    except LimitError:
        return "limit"


def test_daily_limit_and_selections_are_exact_under_concurrency(db_url, tmp_path):
    folder = write_bundle(tmp_path / "busy", n=50, extra_toml="daily_limit = 5\nfinal_selections = 2\n")
    arena = Arena()
    arena.create_competition(folder)
    path = write_predictions(tmp_path / "s.csv", folder, 0.5)
    with ProcessPoolExecutor(CLIENTS, mp_context=SPAWN) as pool:
        results = list(pool.map(_submit, [path] * CLIENTS))
    assert sorted(results) == ["complete"] * 5 + ["limit"] * (CLIENTS - 5)
    subs = arena.submissions("busy")
    assert sum(s.status == "complete" for s in subs) == 5
    assert len(subs) == CLIENTS  # every attempt is kept and listed
    ids = [s.id for s in subs if s.status == "complete"] * 3
    with ProcessPoolExecutor(CLIENTS, mp_context=SPAWN) as pool:
        results = list(pool.map(_select, ids[:CLIENTS]))
    assert sum(s.selected for s in arena.submissions("busy")) == 2
    assert "limit" in results
