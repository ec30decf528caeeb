"""Learning tracks: ordered paths through the catalogue and the lessons.

Each track follows the project-based steps "reproduce a reference score, then
apply the technique elsewhere": it opens on a real dataset where the learner
reproduces a reference pipeline, meets one or more traps on purpose in lessons,
and closes on another real dataset where what the lessons taught pays off.

A step is done when the learner's best public score on it beats the step's goal
reference and every weaker one: goal ``simple`` asks for the constant baseline
and the simple model (the bronze bar of :mod:`scrimmage.references`), goal
``strong`` for every reference (the gold bar). Progress is read from the
learner's own submissions: nothing is stored besides them.

>>> [t.name for t in tracks()]
['tabular-classification', 'regression', 'validation', 'categories']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import NotFoundError
from .lessons import default_ref
from .references import NAMES, Reference, beaten, beats, from_settings

__all__ = ["Step", "StepProgress", "Track", "get", "names", "progress", "tracks"]

LESSON = "lesson:"


@dataclass(frozen=True)
class Step:
    #: a catalogue ref (``titanic``) or ``lesson:<trap>``
    competition: str
    #: what to practise on this step
    technique: str
    #: the reference whose public score the learner must beat, with every weaker one
    goal: str = "simple"

    @property
    def needed(self) -> tuple[str, ...]:
        """The references to beat: the goal and the ones before it in :data:`~scrimmage.references.NAMES`."""
        return NAMES[: NAMES.index(self.goal) + 1]

    @property
    def goal_label(self) -> str:
        return "every reference" if self.goal == "strong" else "the simple model"

    @property
    def trap(self) -> str | None:
        return self.competition[len(LESSON):] if self.competition.startswith(LESSON) else None

    @property
    def label(self) -> str:
        return f"lesson {self.trap}" if self.trap else self.competition


@dataclass(frozen=True)
class Track:
    name: str
    title: str
    summary: str
    steps: tuple[Step, ...]


TRACKS = (
    Track(
        "tabular-classification",
        "Tabular classification: from Titanic to flight delays",
        "Reproduce the simple model on Titanic, learn to validate on rare positives and on repeated "
        "patients, then predict which flights arrive late.",
        (
            Step("titanic", "reproduce the simple model: logistic regression on scaled numbers and one-hot "
                            "categories, checked on a stratified validation split"),
            Step("lesson:imbalance", "rare positives: validate with StratifiedKFold scored by average precision, "
                                     "never accuracy"),
            Step("lesson:group-leakage", "rows come in groups: validate with GroupKFold by patient"),
            Step("nyc-flight-delays", "apply both on real data: a time split for validation, the weather and "
                                      "planes tables joined in", goal="strong"),
        ),
    ),
    Track(
        "regression",
        "Regression: prices, fares and rentals",
        "Reproduce the simple model on house prices, learn what drift and a shifted test set do to "
        "validation, then forecast bike rentals.",
        (
            Step("ames-house-prices", "reproduce the simple model: ridge regression on log(1 + price)"),
            Step("lesson:time-drift", "the relation drifts: validate on the latest period, never a shuffled K-fold"),
            Step("lesson:covariate-shift", "the test set is shifted: adversarial validation, validate on the "
                                           "most test-like rows"),
            Step("bike-share-demand", "apply both on real data: a time split, features that extrapolate",
                 goal="strong"),
        ),
    ),
    Track(
        "validation",
        "Validation: a score you can trust",
        "Every trap that makes a validation score lie, one lesson each, then a real dataset where "
        "the right split matters.",
        (
            Step("lesson:time-drift", "time split instead of shuffled K-fold"),
            Step("lesson:group-leakage", "GroupKFold instead of K-fold over rows"),
            Step("lesson:covariate-shift", "adversarial validation instead of K-fold on all of train"),
            Step("lesson:leaky-feature", "find the leak with adversarial validation, then drop it", goal="strong"),
            Step("lesson:small-noisy", "repeated K-fold, not the best of many tries on one split"),
            Step("lesson:public-overfit", "trust your CV, not the public leaderboard"),
            Step("lesson:particle-picking", "score your validation with the competition's metric, on whole "
                                            "tomograms, and tune the threshold there"),
            Step("movie-review-sentiment", "apply it on real data: movies never seen in train, GroupKFold by movie"),
        ),
    ),
    Track(
        "categories",
        "Categories: from a few levels to thousands",
        "Reproduce the simple model on census data, learn out-of-fold target encoding, then use it "
        "on planes and destinations.",
        (
            Step("census-income", "reproduce the simple model: one-hot categories with logistic regression"),
            Step("lesson:high-cardinality", "out-of-fold target encoding instead of encoding on all of train"),
            Step("nyc-flight-delays", "apply it on real data: encode tail numbers and destinations out of fold",
                 goal="strong"),
        ),
    ),
)


def tracks() -> list[Track]:
    return list(TRACKS)


def refs(track: Track) -> list[str]:
    """The competition refs of a track's steps, in order (a lesson by its default ref)."""
    from .lessons import default_ref

    return [default_ref(s.trap) if s.trap else s.competition for s in track.steps]


def names() -> list[str]:
    return [t.name for t in TRACKS]


def get(name: str) -> Track:
    for t in TRACKS:
        if t.name == name:
            return t
    raise NotFoundError(f"unknown track {name!r}; choose one of: {', '.join(names())}")


# --- progress ---------------------------------------------------------------------


@dataclass(frozen=True)
class StepProgress:
    number: int
    step: Step
    #: the competition the progress is read from (None: a lesson not created yet)
    ref: str | None
    references: list[Reference] = field(default_factory=list)
    greater_is_better: bool = True
    #: the learner's best public score, and how many scored submissions they made
    best: float | None = None
    submissions: int = 0
    #: names of the references the best score beats
    beaten: list[str] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return self.ref is not None

    @property
    def goal_score(self) -> float | None:
        """The public score to beat: the best of the needed references."""
        bar = None
        for r in self.references:
            if r.name in self.step.needed and (bar is None or beats(r.public, bar, self.greater_is_better)):
                bar = r.public
        return bar

    @property
    def done(self) -> bool:
        have = {r.name for r in self.references}
        return bool(have) and all(n in self.beaten for n in self.step.needed if n in have)

    def next_command(self) -> str:
        """What the learner should run next on this step ('' when done)."""
        if self.done:
            return ""
        if not self.created:
            return f"scrimmage lessons create {self.step.trap}"
        if not self.submissions:
            return f"scrimmage competitions download {self.ref} -p {self.ref}"
        score = "" if self.goal_score is None else f": {self.goal_score:.5f} public"
        return f"scrimmage competitions submit {self.ref} -f submission.csv -m MESSAGE   (beat {self.step.goal_label}{score})"


def progress(arena, track: Track, user: str | None = None) -> list[StepProgress]:
    """Each step of ``track`` with the learner's (``user``, default: the arena's) best public score
    and the references it beats."""
    comps = {c.ref: c for c in arena.list_competitions()}
    cache: dict[str, tuple[float | None, int]] = {}
    out = []
    for i, step in enumerate(track.steps, start=1):
        if step.trap:
            candidates = [c for c in comps.values() if c.built and "lesson" in c.tags and step.trap in c.tags]
        else:
            candidates = [comps[step.competition]] if step.competition in comps else []
        if not candidates:
            out.append(StepProgress(i, step, None))
            continue
        options = []
        for comp in candidates:
            refs = _references(comp)
            if comp.ref not in cache:
                cache[comp.ref] = _best(arena, comp, user) if comp.built else (None, 0)
            best, count = cache[comp.ref]
            options.append(StepProgress(i, step, comp.ref, refs, comp.greater_is_better, best, count,
                                        beaten(best, refs, comp.greater_is_better)))
        out.append(max(options, key=lambda p: (p.done, len(p.beaten), p.submissions > 0,
                                               p.ref == default_ref(step.trap), -len(p.ref or ""))))
    return out


def _references(comp) -> list[Reference]:
    refs = from_settings(comp.settings)
    if not refs and not comp.built:
        from . import catalog

        refs = from_settings({"reference_scores": catalog.reference_scores(comp.ref)})
    return refs


def _best(arena, comp, user: str | None = None) -> tuple[float | None, int]:
    subs = [s for s in arena.submissions(comp.ref, user=user) if s.status == "complete" and s.public_score is not None]
    best = None
    for s in subs:
        if best is None or beats(s.public_score, best, comp.greater_is_better):
            best = s.public_score
    return best, len(subs)
