"""The coach at scale: Caruana ensemble selection and the full baseline ladder, time and peak memory.

    python benchmarks/coach.py                     # both parts, 1,000,000 rows
    python benchmarks/coach.py --rows 200000 caruana

* ``caruana``: ensemble selection (AutoGluon's variant: 3 best to start, 25
  rounds, best prefix) over 100 models' out-of-fold predictions of 1,000,000
  rows (float32), for RMSE and for ROC AUC. ROC AUC runs twice in the same
  child: as the coach selects (``AucLoss``: the metric only for the candidates
  whose bound may win) and, as the reference, with the metric called on every
  candidate; both must select the same members, and the ratio is printed.
* ``ladder``: the ``imbalance`` lesson generated at 1,000,000 rows, registered in
  a fresh arena, then ``advise_split`` + ``ladder`` (constant, group mean, logistic
  regression, depth-4 tree), one thread, folds one after another.

* ``titanic``: what a learner waits for on the first competition: the CLI's
  ``scrimmage coach advise titanic`` then ``scrimmage coach ladder titanic``, each
  a process of its own (wall time, and CPU time from ``os.wait4``), in a fresh
  ``SCRIMMAGE_HOME`` where titanic is already built, ``--repeat`` times. With
  ``--reference-src DIR`` (a ``src`` folder of another version, e.g.
  ``git archive OLD src | tar -x -C /tmp/old``) the same commands run with that
  code too, interleaved, and the ratio is printed. Target: under 5 s together.

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


def caruana(rows: int, metric: str, reference: bool = True) -> dict:
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
    calls = [0]

    def loss(p):
        calls[0] += 1
        return sign * fn.compute(y, p)

    out = {"part": f"caruana-{metric}", "rows": rows, "models": m}
    if metric == "roc_auc":
        from scrimmage.coach._rank_loss import AucLoss

        t, c = time.perf_counter(), time.process_time()
        w, traj = select(P, AucLoss(y, loss, greater=fn.greater_is_better), rounds=25, init=3)
        out.update(seconds=round(time.perf_counter() - t, 1), cpu_seconds=round(time.process_time() - c, 1),
                   metric_evaluations=calls[0], members_used=int((w > 0).sum()))
        if not reference:
            return out
        calls[0] = 0
    t, c = time.perf_counter(), time.process_time()
    w_ref, traj_ref = select(P, loss, rounds=25, init=3)
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    if metric != "roc_auc":
        return {**out, "seconds": round(secs, 1), "cpu_seconds": round(cpu, 1), "members_used": int((w_ref > 0).sum()),
                "metric_evaluations": calls[0]}
    out.update(reference_seconds=round(secs, 1), reference_cpu_seconds=round(cpu, 1),
               reference_metric_evaluations=calls[0], ratio=round(secs / max(out["seconds"], 1e-9), 1),
               cpu_ratio=round(cpu / max(out["cpu_seconds"], 1e-9), 1),
               same_selection=bool((w == w_ref).all() and traj == traj_ref))
    return out


def ladder(rows: int) -> dict:
    from threadpoolctl import threadpool_limits

    root = tempfile.mkdtemp(prefix="coach-bench-")
    os.environ["SCRIMMAGE_HOME"] = root
    os.environ["SCRIMMAGE_USER"] = "bench"
    from scrimmage import coach, lessons
    from scrimmage.arena import Arena

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


def _timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, from wait4) of one child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    return time.perf_counter() - t, usage.ru_utime + usage.ru_stime


def titanic(repeat: int, reference_src: str | None) -> list[dict]:
    import shutil
    import statistics

    base = tempfile.mkdtemp(prefix="coach-titanic-")
    env = dict(os.environ, SCRIMMAGE_USER="bench", PYTHONWARNINGS="ignore")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    sides = {"scrimmage": None} | ({"reference": reference_src} if reference_src else {})
    for side, src in sides.items():  # each side's own home: its store is at its own schema revision
        subprocess.run([sys.executable, "-c", "from scrimmage.arena import Arena; Arena().competition('titanic')"],
                       env=dict(env, SCRIMMAGE_HOME=f"{base}/ready-{side}") | ({"PYTHONPATH": src} if src else {}),
                       check=True, stdout=subprocess.DEVNULL)
    times: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
    try:
        for i in range(repeat + 1):  # the first round warms byte code and the page cache, untimed
            for side, src in sides.items():
                home = f"{base}/{side}-{i}"
                shutil.copytree(f"{base}/ready-{side}", home)
                run_env = dict(env, SCRIMMAGE_HOME=home) | ({"PYTHONPATH": src} if src else {})
                walls = [_timed([sys.executable, "-m", "scrimmage", "coach", step, "titanic"], run_env)
                         for step in ("advise", "ladder")]
                if i:
                    times[side].append((sum(w for w, _ in walls), sum(c for _, c in walls)))
                shutil.rmtree(home, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    out = []
    for side, ts in times.items():
        out.append({"part": "titanic", "side": side, "advise_plus_ladder_median_s": round(statistics.median(w for w, _ in ts), 2),
                    "best_s": round(min(w for w, _ in ts), 2), "cpu_median_s": round(statistics.median(c for _, c in ts), 2),
                    "runs": repeat})
    if reference_src:
        out.append({"part": "titanic", "ratio": round(out[1]["advise_plus_ladder_median_s"] / out[0]["advise_plus_ladder_median_s"], 2),
                    "cpu_ratio": round(out[1]["cpu_median_s"] / out[0]["cpu_median_s"], 2)})
    return out


def child(part: str, rows: int, reference: bool = True) -> dict:
    out = caruana(rows, part.split("-")[1], reference) if part.startswith("caruana") else ladder(rows)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parts", nargs="*", default=["caruana", "ladder"])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--no-reference", action="store_true", help="skip the ROC AUC reference (minutes at 1M rows)")
    ap.add_argument("--repeat", type=int, default=3, help="titanic: timed runs of each side")
    ap.add_argument("--reference-src", help="titanic: a src folder of the version to compare with")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows, not args.no_reference)))
        return
    if "titanic" in args.parts:
        for line in titanic(args.repeat, args.reference_src):
            print(json.dumps(line), flush=True)
    jobs = []
    for p in [p for p in args.parts if p != "titanic"]:
        jobs += ["caruana-rmse", "caruana-roc_auc"] if p == "caruana" else [p]
    for job in jobs:
        res = subprocess.run([sys.executable, __file__, "--child", job, "--rows", str(args.rows),
                              *(["--no-reference"] if args.no_reference else [])], capture_output=True, text=True)
        if res.returncode:
            print(f"{job}: failed\n{res.stderr[-2000:]}")
            continue
        print(res.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
