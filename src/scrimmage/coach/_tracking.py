"""Does your validation track the leaderboard?

Across the runs you submitted (``coach.submit``), the coach sets each run's CV
beside its public score and asks two questions:

* **Order**: do runs with a better CV get a better public score? (Spearman rank
  correlation, from 4 submissions on.)
* **Level**: is the public score where the CV says it should be? A public score
  is computed on few rows, so it is noisy: the *noise band* is the spread of
  the metric over bootstrap samples of the run's own out-of-fold predictions,
  each the size of the public split (95 % band, ±1.96 standard deviations).
  A public score outside CV ± band is more than noise.

When either fails, the plain warning is: *your validation does not track the
leaderboard: revisit the split*. After the competition closes the same is done
against the private scores, with a short post-mortem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import METRIC_UNDEFINED

WARNING = "your validation does not track the leaderboard: revisit the split"
MIN_ORDER = 4  # submissions needed before the rank correlation is judged
MIN_RHO = 0.5


@dataclass(frozen=True)
class Point:
    run_id: int
    name: str
    submission_id: int
    cv: float
    cv_std: float
    public: float | None
    private: float | None
    band: float  # half-width of the public noise band (95 %)
    selected: bool = False


@dataclass(frozen=True)
class Tracking:
    ref: str
    metric: str
    greater: bool
    n_public: int
    points: list[Point]
    spearman_public: float | None
    spearman_private: float | None
    spearman_public_private: float | None
    tracks: bool | None
    messages: list[str] = field(default_factory=list)
    postmortem: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"CV vs leaderboard on {self.ref} ({self.metric}; public split about {self.n_public:,} rows)"]
        if not self.points:
            return lines[0] + "\n  no submitted runs yet: submit one with coach.submit(run) or `scrimmage coach submit`"
        lines.append(f"  {'run':>4} {'name':<28} {'CV':>10} {'public':>10} {'noise band':>11} {'private':>10}")
        for p in self.points:
            pub = "" if p.public is None else f"{p.public:.5f}"
            prv = "" if p.private is None else f"{p.private:.5f}"
            lines.append(f"  {p.run_id:>4} {p.name[:28]:<28} {p.cv:>10.5f} {pub:>10} {'±' + format(p.band, '.5f'):>11} {prv:>10}")
        lines.append("")
        lines += [f"  {m}" for m in self.messages]
        if self.postmortem:
            lines += ["", "  Post-mortem:"] + [f"  - {m}" for m in self.postmortem]
        return "\n".join(lines)


def _spearman(a, b) -> float | None:
    from scipy.stats import spearmanr

    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(spearmanr(a, b).statistic)


#: bootstrap samples behind every noise band (the CLI, the notebook and the report use the same)
BAND_BOOTSTRAPS = 1000


def noise_band(task, y, oof, scored, n_public: int, n_boot: int = BAND_BOOTSTRAPS, seed: int = 0) -> float:
    """1.96 x the bootstrap standard deviation of the metric on ``n_public`` rows of the OOF predictions."""
    ok = scored & ~np.isnan(oof if oof.ndim == 1 else oof[:, 0])
    idx = np.flatnonzero(ok)
    if len(idx) < 2 or n_public < 2:
        return float("nan")
    rng = np.random.default_rng(seed)
    n_boot = int(min(n_boot, max(100, 20_000_000 // max(n_public, 1))))
    values = []
    for _ in range(n_boot):
        pick = rng.choice(idx, size=n_public, replace=True)
        try:
            values.append(task.score(y[pick], oof[pick]))
        except METRIC_UNDEFINED:  # e.g. one class in the sample
            continue
    return float(1.96 * np.std(values, ddof=1)) if len(values) > 1 else float("nan")


def track(ws, n_boot: int = BAND_BOOTSTRAPS, seed: int = 0) -> Tracking:
    from ._journal import runs

    task = ws.task
    linked = [r for r in runs(ws) if r.submission_id is not None and r.cv_mean is not None]
    subs = {s.id: s for s in ws.arena.submissions(ws.ref)}
    n_public = ws.info.public_rows or int(round(ws.info.public_share * len(ws.test)))
    y = task.y(ws.train)
    points = []
    for r in linked:
        folds = ws.folds(r.split_id)
        band = noise_band(task, y, r.oof, folds.scored, n_public, n_boot, seed)
        sub = subs.get(r.submission_id)
        points.append(Point(r.id, r.name, r.submission_id, r.cv_mean, r.cv_std or 0.0, r.public_score,
                            r.private_score, band, bool(sub and sub.selected)))
    with_pub = [p for p in points if p.public is not None]
    rho = _spearman([p.cv for p in with_pub], [p.public for p in with_pub]) if len(with_pub) >= 3 else None
    with_prv = [p for p in points if p.private is not None]
    rho_prv = _spearman([p.cv for p in with_prv], [p.private for p in with_prv]) if len(with_prv) >= 3 else None
    rho_pp = _spearman([p.public for p in with_prv], [p.private for p in with_prv]) if len(with_prv) >= 3 else None
    messages, tracks = _judge(task, with_pub, rho)
    post = _postmortem(task, points, rho_prv, rho_pp) if with_prv else []
    return Tracking(ws.ref, task.metric.name, task.greater, n_public, points, rho, rho_prv, rho_pp, tracks,
                    messages, post)


def _better(task, a, b) -> float:
    """How much ``a`` is better than ``b`` (positive = better)."""
    return (a - b) if task.greater else (b - a)


#: the verdicts of :func:`_judge`, each with the sentence that closes the tracking report
VERDICTS = {
    "tracks": "Your validation tracks the leaderboard.",
    "off": "Warning: " + WARNING + ".",
    "too-close": "Verdict: the public leaderboard cannot tell these runs apart; go by the CV.",
    "too-few": "Verdict: too early to tell; submit more runs.",
}


def _judge(task, pts, rho):
    """Facts, then exactly one verdict (the last message) with its reason; ``ok`` is True, False or None.

    In order: public scores beyond the noise band on one side of the CV mean the split is off (whatever
    else holds); else, when the public scores differ by less than the band, the order is noise and only
    the CV can rank the runs; else the order decides from four submissions on; else it is too early.
    """
    if not pts:
        return ["No public scores yet."], None
    msgs = []
    offsets = np.array([_better(task, p.public, p.cv) for p in pts])
    allow = np.array([np.sqrt(p.band ** 2 + (1.96 * p.cv_std / np.sqrt(5)) ** 2) if np.isfinite(p.band) else np.inf
                      for p in pts])
    outside = np.abs(offsets) > allow
    band = float(np.nanmedian([p.band for p in pts]))
    level_off = bool(outside.sum() * 2 > len(pts) and (np.all(offsets[outside] < 0) or np.all(offsets[outside] > 0)))
    if level_off:
        side = "worse" if np.median(offsets) < 0 else "better"
        msgs.append(f"The public scores are {side} than the CV by {abs(float(np.median(offsets))):.5f} (median), "
                    f"beyond the public noise band (±{band:.5f}).")
    else:
        msgs.append(f"The public scores sit within the noise band of the CV "
                    f"({int((~outside).sum())} of {len(pts)} inside ±band).")
    pubs = [p.public for p in pts]
    spread = max(pubs) - min(pubs)
    too_close = len(pts) >= 2 and spread < band
    if too_close:
        msgs.append(f"All public scores lie within {spread:.5f} of each other, less than the noise band "
                    f"(±{band:.5f}): their order on the public leaderboard is noise.")
    order_off = None
    if len(pts) >= MIN_ORDER and rho is not None and not too_close:
        order_off = rho < MIN_RHO
        msgs.append(f"Better CV {'does not mean' if order_off else 'goes with'} better public score: rank "
                    f"correlation {rho:.2f} over {len(pts)} submissions.")
    elif len(pts) < MIN_ORDER:
        msgs.append(f"With {len(pts)} submitted run(s), the order cannot be judged yet ({MIN_ORDER} needed).")
    if level_off:
        verdict, ok, why = "off", False, "the public scores sit beyond the noise band on one side of the CV"
    elif order_off:
        verdict, ok, why = "off", False, "better CV does not go with better public scores"
    elif too_close:
        verdict, ok, why = "too-close", None, "the public scores agree with the CV within the noise band"
    elif order_off is False:
        verdict, ok, why = "tracks", True, "the public scores agree with the CV within the noise band, in order"
    else:
        verdict, ok, why = "tracks", True, "the public scores agree with the CV within the noise band"
    msgs.append(f"{VERDICTS[verdict]} (Reason: {why}.)")
    return msgs, ok


def _postmortem(task, points, rho_prv, rho_pp):
    pts = [p for p in points if p.private is not None]

    def best(key):
        chosen = pts[0]
        for p in pts[1:]:
            if _better(task, key(p), key(chosen)) > 0:
                chosen = p
        return chosen

    by_cv, by_pub, by_prv = best(lambda p: p.cv), best(lambda p: p.public if p.public is not None else -np.inf), \
        best(lambda p: p.private)
    out = [f"Best private score: run {by_prv.run_id} {by_prv.name!r} ({by_prv.private:.5f}).",
           f"The run with the best CV ({by_cv.run_id} {by_cv.name!r}) scored {by_cv.private:.5f} privately; "
           f"the one with the best public score ({by_pub.run_id} {by_pub.name!r}) scored {by_pub.private:.5f}."]
    if rho_prv is not None:
        out.append(f"Rank correlation with the private scores: CV {rho_prv:.2f}"
                   + (f", public {rho_pp:.2f}" if rho_pp is not None else "") + ".")
        if rho_pp is not None and rho_prv != rho_pp:
            out.append("Your CV predicted the private leaderboard better than the public one did: trust it next time."
                       if rho_prv > rho_pp else
                       "The public leaderboard predicted the private one better than your CV: the split did not "
                       "mirror the test set; revisit how it was made.")
    chosen = [p for p in pts if p.selected]
    if chosen:
        got = best_of(task, [p.private for p in chosen])
        lost = _better(task, by_prv.private, got)
        out.append(f"Your selected submissions scored {got:.5f} privately"
                   + (f"; choosing by CV would have given {by_cv.private:.5f}." if by_cv not in chosen else ".")
                   + (f" {lost:.5f} was left on the table." if lost > 0 else ""))
    return out


def best_of(task, values):
    return max(values) if task.greater else min(values)
