"""Does run B beat run A beyond fold noise? A paired test on the same folds.

Fold scores are paired (both runs saw exactly the same folds), and they are not
independent: the training sets of K folds overlap. The corrected resampled
t-test of Nadeau & Bengio (2003) widens the variance of the mean difference
from ``var / J`` to ``(1 / J + n_valid / n_train) * var`` over the ``J`` fits,
so it does not call fold noise an improvement as often as a plain paired t-test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ScrimmageError
from ._journal import Run, resolve

ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    a: Run
    b: Run
    gain: float  # mean improvement of b over a (positive = b better), in metric units
    noise: float  # standard error of that mean (corrected)
    p_value: float  # two-sided
    wins: int  # folds where b is better
    n: int
    verdict: str
    #: how the fold scores were paired: each run's own fits, or (when the runs were fitted differently, e.g. a
    #: blend beside a repeated-CV run) both runs rescored on one basis
    basis: str = "the runs' own fold scores"

    @property
    def b_better(self) -> bool:
        return self.p_value < ALPHA and self.gain > 0

    def __str__(self) -> str:
        return (f"{self.verdict}\n  improvement of {self.b.name!r} over {self.a.name!r}: {self.gain:+.5f} "
                f"{self.a.metric} (positive = better); fold noise ±{self.noise:.5f}; p = {self.p_value:.3f}; "
                f"better in {self.wins} of {self.n} folds; compared on {self.basis}")


def same_folds(a: Run, b: Run) -> None:
    if a.split_id != b.split_id:
        raise ScrimmageError(
            f"runs {a.id} {a.name!r} and {b.id} {b.name!r} used different folds (split {a.split_id} vs "
            f"{b.split_id}); rerun the older one so both use the current folds"
        )
    if (a.frac, a.seed) != (b.frac, b.seed):
        raise ScrimmageError(
            f"runs {a.id} {a.name!r} and {b.id} {b.name!r} used different rows (frac {a.frac:g} seed {a.seed} vs "
            f"frac {b.frac:g} seed {b.seed}); compare runs made with the same frac and seed"
        )


def corrected_ttest(diff: np.ndarray, ratio: float) -> tuple[float, float]:
    """(standard error, two-sided p) of the mean of ``diff`` with the Nadeau-Bengio correction."""
    from scipy import stats

    j = len(diff)
    var = float(np.var(diff, ddof=1)) if j > 1 else 0.0
    se = float(np.sqrt((1 / j + ratio) * var)) if j > 1 else float("inf")
    mean = float(np.mean(diff))
    if se == 0:
        return 0.0, 0.0 if mean != 0 else 1.0
    if not np.isfinite(se):
        return se, 1.0
    t = mean / se
    return se, float(2 * stats.t.sf(abs(t), df=j - 1))


def compare(ws, a, b) -> Comparison:
    from ._like_for_like import BASIS, fold_scores

    a, b = resolve(ws, a), resolve(ws, b)
    if a.id == b.id:
        raise ScrimmageError(f"run {a.id} {a.name!r} is compared with itself; name two different runs")
    same_folds(a, b)
    basis = "the runs' own fold scores"
    if len(a.fold_scores) != len(b.fold_scores):
        # e.g. a blend (one score per fold of the first repeat) beside a repeated-CV run (one per fit):
        # score both the same way
        y, folds = ws.task.y(ws.train), ws.folds(a.split_id)
        a_scores, b_scores = fold_scores(ws.task, y, a.oof, folds), fold_scores(ws.task, y, b.oof, folds)
        sa = np.array([np.nan if v is None else v for v in a_scores], dtype=float)
        sb = np.array([np.nan if v is None else v for v in b_scores], dtype=float)
        basis = BASIS
    else:
        sa, sb = np.array(a.fold_scores, dtype=float), np.array(b.fold_scores, dtype=float)
    ok = np.isfinite(sa) & np.isfinite(sb)
    if ok.sum() < 2:
        raise ScrimmageError(f"runs {a.id} and {b.id} share fewer than two scored folds; nothing to compare")
    greater = ws.task.greater
    diff = (sb - sa)[ok] if greater else (sa - sb)[ok]
    folds = ws.folds(a.split_id)
    sizes = [(len(tr), len(va)) for r, _, tr, va in folds.splits() if len(va) and (r == 0 or basis != BASIS)]
    ratio = float(np.mean([v / max(t, 1) for t, v in sizes]))
    se, p = corrected_ttest(diff, ratio)
    gain = float(np.mean(diff))
    if p < ALPHA and gain > 0:
        verdict = f"{b.name!r} beats {a.name!r} beyond fold noise."
    elif p < ALPHA:
        verdict = f"{b.name!r} is worse than {a.name!r} beyond fold noise."
    else:
        verdict = (f"No difference beyond fold noise: the gap ({gain:+.5f}) is within what reshuffled folds "
                   f"would give. Keep the simpler of the two, or get more signal (more folds, repeated CV).")
    return Comparison(a, b, gain, se, p, int((diff > 0).sum()), int(ok.sum()), verdict, basis)
