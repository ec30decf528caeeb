"""The official ``kaggle`` client as its users run it: a CLI in a subprocess, with a kaggle.json of its own.

With ``KAGGLE_API_ENVIRONMENT=LOCALHOST`` the client talks to http://localhost on port 80.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys


def kaggle_env(tmp_path, username: str, key: str) -> dict:
    """The client's environment: LOCALHOST, a kaggle.json of its own, nothing of the machine's."""
    config = tmp_path / f"kaggle-config-{len(list(tmp_path.glob('kaggle-config-*')))}"
    config.mkdir()
    (config / "kaggle.json").write_text(json.dumps({"username": username, "key": key}))
    (config / "kaggle.json").chmod(0o600)  # or the client warns that others can read the key
    home = tmp_path / "kaggle-home"  # no ~/.kaggle/access_token or OAuth credentials of the machine
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE_") and "proxy" not in k.lower()}
    env.update(KAGGLE_API_ENVIRONMENT="LOCALHOST", KAGGLE_CONFIG_DIR=str(config), HOME=str(home),
               XDG_CONFIG_HOME=str(home / ".config"), NO_PROXY="localhost,127.0.0.1", PYTHONIOENCODING="utf-8")
    return env


def kaggle(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    """``kaggle ARGS`` (the installed package's CLI) in a subprocess."""
    proc = subprocess.run([sys.executable, "-m", "kaggle", *args], env=env, capture_output=True, text=True,
                          timeout=180)
    if ok:
        assert proc.returncode == 0, f"kaggle {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    else:
        assert proc.returncode != 0, f"kaggle {' '.join(args)} should have failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def table(out: str) -> list[dict[str, str]]:
    """The rows of one of the client's tables, by its header; the dashes under each label give the column's extent."""
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if line.strip() and set(line.strip()) <= {"-", " "})
    spans = [m.span() for m in re.finditer(r"-+", lines[i])]
    labels = [lines[i - 1][a:b + 2].strip() for a, b in spans]

    def cells(line):
        return [line[a:b + 2].strip() for a, b in spans]

    return [dict(zip(labels, cells(line))) for line in lines[i + 1:] if line.strip()]
