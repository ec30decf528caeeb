"""What the sandbox costs: one submission scored by a host's metric file, sandboxed or not.

    python benchmarks/host_metric.py                      # 10,000 and 1,000,000 rows
    python benchmarks/host_metric.py --rows 100000 --repeat 5

A bundle with a Kaggle-style metric file (mean absolute error through pandas) is created in a
temporary arena; the same submission is then scored ``--repeat`` times (best time kept) by
the scoring engine three ways:

* sandboxed: the metric runs under bubblewrap (both splits in one child process);
* direct: the same child process without the sandbox (what ``trust_host_code`` gives);
* reference: the metric called in the scoring process itself, as Kaggle's notebook does
  (no process, no isolation, no time limit).

Prints one JSON line per row count (seconds, and the ratios sandboxed / direct and
sandboxed / reference). The figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

METRIC = '''
import pandas as pd

def score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str) -> float:
    return float((solution["target"] - submission["target"]).abs().mean())
'''


def build(folder: Path, rows: int) -> Path:
    import numpy as np

    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    ids = [f"r{i:08d}" for i in range(rows)]
    y = rng.random(rows)
    usage = np.where(rng.random(rows) < 0.25, "Public", "Private")
    (folder / "train.csv").write_text("id,x,target\nt0,1,0.5\n")
    (folder / "test.csv").write_text("id,x\n" + "".join(f"{i},1\n" for i in ids))
    (folder / "sample_submission.csv").write_text("id,target\n" + "".join(f"{i},0.5\n" for i in ids))
    (folder / "solution.csv").write_text("id,target,Usage\n" + "".join(f"{i},{v:.6f},{u}\n" for i, v, u in zip(ids, y, usage)))
    (folder / "metric.py").write_text(METRIC)
    (folder / "competition.toml").write_text('title = "Bench"\nmetric = "mae"\nid_column = "id"\n'
                                             'metric_file = "metric.py"\ngreater_is_better = false\nmetric_timeout = 600\n')
    sub = folder.parent / "sub.csv"
    sub.write_text("id,target\n" + "".join(f"{i},{v:.6f}\n" for i, v in zip(ids, rng.random(rows))))
    return sub


class InProcess:
    """The reference: the metric called in the scoring process, as a notebook calls it."""

    input, needs_classes, per_row_loss = "any", False, None

    def __init__(self, path: Path):
        self.namespace: dict = {}
        exec(path.read_text(), self.namespace)  # noqa: S102 - the benchmark's own metric

    def kwargs(self, **overrides) -> dict:
        return overrides

    def score_splits(self, frames: dict, row_id_column_name: str, **kwargs) -> dict:
        return {u: self.namespace["score"](s, p, row_id_column_name) for u, (s, p) in frames.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from scrimmage.hostcode.isolation import HostCodePolicy, probe
    from scrimmage.hostmetric import HostMetric
    from scrimmage.scoring import score_file
    from scrimmage.solution import Solution

    if probe("/usr/bin/bwrap") is not None:
        sys.exit(f"bubblewrap does not work here: {probe('/usr/bin/bwrap')}")
    print(f"# load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores", flush=True)
    for rows in args.rows or [10_000, 1_000_000]:
        with tempfile.TemporaryDirectory() as work:
            folder = Path(work) / "bench"
            sub = build(folder, rows)
            solution = Solution.from_csv(folder / "solution.csv", "id", ["target"], ["target"])
            metrics = {
                "sandboxed": HostMetric("mae", False, folder / "metric.py", 600, root=folder, files=("metric.py",),
                                        policy=HostCodePolicy(), log_path=Path(work) / "log"),
                "direct": HostMetric("mae", False, folder / "metric.py", 600, root=folder, files=("metric.py",),
                                     policy=HostCodePolicy(bwrap=str(Path(work) / "none")), log_path=Path(work) / "log"),
                "reference": InProcess(folder / "metric.py"),
            }
            times, scores = {}, set()
            for how, metric in metrics.items():
                best = float("inf")
                for i in range(args.repeat + 1):  # the first run warms the caches
                    start = time.perf_counter()
                    got, _ = score_file(sub, solution, metric)
                    if i:
                        best = min(best, time.perf_counter() - start)
                    scores.add((round(got.public, 9), round(got.private, 9)))
                times[how] = best
            assert len(scores) == 1, scores
        print(json.dumps({"rows": rows, **{k: round(v, 3) for k, v in times.items()},
                          "sandboxed/direct": round(times["sandboxed"] / times["direct"], 2),
                          "sandboxed/reference": round(times["sandboxed"] / times["reference"], 2)}), flush=True)


if __name__ == "__main__":
    main()
