"""The coach at scale: Caruana ensemble selection and the full baseline ladder, time and peak memory.

    python benchmarks/coach.py                     # both parts, 1,000,000 rows
    python benchmarks/coach.py --rows 200000 caruana

* ``caruana``: ensemble selection (AutoGluon's variant: 3 best to start, 25
  rounds, best prefix) over 100 models' out-of-fold predictions of 1,000,000
  rows (float32), for RMSE and for ROC AUC.
* ``ladder``: the ``imbalance`` lesson generated at 1,000,000 rows, registered in
  a fresh arena, then ``advise_split`` + ``ladder`` (constant, group mean, logistic
  regression, depth-4 tree), one thread, folds one after another.

Each part runs in a child process of its own, so its peak memory (``ru_maxrss``)
is that part's alone. The figures go in docs/performance.md (section "Coach").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def caruana(rows: int, metric: str) -> dict:
    import numpy as np

    from scrimmage import metrics
    from scrimmage.coach._blend import caruana as select

    rng = np.random.default_rng(0)
    m = 100
    if metric == "rmse":
        y = rng.normal(size=rows)
        P = np.empty((m, rows), dtype=np.float32)
        for i in range(m):
            P[i] = y + rng.normal(scale=0.5 + i / 50, size=rows)
    else:
        y = (rng.random(rows) < 0.3).astype(np.int8)
        P = np.empty((m, rows), dtype=np.float32)
        for i in range(m):
            P[i] = 1 / (1 + np.exp(-(y * 1.5 + rng.normal(scale=1 + i / 40, size=rows))))
    fn = metrics.get(metric)
    sign = -1 if fn.greater_is_better else 1
    loss = lambda p: sign * fn.compute(y, p)  # noqa: E731
    t = time.perf_counter()
    w, traj = select(P, loss, rounds=25, init=3)
    secs = time.perf_counter() - t
    return {"part": f"caruana-{metric}", "rows": rows, "models": m, "seconds": round(secs, 1),
            "members_used": int((w > 0).sum()), "metric_evaluations": m + 3 + 25 * m}


def ladder(rows: int) -> dict:
    from threadpoolctl import threadpool_limits

    root = tempfile.mkdtemp(prefix="coach-bench-")
    os.environ["SCRIMMAGE_HOME"] = root
    os.environ["SCRIMMAGE_USER"] = "bench"
    from scrimmage import coach, lessons
    from scrimmage.services import Arena

    t0 = time.perf_counter()
    folder = lessons.generate("imbalance", f"{root}/bundle", n_rows=rows, seed=0, ref="imb")
    Arena().create_competition(folder)
    t1 = time.perf_counter()
    with threadpool_limits(1):
        advice = coach.advise_split("imb")
        t2 = time.perf_counter()
        lad = coach.ladder()
    t3 = time.perf_counter()
    return {"part": "ladder", "rows": rows, "train_rows": advice.n_train, "split": advice.split,
            "generate_seconds": round(t1 - t0, 1), "advise_seconds": round(t2 - t1, 1),
            "ladder_seconds": round(t3 - t2, 1),
            "rungs": [[r.step, round(r.run.cv_mean, 4), round(r.run.fit_seconds + r.run.predict_seconds, 1)]
                      for r in lad.rungs]}


def child(part: str, rows: int) -> dict:
    out = caruana(rows, part.split("-")[1]) if part.startswith("caruana") else ladder(rows)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parts", nargs="*", default=["caruana", "ladder"])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return
    jobs = []
    for p in args.parts:
        jobs += ["caruana-rmse", "caruana-roc_auc"] if p == "caruana" else [p]
    for job in jobs:
        res = subprocess.run([sys.executable, __file__, "--child", job, "--rows", str(args.rows)],
                             capture_output=True, text=True)
        if res.returncode:
            print(f"{job}: failed\n{res.stderr[-2000:]}")
            continue
        print(res.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
