"""The sandbox works wherever the Python environment lives, /tmp included (a virtualenv in a temporary
checkout: the sandbox's private /tmp must not hide it)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import pandas as pd

from components import require
from processes import appears, gone, kill, sleepers
from scrimmage.hostcode.isolation import LIMITS, PID_LIMIT, RUN_SLOTS, RUN_UIDS, HostCodePolicy, probe, run_uid
from scrimmage.hostmetric import HostMetric


def test_a_virtualenv_under_tmp_runs_in_the_sandbox(tmp_path):
    if not os.path.exists("/usr/bin/bwrap"):
        require("bubblewrap", "apt-get install -y bubblewrap")
    assert str(tmp_path).startswith("/tmp/")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    src = Path(__file__).resolve().parents[2] / "src"
    # this environment's packages too (the new one sees only the base interpreter's)
    paths = os.pathsep.join([str(src), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    code = "from scrimmage.hostcode.isolation import probe; print(probe('/usr/bin/bwrap'))"
    done = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": paths})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None", done.stdout  # no reason: the sandbox could be built


BOMB = '''import subprocess


def score(solution, submission, row_id_column_name):
    children = []
    try:
        while len(children) < 5000:
            children.append(subprocess.Popen(["sleep", "3701"]))
    except OSError:  # the process limit
        pass
    last = children.pop()  # one process back, to say that the limit is reached
    last.kill()
    last.wait()
    marker = subprocess.Popen(["sleep", "3702"])
    for child in children:
        child.wait()
    marker.wait()
    return float(len(children))
'''

SMALL = '''import subprocess


def score(solution, submission, row_id_column_name):
    for child in [subprocess.Popen(["true"]) for _ in range(20)]:
        child.wait()
    return 1.0
'''


def test_a_metric_forking_to_its_limit_leaves_other_metrics_their_processes(tmp_path):
    """The process limit counts every process of a uid: each run has its own, so one host's fork bomb
    cannot starve another competition's metric while it runs (as root, where no user namespace splits it)."""
    reason = probe("/usr/bin/bwrap")
    if reason is not None:
        require("bubblewrap", reason)
    frames = pd.DataFrame({"id": [1, 2], "y": [0.0, 1.0]})
    policy = HostCodePolicy(server=True)

    def metric(name: str, code: str) -> HostMetric:
        (tmp_path / name).mkdir()
        (tmp_path / name / "metric.py").write_text(code)
        return HostMetric(name, True, tmp_path / name / "metric.py", timeout=600, policy=policy)

    bomb, small = metric("bomb", BOMB), metric("small", SMALL)
    held = {}
    thread = threading.Thread(target=lambda: held.update(value=bomb.score_frames(frames, frames, "id")))
    thread.start()
    try:
        assert appears("3702"), "the fork bomb never reached its limit"
        assert len(sleepers("3701")) >= LIMITS.processes - 20  # it holds (nearly) every process it may have
        assert small.score_frames(frames, frames, "id") == 1.0
    finally:
        kill("3701")
        kill("3702")
        thread.join(timeout=600)
    assert held["value"] >= LIMITS.processes - 20
    assert gone("3701") and gone("3702")


def test_run_uids_are_distinct_for_every_process_and_slot():
    uids = {run_uid(pid, slot) for pid in (1, 2, PID_LIMIT - 1) for slot in range(RUN_SLOTS)}
    assert len(uids) == 3 * RUN_SLOTS
    assert min(uids) >= RUN_UIDS > 65535 and max(uids) < 2 ** 31
