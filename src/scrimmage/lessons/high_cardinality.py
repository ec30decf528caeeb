"""Lesson ``high-cardinality``: naive target encoding overfits; out-of-fold encoding does not.

Story: mobile ad clicks. Each impression comes from one of thousands of apps and
one of hundreds of device models, most of them rare; each app has its own
click-through rate.

Trap: replacing ``app_id`` by the mean click rate of its rows in the *whole*
training set (target encoding without cross-fitting) copies each row's own label
into its feature: for an app seen once the "encoding" is the answer. Any CV run
on top of it reports a great score; on the test set, where the encodings come from
other rows, the score falls. Out-of-fold encoding (sklearn's ``TargetEncoder``,
which cross-fits in ``fit_transform``, inside the CV pipeline) tracks the
private score.

Proof (``tests/lessons/test_lessons_traps.py``, 40,000 rows, gradient boosting):
K-fold AUC on naively encoded features above the private AUC by more than 0.1;
the out-of-fold encoded pipeline within 0.03 of its private AUC and better on
the private leaderboard (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, params_rng, write_lesson

NAME = "high-cardinality"
TEST_SHARE = 0.3
#: levels of ``app_id`` and ``device_model``: grow with the data, capped to keep memory bounded
MAX_APPS = 200_000
MAX_DEVICES = 20_000

CATEGORIES = np.array(["games", "news", "social", "shopping", "utilities", "video", "travel", "finance"])
POSITIONS = np.array(["top", "bottom", "interstitial", "native"])

FEATURES = (
    "app_id", "app_category", "device_model", "hour", "weekday",
    "ad_position", "connection", "user_sessions_7d",
)

DESCRIPTION = """
## Will the ad be clicked?

An ad network shows banners inside thousands of mobile apps. It wants to predict
the probability that an impression is clicked, to bid the right price. Each row
is one impression; `clicked` says whether it was clicked.

Predict the probability that `clicked` is 1 for every test impression.

| column | meaning |
|---|---|
| `impression_id` | impression identifier |
| `app_id` | the app showing the ad (thousands of apps, most of them rare) |
| `app_category` | the app's store category |
| `device_model` | phone model (hundreds of models) |
| `hour` | hour of the impression, 0-23 |
| `weekday` | 0 = Monday ... 6 = Sunday |
| `ad_position` | `top`, `bottom`, `interstitial` or `native` |
| `connection` | `wifi` or `cellular` |
| `user_sessions_7d` | sessions of this user in the app during the previous week |
| `clicked` | 1 when the ad was clicked (target) |
"""

DATA = """
`train.csv` and `test.csv` are a random split of the same week of impressions.
Many `app_id` values appear only a handful of times; some test apps never appear in train.
"""

REVEAL = """
## The trap: the encoding that knew the answer

Each app had its own click-through rate, so `app_id` mattered, but there were
thousands of apps and most appeared only a few times.

**Why the naive encoding lied.** Replacing each `app_id` by the mean `clicked` of
*all* its training rows puts every row's own label inside its feature. For an
app seen once, the encoding *is* the label; for an app seen three times it is
one third of it. Any model, validated by any CV, learns to read the answer off
that column, and the CV score soars. On the test rows the encodings come from
other impressions, the shortcut is gone, and the private score falls.

**What works.** Encode out of fold: each row's encoding must come from rows that
are not in its own fold, and inside cross-validation the encoder must be fit on
the training folds only. `sklearn.preprocessing.TargetEncoder` does both when it
sits inside the pipeline (its `fit_transform` cross-fits, with smoothing toward
the global rate for rare levels). Its CV score tracks the private leaderboard.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: will the ad be clicked? (high-cardinality categories)",
    metric="roc_auc",
    id_column="impression_id",
    target="clicked",
    features=FEATURES,
    sample_value=0.15,
    description=DESCRIPTION,
    data=DATA,
    split="random",
    tags=("lesson", NAME, "binary-classification", "tabular", "target-encoding", "high-cardinality", "advertising"),
    reveal=REVEAL,
    prefixed={"app_id": "app-", "device_model": "dev-"},
)


def _zipf_cdf(n_levels: int, exponent: float, offset: float) -> np.ndarray:
    weights = 1.0 / (np.arange(n_levels) + offset) ** exponent
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


def make_context(n_rows: int, seed: int) -> dict:
    rng = params_rng(NAME, seed)
    n_apps = min(MAX_APPS, max(2_000, n_rows // 4))
    n_devices = min(MAX_DEVICES, max(300, n_rows // 50))
    return {
        "app_cdf": _zipf_cdf(n_apps, 1.05, 20.0),
        # level k of the popularity ranking gets a random, meaningless code
        "app_code": rng.permutation(n_apps) + 1_000,
        "app_effect": rng.normal(0.0, 0.9, n_apps),
        "app_category": rng.choice(len(CATEGORIES), n_apps),
        "device_cdf": _zipf_cdf(n_devices, 1.2, 5.0),
        "device_code": rng.permutation(n_devices) + 100,
        "device_effect": rng.normal(0.0, 0.45, n_devices),
        "category_effect": rng.normal(0.0, 0.3, len(CATEGORIES)),
    }


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: dict) -> Block:
    n = stop - start
    is_test = rng.random(n) < TEST_SHARE
    app = np.minimum(np.searchsorted(ctx["app_cdf"], rng.random(n)), len(ctx["app_cdf"]) - 1)
    device = np.minimum(np.searchsorted(ctx["device_cdf"], rng.random(n)), len(ctx["device_cdf"]) - 1)
    category = ctx["app_category"][app]
    hour = rng.integers(0, 24, n)
    weekday = rng.integers(0, 7, n)
    position = rng.choice(4, size=n, p=[0.4, 0.3, 0.1, 0.2])
    wifi = rng.random(n) < 0.6
    sessions = rng.poisson(rng.gamma(1.5, 4.0, n))

    logit = (
        -2.1
        + ctx["app_effect"][app]
        + ctx["device_effect"][device]
        + ctx["category_effect"][category]
        + np.array([0.0, -0.3, 0.6, 0.3])[position]
        + 0.2 * np.cos((hour - 21) / 24 * 2 * np.pi)
        - 0.15 * wifi
        - 0.08 * np.log1p(sessions)
    )
    clicked = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    columns = {
        "app_id": ctx["app_code"][app],
        "app_category": CATEGORIES[category],
        "device_model": ctx["device_code"][device],
        "hour": hour,
        "weekday": weekday,
        "ad_position": POSITIONS[position],
        "connection": np.where(wifi, "wifi", "cellular"),
        "user_sessions_7d": sessions,
    }
    return Block(columns, clicked.astype(np.int8), is_test)


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="High-cardinality categories",
    summary="Target encoding without cross-fitting copies the label into the feature and overfits; "
    "out-of-fold encoding tracks the private leaderboard.",
    tags=SPEC.tags,
    right_split="random",
    naive_split="random",
    generate=generate,
)
