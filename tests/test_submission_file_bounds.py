"""A participant cannot exhaust memory, CPU or disk through a submission file: its size before and after
decompressing, its header (the real CLI, real files)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import zipfile

from submission_files import problems_of, sol
from scrimmage.limits import MAX_COLUMNS, MAX_LINE_BYTES
from scrimmage.submissions import check_and_align

GIB = 2**30


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
