"""Shared fixtures: an isolated SCRIMMAGE_HOME, tiny competition bundles, both databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import s3
from bundles import write_bundle
from components import require
from databases import fresh_database

PG_URL = os.environ.get("SCRIMMAGE_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def home(request, tmp_path, monkeypatch) -> Path:
    """Every test gets its own SCRIMMAGE_HOME and user, and no stray settings; with
    SCRIMMAGE_TEST_STORAGE=s3 its files go to a prefix of its own on a real S3 server (tests/s3.py), unless
    it is marked ``local_files`` (it checks files in SCRIMMAGE_HOME itself)."""
    root = tmp_path / "home"
    for var in ("SCRIMMAGE_DATABASE_URL", "SCRIMMAGE_COMPETITION", "SCRIMMAGE_SERVER", "SCRIMMAGE_TOKEN",
                "SCRIMMAGE_STORAGE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SCRIMMAGE_HOME", str(root))
    monkeypatch.setenv("SCRIMMAGE_USER", "alice")
    if s3.KIND == "s3" and request.node.get_closest_marker("local_files") is None:
        s3.use_s3(monkeypatch)
    return root


@pytest.fixture(params=["local", "s3"])
def storage_kind(request, home, monkeypatch) -> str:
    """Both kinds of store: the folder SCRIMMAGE_HOME, then a real S3 server on loopback."""
    monkeypatch.delenv("SCRIMMAGE_STORAGE_URL", raising=False)
    if request.param == "s3":
        s3.use_s3(monkeypatch)
    return request.param


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
    with fresh_database(PG_URL) as url:
        monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", url)
        yield url


@pytest.fixture
def postgres_url():
    """A fresh database of its own on the real PostgreSQL server (not made the test's store)."""
    if not PG_URL:
        require("PostgreSQL")
    with fresh_database(PG_URL) as url:
        yield url



@pytest.fixture
def bundle(tmp_path) -> Path:
    return write_bundle(tmp_path / "tiny")
