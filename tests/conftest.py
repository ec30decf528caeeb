"""Shared fixtures: an isolated SCRIMMAGE_HOME, tiny competition bundles, both databases."""

from __future__ import annotations

import os
import textwrap
import uuid
from pathlib import Path

import numpy as np
import pytest

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
        pytest.skip("PostgreSQL tests need SCRIMMAGE_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)")
    gen = _pg_database()
    url = next(gen)
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", url)
    yield url
    gen.close()


def write_bundle(folder: Path, n: int = 200, *, toml: str | None = None, seed: int = 0, usage: bool = True,
                 extra_toml: str = "") -> Path:
    """A small binary-classification bundle with ids like "000", "001", ... and a roc_auc metric."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    x = rng.normal(size=2 * n)
    y = (x + rng.normal(scale=1.0, size=2 * n) > 0).astype(int)
    ids = [f"{i:03d}" for i in range(2 * n)]
    with open(folder / "train.csv", "w") as fh:
        fh.write("id,x,target\n")
        for i in range(n):
            fh.write(f"{ids[i]},{x[i]:.4f},{y[i]}\n")
    with open(folder / "test.csv", "w") as fh:
        fh.write("id,x\n")
        for i in range(n, 2 * n):
            fh.write(f"{ids[i]},{x[i]:.4f}\n")
    with open(folder / "sample_submission.csv", "w") as fh:
        fh.write("id,target\n")
        for i in range(n, 2 * n):
            fh.write(f"{ids[i]},0.5\n")
    with open(folder / "solution.csv", "w") as fh:
        fh.write("id,target" + (",Usage" if usage else "") + "\n")
        for k, i in enumerate(range(n, 2 * n)):
            tail = ("," + ("Public" if k % 4 == 0 else "Private")) if usage else ""
            fh.write(f"{ids[i]},{y[i]}{tail}\n")
    if toml is None:
        toml = 'title = "Tiny"\nmetric = "roc_auc"\nid_column = "id"\n'
    (folder / "competition.toml").write_text(textwrap.dedent(toml) + extra_toml)
    return folder


@pytest.fixture
def bundle(tmp_path) -> Path:
    return write_bundle(tmp_path / "tiny")


def solution_targets(folder: Path) -> dict[str, int]:
    import csv

    with open(folder / "solution.csv") as fh:
        return {row["id"]: int(row["target"]) for row in csv.DictReader(fh)}


def write_predictions(path: Path, folder: Path, quality: float = 1.0, seed: int = 1) -> Path:
    """A submission mixing the true target (weight ``quality``) with noise."""
    rng = np.random.default_rng(seed)
    truth = solution_targets(folder)
    with open(path, "w") as fh:
        fh.write("id,target\n")
        for i, t in truth.items():
            fh.write(f"{i},{quality * t + (1 - quality) * rng.random():.6f}\n")
    return path
