"""Lesson ``small-noisy``: few rows, noisy labels and 150 candidate markers; one split picks noise.

Story: a small clinical study. Only a few hundred patients, a dozen routine
health measurements and a broad blood panel of 150 markers, and the outcome was
judged by a hurried screening questionnaire, so about one label in six is wrong.
The test set is everyone else the screening will reach: it is large, so the
private score is precise.

Trap: a single train/validation split scores the model on about 80 noisy rows,
and its score swings by several AUC points from one random split to the next.
A learner who tries many feature sets (or models, or settings) and keeps what
scores best on that one split selects the split's noise: about 40 of the
markers, nearly all of them pure noise, each "improves" the validation AUC, the
reported score climbs 0.2-0.3 AUC above what the chosen model scores on the
leaderboard (the winner's curse), and the chosen model is worse than the plain
one. Repeated K-fold (e.g. 5 x 5-fold, the same folds for every
candidate), with a candidate kept only when it beats the others by more than
the folds' spread, picks almost no noise, and its estimate lands close to the
private score.

Proof (``tests/lessons/test_lessons_traps.py``, 20,000 rows of which 400 train):
single 80/20 splits of a logistic regression scatter by several AUC points;
keeping every marker that raises one split's validation AUC reports an AUC far
above the private score of the model it picks, which is worse on private than
the baseline measurements alone; 10 x 5-fold repeated CV of the baseline model
lands close to its private AUC (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, params_rng, write_lesson

NAME = "small-noisy"
#: training rows, whatever ``n_rows`` (at least 1,000); the rest is the test set
N_TRAIN = 400
#: share of labels flipped by the screening questionnaire
LABEL_NOISE = 0.15
#: the blood panel: standardised marker levels, nearly all unrelated to the outcome
N_MARKERS = 150
#: the logit effects (per standard deviation) of the few markers that matter; which ones is drawn per seed
MARKER_EFFECTS = (0.3, -0.25)

BASELINE = (
    "age", "sex", "bmi", "resting_heart_rate", "sleep_hours", "alcohol_units_week",
    "smoker", "exercise_days_week", "screen_time_hours", "shift_work",
    "family_history", "stress_score",
)
MARKERS = tuple(f"marker_{i:03d}" for i in range(1, N_MARKERS + 1))
FEATURES = BASELINE + MARKERS

DESCRIPTION = """
## A small screening study

A research group screened a few hundred volunteers for early signs of a sleep
disorder, using a short questionnaire that is known to be unreliable: roughly one
answer in six is wrong. Besides a dozen routine health measurements, every
volunteer gave blood for a broad research panel of 150 markers; nobody knows yet
which of them, if any, say something about the disorder. The same questionnaire
will now be rolled out to many more people, and the group wants a model that
predicts a positive screen.

You get the small study; the test set is the large roll-out. Predict the
probability that `positive_screen` is 1.

| column | meaning |
|---|---|
| `participant_id` | participant identifier |
| `age` | age in years |
| `sex` | `F` or `M` |
| `bmi` | body-mass index |
| `resting_heart_rate` | beats per minute |
| `sleep_hours` | self-reported hours of sleep per night |
| `alcohol_units_week` | self-reported units of alcohol per week |
| `smoker` | 1 for a current smoker |
| `exercise_days_week` | days with 30 minutes of exercise, per week |
| `screen_time_hours` | hours per day in front of a screen after 8 pm |
| `shift_work` | 1 for night or rotating shift work |
| `family_history` | 1 when a parent or sibling has the disorder |
| `stress_score` | perceived-stress questionnaire score, 0-40 |
| `marker_001` ... `marker_150` | blood-panel marker levels, standardised (mean 0, s.d. 1 in the population) |
| `positive_screen` | 1 when the screening questionnaire was positive (target) |
"""

DATA = """
`train.csv` is the small study (a few hundred rows); `test.csv` the large roll-out.
"""

REVEAL = """
## The trap: the noise is louder than the difference

With a few hundred rows and one label in six wrong, every validation score is
noisy: a single validation split of about 80 rows moves by several AUC points
from one random split to the next, more than the true difference between most
models or feature sets you could try.

**Why a single split lied.** Two of the 150 blood markers carry a weak signal;
the other 148 are noise. Try adding each marker and keep it when your validation
AUC goes up, and about 40 of them "help": on 80 rows, noise improves the
score about as often as it hurts. Every kept marker adds its lucky draw to the
score you report, so after a search the best validation score sits far above
what that model scores on the leaderboard (0.2-0.3 AUC here): picking the best
of many on one noisy split selects the split's luck, the winner's curse. The
same happens when you try many models or settings and keep the best-looking
one. The chosen model carries the noise it was chosen for and scores *worse* on
private than the plain one.

**What works.** Repeated K-fold (`RepeatedStratifiedKFold(n_splits=5, n_repeats=5)`)
uses every row for validation many times and averages the split's luck away.
Compare candidates on the *same* folds and look at the paired differences; keep a
marker (or a model, or a setting) only when it wins by more than about two
standard errors of that difference, and otherwise keep the simpler choice. Then
report the repeated CV of the one model you chose; if you searched a lot, check
it with nested CV, since the best of many repeated-CV scores is optimistic too.
With little, noisy data prefer simple, strongly regularised models and few
features.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: a small screening study (small and noisy data)",
    metric="roc_auc",
    id_column="participant_id",
    target="positive_screen",
    features=FEATURES,
    sample_value=0.5,
    description=DESCRIPTION,
    data=DATA,
    split="random",
    tags=("lesson", NAME, "binary-classification", "tabular", "small-data", "label-noise", "repeated-k-fold"),
    reveal=REVEAL,
)


def make_context(n_rows: int, seed: int) -> dict:
    rng = params_rng(NAME, seed)
    signal = rng.choice(N_MARKERS, size=len(MARKER_EFFECTS), replace=False)
    return {"n_train": N_TRAIN, "signal": signal}


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: dict) -> Block:
    n = stop - start
    age = rng.normal(45.0, 14.0, n).clip(18, 85)
    male = rng.random(n) < 0.5
    bmi = rng.lognormal(np.log(26.0), 0.15, n)
    heart = rng.normal(68.0, 9.0, n) + 0.3 * (bmi - 26)
    sleep = rng.normal(7.0, 1.1, n).clip(3.0, 11.0)
    alcohol = rng.gamma(1.2, 5.0, n)
    smoker = rng.random(n) < 0.2
    exercise = rng.binomial(7, 0.4, n)
    screen = rng.gamma(2.0, 0.9, n)
    shift = rng.random(n) < 0.15
    family = rng.random(n) < 0.12
    stress = rng.normal(16.0, 6.0, n).clip(0, 40)
    panel = np.round(rng.normal(size=(n, N_MARKERS)), 2)

    logit = (
        -0.6
        + 0.03 * (age - 45)
        + 0.3 * male
        + 0.1 * (bmi - 26)
        - 0.45 * (sleep - 7.0)
        + 0.02 * alcohol
        + 0.3 * smoker
        - 0.12 * (exercise - 2.8)
        + 0.2 * screen
        + 0.5 * shift
        + 0.6 * family
        + 0.04 * (stress - 16)
        + panel[:, ctx["signal"]] @ np.array(MARKER_EFFECTS)
    )
    truth = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    flipped = rng.random(n) < LABEL_NOISE
    label = truth ^ flipped
    columns = {
        "age": np.round(age).astype(np.int64),
        "sex": np.where(male, "M", "F"),
        "bmi": np.round(bmi, 1),
        "resting_heart_rate": np.round(heart).astype(np.int64),
        "sleep_hours": np.round(sleep * 2) / 2,
        "alcohol_units_week": np.round(alcohol).astype(np.int64),
        "smoker": smoker.astype(np.int8),
        "exercise_days_week": exercise,
        "screen_time_hours": np.round(screen, 1),
        "shift_work": shift.astype(np.int8),
        "family_history": family.astype(np.int8),
        "stress_score": np.round(stress).astype(np.int64),
        **{name: panel[:, i] for i, name in enumerate(MARKERS)},
    }
    return Block(columns, label.astype(np.int8), np.arange(start, stop) >= ctx["n_train"])


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS // 8) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts. Rows are about ten
    times as wide as other lessons' (the panel), so a chunk holds fewer of them: memory stays the same."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Small and noisy",
    summary="Few rows, label noise and 150 candidate markers: keeping what scores best on one split "
    "selects its noise and reports a score far above the leaderboard; repeated K-fold picks little and tracks it.",
    tags=SPEC.tags,
    right_split="repeated",
    naive_split="random",
    generate=generate,
)
