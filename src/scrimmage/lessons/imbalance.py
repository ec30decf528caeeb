"""Lesson ``imbalance``: 1-2 % positives; accuracy misleads, PR-AUC does not.

Story: card fraud. About 1.5 % of transactions are fraudulent. The competition
is scored with average precision (PR-AUC), which rewards ranking the rare frauds
first and is blind to the flood of easy negatives.

Trap: ``cross_val_score`` with its default scoring reports *accuracy*: about
0.985 for a good model, and the same for a model that never flags anything. It
says nothing about the leaderboard. With small folds a plain ``KFold`` also
leaves some folds without a single fraud, where AUC and PR-AUC are undefined.
A ``StratifiedKFold`` scored with average precision tracks the private score.

Proof (``tests/lessons/test_lessons_traps.py``, 40,000 rows, gradient boosting):
default-scored K-fold (accuracy) above the private average precision by more than
0.3 and within 0.01 of the do-nothing model's accuracy; stratified 5-fold average
precision within 0.12 of the private one; on 3,000 training rows, 20-fold KFold
leaves a fold with at most one positive while StratifiedKFold spreads them evenly
(docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, no_context, write_lesson

NAME = "imbalance"
TEST_SHARE = 0.3

CATEGORIES = np.array(
    ["grocery", "fuel", "restaurant", "online-retail", "electronics", "travel", "pharmacy", "gaming"]
)
_CATEGORY_P = np.array([0.3, 0.14, 0.18, 0.16, 0.05, 0.05, 0.08, 0.04])
_CATEGORY_RISK = np.array([-0.8, -0.4, -0.6, 0.6, 1.0, 0.6, -0.8, 1.2])

FEATURES = (
    "amount", "merchant_category", "hour", "card_present", "foreign_merchant",
    "card_age_days", "distance_from_home_km", "transactions_last_24h",
    "amount_vs_avg", "new_device",
)

DESCRIPTION = """
## Catch the fraudulent card payments

A card issuer wants to send the riskiest payments to manual review. Reviewers
can only look at a few of them, so what matters is that the frauds are at the
**top** of the list. Each row is a card payment; `is_fraud` says whether the
cardholder later disputed it as fraud.

Predict a fraud score for every test payment (higher = more likely fraud).
Submissions are scored with **average precision** (the area under the
precision-recall curve).

| column | meaning |
|---|---|
| `transaction_id` | payment identifier |
| `amount` | amount in euros |
| `merchant_category` | kind of merchant |
| `hour` | local hour of the payment, 0-23 |
| `card_present` | 1 when the card was physically present |
| `foreign_merchant` | 1 when the merchant is abroad |
| `card_age_days` | days since the card was issued |
| `distance_from_home_km` | distance between the merchant and the cardholder's home |
| `transactions_last_24h` | payments with the same card in the previous 24 hours |
| `amount_vs_avg` | amount divided by the card's average payment |
| `new_device` | 1 when an online payment came from a device never seen for this card |
| `is_fraud` | 1 when the payment was fraudulent (target) |
"""

DATA = """
`train.csv` and `test.csv` are a random split of the same month of payments.
"""

REVEAL = """
## The trap: 98.5 % accurate and useless

Only about 1.5 % of the payments were fraud.

**Why accuracy lied.** A model that never flags anything is right 98.5 % of the
time. `cross_val_score(model, X, y)` scores classifiers by accuracy unless told
otherwise, so a good model and a useless one both get about 0.985: the number
cannot tell them apart and says nothing about the leaderboard, which ranks by
average precision.

**Why small folds need stratification.** With 45 frauds in 3,000 rows, a plain
20-fold `KFold` leaves some folds with one fraud or none: AUC and average
precision are undefined there, and the other folds swing wildly. A
`StratifiedKFold` puts the same share of frauds in every fold.

**What works.** Validate with the competition's metric (`scoring="average_precision"`)
on stratified folds. Its score tracks the private leaderboard. Threshold-free
metrics (ROC AUC, PR-AUC) judge the ranking; PR-AUC is the stricter one when
positives are rare, because it counts how many non-frauds you send to review.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: catch the fraudulent card payments (class imbalance)",
    metric="average_precision",
    id_column="transaction_id",
    target="is_fraud",
    features=FEATURES,
    sample_value=0.015,
    description=DESCRIPTION,
    data=DATA,
    split="stratified",
    tags=("lesson", NAME, "binary-classification", "tabular", "class-imbalance", "stratified-k-fold", "fraud"),
    reveal=REVEAL,
)


make_context = no_context  # every row is drawn on its own: no global parameters


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: None) -> Block:
    n = stop - start
    is_test = rng.random(n) < TEST_SHARE
    category = rng.choice(len(CATEGORIES), size=n, p=_CATEGORY_P)
    online = np.isin(category, [3, 4, 7]) | (rng.random(n) < 0.1)
    card_present = ~online
    foreign = rng.random(n) < 0.06
    hour = np.round(rng.normal(14.0, 4.5, n)) % 24
    card_age = np.round(rng.gamma(1.5, 400.0, n)).astype(np.int64)
    distance = np.round(rng.lognormal(1.6, 1.1, n) + foreign * 800.0, 1)
    recent = rng.poisson(1.2, n)
    ratio = rng.lognormal(0.0, 0.6, n)
    new_device = online & (rng.random(n) < 0.12)

    night = (hour < 6).astype(float)
    logit = (
        -6.75
        + 1.4 * _CATEGORY_RISK[category]
        + 1.8 * foreign
        + 0.8 * online
        + 2.0 * new_device
        + 1.5 * night
        + 1.5 * np.log(ratio)
        + 0.45 * np.minimum(recent, 8)
        - 0.5 * np.log1p(card_age / 90.0)
        + 0.3 * np.log1p(distance)
    )
    fraud = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    # fraudsters test a card with bursts of payments
    recent = recent + fraud * rng.poisson(2.0, n)
    amount = np.round(rng.lognormal(3.3, 1.0, n) * ratio, 2)
    columns = {
        "amount": amount,
        "merchant_category": CATEGORIES[category],
        "hour": hour.astype(np.int64),
        "card_present": card_present.astype(np.int8),
        "foreign_merchant": foreign.astype(np.int8),
        "card_age_days": card_age,
        "distance_from_home_km": distance,
        "transactions_last_24h": recent,
        "amount_vs_avg": np.round(ratio, 3),
        "new_device": new_device.astype(np.int8),
    }
    return Block(columns, fraud.astype(np.int8), is_test)


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Class imbalance",
    summary="1-2 % positives: accuracy misleads while average precision does not, "
    "and small folds need stratification.",
    tags=SPEC.tags,
    right_split="stratified",
    naive_split="random",
    generate=generate,
)
