"""The sandbox works wherever the Python environment lives, /tmp included (a virtualenv in a temporary
checkout: the sandbox's private /tmp must not hide it)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from components import require


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
