"""Compute the catalogue's reference scores and ship them in src/scrimmage/catalog/_references.py.

    python scripts/reference_scores.py                   # every catalogue competition
    python scripts/reference_scores.py titanic diamonds  # only these (the others are kept)
    python scripts/reference_scores.py --check titanic   # recompute and compare; write nothing

Each competition is built into a temporary folder from its pinned carrier, then
``scrimmage.references.pipelines.compute`` fits the constant, simple and strong
pipelines on one thread and scores their predictions with the code that scores
every submission. Run it again whenever a builder or a pipeline changes; the
catalogue test (tests/catalog/test_references.py) recomputes the small
competitions and fails when the shipped figures no longer match.

Prints one line per competition with its time. About 3 minutes for all
thirteen on one core (the flights and the digits take most of it).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "scrimmage" / "catalog" / "_references.py"
TOLERANCE = 1e-4

HEADER = '''"""Reference scores of the catalogue competitions (see ``scrimmage.catalog.reference_scores``).

Written by ``scripts/reference_scores.py``; do not edit by hand. Checked by
``tests/catalog/test_references.py``, which recomputes some of them.
"""

SCORES: dict[str, tuple[dict, ...]] = {
'''


def compute(ref: str) -> list[dict]:
    from scrimmage import catalog
    from scrimmage.references.pipelines import compute as fit_and_score

    with tempfile.TemporaryDirectory(prefix="scrimmage-refs-") as tmp:
        folder = catalog.build(ref, Path(tmp) / ref)
        return fit_and_score(folder)


def render(scores: dict[str, list[dict]]) -> str:
    lines = [HEADER]
    for ref in sorted(scores):
        lines.append(f"    {ref!r}: (\n")
        for row in scores[ref]:
            inner = ", ".join(f"{k!r}: {v!r}" for k, v in row.items())
            lines.append(f"        {{{inner}}},\n")
        lines.append("    ),\n")
    lines.append("}\n")
    return "".join(lines)


def same(a: list[dict], b: list[dict]) -> bool:
    if [r["name"] for r in a] != [r["name"] for r in b]:
        return False
    for x, y in zip(a, b):
        for key in ("public", "private"):
            if (x.get(key) is None) != (y.get(key) is None):
                return False
            if x.get(key) is not None and not math.isclose(x[key], y[key], rel_tol=0, abs_tol=TOLERANCE):
                return False
    return True


def main(argv=None) -> int:
    from scrimmage import catalog
    from scrimmage.catalog._references import SCORES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("refs", nargs="*", help="catalogue refs (default: all)")
    parser.add_argument("--check", action="store_true", help="compare with the shipped figures; write nothing")
    args = parser.parse_args(argv)
    refs = args.refs or catalog.refs()
    for ref in refs:
        catalog.get(ref)  # an unknown ref lists the valid ones
    scores = {ref: [dict(r) for r in rows] for ref, rows in SCORES.items()}
    failed = []
    for ref in refs:
        start = time.perf_counter()
        rows = compute(ref)
        took = time.perf_counter() - start
        figures = "  ".join(f"{r['name']} {r['public']:.5f}/{r['private']:.5f}" for r in rows)
        if args.check:
            ok = same(rows, list(SCORES.get(ref, ())))
            failed += [] if ok else [ref]
            print(f"{ref:24s} {took:6.1f}s  {'ok' if ok else 'DIFFERS'}  {figures}", flush=True)
        else:
            scores[ref] = rows
            print(f"{ref:24s} {took:6.1f}s  {figures}", flush=True)
    if args.check:
        if failed:
            print(f"shipped reference scores differ for: {', '.join(failed)}; rerun scripts/reference_scores.py")
        return 1 if failed else 0
    OUT.write_text(render(scores), encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
