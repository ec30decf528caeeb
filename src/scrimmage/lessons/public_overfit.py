"""Lesson ``public-overfit``: climbing a small public leaderboard drops on the private one.

Story: a retailer's mail campaign. Only 3 % of the test rows (about 300 at the
default 20,000 rows) are scored on the public leaderboard, and the daily limit is
generous. A learner who keeps
nudging a submission and keeping whatever the public leaderboard likes climbs
it while getting *worse* on the private leaderboard, because each kept nudge
fits the noise of a few hundred public rows.

The bundle uses ``leaderboard = "ladder"`` (Blum & Hardt's parameter-free
Ladder, see docs/competition-format.md): a team's shown public score moves only
when a submission beats its best by more than one standard error of the per-row
log-loss difference, so most noise-sized "improvements" leave it unchanged and
the learner learns to trust their own cross-validation instead. ``daily_limit`` is
raised to 20 so the climb can be tried. ``log_loss`` is a mean of per-row
losses, so the exact parameter-free Ladder applies.

Proof (``tests/lessons/test_lessons_margins.py`` and ``test_lessons_traps.py``,
20,000 rows, logistic regression): a climb of 20 submissions, each a nudge of
the best so far kept when the public log loss improves, gains visibly on public
and loses visibly on private, far beyond the noise of the private rows; the
5-fold CV log loss lands close to the model's private log loss; a learner who
keeps a nudge only when the Ladder's shown score moves loses much less on the
private leaderboard (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, no_context, write_lesson

NAME = "public-overfit"
TEST_SHARE = 0.5
PUBLIC_FRACTION = 0.03

CHANNELS = np.array(["store", "web", "app", "catalogue"])
REGIONS = np.array(["north", "south", "east", "west", "capital"])

FEATURES = (
    "age", "region", "preferred_channel", "months_as_customer", "orders_last_year",
    "avg_order_value", "days_since_last_order", "returns_last_year", "email_opens_90d",
    "email_clicks_90d", "web_visits_30d", "loyalty_points", "has_kids", "owns_home",
    "coupon_user", "newsletter", "complaints_last_year", "app_installed",
)

DESCRIPTION = """
## Who answers the mail campaign?

A home-and-garden retailer sends a printed catalogue with a discount code to
its customers every spring. Printing and postage are expensive, so next year it
wants to mail only customers likely to order with the code. You get last
spring's campaign: each customer's profile and whether they ordered with the
code within six weeks (`responded`).

Predict the probability that `responded` is 1 for every test customer.
Submissions are scored with **log loss**.

**Leaderboard.** Only about 3 % of the test rows are scored on the public
leaderboard, and this competition uses the **Ladder**: your shown public score
changes only when a submission is better than your best by more than its
statistical noise. You may submit 20 times a day.

| column | meaning |
|---|---|
| `customer_id` | customer identifier |
| `age` | age in years |
| `region` | sales region |
| `preferred_channel` | where the customer orders most: `store`, `web`, `app` or `catalogue` |
| `months_as_customer` | months since the first order |
| `orders_last_year` | orders in the previous twelve months |
| `avg_order_value` | average order value (euros) |
| `days_since_last_order` | days between the last order and the mailing |
| `returns_last_year` | items returned in the previous twelve months |
| `email_opens_90d`, `email_clicks_90d` | newsletter e-mails opened / clicked in the last 90 days |
| `web_visits_30d` | visits to the web shop in the last 30 days |
| `loyalty_points` | points on the loyalty card |
| `has_kids`, `owns_home` | from the loyalty-card sign-up form |
| `coupon_user` | 1 when the customer redeemed a coupon before |
| `newsletter` | 1 when subscribed to the newsletter |
| `complaints_last_year` | complaints to customer service |
| `app_installed` | 1 when the customer uses the shop's app |
| `responded` | 1 when the customer ordered with the code (target) |
"""

DATA = """
`train.csv` and `test.csv` are a random split of the customers mailed last spring.
"""

REVEAL = """
## The trap: the public leaderboard is a small, noisy sample

Only about 3 % of the test rows, a few hundred customers, decided the public
score. Two submissions that differ by less than that sample's noise are, as far
as anyone can tell, equally good.

**Why climbing the public leaderboard fails.** Each submission that "improves" the
public score by a hair may only fit the quirks of those few hundred rows. Keep
enough of them (a tweak here, a reweighted blend there, chosen because the public
score went up) and the public score climbs steadily while the private score,
on the other 90 %, stays flat or gets worse. That is what a big public-to-private
drop at the reveal means.

**What the Ladder did.** This competition showed public scores with the
parameter-free Ladder of Blum & Hardt (2015): your shown score only changed when
a submission beat your best by more than one standard error of the per-row
difference. Most noise-sized "improvements" left it unchanged, so a climb by
many tiny tweaks mostly stalled instead of leading you astray. It damps the
climb; it cannot replace judgement.

**What works.** Trust your local validation: 5-fold CV on the full training set
scores every idea on some thirty times more rows than the public leaderboard, and it
tracked the private score closely here. Use the leaderboard as a sanity check,
submit ideas that CV says are better, and select your final submissions by CV.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: who answers the mail campaign? (public leaderboard overfitting)",
    metric="log_loss",
    id_column="customer_id",
    target="responded",
    features=FEATURES,
    sample_value=0.3,
    description=DESCRIPTION,
    data=DATA,
    split="random",
    tags=("lesson", NAME, "binary-classification", "tabular", "leaderboard-overfitting", "ladder", "marketing"),
    reveal=REVEAL,
    public_fraction=PUBLIC_FRACTION,
    extra={"leaderboard": "ladder", "daily_limit": 20},
)


make_context = no_context  # every row is drawn on its own: no global parameters


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: None) -> Block:
    n = stop - start
    is_test = rng.random(n) < TEST_SHARE
    age = rng.normal(47.0, 14.0, n).clip(18, 90)
    region = rng.choice(len(REGIONS), size=n, p=[0.2, 0.2, 0.15, 0.2, 0.25])
    channel = rng.choice(len(CHANNELS), size=n, p=[0.4, 0.3, 0.2, 0.1])
    months = rng.gamma(2.0, 24.0, n).clip(1, 300)
    orders = rng.poisson(rng.gamma(2.0, 1.5, n))
    aov = rng.lognormal(3.8, 0.5, n)
    recency = rng.exponential(90.0, n) + 1
    returns = rng.binomial(orders, 0.12)
    opens = rng.poisson(rng.gamma(1.0, 3.0, n))
    clicks = rng.binomial(opens, 0.25)
    visits = rng.poisson(rng.gamma(1.0, 2.0, n))
    points = np.round(orders * aov * rng.uniform(0.5, 1.5, n))
    kids = rng.random(n) < 0.35
    home = rng.random(n) < 0.25 + 0.008 * (age - 18)
    coupon = rng.random(n) < 0.3
    newsletter = opens > 0
    complaints = rng.poisson(0.15, n)
    app = rng.random(n) < np.where(channel == 2, 0.9, 0.2)

    logit = (
        -1.4
        + 0.012 * (age - 47)
        + np.array([0.0, 0.1, -0.1, 0.05, 0.15])[region]
        + np.array([0.0, -0.1, -0.2, 0.6])[channel]
        + 0.12 * np.log1p(orders)
        - 0.25 * np.log(recency / 90.0)
        + 0.08 * clicks
        + 0.03 * opens
        + 0.03 * visits
        + 0.25 * kids
        + 0.4 * home
        + 0.35 * coupon
        - 0.3 * complaints
        - 0.1 * returns
        + 0.1 * np.log(aov / 45.0)
    )
    responded = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    columns = {
        "age": np.round(age).astype(np.int64),
        "region": REGIONS[region],
        "preferred_channel": CHANNELS[channel],
        "months_as_customer": np.round(months).astype(np.int64),
        "orders_last_year": orders,
        "avg_order_value": np.round(aov, 2),
        "days_since_last_order": np.round(recency).astype(np.int64),
        "returns_last_year": returns,
        "email_opens_90d": opens,
        "email_clicks_90d": clicks,
        "web_visits_30d": visits,
        "loyalty_points": points.astype(np.int64),
        "has_kids": kids.astype(np.int8),
        "owns_home": home.astype(np.int8),
        "coupon_user": coupon.astype(np.int8),
        "newsletter": newsletter.astype(np.int8),
        "complaints_last_year": complaints,
        "app_installed": app.astype(np.int8),
    }
    return Block(columns, responded.astype(np.int8), is_test)


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Public leaderboard overfitting",
    summary="A small public share: climbing the public leaderboard by repeated submits drops on the "
    "private one; local CV tracks it, and the Ladder leaderboard stops the climb.",
    tags=SPEC.tags,
    right_split="random",
    naive_split="random",
    generate=generate,
)
