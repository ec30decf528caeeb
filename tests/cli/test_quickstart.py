"""The newcomer's first ten minutes: `scrimmage quickstart` works offline on a fresh home."""

import csv

import pytest

from scrimmage.cli import main


def test_quickstart_walks_through_titanic(capsys, tmp_path, home):
    with pytest.raises(SystemExit) as info:
        main(["quickstart", "-p", str(tmp_path / "titanic")])
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    for step in ("Step 1. Download the data", "Step 2. Look at the data", "Step 3. Hold out a validation split",
                 "Step 4. The simplest baseline first", "Step 5. Write the submission", "Step 6. The leaderboard",
                 "What to try next"):
        assert step in out
    assert "public score: 0.7" in out or "public score: 0.8" in out
    with open(tmp_path / "titanic" / "submission.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 418 and set(rows[0]) == {"id", "survived"}
    assert "4 of 5 submissions left today (UTC)" in out
    # a second run keeps working, and says it spends no second submission on the same file
    with pytest.raises(SystemExit) as info:
        main(["quickstart", "-p", str(tmp_path / "titanic")])
    assert info.value.code == 0
    again = capsys.readouterr().out
    assert "entries" in again
    assert "the same file as your submission 1 of " in again
    assert "not submitted again, so this rerun spends none of today's submissions; to submit it anyway: " \
           f"scrimmage competitions submit titanic -f {tmp_path / 'titanic' / 'submission.csv'} -m \"group mean\"" in again
    assert "4 of 5 submissions left today (UTC)" in again
    from scrimmage.arena import Arena

    assert len(Arena().submissions("titanic")) == 1


def test_quickstart_refuses_a_server(capsys, home, monkeypatch):
    from cliutil import run

    refused = "error: quickstart sets up this machine's own arena, not a server's: "
    assert run(capsys, "--server", "http://127.0.0.1:9", "quickstart") == (1, "", refused + "drop --server\n")
    monkeypatch.setenv("SCRIMMAGE_SERVER", "http://127.0.0.1:9")
    assert run(capsys, "quickstart") == (1, "", refused + "unset SCRIMMAGE_SERVER\n")
    monkeypatch.delenv("SCRIMMAGE_SERVER")
    assert run(capsys, "config", "set", "server", "http://127.0.0.1:9")[0] == 0
    assert run(capsys, "quickstart") == (1, "", refused + "run `scrimmage config unset server` first\n")
    assert not (home / "competitions").exists()
