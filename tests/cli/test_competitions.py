"""`scrimmage competitions …` on the local store: what it prints, and where."""

from __future__ import annotations

from cliutil import run_as
from scrimmage.limits import human_size


def test_a_failed_download_or_rescore_prints_nothing_on_stdout(tiny, capsys, monkeypatch, tmp_path):
    assert run_as(capsys, monkeypatch, "pat", "c", "download", "tiny", "-f", "nosuch.csv", "-p", str(tmp_path)) == (
        1, "", "error: no public file 'nosuch.csv'; the files are: sample_submission.csv, test.csv, train.csv\n")
    assert run_as(capsys, monkeypatch, "pat", "competitions", "rescore", "tiny") == (
        1, "", "error: only the host of 'tiny' can rescore it\n")
    code, out, _ = run_as(capsys, monkeypatch, "pat", "c", "download", "tiny", "-f", "train.csv", "-p", str(tmp_path))
    assert (code, out) == (0, f"{tmp_path / 'train.csv'} ({human_size((tmp_path / 'train.csv').stat().st_size)})\n")
