"""Lesson ``group-leakage``: rows come in groups and the test groups are unseen.

Story: a diabetes clinic's visits. Each patient comes back several times; their
age, height, sex and history barely change between visits, and much of their
risk is personal. The test set holds the visits of *other* patients.

Trap: a plain K-fold puts visits of one patient in both its training and
validation folds. A flexible model recognises the patient from their near-constant
attributes and repeats their other visits' outcome, so CV rewards memorising
patients. On unseen patients that knowledge is worth nothing. GroupKFold on
``patient_id`` keeps each patient on one side and tracks the private score.

Proof (``tests/lessons/test_lessons_traps.py``, 20,000 rows, gradient boosting
without ``patient_id``): plain 5-fold AUC above the private AUC by more than
0.06, GroupKFold within 0.04 of it (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import BLOCK_ROWS, CHUNK_ROWS, Block, LessonSpec, check_args, no_context, write_lesson

NAME = "group-leakage"
#: share of patients whose visits form the test set
TEST_SHARE = 0.3

FEATURES = (
    "patient_id", "visit_number", "months_since_first_visit", "age", "sex", "height_cm",
    "weight_kg", "years_since_diagnosis", "on_insulin", "fasting_glucose", "systolic_bp",
    "medication_adherence", "daily_steps",
)

DESCRIPTION = """
## Blood sugar at the next check-up

A diabetes clinic follows its patients over the years. At each visit it records
their measurements and, a few days later, whether their HbA1c lab result came
back **above target**. The clinic wants to know, at the visit, which patients
are likely to be above target so it can call them back early.

Every row is one visit. Patients come back several times. The test set holds the
visits of **patients the clinic has not seen in the training data** (a new
catchment area joined the clinic).

Predict the probability that `hba1c_above_target` is 1.

| column | meaning |
|---|---|
| `visit_id` | visit identifier |
| `patient_id` | patient identifier (the same patient on every visit) |
| `visit_number` | 1 for the first visit of the patient, 2 for the second, ... |
| `months_since_first_visit` | months since the patient's first visit |
| `age` | age in years at the first visit |
| `sex` | `F` or `M` |
| `height_cm`, `weight_kg` | height and weight at the visit |
| `years_since_diagnosis` | years since the diabetes diagnosis, at the first visit |
| `on_insulin` | 1 when the patient is on insulin |
| `fasting_glucose` | fasting plasma glucose (mmol/L) measured at the visit |
| `systolic_bp` | systolic blood pressure (mmHg) |
| `medication_adherence` | share of prescribed doses taken since the last visit (self-reported) |
| `daily_steps` | average daily steps from the patient's activity tracker |
| `hba1c_above_target` | 1 when the visit's HbA1c result was above target (target) |
"""

DATA = """
`train.csv` holds every visit of the training patients; `test.csv` every visit of
the other patients. A patient appears in only one of them.
"""

REVEAL = """
## The trap: the same patient on both sides of the fold

Each patient's risk was largely *personal*: some patients stay above target
whatever their measurements say. And each patient is easy to recognise, since
their age, sex, height and diagnosis date are the same on every visit.

**Why a plain K-fold lied.** Shuffling visits into folds puts the other visits of
a patient in the training folds. A flexible model learns "this 58-year-old,
171 cm tall, diagnosed 6 years ago is usually above target" and repeats it on the
validation visit: CV rewards memorising patients. The test patients are new, so
that memory is worth nothing and the private AUC is much lower.

**What works.** Split by patient: `GroupKFold(groups=patient_id)` keeps every
visit of a patient on one side, exactly like the train/test split. Its score
tracks the private leaderboard, and it rewards features that generalise to new
patients (measurements taken at the visit) over identity fingerprints.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: blood sugar at the next check-up (group leakage)",
    metric="roc_auc",
    id_column="visit_id",
    target="hba1c_above_target",
    features=FEATURES,
    sample_value=0.5,
    description=DESCRIPTION,
    data=DATA,
    split="group",
    tags=("lesson", NAME, "binary-classification", "tabular", "group-k-fold", "healthcare"),
    reveal=REVEAL,
    prefixed={"patient_id": "P"},
)


make_context = no_context  # every row is drawn on its own: no global parameters


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: None) -> Block:
    n = stop - start
    # patients are whole inside a block: 2 + Poisson(8) visits, the last patient cut at the block's end
    sizes = 2 + rng.poisson(8.0, size=n)
    n_patients = int(np.searchsorted(np.cumsum(sizes), n)) + 1
    sizes = sizes[:n_patients]
    patient = np.repeat(np.arange(n_patients), sizes)[:n]
    first_row = np.cumsum(sizes) - sizes
    visit = np.arange(n) - first_row[patient] + 1

    # the patient: attributes that stay put, and a personal risk the features do not explain
    p_age = rng.normal(58.0, 11.0, n_patients).clip(25, 90)
    p_male = rng.random(n_patients) < 0.52
    p_height = rng.normal(np.where(p_male, 176.0, 163.0), 7.0)
    p_weight = rng.normal(np.where(p_male, 92.0, 80.0), 14.0).clip(45, 180)
    p_years = rng.gamma(2.0, 3.5, n_patients)
    p_insulin = rng.random(n_patients) < 0.15 + 0.02 * p_years
    p_risk = rng.normal(0.0, 2.5, n_patients)  # personal, unobserved
    p_adherence = rng.beta(6.0, 2.0, n_patients)
    p_steps = rng.lognormal(8.6, 0.45, n_patients)
    p_test = rng.random(n_patients) < TEST_SHARE

    gaps = np.where(visit == 1, 0.0, rng.gamma(4.0, 1.5, n))
    elapsed = np.cumsum(gaps)
    months = np.round(elapsed - elapsed[first_row[patient]])

    bmi = p_weight[patient] / (p_height[patient] / 100.0) ** 2
    weight = p_weight[patient] + rng.normal(0.0, 1.5, n)
    adherence = np.clip(p_adherence[patient] + rng.normal(0.0, 0.08, n), 0.0, 1.0)
    steps = p_steps[patient] * np.exp(rng.normal(0.0, 0.15, n))
    risk = p_risk[patient]
    glucose = 7.5 + 0.3 * risk + 0.06 * (bmi - 30) + rng.normal(0.0, 1.3, n)
    sbp = 128 + 0.4 * (p_age[patient] - 58) + 0.6 * (bmi - 30) + rng.normal(0.0, 12.0, n)

    logit = (
        -0.6
        + 1.0 * risk
        + 0.35 * (glucose - 7.5)
        + 0.04 * (bmi - 30)
        - 2.0 * (adherence - 0.75)
        + 0.7 * p_insulin[patient]
        + 0.05 * (p_years[patient] - 7.0)
        - 0.25 * (np.log(steps) - 8.6)
    )
    target = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int8)

    block_index = start // BLOCK_ROWS
    columns = {
        "patient_id": block_index * BLOCK_ROWS + patient + 1,
        "visit_number": visit,
        "months_since_first_visit": months.astype(np.int64),
        "age": np.round(p_age[patient]).astype(np.int64),
        "sex": np.where(p_male[patient], "M", "F"),
        "height_cm": np.round(p_height[patient], 1),
        "weight_kg": np.round(weight, 1),
        "years_since_diagnosis": np.round(p_years[patient], 1),
        "on_insulin": p_insulin[patient].astype(np.int8),
        "fasting_glucose": np.round(np.clip(glucose, 3.0, 25.0), 1),
        "systolic_bp": np.round(sbp).astype(np.int64),
        "medication_adherence": np.round(adherence, 2),
        "daily_steps": np.round(steps, -1).astype(np.int64),
    }
    return Block(columns, target, p_test[patient])


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Group leakage",
    summary="Rows come in groups (patients) and test groups are unseen: "
    "plain K-fold overestimates, GroupKFold tracks the private leaderboard.",
    tags=SPEC.tags,
    right_split="group",
    naive_split="random",
    generate=generate,
)
