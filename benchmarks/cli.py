"""Warm CLI commands that read the store: wall time of each, against opening the store the old way.

    python benchmarks/cli.py                 # 15 runs of each command
    python benchmarks/cli.py --repeat 30

Makes a fresh ``SCRIMMAGE_HOME`` (SQLite) with ``scrimmage quickstart`` (titanic built, one
submission scored), runs every command once untimed (byte code cached, files in the page
cache), then times each command as a child process of its own, ``--repeat`` times,
interleaved with the reference:

* scrimmage: ``scrimmage competitions list`` (``files titanic``, ``leaderboard titanic``,
  ``submissions titanic``) as installed;
* reference: the same command, opening the store as before this benchmark's change: the
  Alembic upgrade to ``head`` on every open, and numpy loaded with ``import scrimmage``.
* floor: ``python -c "import click, sqlalchemy"``, what any such command pays at least.

Prints one JSON line per command and a table of the best and median times (ratio =
reference median / scrimmage median). Target: every command under 0.5 s on a quiet machine.
The figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = (
    ["competitions", "list"],
    ["competitions", "files", "titanic"],
    ["competitions", "leaderboard", "titanic"],
    ["competitions", "submissions", "titanic"],
)

#: The store opened as it was before the schema check: Alembic's upgrade on every open.
REFERENCE = """
import sys
import numpy  # imported by `import scrimmage` before
from scrimmage.store import revision
revision.is_current = lambda engine: False
from scrimmage.cli import main
main(sys.argv[1:])
"""
SCRIMMAGE = "from scrimmage.cli import main; main()"
FLOOR = "import click, sqlalchemy"
TARGET = 0.5


def run(code: str, args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="scrimmage-cli-bench-"))
    env = dict(os.environ, SCRIMMAGE_HOME=str(home), COLUMNS="200")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        subprocess.run([sys.executable, "-c", SCRIMMAGE, "quickstart"], env=env, check=True, cwd=home,
                       stdout=subprocess.DEVNULL)
        floor = []
        results = []
        for cmd in COMMANDS:  # warm up
            run(SCRIMMAGE, cmd, env)
            run(REFERENCE, cmd, env)
        for cmd in COMMANDS:
            ours, ref = [], []
            for _ in range(args.repeat):
                ours.append(run(SCRIMMAGE, cmd, env))
                ref.append(run(REFERENCE, cmd, env))
                floor.append(run(FLOOR, [], env))
            r = {"command": " ".join(cmd), "scrimmage_best": min(ours), "scrimmage_median": statistics.median(ours),
                 "reference_best": min(ref), "reference_median": statistics.median(ref)}
            r["ratio"] = r["reference_median"] / r["scrimmage_median"]
            results.append(r)
            print(json.dumps(r), flush=True)
        load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3
        print(f"\nload average: {' '.join(load)}; floor (python -c \"{FLOOR}\"): best {min(floor):.3f} s, "
              f"median {statistics.median(floor):.3f} s\n")
        print("| command | scrimmage best | scrimmage median | reference best | reference median | ratio | "
              f"< {TARGET} s |")
        print("|---|---|---|---|---|---|---|")
        for r in results:
            ok = "yes" if r["scrimmage_median"] < TARGET else "no"
            print(f"| `scrimmage {r['command']}` | {r['scrimmage_best']:.3f} s | {r['scrimmage_median']:.3f} s | "
                  f"{r['reference_best']:.3f} s | {r['reference_median']:.3f} s | {r['ratio']:.1f}x | {ok} |")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
