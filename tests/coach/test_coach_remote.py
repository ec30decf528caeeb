"""The coach and a remote arena (`config set server`): it says clearly that it cannot work there, and how to go on."""

from __future__ import annotations

import pytest

from cliutil import run
from scrimmage import coach
from scrimmage.errors import ConfigError

MESSAGE = ("the coach works on a local arena, but a remote one is configured (server = http://arena.example:8000): "
           "it cannot submit there, since it keeps its folds and runs linked to submissions in the local store. "
           "Run the coach on the arena's machine, or work locally: `scrimmage config unset server` (set it again "
           "to go back), or download the data (`scrimmage competitions download REF`) and submit your files with "
           "`scrimmage competitions submit`")


def test_configured_server_is_refused_with_the_way_on(capsys, comp):
    assert run(capsys, "config", "set", "server", "http://arena.example:8000")[0] == 0
    coach._current = None
    with pytest.raises(ConfigError) as info:
        coach.check(comp)
    assert info.value.message == MESSAGE
    code, out, err = run(capsys, "coach", "advise", comp)
    assert code == 1 and out == "" and err == f"error: {MESSAGE}\n"
    assert run(capsys, "config", "unset", "server")[0] == 0
    assert "Checks on bin" in run(capsys, "coach", "check", comp)[1]  # local again: it works


def test_server_option_is_refused(capsys, comp):
    code, out, err = run(capsys, "--server", "http://arena.example:8000", "coach", "check", comp)
    assert code == 1 and err == f"error: {MESSAGE}\n"
