"""Blending recorded runs from their out-of-fold predictions.

Four methods are fitted on the members' out-of-fold (OOF) predictions:

* ``weighted``: a weighted average, non-negative weights summing to 1 fitted to the metric;
* ``rank``: the average of the members' ranks (for metrics that only look at the
  order, i.e. metric input ``score`` such as AUC);
* ``caruana``: ensemble selection (forward selection with replacement, sorted
  initialisation, best prefix; AutoGluon's variant: 25 rounds, ties to members
  already chosen, multiclass renormalised);
* ``stacking``: a simple meta-model (ridge with non-negative weights, or logistic
  regression) on the members' predictions.

A blend fitted and scored on the same OOF predictions flatters itself, so each
method also gets an honest score by nested cross-validation: for each fold, the
blend is fitted on the OOF predictions of the other folds and scored on that
fold. ``method="best"`` keeps the method with the best honest score. The blend
is recorded as a run (kind ``ensemble``) whose fold scores are the honest ones,
with its submission file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import METRIC_UNDEFINED, ScrimmageError
from . import _blend
from ._journal import Run, resolve, runs, save_run
from ._rank_loss import AucLoss

METHODS = ("weighted", "rank", "caruana", "stacking")


@dataclass(frozen=True)
class MethodScore:
    method: str
    in_sample: float | None
    honest: float | None
    honest_std: float | None
    fold_scores: list
    weights: dict = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class EnsembleResult:
    ref: str
    metric: str
    greater: bool
    members: list[Run]
    methods: list[MethodScore]
    chosen: str
    best_single: Run
    run: Run
    #: each member scored like the blend (same rows, same folds, same averaging over repeats), by run id
    member_scores: dict = field(default_factory=dict)

    @property
    def best_single_score(self) -> float | None:
        """The best member's score on the blend's own basis (not its recorded CV)."""
        return self.member_scores.get(self.best_single.id, self.best_single.cv_mean)

    @property
    def gain(self) -> float | None:
        """Honest score of the chosen blend minus the best member's, like for like (positive = better)."""
        chosen = self.by_method(self.chosen)
        base = self.best_single_score
        if chosen.honest is None or base is None:
            return None
        d = chosen.honest - base
        return float(d if self.greater else -d)

    def by_method(self, method: str) -> MethodScore:
        return next(m for m in self.methods if m.method == method)

    def __str__(self) -> str:
        lines = [f"Ensemble of {len(self.members)} runs on {self.ref} ({self.metric}, "
                 f"{'higher' if self.greater else 'lower'} is better)",
                 f"  best single run: {self.best_single.name!r} {self.best_single_score:.5f} on the blend's folds"
                 + (f" (recorded CV {self.best_single.cv_mean:.5f} over {self.best_single.n_fits} fits)"
                    if self.best_single.n_fits != len(self.by_method(self.chosen).fold_scores) else ""), "",
                 f"  {'method':<10} {'in-sample':>10} {'honest (nested CV)':>22}"]
        for m in self.methods:
            if m.honest is None:
                lines.append(f"  {m.method:<10} {'-':>10} {'-':>22}  {m.note}")
                continue
            mark = "  <- chosen" if m.method == self.chosen else ""
            lines.append(f"  {m.method:<10} {m.in_sample:>10.5f} {m.honest:>12.5f} ± {m.honest_std:.5f}{mark}")
        w = self.by_method(self.chosen).weights
        if w:
            lines += ["", "  weights: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(w.items(), key=lambda t: -t[1]))]
        gain = self.gain
        lines += ["", f"  gain over the best single run (honest, like for like): {gain:+.5f}" if gain is not None else "",
                  f"  recorded as run {self.run.id}; submission file: {self.run.submission_path}"]
        return "\n".join(lines)


def members(ws, run_ids) -> list[Run]:
    if run_ids is None:
        folds = ws.folds()
        chosen = [r for r in runs(ws) if r.kind != "ensemble" and r.split_id == folds.split_id and r.frac >= 1
                  and r.name != "ladder: constant"]  # a constant adds nothing to a blend
        if len(chosen) < 2:
            raise ScrimmageError(
                f"an ensemble needs at least two runs on the current folds with frac=1; {len(chosen)} found: "
                f"record more with coach.run or coach.ladder"
            )
        return chosen
    chosen = [resolve(ws, r) for r in run_ids]
    if len({r.id for r in chosen}) < 2:
        raise ScrimmageError("an ensemble needs at least two different runs")
    splits = {r.split_id for r in chosen}
    if len(splits) > 1:
        raise ScrimmageError(
            "the runs used different folds (splits " + ", ".join(str(s) for s in sorted(splits)) + "); an ensemble "
            "needs every member on the same folds: rerun the older runs on the current folds"
        )
    rows = {(r.frac, r.seed) for r in chosen}
    if len(rows) > 1:
        raise ScrimmageError("the runs used different rows (different frac or seed); an ensemble needs every member "
                             "on the same rows: use runs made with the same frac and seed")
    return chosen


def blend(ws, run_ids=None, *, method: str = "best", rounds: int = _blend.ROUNDS, init: int = 3,
          name: str | None = None) -> EnsembleResult:
    if method != "best" and method not in METHODS:
        raise ScrimmageError(f"unknown ensemble method {method!r}; choose best or one of: {', '.join(METHODS)}")
    task = ws.task
    chosen = members(ws, run_ids)
    folds = ws.folds(chosen[0].split_id)
    P = np.stack([r.oof for r in chosen])
    T = np.stack([r.test for r in chosen])
    rows = ~np.isnan(P.reshape(len(P), P.shape[1], -1)).any(axis=(0, 2)) & folds.scored
    y = task.y(ws.train)
    fold = folds.fold[:, 0]
    P, y_rows, f_rows = P[:, rows], y[rows], fold[rows]
    y_enc = task.encoded(y_rows)

    def loss(pred, yy=None):
        yy = y_rows if yy is None else yy
        try:
            return task.loss(task.score(yy, pred))
        except METRIC_UNDEFINED:  # undefined on this subset
            return np.inf

    names = [f"{r.id} {r.name}" for r in chosen]
    results: dict[str, MethodScore] = {}
    blends_test: dict[str, np.ndarray] = {}
    oofs: dict[str, np.ndarray] = {}
    for m in METHODS:
        if m == "rank" and task.metric.input != "score":
            results[m] = MethodScore(m, None, None, None, [], note=f"(rank averaging suits order-only metrics; "
                                                                   f"{task.metric.name} needs calibrated values)")
            continue
        fit, apply = _method(m, task, rounds, init)
        state = fit(P, y_rows, y_enc, loss)
        in_pred = apply(state, P)
        in_sample = _fold_mean(task, y_rows, in_pred, f_rows)
        honest_pred = np.full(P.shape[1:], np.nan)
        scores = []
        for k in np.unique(f_rows):
            tr, va = f_rows != k, f_rows == k
            if tr.sum() == 0 or va.sum() == 0:
                continue
            s = fit(P[:, tr], y_rows[tr], y_enc[tr], lambda p, yy=y_rows[tr]: loss(p, yy))
            honest_pred[va] = apply(s, P[:, va])
            try:
                scores.append(task.score(y_rows[va], honest_pred[va]))
            except METRIC_UNDEFINED:
                scores.append(None)
        valid = [s for s in scores if s is not None]
        weights = {}
        if m in ("weighted", "caruana"):
            weights = {n: float(w) for n, w in zip(names, state) if w > 0}
        results[m] = MethodScore(m, in_sample, float(np.mean(valid)) if valid else None,
                                 float(np.std(valid, ddof=1)) if len(valid) > 1 else 0.0, scores, weights)
        blends_test[m] = apply(state, T)
        oofs[m] = honest_pred
    scored = [r for r in results.values() if r.honest is not None]
    if method == "best":
        pick = scored[0]
        for r in scored[1:]:
            if task.better(r.honest, pick.honest):
                pick = r
        method = pick.method
    elif results[method].honest is None:
        raise ScrimmageError(f"method {method!r} does not apply here: {results[method].note.strip('()')}")
    # every member scored like the blend: same rows, same folds, same (repeat-averaged) predictions
    alike = {r.id: _fold_mean(task, y_rows, P[i], f_rows) for i, r in enumerate(chosen)}
    best_single = chosen[0]
    for r in chosen[1:]:
        if alike[r.id] is not None and (alike[best_single.id] is None or task.better(alike[r.id], alike[best_single.id])):
            best_single = r
    full_oof = np.full(folds.fold.shape[:1] + P.shape[2:], np.nan)
    full_oof[rows] = oofs[method]
    ms = results[method]
    run = save_run(ws, folds, full_oof, blends_test[method], ms.fold_scores, name=name or f"ensemble: {method}",
                   kind="ensemble", model=f"{method} blend of runs {', '.join(str(r.id) for r in chosen)}",
                   params={"method": method, "members": [r.id for r in chosen], "rounds": rounds, "init": init},
                   frac=chosen[0].frac, seed=chosen[0].seed,
                   extra={"weights": ms.weights, "methods": [vars(r) for r in results.values()],
                          "members": [r.id for r in chosen],
                          "member_scores": {str(k): v for k, v in alike.items()}, "best_single": best_single.id})
    return EnsembleResult(ws.ref, task.metric.name, task.greater, chosen, list(results.values()), method,
                          best_single, run, alike)


def _fold_mean(task, y, pred, folds) -> float | None:
    """Mean of per-fold scores (how run CVs are reported), so in-sample and honest scores compare."""
    out = []
    for k in np.unique(folds):
        try:
            out.append(task.score(y[folds == k], pred[folds == k]))
        except METRIC_UNDEFINED:  # a fold where the metric is undefined does not count
            continue
    return float(np.mean(out)) if out else None


def _selection_loss(task, y, loss):
    """``loss``, for ROC AUC with a bound that spares ensemble selection the candidates that cannot win."""
    if task.kind == "binary" and task.metric.name == "roc_auc":
        return AucLoss(y, loss, pos_label=task.metric_kwargs.get("pos_label", 1), greater=task.greater)
    return loss


def _method(m, task, rounds, init):
    kind = "binary" if task.kind == "binary" else ("regression" if task.kind == "regression" else "multi")
    if m == "weighted":
        return (lambda P, y, ye, loss: _blend.weights_fit(P, loss)), (lambda s, P: _blend.weighted(P, s))
    if m == "caruana":
        return ((lambda P, y, ye, loss: _blend.caruana(P, _selection_loss(task, y, loss), rounds, init)[0]),
                (lambda s, P: _blend.weighted(P, s)))
    if m == "rank":
        return (lambda P, y, ye, loss: None), (lambda s, P: _blend.ranks(P).mean(axis=0))
    return ((lambda P, y, ye, loss: _blend.stack_fit(P, ye, kind)),
            (lambda s, P: _blend.stack_apply(s, P, kind, task.width)))
