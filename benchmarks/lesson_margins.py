"""Naive against careful learners on every lesson, scored on the private leaderboard.

    python benchmarks/lesson_margins.py                    # every lesson, seeds 0-4
    python benchmarks/lesson_margins.py --seeds 0 1 time-drift imbalance
    python benchmarks/lesson_margins.py --markdown         # also the table for docs/lessons.md

The pipelines are the ones of ``tests/margin_pipelines.py`` (plain
scikit-learn, one thread, each lesson at its default size of 20,000 rows). Per
lesson and seed it prints one JSON line: both learners' validation estimate and
private score, the gaps ``|cv - private|``, the careful-minus-naive private margin
(positive = careful better) and its paired bootstrap standard error; the CPU
seconds of the run. Then a summary per lesson over the seeds: the mean gaps, the
smallest ratio naive gap / careful gap, the margin's mean, minimum and seed-to-seed
standard deviation.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from margin_pipelines import MEASURES, measure  # noqa: E402


def summarise(results: list) -> list[dict]:
    import numpy as np

    out = []
    for trap in dict.fromkeys(r.trap for r in results):
        rows = [r for r in results if r.trap == trap]
        margins = np.array([r.margin for r in rows])
        ratios = [r.naive_gap / r.careful_gap if r.careful_gap > 0 else float("inf") for r in rows]
        out.append({
            "trap": trap, "metric": rows[0].metric, "seeds": len(rows),
            "naive_gap": float(np.mean([r.naive_gap for r in rows])),
            "careful_gap": float(np.mean([r.careful_gap for r in rows])),
            "min_ratio": float(min(ratios)),
            "margin_mean": float(margins.mean()), "margin_min": float(margins.min()),
            "margin_sd": float(margins.std(ddof=1)) if len(rows) > 1 else 0.0,
            "noise_mean": float(np.mean([r.noise for r in rows])),
            "picks_changed": sum(r.changes_pick for r in rows),
        })
    return out


def markdown(summary: list[dict]) -> str:
    lines = [
        "| trap | metric | naive gap (mean) | careful gap (mean) | naive / careful gap (worst seed) "
        "| careful − naive on private: mean (min; seed s.d.) | bootstrap s.e. | picks changed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in summary:
        ratio = "∞" if s["min_ratio"] == float("inf") else f"{s['min_ratio']:.1f}x"
        lines.append(
            f"| `{s['trap']}` | `{s['metric']}` | {s['naive_gap']:.4f} | {s['careful_gap']:.4f} | {ratio} "
            f"| {s['margin_mean']:+.4f} ({s['margin_min']:+.4f}; {s['margin_sd']:.4f}) | {s['noise_mean']:.4f} "
            f"| {s['picks_changed']}/{s['seeds']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("traps", nargs="*", help="lessons to run (default: all)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--markdown", action="store_true", help="print the docs/lessons.md table too")
    args = parser.parse_args(argv)
    traps = args.traps or list(MEASURES)
    unknown = [t for t in traps if t not in MEASURES]
    if unknown:
        raise SystemExit(f"unknown lesson {unknown[0]!r}; choose from {', '.join(MEASURES)}")
    root = Path(tempfile.mkdtemp(prefix="lesson-margins-"))
    results = []
    try:
        for trap in traps:
            for seed in args.seeds:
                cpu = time.process_time()
                r = measure(trap, root, seed)
                results.append(r)
                print(json.dumps({**r.as_dict(), "cpu_s": round(time.process_time() - cpu, 1)}), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print()
    for s in summarise(results):
        print(json.dumps(s))
    if args.markdown:
        print()
        print(markdown(summarise(results)))


if __name__ == "__main__":
    main()
