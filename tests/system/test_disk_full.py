"""A full disk and a killed server, on a real `scrimmage serve` process: a clear 507 and nothing
half-stored; partial uploads left by kill -9 are removed at the next start."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from webutil import cheap_hashing, signed_up, token_for, write_bundle  # noqa: F401 - fixtures
from scrimmage.config import Settings
from scrimmage.web import create_app

pytestmark = pytest.mark.local_files  # fills the disk that holds the home

DISK_FULL = "the server's disk is full; nothing was stored, try again later"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(prefix: list[str] | None = None):
    """``scrimmage serve`` in a process of its own (after ``prefix``, e.g. a mount namespace); yields (url, process)."""
    port = free_port()
    cmd = (prefix or []) + [sys.executable, "-m", "scrimmage", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(url + "/api/competitions", timeout=5)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {proc.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def arena_home(home, tmp_path):
    """'tiny' created and joined by pat in the test's SCRIMMAGE_HOME; pat's API header."""
    app = create_app(Settings.load())
    a = app.state.arena
    a.create_competition(write_bundle(tmp_path / "tiny"))
    signed_up(app, "pat")
    a.teams.join("tiny", "pat")
    auth = token_for(app, "pat")
    a.store.engine.dispose()
    return a, auth


def test_a_full_disk_gives_507_and_stores_nothing(arena_home, home, tmp_path):
    if shutil.which("unshare") is None:
        pytest.fail("this test needs unshare (util-linux) to give the server a small disk of its own")
    a, auth = arena_home
    kept = home / "submissions"
    kept.mkdir(parents=True, exist_ok=True)
    # the server sees a 1 MB file system where it keeps submissions (a mount namespace of its own)
    prefix = ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=1m tmpfs "$0" && exec "$@"', str(kept)]
    big = tmp_path / "big.csv"
    big.write_text("id,target\n" + "".join(f"{i:03d},0.5{'0' * 60}\n" for i in range(200, 400)) * 100)
    assert big.stat().st_size > 1_100_000
    with serving(prefix) as (url, proc):
        with open(big, "rb") as fh:
            r = httpx.post(url + "/api/competitions/tiny/submissions", headers=auth, files={"file": ("big.csv", fh)},
                           data={"message": "big"}, timeout=120)
        assert r.status_code == 507
        assert r.json() == {"ok": False, "error": DISK_FULL, "errors": [], "status": 507}
        seen = Path(f"/proc/{proc.pid}/root") / str(kept).lstrip("/")
        assert [p for p in seen.rglob("*") if p.is_file()] == []  # no partial file on the full disk
        assert a.submissions("tiny", user="pat") == []  # and nothing recorded
        sample = tmp_path / "tiny" / "sample_submission.csv"
        with open(sample, "rb") as fh:  # not a permanent failure: a file that fits is kept
            r = httpx.post(url + "/api/competitions/tiny/submissions", headers=auth, files={"file": ("s.csv", fh)},
                           data={"message": "small"}, timeout=120)
        assert r.status_code == 201, r.text
        assert [p.name.endswith("-s.csv") for p in seen.rglob("*") if p.is_file()] == [True]
    assert [s.status for s in a.submissions("tiny", user="pat")] == ["complete"]


def test_partial_uploads_of_a_killed_server_are_removed_at_the_next_start(arena_home, home):
    a, auth = arena_home
    with serving() as (url, proc):
        start = httpx.post(url + "/api/v1/competitions.CompetitionApiService/StartSubmissionUpload", headers=auth,
                           json={"competitionName": "tiny", "fileName": "s.csv", "contentLength": 10_000_000},
                           timeout=60).json()
        part = home / "kaggle-uploads" / start["token"] / f"upload.{proc.pid}.part"
        sock = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=60)
        sock.sendall(f"PUT /api/v1/kaggle/uploads/{start['token']} HTTP/1.1\r\nHost: x\r\n"
                     "Content-Length: 10000000\r\n\r\n".encode() + b"0" * 1_000_000)
        deadline = time.monotonic() + 60
        while not (part.exists() and part.stat().st_size > 0) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert part.exists()
        scratch = Path(tempfile.mkdtemp(prefix=f"scrimmage-scratch-{proc.pid}-upload-"))  # as a killed upload leaves it
        (scratch / "s.csv").write_bytes(b"0" * 1000)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        sock.close()
    assert part.exists() and scratch.exists()  # a killed process cleans nothing up
    with serving():
        assert not part.exists() and not scratch.exists()
        assert (part.parent / "upload.json").exists()  # the announced upload stays until it expires


def test_a_full_temporary_folder_gives_507_too(arena_home, home, tmp_path):
    if shutil.which("unshare") is None:
        pytest.fail("this test needs unshare (util-linux) to give the server a small disk of its own")
    a, auth = arena_home
    small = tmp_path / "small-tmp"
    small.mkdir()
    # uploads are spooled to the temporary folder before anything else: make it a 1 MB file system
    prefix = ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=1m tmpfs "$0" && TMPDIR="$0" exec "$@"', str(small)]
    big = tmp_path / "big.csv"
    big.write_bytes(b"id,target\n" + b"0" * 3_000_000)
    with serving(prefix) as (url, proc):
        with open(big, "rb") as fh:
            r = httpx.post(url + "/api/competitions/tiny/submissions", headers=auth, files={"file": ("big.csv", fh)},
                           timeout=120)
        assert r.status_code == 507 and r.json()["error"] == DISK_FULL
        seen = Path(f"/proc/{proc.pid}/root") / str(small).lstrip("/")
        assert list(seen.iterdir()) == []
    assert a.submissions("tiny", user="pat") == []
