"""Lesson ``small-noisy``: few rows and label noise; one split cannot tell two models apart.

Story: a small clinical study. Only a few hundred patients, and the outcome was
judged by a hurried screening questionnaire, so about one label in six is wrong.
The test set is everyone else the screening will reach: it is large, so the
private score is precise.

Trap: a single train/validation split scores the model on about 160 noisy rows.
The estimate swings by several AUC points from one random split to the next, and
in a good share of splits the worse of two models looks better. Repeated K-fold
(e.g. 10 x 5-fold, the same folds for both models) averages that noise away: its
estimate lands close to the private score and ranks the two models correctly.

Proof (``tests/lessons/test_lessons_traps.py``, 20,000 rows of which 800 train,
logistic regression vs shallow gradient boosting, 30 random 80/20 splits): the
worst single split misses the private AUC by more than 0.06, and the splits'
verdict on the two models varies by more than half their private gap; 10 x 5-fold
repeated CV lands within 0.045 of the private AUC and ranks the models like the
private leaderboard (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, write_lesson

NAME = "small-noisy"
#: training rows (the rest is the test set); fewer when ``n_rows`` is below twice this
N_TRAIN = 800
#: share of labels flipped by the screening questionnaire
LABEL_NOISE = 0.15

FEATURES = (
    "age", "sex", "bmi", "resting_heart_rate", "sleep_hours", "alcohol_units_week",
    "smoker", "exercise_days_week", "screen_time_hours", "shift_work",
    "family_history", "stress_score",
)

DESCRIPTION = """
## A small screening study

A research group screened a few hundred volunteers for early signs of a sleep
disorder, using a short questionnaire that is known to be unreliable: roughly one
answer in six is wrong. The same questionnaire will now be rolled out to many more
people, and the group wants a model that predicts a positive screen from a few
health measurements.

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
| `positive_screen` | 1 when the screening questionnaire was positive (target) |
"""

DATA = """
`train.csv` is the small study (a few hundred rows); `test.csv` the large roll-out.
"""

REVEAL = """
## The trap: the noise is louder than the difference

With a few hundred rows and one label in six wrong, every validation score is
noisy. The true difference between a plain logistic regression and a gradient
boosting model was a few AUC points; the noise of a single validation split of
about 160 rows is larger than that.

**Why a single split lied.** Re-run the split with another random seed and the
score moves by several points; in a good share of splits the worse model wins.
Whatever you concluded from one split (a feature helps, a model is better) was
as likely to be noise as signal, and the private leaderboard, scored on many
thousands of rows, does not share your split's luck.

**What works.** Repeated K-fold (`RepeatedStratifiedKFold(n_splits=5, n_repeats=10)`)
uses every row for validation many times and averages the noise away. Compare
models on the *same* folds and look at the paired differences: a difference
smaller than their spread is not a difference. With little, noisy data prefer
simple, strongly regularised models; they won here.
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


def n_train(n_rows: int) -> int:
    return min(N_TRAIN, n_rows // 2)


def make_context(n_rows: int, seed: int) -> dict:
    return {"n_train": n_train(n_rows)}


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
    }
    return Block(columns, label.astype(np.int8), np.arange(start, stop) >= ctx["n_train"])


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Small and noisy",
    summary="Few rows and label noise: a single split's score swings more than the gap between two models; "
    "repeated K-fold tells them apart and tracks the private leaderboard.",
    tags=SPEC.tags,
    right_split="repeated",
    naive_split="random",
    generate=generate,
)
