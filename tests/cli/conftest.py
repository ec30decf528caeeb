"""Fixtures of the CLI's tests."""

from __future__ import annotations

import pytest

from bundles import write_bundle
from cliutil import run_as


@pytest.fixture
def tiny(tmp_path, capsys, monkeypatch):
    """The tiny competition's bundle, created by hal."""
    folder = write_bundle(tmp_path / "tiny")
    assert run_as(capsys, monkeypatch, "hal", "competitions", "create", str(folder))[0] == 0
    return folder
