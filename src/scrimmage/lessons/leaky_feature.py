"""Lesson ``leaky-feature``: a column predicts the target in train but not in test.

Story: a mobile operator's churn. The training table was extracted months after
its snapshot date, so a customer who cancelled had their account record touched
by the cancellation: ``days_since_account_update`` is tiny for most churners.
The test customers were extracted on the snapshot date itself, before anyone
cancelled, so the same column says nothing about them.

Trap: with the column, a random K-fold AUC looks superb; the private AUC is
far lower, even below that of a model that never saw the column. Adversarial
validation (train vs test) points at the column: it is the one feature whose
distribution differs. Dropping it, the same K-fold tracks the private score.

Proof (``tests/lessons/test_lessons_traps.py``, 20,000 rows, gradient boosting):
the K-fold AUC with the leak above its private AUC by more than 0.15; the
adversarial model's most important column is the leak; after dropping it the
K-fold AUC lies within 0.03 of the private AUC, and that model scores higher
on the private leaderboard than the leaky one (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, no_context, write_lesson

NAME = "leaky-feature"
LEAK = "days_since_account_update"
TEST_SHARE = 0.3
#: share of train churners whose record was touched by their cancellation
LEAK_STRENGTH = 0.85

CONTRACTS = np.array(["month-to-month", "one-year", "two-year"])
PAYMENTS = np.array(["card", "bank-transfer", "invoice", "voucher"])

FEATURES = (
    "tenure_months", "contract", "monthly_charge", "data_usage_gb", "support_calls_90d",
    "dropped_calls_pct", "payment_method", "autopay", "age", "household_lines", LEAK,
)

DESCRIPTION = """
## Who will cancel next quarter?

A mobile operator wants to call customers who are about to cancel their plan
before they do. You get one row per customer, as of a snapshot date, and whether
they cancelled in the quarter that followed (`churned`).

Predict the probability that `churned` is 1 for every test customer.

| column | meaning |
|---|---|
| `customer_id` | customer identifier |
| `tenure_months` | months since the customer joined |
| `contract` | `month-to-month`, `one-year` or `two-year` |
| `monthly_charge` | current monthly bill (euros) |
| `data_usage_gb` | mobile data used last month |
| `support_calls_90d` | calls to customer support in the last 90 days |
| `dropped_calls_pct` | share of the customer's calls that dropped last month (%) |
| `payment_method` | `card`, `bank-transfer`, `invoice` or `voucher` |
| `autopay` | 1 when the bill is paid automatically |
| `age` | customer's age |
| `household_lines` | lines on the same account |
| `days_since_account_update` | days since the account record was last modified |
| `churned` | 1 when the customer cancelled within the quarter (target) |
"""

DATA = """
`train.csv` comes from last year's customer table, `test.csv` from this year's.
"""

REVEAL = """
## The trap: a column that knew the answer

`days_since_account_update` counts the days since the account record was last
modified, as of the day the table was **extracted**. Last year's table (train)
was extracted months after its snapshot, so every customer who cancelled had
their record touched by the cancellation: for most churners the column is a few
days. This year's table (test) was extracted on the snapshot date, before anyone
cancelled: there the column reflects ordinary address or plan changes only.

**Why the K-fold lied.** Inside train the column nearly *is* the target, so a
model leans on it and a random K-fold reports an excellent AUC. On the test
customers the column is noise, and the model that learned to rely on it does
worse than one that never saw it.

**What works.** Ask of every column: *would I know this value at prediction
time?* A timestamp of the last update, a "processed" flag, an id assigned after
the outcome all fail that test. Adversarial validation finds such columns
mechanically: a classifier that tells train rows from test rows ranks this column
first, because it is the one whose distribution differs. Drop it, and your K-fold
score tracks the private leaderboard.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: who will cancel next quarter? (leaky feature)",
    metric="roc_auc",
    id_column="customer_id",
    target="churned",
    features=FEATURES,
    sample_value=0.2,
    description=DESCRIPTION,
    data=DATA,
    split="random",
    tags=("lesson", NAME, "binary-classification", "tabular", "leakage", "adversarial-validation", "churn"),
    reveal=REVEAL,
    id_start=100_001,
)


make_context = no_context  # every row is drawn on its own: no global parameters


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: None) -> Block:
    n = stop - start
    is_test = rng.random(n) < TEST_SHARE
    contract = rng.choice(3, size=n, p=[0.55, 0.25, 0.2])
    tenure = np.round(rng.gamma(1.3, 20.0, n) + 6 * contract).clip(1, 120).astype(np.int64)
    charge = np.round(rng.normal(32.0, 12.0, n).clip(8.0, 95.0), 2)
    usage = np.round(rng.lognormal(1.5, 0.9, n), 2)
    calls = rng.poisson(0.6, n)
    dropped = np.round(rng.gamma(1.5, 1.0, n), 1)
    payment = rng.choice(4, size=n, p=[0.45, 0.3, 0.15, 0.1])
    autopay = rng.random(n) < np.where(payment < 2, 0.7, 0.15)
    age = np.round(rng.normal(44.0, 15.0, n).clip(18, 90)).astype(np.int64)
    lines = 1 + rng.poisson(0.5, n)

    logit = (
        -1.1
        - 1.0 * contract
        - 0.025 * (tenure - 24)
        + 0.025 * (charge - 32)
        + 0.45 * calls
        + 0.2 * (dropped - 1.5)
        + 0.5 * (payment == 3)
        - 0.4 * autopay
        - 0.2 * (lines - 1)
        - 0.1 * np.log1p(usage)
    )
    churned = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))

    # the record's last modification: ordinary changes for everyone ...
    update = rng.exponential(150.0, n).clip(0, 1_500)
    # ... but in train (extracted late) most churners' records were touched by the cancellation
    touched = ~is_test & churned & (rng.random(n) < LEAK_STRENGTH)
    update = np.where(touched, rng.integers(0, 15, n), update)

    columns = {
        "tenure_months": tenure,
        "contract": CONTRACTS[contract],
        "monthly_charge": charge,
        "data_usage_gb": usage,
        "support_calls_90d": calls,
        "dropped_calls_pct": dropped,
        "payment_method": PAYMENTS[payment],
        "autopay": autopay.astype(np.int8),
        "age": age,
        "household_lines": lines,
        LEAK: np.floor(update).astype(np.int64),
    }
    return Block(columns, churned.astype(np.int8), is_test)


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Leaky feature",
    summary="A column (the record's last-update timestamp) predicts the target in train but not in test: "
    "K-fold with it overestimates; adversarial validation finds it, and without it K-fold tracks.",
    tags=SPEC.tags,
    right_split="adversarial",
    naive_split="random",
    generate=generate,
)
