"""A participant cannot exhaust memory, CPU or disk through a submission's rows, nor the arena's storage through
failed uploads (the real CLI, real files); the bounds of the file itself are in test_submission_file_bounds.py."""

from __future__ import annotations

import polars as pl
import pytest

from bundles import write_bundle
from cliutil import run
from submission_files import problems_of
from scrimmage.errors import SubmissionError
from scrimmage.solution import Solution
from scrimmage.submissions import check_and_align


def test_quoted_values_are_short(tmp_path):
    long_id = "A" * 100_000
    path = tmp_path / "s.csv"
    path.write_text(f"id,target\n{long_id},\n{long_id}B,x{'y' * 5000}\n000,1\n001,1\n")
    found = problems_of(path)
    assert sum(map(len, found)) < 2_000
    assert ("2 id(s) are not in the test set, e.g. 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'... (100,000 characters), "
            "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'... (100,001 characters) (ids are compared as text, exactly as "
            "written in test.csv)") in found


def test_a_very_long_label_cannot_blow_up_memory(tmp_path):
    # labels become fixed-width numpy strings: 100,000 rows x one 6,000-character value would take 2.4 GB
    n = 100_000
    ids = [f"{i:06d}" for i in range(n)]
    labels = Solution("id", ("target",), ("target",),
                      pl.DataFrame({"id": ids, "target": ["cat", "dog"] * (n // 2), "Usage": ["Public"] * n}))
    path = tmp_path / "s.csv"
    rows = [f"{i},cat" for i in ids]
    rows[7] = f"{ids[7]}," + "d" * 6_000
    path.write_text("id,target\n" + "\n".join(rows) + "\n")
    with pytest.raises(SubmissionError) as info:
        check_and_align(path, labels, "label")
    assert info.value.problems == ["column 'target' has 1 value(s) longer than 5,000 characters, the most a "
                                   "value may have in this competition, e.g. at id '000007'"]


# failed uploads and storage quotas (both databases) -----------------------------------------
@pytest.mark.local_files  # counts the files kept under the home
def test_failed_uploads_are_limited_and_refused_ones_are_not_stored(capsys, db_url, tmp_path, home):
    folder = write_bundle(tmp_path / "tiny", extra_toml="daily_limit = 1\n")
    assert run(capsys, "competitions", "create", str(folder))[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("nope\n")
    for _ in range(3):
        code, _, err = run(capsys, "competitions", "submit", "tiny", "-f", str(bad), "-m", "bad")
        assert code == 1 and "submission rejected" in err
    stored = sorted((home / "submissions" / "tiny").iterdir())
    assert len(stored) == 3  # rejected files are kept
    code, _, err = run(capsys, "competitions", "submit", "tiny", "-f", str(folder / "sample_submission.csv"), "-m", "ok")
    assert code == 1
    assert err.strip() == ("error: too many rejected submissions today: your team has had 3 of 3 (3 x the daily "
                           "limit of 1) per UTC day; fix the problems listed with your earlier submissions and try "
                           "again after midnight UTC; this file was not stored")
    assert sorted((home / "submissions" / "tiny").iterdir()) == stored  # nothing stored, nothing removed


@pytest.mark.local_files  # counts the files kept under the home
def test_team_and_server_storage_quotas(capsys, db_url, tmp_path, home, monkeypatch):
    folder = write_bundle(tmp_path / "tiny", extra_toml="daily_limit = 20\n")
    assert run(capsys, "competitions", "create", str(folder))[0] == 0
    sample = folder / "sample_submission.csv"
    size = sample.stat().st_size
    monkeypatch.setenv("SCRIMMAGE_TEAM_STORAGE_MB", str(2.5 * size / 1e6))
    for _ in range(2):
        assert run(capsys, "competitions", "submit", "tiny", "-f", str(sample), "-m", "ok")[0] == 0
    code, _, err = run(capsys, "competitions", "submit", "tiny", "-f", str(sample), "-m", "third")
    assert code == 1
    assert err.strip() == (f"error: your team's kept submission files take {2 * size / 1e6:.1f} MB; this "
                           f"{size / 1e6:.1f} MB file would pass the team storage quota of {2.5 * size / 1e6:g} MB; "
                           "nothing was stored: ask the arena's admin to raise team_storage_mb")
    monkeypatch.delenv("SCRIMMAGE_TEAM_STORAGE_MB")
    monkeypatch.setenv("SCRIMMAGE_SERVER_STORAGE_MB", str(2.5 * size / 1e6))
    monkeypatch.setenv("SCRIMMAGE_USER", "bob")
    code, _, err = run(capsys, "competitions", "submit", "tiny", "-f", str(sample), "-m", "bob's")
    assert code == 1
    assert err.strip() == (f"error: the arena's kept submission files take {2 * size / 1e6:.1f} MB; this "
                           f"{size / 1e6:.1f} MB file would pass the server storage quota of {2.5 * size / 1e6:g} MB; "
                           "nothing was stored: ask the arena's admin to raise server_storage_mb")
    assert len(list((home / "submissions" / "tiny").iterdir())) == 2


def test_a_bad_quota_setting_is_named(capsys, monkeypatch):
    monkeypatch.setenv("SCRIMMAGE_TEAM_STORAGE_MB", "lots")
    code, _, err = run(capsys, "competitions", "list")
    assert code == 1 and err.strip() == "error: team_storage_mb must be a positive number of MB, got 'lots'"
