"""Scoring a binary-AUC submission: ``scrimmage score`` against the Kaggle reference.

    python benchmarks/scoring.py                          # 1,000,000 and 10,000,000 rows
    python benchmarks/scoring.py --rows 1000000 --repeat 5
    python benchmarks/scoring.py --rows 10000000 --keep --workdir /tmp/scoring  # keep, then reuse, the files
    python benchmarks/scoring.py --ids int              # only the plain integer ids

For every row count and kind of id, one ``solution.csv`` (ids ``int``: the
plain integers 0 .. n-1, as most tables number their rows, where pandas reads
and merges fastest; or ``hex``: text ids that look hashed, 16 hex characters,
where its merge is slowest), a 0/1 ``target`` with about 30 % positives,
``Usage`` about 25 % Public) and two
submissions (``target`` as a probability written with 6 decimals): one with
its rows shuffled, one in the solution's order. Each submission is scored in
child processes of their own, so each wall time includes the imports and each
peak memory (``ru_maxrss`` from ``os.wait4``) is that process's alone:

* scrimmage: ``scrimmage score --metric roc_auc``;
* reference: what a Kaggle metric script runs: ``pandas.read_csv`` of both
  files, ``merge`` on the id, ``sklearn.metrics.roc_auc_score`` per Usage.

Both must print the same Public and Private scores (to 1e-9). The time is the
best of ``--repeat`` runs, the peak memory the highest. The children cache
byte code as a normal install does (in the work folder, through
``PYTHONPYCACHEPREFIX``, even where the environment sets
``PYTHONDONTWRITEBYTECODE``), after one untimed warm-up run of each side.

Prints one JSON line per run and a table (ratio = reference time / scrimmage
time). Targets: at least 5x faster at 10,000,000 rows and 4x at 1,000,000,
with a peak memory no higher than the reference's. The figures go in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_ROWS = (1_000_000, 10_000_000)
VARIANTS = ("shuffled", "ordered")
TOLERANCE = 1e-9
FORMAT = 3  # of the generated files; a kept folder of another format is made again
ID_KINDS = ("int", "hex")
WARM_UP_ROWS = 1_000

REFERENCE = """
import json, sys
import pandas as pd
from sklearn.metrics import roc_auc_score

solution = pd.read_csv(sys.argv[1])
submission = pd.read_csv(sys.argv[2])
merged = solution.merge(submission, on="id", suffixes=("", "_pred"))
if len(merged) != len(solution):
    sys.exit(f"merge kept {len(merged)} of {len(solution)} rows")
scores = {}
for usage in ("Public", "Private"):
    rows = merged[merged["Usage"] == usage]
    scores[usage.lower()] = float(roc_auc_score(rows["target"], rows["target_pred"]))
print(json.dumps(scores))
"""


# -- data ----------------------------------------------------------------------


def _hex_ids(start: int, stop: int, seed: int):
    """Distinct 16-character lowercase hex ids (a bijective 64-bit mix of the row number)."""
    import numpy as np

    x = np.arange(start, stop, dtype=np.uint64) + np.uint64(seed + 1) * np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    shifts = np.arange(60, -4, -4, dtype=np.uint64)
    nibbles = ((x[:, None] >> shifts) & np.uint64(0xF)).astype(np.uint8)
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[nibbles]
    return np.ascontiguousarray(digits).view("S16").ravel()


def generate(rows: int, folder: Path, seed: int, id_kind: str = "hex") -> dict[str, Path]:
    """Write solution.csv, submission-shuffled.csv and submission-ordered.csv into ``folder``."""
    import numpy as np
    import polars as pl

    paths = {"solution": folder / "solution.csv",
             **{v: folder / f"submission-{v}.csv" for v in VARIANTS}}
    stamp, made = folder / "rows.json", {"rows": rows, "seed": seed, "format": FORMAT, "ids": id_kind}
    if stamp.exists() and json.loads(stamp.read_text()) == made \
            and all(p.exists() for p in paths.values()):
        return paths  # reused from an earlier --keep run
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    chunk = 1_000_000
    if id_kind == "int":
        ids = pl.Series("id", np.arange(rows, dtype=np.int64))
    else:
        ids = pl.concat([pl.Series("id", _hex_ids(s, min(s + chunk, rows), seed)) for s in range(0, rows, chunk)])
        ids = ids.cast(pl.String)
    target = (rng.random(rows) < 0.3).astype(np.int8)
    usage = np.where(rng.random(rows) < 0.25, "Public", "Private")
    logit = 1.5 * target + rng.standard_normal(rows)
    probability = 1.0 / (1.0 + np.exp(-logit))
    pl.DataFrame({"id": ids, "target": target, "Usage": usage}).write_csv(paths["solution"])
    submission = pl.DataFrame({"id": ids, "target": probability})
    submission.write_csv(paths["ordered"], float_precision=6)
    submission[rng.permutation(rows)].write_csv(paths["shuffled"], float_precision=6)
    stamp.write_text(json.dumps(made))
    return paths


# -- runs ----------------------------------------------------------------------


def _scrimmage_command() -> list[str]:
    script = Path(sys.executable).with_name("scrimmage")
    return [str(script)] if script.exists() else [sys.executable, "-m", "scrimmage"]


def commands(solution: Path, submission: Path) -> dict[str, list[str]]:
    return {
        "scrimmage": [*_scrimmage_command(), "score", "--solution", str(solution),
                      "--submission", str(submission), "--metric", "roc_auc"],
        "reference": [sys.executable, "-c", REFERENCE, str(solution), str(submission)],
    }


def child_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(workdir / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(kind: str, cmd: list[str], env: dict[str, str]) -> dict:
    """One child process: wall time, peak RSS and the scores it printed."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env)
        out = proc.stdout.read()  # before waiting, so the child never blocks on a full pipe
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"the {kind} run failed (exit code {proc.returncode}):\n"
                             + err.read().decode(errors="replace"))
    scores = json.loads(out.decode().strip().splitlines()[-1])
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "scores": scores}


def _warm(paths) -> None:
    """Read each file once, so every run finds it in the page cache."""
    for path in paths:
        with open(path, "rb") as fh:
            while fh.read(1 << 24):
                pass


def measure(rows: int, variant: str, paths: dict[str, Path], repeat: int, env: dict[str, str],
            id_kind: str = "hex") -> dict:
    cmds = commands(paths["solution"], paths[variant])
    runs: dict[str, list[dict]] = {"scrimmage": [], "reference": []}
    for i in range(repeat):
        for kind in (("scrimmage", "reference") if i % 2 == 0 else ("reference", "scrimmage")):
            result = run(kind, cmds[kind], env)
            runs[kind].append(result)
            print(json.dumps({"rows": rows, "ids": id_kind, "variant": variant, "kind": kind, "run": i + 1,
                              "seconds": round(result["seconds"], 3), "peak_mb": round(result["peak_mb"]),
                              **result["scores"]}), flush=True)
    ref = runs["reference"][0]["scores"]
    for result in runs["scrimmage"] + runs["reference"]:
        for side in ("public", "private"):
            if abs(result["scores"][side] - ref[side]) > TOLERANCE:
                raise SystemExit(f"{rows:,} rows, {variant}: the {side} scores differ: "
                                 f"{result['scores'][side]!r} against the reference's {ref[side]!r}")
    ours = runs["scrimmage"][0]["scores"]
    best = {k: min(r["seconds"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_mb"] for r in v) for k, v in runs.items()}
    return {"rows": rows, "ids": id_kind, "variant": variant, "ours_s": best["scrimmage"], "ref_s": best["reference"],
            "ours_mb": peak["scrimmage"], "ref_mb": peak["reference"], "scores": ours}


def target_of(rows: int) -> float | None:
    if rows >= 10_000_000:
        return 5.0
    if rows >= 1_000_000:
        return 4.0
    return None


def report(results: list[dict]) -> bool:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print()
    print(f"{os.cpu_count()} CPUs, load average {load}; best-of time, highest peak memory")
    print(f"{'rows':>12} {'ids':<4} {'variant':<9} {'scrimmage s':>11} {'reference s':>11} {'ratio':>7} "
          f"{'scrimmage peak MB':>17} {'reference peak MB':>17}  target")
    met = True
    for r in results:
        ratio = r["ref_s"] / r["ours_s"]
        want = target_of(r["rows"])
        verdict = ""
        if want is not None:
            ok = ratio >= want and r["ours_mb"] <= r["ref_mb"]
            met = met and ok
            verdict = f">= {want:g}x: {'met' if ok else 'NOT met'}"
        print(f"{r['rows']:>12,} {r['ids']:<4} {r['variant']:<9} {r['ours_s']:>11.2f} {r['ref_s']:>11.2f} {ratio:>6.1f}x "
              f"{r['ours_mb']:>17.0f} {r['ref_mb']:>17.0f}  {verdict}")
    return met


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=list(DEFAULT_ROWS))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the best time counts")
    parser.add_argument("--variant", choices=VARIANTS, nargs="+", default=list(VARIANTS))
    parser.add_argument("--ids", choices=ID_KINDS, nargs="+", default=list(ID_KINDS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated files (and reuse them on the next run with --workdir)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="folder for the generated files (default: a new temporary folder)")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="scoring-bench-"))
    env = child_env(workdir)
    results = []
    try:
        small = generate(WARM_UP_ROWS, workdir / f"rows-{WARM_UP_ROWS}", args.seed)
        for kind, cmd in commands(small["solution"], small[args.variant[0]]).items():
            run(kind, cmd, env)  # fills the byte-code cache of both sides; not timed
        for rows in args.rows:
            for id_kind in args.ids:
                start = time.perf_counter()
                paths = generate(rows, workdir / f"rows-{rows}-{id_kind}", args.seed, id_kind)
                sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in paths.values())
                print(f"# {rows:,} rows, {id_kind} ids: {sizes} (ready in {time.perf_counter() - start:.1f} s)",
                      flush=True)
                _warm(paths.values())
                for variant in args.variant:
                    results.append(measure(rows, variant, paths, args.repeat, env, id_kind))
    finally:
        if args.keep:
            print(f"# files kept in {workdir}")
        elif args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            for name in ([f"rows-{WARM_UP_ROWS}"] + [f"rows-{rows}-{k}" for rows in args.rows for k in ID_KINDS]
                         + ["pycache"]):
                shutil.rmtree(workdir / name, ignore_errors=True)
    met = report(results)
    print("targets met" if met else "targets NOT met")


if __name__ == "__main__":
    main()
