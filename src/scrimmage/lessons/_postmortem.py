"""The learner's own post-mortem of a closed lesson, from their submissions and their coach journal.

The bundle's ``reveal`` explains the trap to everyone. :func:`personal` adds what
this learner did, read from their own records:

* every submission in order, by its submission id (as every other face names it,
  never by its place in this list): its public score, what the Ladder showed (on a
  Ladder lesson), its private score, and the coach's CV when the submission was a
  coach run;
* the validation they used, as recorded by the coach (the split of their last
  advice and of their runs), against the one the lesson proves right;
* what each way of choosing would have given on private, from their own
  submissions: by public score (what the leaderboard rewarded), by their CV, and
  the best they had;
* per trap, a measured extra: ``public-overfit`` shows the climb (public against
  private, submission by submission, next to the Ladder); ``small-noisy`` shows
  how far single 80/20 splits of their own training data scatter, against
  repeated CV, and how far keeping what one split favours inflates its score;
  ``particle-picking`` shows what each submission found on the private
  tomograms (recall against precision).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Line:
    submission_id: int
    description: str
    public: float | None
    shown: float | None  # what the Ladder showed after it (Ladder lessons only)
    private: float | None
    cv: float | None
    split: str | None


@dataclass(frozen=True)
class PostMortem:
    ref: str
    trap: str
    user: str
    metric: str
    greater: bool
    ladder: bool
    lines: list[Line]
    validation: str | None  # the coach split the learner used, if any
    right_split: str
    naive_split: str
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        out = [f"Your lesson ({self.user}, {self.metric}, {'higher' if self.greater else 'lower'} is better)"]
        if not self.lines:
            return out[0] + "\n  You made no scored submission."
        head = (f"  {'id':>6} {'public':>9}" + (f" {'Ladder':>9}" if self.ladder else "")
                + f" {'private':>9} {'CV':>9}  description")
        out.append(head)
        for ln in self.lines:
            cells = ([f"  {ln.submission_id:>6}", _f(ln.public)] + ([_f(ln.shown)] if self.ladder else [])
                     + [_f(ln.private), _f(ln.cv)])
            out.append(" ".join(cells) + f"  {ln.description[:40]}")
        out += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(out)


def _f(v) -> str:
    return f"{'':>9}" if v is None else f"{v:>9.5f}"


def _named(ln: Line) -> str:
    """A submission as the notes name it: its id, as `scrimmage competitions submissions` lists it, and its
    description."""
    return f"submission {ln.submission_id}" + (f" {ln.description[:40]!r}" if ln.description else "")


def personal(arena, ref: str, user: str | None = None) -> PostMortem:
    """The post-mortem of lesson ``ref`` for ``user`` (default: the arena's user); the lesson must be closed."""
    from ..errors import ForbiddenError
    from ..shown_scores import shown_public_scores
    from . import get

    comp = arena.competition(ref)
    user = user or arena.settings.user
    trap_name = comp.settings.get("lesson") or next((t for t in comp.settings.get("tags", []) if _is_trap(t)), None)
    if not comp.closed:
        raise ForbiddenError(f"the post-mortem of {comp.ref!r} is revealed when it closes: "
                             f"`scrimmage competitions close {comp.ref}` (its host)")
    trap = get(trap_name)
    subs = sorted(arena.submissions(ref, user=user), key=lambda s: (s.date, s.id))
    scored = [s for s in subs if s.status == "complete" and s.public_score is not None]
    ladder = comp.leaderboard == "ladder"
    shown = shown_public_scores(_ladder_rows(arena, ref, {s.id for s in scored})) if ladder else {}
    runs = _coach_runs(arena, ref) if user == arena.settings.user else []  # the coach journal is the arena user's
    by_sub = {r.submission_id: r for r in runs if r.submission_id is not None}
    lines = [Line(s.id, s.description, s.public_score, shown.get(s.id), s.private_score,
                  by_sub[s.id].cv_mean if s.id in by_sub else None, by_sub[s.id].split_kind if s.id in by_sub else None)
             for s in scored]
    validation = runs[-1].split_kind if runs else None
    pm = PostMortem(comp.ref, trap.name, user, comp.metric, comp.greater_is_better, ladder, lines, validation,
                    trap.right_split, trap.naive_split)
    notes = _choices(pm) + _validation_notes(pm, coached=comp.settings.get("rows") != "free")
    extra = EXTRAS.get(trap.name)
    if extra is not None:
        notes += extra(arena, comp, pm)
    return PostMortem(**{**pm.__dict__, "notes": notes})


def _is_trap(tag: str) -> bool:
    from . import names

    return tag in names()


def _ladder_rows(arena, ref: str, ids: set[int]):
    with arena.store.read() as conn:
        comp_id = arena.store.competition(conn, ref).id
        return [r for r in arena.store.submissions_of(conn, comp_id) if r.id in ids]


@dataclass(frozen=True)
class _Run:
    submission_id: int | None
    cv_mean: float | None
    split_kind: str


def _coach_runs(arena, ref: str) -> list[_Run]:
    """The learner's coach runs with the kind of split each used (empty when they never used the coach)."""
    from ..coach import Workspace

    ws = Workspace(ref, arena=arena)
    out = []
    kinds: dict[int, str] = {}
    for r in ws.recorded_runs():
        if r.split_id not in kinds:
            row = ws.split_row(r.split_id)
            kinds[r.split_id] = row.kind if row is not None else "unknown"
        out.append(_Run(r.submission_id, r.cv_mean, kinds[r.split_id]))
    return out


def _pick(pm: PostMortem, key: Callable[[Line], float | None]) -> Line | None:
    lines = [ln for ln in pm.lines if key(ln) is not None]
    if not lines:
        return None
    best = lines[0]
    for ln in lines[1:]:
        if (key(ln) > key(best)) if pm.greater else (key(ln) < key(best)):
            best = ln
    return best


def _choices(pm: PostMortem) -> list[str]:
    notes = []
    by_public, by_private, by_cv = _pick(pm, lambda ln: ln.public), _pick(pm, lambda ln: ln.private), \
        _pick(pm, lambda ln: ln.cv)
    if by_public is None or by_private is None:
        return notes
    notes.append(f"Chosen by public score, your {_named(by_public)} scored {by_public.private:.5f} on "
                 f"private; your best on private was {_named(by_private)} ({by_private.private:.5f}).")
    if by_cv is not None:
        notes.append(f"Chosen by your CV ({by_cv.split} split), {_named(by_cv)} scored {by_cv.private:.5f} on "
                     f"private.")
    return notes


def _validation_notes(pm: PostMortem, coached: bool = True) -> list[str]:
    right = pm.right_split
    with_cv = [ln for ln in pm.lines if ln.cv is not None and ln.private is not None]
    if not coached:  # free rows: the coach works with one row per id
        text = (f"This lesson's right validation is `{right}` (whole ids held out, scored with the competition's "
                f"metric); the habit it punishes is `{pm.naive_split}`.")
    elif pm.validation is None:
        text = (f"The coach recorded no validation of yours here. This lesson's right validation is `{right}` "
                f"(`scrimmage coach advise {pm.ref}` sets it up); the habit it punishes is `{pm.naive_split}`.")
    else:
        verdict = ("the one this lesson proves right" if pm.validation == right else
                   f"not the one this lesson proves right (`{right}`)")
        text = f"Your validation, as the coach recorded it: a `{pm.validation}` split, {verdict}."
    notes = [text]
    if with_cv:
        misses = sorted(abs(ln.cv - ln.private) for ln in with_cv)
        notes.append(f"Your CV missed the private score by {misses[len(misses) // 2]:.5f} (median over "
                     f"{len(with_cv)} submitted run(s)).")
    return notes


# --- per-trap measurements ---------------------------------------------------------


def _climb(arena, comp, pm: PostMortem) -> list[str]:
    """public-overfit: the learner's climb, public against private, next to what the Ladder showed."""
    if len(pm.lines) < 2:
        return ["Your climb: one submission, no climb to look at."]
    first, last = pm.lines[0], pm.lines[-1]
    best_pub = _pick(pm, lambda ln: ln.public)
    gain_public = (first.public - best_pub.public) * (1 if not pm.greater else -1)
    change_private = (best_pub.private - first.private) * (1 if not pm.greater else -1)
    notes = [f"Your climb over {len(pm.lines)} submissions: your best public score improved on your first by "
             f"{gain_public:.5f}, while that submission's private score moved by {change_private:+.5f} "
             f"({'worse' if change_private > 0 else 'better or the same'})."]
    if pm.ladder:
        notes.append(f"The Ladder showed {first.shown:.5f} after your first submission and {last.shown:.5f} after "
                     f"your last: it moved {sum(1 for a, b in zip(pm.lines, pm.lines[1:]) if b.shown != a.shown)} "
                     f"time(s) in {len(pm.lines) - 1} later submission(s).")
    return notes


def _scatter(arena, comp, pm: PostMortem) -> list[str]:
    """small-noisy: single 80/20 splits of the learner's own training data against repeated CV, and what
    keeping every blood marker that raises one split's score reports against what repeated CV says of it."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold, train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .small_noisy import BASELINE, MARKERS

    train = pd.read_csv(arena.objects.local_path(f"{arena.storage_key(comp.ref)}/train.csv"))
    y = train[comp.settings["targets"][0]].to_numpy()
    markers = [m for m in MARKERS if m in train]  # a lesson made before the panel has none
    X = train[list(BASELINE) + markers].assign(sex=(train["sex"] == "M").astype(float)).to_numpy(dtype=float)
    baseline = list(range(len(BASELINE)))

    def auc(columns, tr, va):
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X[np.ix_(tr, columns)], y[tr])
        return roc_auc_score(y[va], model.decision_function(X[np.ix_(va, columns)]))

    idx = np.arange(len(y))
    single = [auc(baseline, *train_test_split(idx, test_size=0.2, random_state=s, stratify=y)) for s in range(20)]
    folds = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=5, random_state=0).split(X, y))
    repeated = [np.mean([auc(baseline, tr, va) for tr, va in folds[r * 5:(r + 1) * 5]]) for r in range(5)]
    notes = [f"On your own training data, a logistic regression on the {len(BASELINE)} measurements scored between "
             f"{min(single):.3f} and {max(single):.3f} AUC on 20 single 80/20 splits (s.d. {np.std(single):.3f}); "
             f"five 5-fold CVs of it agreed within {max(repeated) - min(repeated):.3f} (s.d. {np.std(repeated):.3f}). "
             f"One split cannot tell apart models closer than that spread; repeated CV can."]
    if not markers:
        return notes
    # the selection effect, measured by nested CV: in each outer fold, keep every marker that raises the
    # validation AUC of one 80/20 split of the other rows, then score the pick on the fold it never saw
    reported, honest, alone, kept = [], [], [], []
    for k, (rest, held) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)):
        tr, va = train_test_split(rest, test_size=0.2, random_state=k, stratify=y[rest])
        columns, best = list(baseline), auc(baseline, tr, va)
        for m in range(len(BASELINE), X.shape[1]):
            score = auc(columns + [m], tr, va)
            if score > best:
                columns, best = columns + [m], score
        reported.append(best)
        honest.append(auc(columns, rest, held))
        alone.append(auc(baseline, rest, held))
        kept.append(len(columns) - len(baseline))
    notes.append(f"Going through the {len(markers)} blood markers and keeping each one that raised a single split's "
                 f"validation AUC kept {np.mean(kept):.0f} of them and reported {np.mean(reported):.3f} AUC; on rows "
                 f"the search never saw (nested 5-fold CV) the models it picked scored {np.mean(honest):.3f}, and the "
                 f"measurements alone {np.mean(alone):.3f}. The best of many tries on one split is its luck, "
                 f"not your model's skill.")
    return notes


def _recall(arena, comp, pm: PostMortem) -> list[str]:
    """particle-picking: what each submission found on the private tomograms, recall against precision."""
    import numpy as np

    from ..freerows import check_free
    from ..metrics.points import match_counts

    parts = []
    subs = {s.id: s for s in arena.submissions(comp.ref, user=pm.user)}
    for ln in pm.lines:
        kept_file = arena.objects.local_path(subs[ln.submission_id].stored_path)
        _, _, solution, metric = arena.score_stored(comp, kept_file)
        frame = check_free(kept_file, solution, metric.input, float("inf"), 10**9)
        idc, cols = solution.id_column, list(solution.prediction_columns)
        private = solution.frame.filter(solution.frame["Usage"] == "Private")
        kept = frame.filter(frame[idc].is_in(private[idc].implode()))
        truth = private.drop_nulls(cols)
        tp, fp, fn = match_counts(np.column_stack([truth[idc].to_numpy(), truth.select(cols).to_numpy()]).astype(object),
                                  np.column_stack([kept[idc].to_numpy(), kept.select(cols).to_numpy()]).astype(object),
                                  float(metric.kwargs(**(comp.settings.get("metric_kwargs") or {}))["radius"]))
        per_id = kept.height / max(private[idc].n_unique(), 1)
        parts.append(f"{_named(ln)}: {per_id:.1f} points per tomogram, recall {tp / max(tp + fn, 1):.3f}, "
                     f"precision {tp / max(tp + fp, 1):.3f}")
    if not parts:
        return []
    return ["What your submissions found on the private tomograms (recall: ribosomes found out of all; precision: "
            "points that found one out of all kept): " + "; ".join(parts) + ". With beta 4 a missed ribosome costs "
            "16 false alarms: the score follows recall."]


EXTRAS: dict[str, Callable] = {"public-overfit": _climb, "small-noisy": _scatter, "particle-picking": _recall}
