"""Running the CLI in the test's own process: its exit code and what it printed."""

from __future__ import annotations

import pytest

from scrimmage.cli import main


def run(capsys, *args):
    """``scrimmage ARGS…`` here: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def run_as(capsys, monkeypatch, user, *args):
    """``scrimmage ARGS…`` as ``user`` (SCRIMMAGE_USER): (exit code, stdout, stderr)."""
    monkeypatch.setenv("SCRIMMAGE_USER", user)
    return run(capsys, *args)
