"""A participant cannot exhaust memory, CPU or disk through a submission (the real CLI, real files)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import zipfile

import polars as pl
import pytest

from bundles import write_bundle
from scrimmage.cli import main
from scrimmage.errors import SubmissionError
from scrimmage.limits import MAX_COLUMNS, MAX_LINE_BYTES
from scrimmage.solution import Solution
from scrimmage.submissions import check_and_align

GIB = 2**30


def run(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out, err


#: Runs the CLI, then writes the peak resident memory of this process image (VmHWM) to the file named
#: by SCRIMMAGE_TEST_PEAK. Not ru_maxrss from wait4: a child started by vfork counts its parent's memory
#: (a test worker's, hundreds of MB after a long run) until it execs.
_PEAK_WRAPPER = """
import os, sys
from scrimmage.cli import main
try:
    main(sys.argv[1:])
finally:
    with open("/proc/self/status") as status, open(os.environ["SCRIMMAGE_TEST_PEAK"], "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def scrimmage(*args, cwd=None):
    """The real CLI in a process of its own: (exit code, stdout, stderr, peak resident memory in MB)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        peak_file = os.path.join(tmp, "peak")
        proc = subprocess.run([sys.executable, "-c", _PEAK_WRAPPER, *args], capture_output=True, cwd=cwd,
                              env={**os.environ, "SCRIMMAGE_TEST_PEAK": peak_file})
        with open(peak_file) as fh:
            peak_kb = int(fh.read())
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode(), peak_kb / 1024


def gzip_bomb(path, inflated: int = GIB):
    """About 1 MB of gzip holding ``inflated`` bytes: a header, then zeros (members of 64 MiB each)."""
    member = gzip.compress(b"0" * 2**26, 9)
    with open(path, "wb") as out:
        out.write(gzip.compress(b"id,target\n"))
        for _ in range(inflated // 2**26):
            out.write(member)
    return path


def test_a_gzip_bomb_is_stopped_at_the_limit_with_flat_memory(tmp_path, bundle):
    bomb = gzip_bomb(tmp_path / "bomb.csv.gz")
    assert bomb.stat().st_size < 1_100_000
    assert scrimmage("competitions", "create", str(bundle))[0] == 0
    code, out, err, peak_mb = scrimmage("competitions", "submit", "tiny", "-f", str(bomb), "-m", "bomb")
    assert code == 1
    assert err.splitlines() == [
        "error: submission rejected: 1 problem(s) found",
        "  - the file inflates past the 500 MB limit once decompressed; the decompressed CSV must stay within it "
        "(write fewer decimals?)",
    ]
    assert peak_mb < 400, f"the CLI peaked at {peak_mb:.0f} MB while reading a 1 GiB gzip bomb"
    code, _, err, plain_mb = scrimmage("competitions", "submit", "tiny", "-f", str(bundle / "sample_submission.csv"),
                                       "-m", "plain")
    assert code == 0, err
    assert peak_mb < plain_mb + 150  # about what an ordinary submission takes


def sol(n: int = 4) -> Solution:
    ids = [f"{i:03d}" for i in range(n)]
    return Solution("id", ("target",), ("target",),
                    pl.DataFrame({"id": ids, "target": [i % 2 for i in range(n)], "Usage": ["Public"] * n}))


def problems_of(path, limit_mb=500.0, kind="score"):
    with pytest.raises(SubmissionError) as info:
        check_and_align(path, sol(), kind, limit_mb)
    return info.value.problems


def test_a_zip_bomb_is_stopped_at_the_limit(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("sub.csv", "w") as fh:
            fh.write(b"id,target\n")
            for _ in range(12):
                fh.write(b"0" * 2**20)
    assert path.stat().st_size < 100_000
    assert problems_of(path, limit_mb=10) == [
        "the file inflates past the 10 MB limit once decompressed; the decompressed CSV must stay within it "
        "(write fewer decimals?)"]


def test_a_compressed_file_within_the_limit_is_read_and_leaves_no_scratch(tmp_path):
    import tempfile

    from scrimmage.scratch import PREFIX

    before = {p.name for p in __import__("pathlib").Path(tempfile.gettempdir()).glob(f"{PREFIX}{os.getpid()}-*")}
    text = "id,target\n" + "".join(f"{i:03d},0.{i}\n" for i in range(4))
    (tmp_path / "s.csv.gz").write_bytes(gzip.compress(text.encode()))
    assert check_and_align(tmp_path / "s.csv.gz", sol(), "score").y_pred.tolist() == [0.0, 0.1, 0.2, 0.3]
    after = {p.name for p in __import__("pathlib").Path(tempfile.gettempdir()).glob(f"{PREFIX}{os.getpid()}-*")}
    assert after == before


def test_a_million_column_header_is_rejected_with_its_count(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n000,1\n")
    assert problems_of(path) == ["the header has 1,000,000 columns; this competition expects 2 (id, target)"]


def test_the_header_line_and_the_columns_are_capped(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"id,target" + b"x" * MAX_LINE_BYTES + b"\n")
    assert problems_of(path) == [f"the first line is longer than {MAX_LINE_BYTES // 2**20} MB; it must be the "
                                 "header, the one in sample_submission.csv: id, target"]
    path.write_text("id,target," + ",".join(f"c{i}" for i in range(MAX_COLUMNS - 1)) + "\n")
    assert problems_of(path) == [f"the header has {MAX_COLUMNS + 1:,} columns; this competition expects 2 (id, target)"]
    path.write_text("id,target," + ",".join(f"extra{i}" for i in range(20)) + "\n000,1\n")
    assert problems_of(path)[0] == ("the header must have the columns of sample_submission.csv: id, target; "
                                    "unexpected: extra0, extra1, extra2, extra3, extra4 (and 15 more)")
    path.write_text("id,target," + ",".join(["dup"] * 5000) + "\n")
    assert problems_of(path) == ["the header repeats column(s) 'dup'; each column must appear once"]


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


def test_a_single_member_gzip_bomb_is_refused_from_its_trailer_without_inflating(tmp_path):
    """The usual bomb (one gzip member, 1 GiB of zeros in about 1 MB) states its size in its trailer."""
    from scrimmage.inflate import inflate

    bomb = tmp_path / "bomb.csv.gz"
    with gzip.GzipFile(bomb, "wb", compresslevel=9) as out:
        out.write(b"id,target\n")
        for _ in range(GIB // 2**26):
            out.write(b"0" * 2**26)
    assert bomb.stat().st_size < 1_100_000
    problems: list[str] = []
    dest = tmp_path / "inflated.csv"
    assert inflate(bomb, "gzip", dest, 500, problems) is None
    assert problems == ["the file inflates past the 500 MB limit once decompressed; the decompressed CSV must stay "
                        "within it (write fewer decimals?)"]
    assert not dest.exists()  # refused before a byte was inflated
