"""The lexers code is highlighted with, against hostile input: is each one linear and quick?

    python benchmarks/lexers.py

Pygments' lexers are regular expressions, and some backtrack: a Chapel block of a quote and
36 backslashes took 6.9 s, each 2 more backslashes about three times as long, all of it
holding the interpreter's lock. For every lexer in ``scrimmage.community.markup.LEXERS``
this highlights, at ``MAX_HIGHLIGHT_CHARS`` characters and at 4 times that, each ASCII
punctuation character repeated, a run of backslashes after each kind of quote, ``a\\``
pairs after a quote, and ``a\\n`` lines, and reports the slowest case of each lexer. A lexer
fails when a case takes over ``--limit`` seconds (0.25) at the first length, or, taking over
0.1 s at 4 times the length, over 8 times as long as at the first (linear time makes 4 times,
quadratic 16; best of 3 runs each, and shorter times are too noisy on a loaded machine to
compare). The result is recorded in
docs/performance.md; a lexer that fails does not belong in the list.
"""

from __future__ import annotations

import argparse
import string
import sys
import time


def cases(n: int) -> dict[str, str]:
    found = {f"{c!r}×n": c * n for c in string.punctuation}
    for quote in "'\"`":
        found[f"{quote}+\\\\×n"] = quote + "\\" * (n - 1)
        found[f"{quote}+(a\\\\)×n"] = quote + "a\\" * (n // 2)
    found["a\\n×n"] = "a\n" * (n // 2)
    found["a×n"] = "a" * n
    return found


def timed(text: str, lexer, formatter) -> float:
    from pygments import highlight

    start = time.perf_counter()
    highlight(text, lexer, formatter)
    return time.perf_counter() - start


def main(argv=None) -> int:
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    from scrimmage.community.markup import LEXERS, MAX_HIGHLIGHT_CHARS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=0.25, help="seconds a case may take (0.25)")
    args = parser.parse_args(argv)
    formatter = HtmlFormatter(nowrap=True, classprefix="hl-")
    full, longer = cases(MAX_HIGHLIGHT_CHARS), cases(4 * MAX_HIGHLIGHT_CHARS)
    failed = []
    print(f"{'lexer':<12} {'slowest case':<14} {'seconds':>8} {'×4 length':>10}")
    for name in sorted(set(LEXERS.values())):
        lexer = get_lexer_by_name(name)
        worst = ("", 0.0, 0.0)
        bad = False
        for key, text in full.items():
            t_full = min(timed(text, lexer, formatter) for _ in range(3))
            t_long = min(timed(longer[key], lexer, formatter) for _ in range(3))
            ratio = t_long / max(t_full, 1e-4)
            if t_full > worst[1]:
                worst = (key, t_full, ratio)
            if t_full > args.limit or (t_long > 0.1 and ratio > 8):
                bad = True
                print(f"  {name}: {key} took {t_full:.3f} s, {ratio:.1f} times as long at 4 times the length")
        print(f"{name:<12} {worst[0]:<14} {worst[1]:>8.3f} {worst[2]:>9.1f}×")
        if bad:
            failed.append(name)
    print("all linear and quick" if not failed else f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
