"""Generation of lesson bundles at scale: wall time and peak memory.

    python benchmarks/lessons.py                       # every lesson, 10,000,000 rows
    python benchmarks/lessons.py --rows 1000000 time-drift imbalance
    python benchmarks/lessons.py --no-reference time-drift

Each run happens in a child process of its own, so its peak memory
(``ru_maxrss`` from ``os.wait4``) is that run's alone. Two runs per lesson:

* scrimmage: ``scrimmage.lessons.generate`` (seeded blocks of 10,000 rows,
  written with polars in chunks of about 200,000 rows);
* reference: what one would write without thinking about size: the lesson's
  own row generator called once for all rows (numpy), one pandas DataFrame per
  file and ``DataFrame.to_csv``. Same columns, same distributions, same sizes.

Prints one line per run and a summary table (time ratio = reference / scrimmage,
memory ratio = reference / scrimmage). The figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_ROWS = 10_000_000


def run_scrimmage(trap: str, rows: int, folder: Path, seed: int) -> None:
    from scrimmage import lessons

    lessons.generate(trap, folder / trap, n_rows=rows, seed=seed)


def run_reference(trap: str, rows: int, folder: Path, seed: int) -> None:
    import numpy as np
    import pandas as pd

    from scrimmage.lessons import _writer

    module = importlib.import_module(f"scrimmage.lessons.{trap.replace('-', '_')}")
    spec = module.SPEC
    rng = np.random.default_rng([seed, _writer.salt_of(trap)])
    block = module.make_block(rng, 0, rows, module.make_context(rows, seed))
    frame = pd.DataFrame({spec.id_column: np.arange(spec.id_start, spec.id_start + rows), **block.columns})
    for column, prefix in spec.prefixed.items():
        frame[column] = prefix + frame[column].astype(str)
    is_test = block.is_test
    public = rng.random(rows) < spec.public_fraction
    out = folder / trap
    out.mkdir(parents=True)
    train = frame[~is_test].assign(**{spec.target: block.target[~is_test]})
    train.to_csv(out / "train.csv", index=False)
    frame[is_test].to_csv(out / "test.csv", index=False)
    ids = frame.loc[is_test, spec.id_column].to_numpy()
    pd.DataFrame(
        {spec.id_column: ids, spec.target: block.target[is_test],
         "Usage": np.where(public[is_test], "Public", "Private")}
    ).to_csv(out / "solution.csv", index=False)
    pd.DataFrame({spec.id_column: ids, spec.target: float(spec.sample_value)}).to_csv(
        out / "sample_submission.csv", index=False
    )


def child(kind: str, trap: str, rows: int, folder: str, seed: int) -> None:
    runner = run_scrimmage if kind == "scrimmage" else run_reference
    runner(trap, rows, Path(folder), seed)


def measure(kind: str, trap: str, rows: int, seed: int, workdir: Path) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=workdir))
    cmd = [sys.executable, __file__, "--child", kind, "--rows", str(rows), "--seed", str(seed),
           "--out", str(folder), trap]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    shutil.rmtree(folder, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} run of {trap} failed with exit code {proc.returncode}")
    result = {
        "kind": kind, "trap": trap, "rows": rows, "seconds": round(seconds, 2),
        "peak_mb": round(usage.ru_maxrss / 1024), "output_mb": round(size / 1e6),
    }
    print(json.dumps(result), flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("traps", nargs="*", help="lessons to run (default: all)")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-reference", action="store_true", help="skip the numpy + pandas reference")
    parser.add_argument("--workdir", type=Path, default=None, help="where the bundles are written (then removed)")
    parser.add_argument("--child", choices=["scrimmage", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child(args.child, args.traps[0], args.rows, args.out, args.seed)
        return

    from scrimmage import lessons

    traps = args.traps or lessons.names()
    for trap in traps:
        lessons.get(trap)  # an unknown name fails here, listing the valid ones
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="lessons-bench-", dir=args.workdir))
    rows = []
    try:
        for trap in traps:
            ours = measure("scrimmage", trap, args.rows, args.seed, workdir)
            ref = None if args.no_reference else measure("reference", trap, args.rows, args.seed, workdir)
            rows.append((trap, ours, ref))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"{args.rows:,} rows per lesson (train + test), {os.cpu_count()} CPUs")
    header = f"{'lesson':<17} {'output MB':>9} {'time s':>7} {'peak MB':>8}"
    if not args.no_reference:
        header += f" {'ref time s':>10} {'ref peak MB':>11} {'time ratio':>10} {'mem ratio':>9}"
    print(header)
    for trap, ours, ref in rows:
        line = f"{trap:<17} {ours['output_mb']:>9} {ours['seconds']:>7.1f} {ours['peak_mb']:>8}"
        if ref:
            line += (
                f" {ref['seconds']:>10.1f} {ref['peak_mb']:>11}"
                f" {ref['seconds'] / ours['seconds']:>9.1f}x {ref['peak_mb'] / ours['peak_mb']:>8.1f}x"
            )
        print(line)


if __name__ == "__main__":
    main()
