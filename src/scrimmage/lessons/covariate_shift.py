"""Lesson ``covariate-shift``: the test features come from a shifted distribution.

Story: flat rents. The training listings come from a portal whose flats lie
mostly in the outer districts; the test listings come from a new partner agency
that lets large, central, recently built flats. How rent depends on a flat is the
same in both; *which* flats are asked about is not.

Trap: a random K-fold scores the model on flats like the training ones: small,
cheap, predictable. The test flats are central and expensive, where rents vary
more and the training data is thin, so the private error is much larger.
Adversarial validation (a classifier that tells train from test) separates
the two almost perfectly; scoring the CV predictions only on the training flats it
finds most test-like tracks the private score.

Proof (``tests/lessons/test_lessons_traps.py``, 20,000 rows, gradient boosting):
adversarial AUC above 0.75; random 5-fold RMSE below 0.6 x the private RMSE;
the same out-of-fold predictions scored on the 15 % most test-like training
rows within 15 % of it (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, no_context, write_lesson

NAME = "covariate-shift"
#: share of rows that are test listings (from the central agency)
TEST_SHARE = 0.3
#: share of central flats among the portal's (train) and the agency's (test) listings
CENTRAL_SHARE_TRAIN = 0.12
CENTRAL_SHARE_TEST = 0.85

DISTRICTS = np.array(
    ["Altstadt", "Hafen", "Nordend", "Westpark", "Südhang", "Ostkreuz",
     "Lindenau", "Feldmark", "Seeblick", "Am Ring", "Bergheim", "Neustadt"]
)
#: how far each district lies from the centre (km), roughly
_DISTRICT_KM = np.array([0.8, 2.0, 3.5, 4.5, 6.0, 7.0, 8.5, 10.0, 12.0, 2.5, 14.0, 5.5])

FEATURES = (
    "district", "distance_to_center_km", "floor_area_m2", "rooms", "floor",
    "year_built", "has_balcony", "has_elevator", "energy_class",
)

DESCRIPTION = """
## Rents in a mid-sized city

A tenants' association wants a fair-rent calculator: given a flat, what monthly
rent (excluding utilities) is usual? You get listings with their agreed rent.

The training listings come from the city's long-running rental portal. The test
listings come from a **new partner agency** that joined this year, and it lets a
different kind of flat. Predict `monthly_rent` (in euros) for every test listing.

| column | meaning |
|---|---|
| `listing_id` | listing identifier |
| `district` | city district |
| `distance_to_center_km` | distance from the flat to the central square |
| `floor_area_m2` | living area |
| `rooms` | number of rooms |
| `floor` | floor (0 = ground floor) |
| `year_built` | year the building was finished |
| `has_balcony`, `has_elevator` | 1 when the flat has one |
| `energy_class` | energy certificate, `A` (best) to `G` |
| `monthly_rent` | agreed monthly rent in euros, excluding utilities (target) |
"""

DATA = """
`train.csv` holds the portal's listings, `test.csv` the partner agency's.
"""

REVEAL = """
## The trap: the test flats are not like the training flats

The portal's flats were mostly small and far out; the agency's are large,
central and new. The *rule* that turns a flat into a rent was the same for both,
but central rents are high and vary a lot (a view, a renovated kitchen), and the
training data held only a thin slice of such flats.

**Why a random K-fold lied.** Its validation folds are drawn from the training
flats, so it measures the error on cheap, predictable outer-district flats. The
leaderboard measures it on expensive central ones, where errors in euros are
far larger.

**What works.** *Adversarial validation*: label training rows 0 and test rows 1
and fit a classifier. Here it separates them almost perfectly (AUC near 1): a
loud warning that CV on all of train answers the wrong question. Its predicted
"test-likeness" of each training row tells you which rows resemble the test set:
score your out-of-fold predictions on the most test-like training rows (or weight
every row by `p / (1 - p)`), and your estimate tracks the private leaderboard.
The same weights also help to train a model that spends its capacity where the
test set lives.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: rents in a mid-sized city (covariate shift)",
    metric="rmse",
    id_column="listing_id",
    target="monthly_rent",
    features=FEATURES,
    sample_value=1200.0,
    description=DESCRIPTION,
    data=DATA,
    split="adversarial",
    tags=("lesson", NAME, "regression", "tabular", "adversarial-validation", "covariate-shift"),
    reveal=REVEAL,
)


make_context = no_context  # every row is drawn on its own: no global parameters


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: None) -> Block:
    n = stop - start
    is_test = rng.random(n) < TEST_SHARE
    # two kinds of flats: the portal lists mostly outer ones, the agency mostly central ones
    central = rng.random(n) < np.where(is_test, CENTRAL_SHARE_TEST, CENTRAL_SHARE_TRAIN)
    p_outer = np.array([1, 3, 7, 8, 10, 10, 10, 9, 8, 3, 7, 9], dtype=float)
    p_central = np.array([30, 14, 8, 3, 1, 0.6, 0.4, 0.2, 0.2, 16, 0.1, 4], dtype=float)
    u = rng.random(n)
    d_outer = np.searchsorted(np.cumsum(p_outer / p_outer.sum()), u)
    d_central = np.searchsorted(np.cumsum(p_central / p_central.sum()), u)
    district = np.minimum(np.where(central, d_central, d_outer), len(DISTRICTS) - 1)
    km = np.clip(_DISTRICT_KM[district] * np.exp(rng.normal(0.0, 0.25, n)), 0.1, 20.0)

    area = np.where(
        central,
        rng.lognormal(np.log(90.0), 0.35, n),
        rng.lognormal(np.log(60.0), 0.35, n),
    ).clip(18.0, 320.0)
    rooms = np.clip(np.round(area / 27.0 + rng.normal(0.3, 0.6, n)), 1, 9).astype(np.int64)
    year = np.where(central, rng.normal(2000.0, 18.0, n), rng.normal(1975.0, 22.0, n))
    year = np.round(np.clip(year, 1890.0, 2025.0)).astype(np.int64)
    floor = rng.poisson(np.where(central, 3.5, 2.0), n)
    elevator = (rng.random(n) < np.where(year > 1990, 0.85, 0.3)) | (floor > 4)
    balcony = rng.random(n) < np.where(central, 0.75, 0.5)
    energy = np.clip(np.round((2025 - year) / 14.0 + rng.normal(0.0, 0.8, n)), 0, 6).astype(np.int64)

    # one rent rule for every flat: price per m2 falls with distance from the centre
    per_m2 = (
        8.0
        + 14.0 * np.exp(-km / 2.0)
        + 0.04 * np.clip(year - 1960, 0, None)
        + 0.6 * balcony
        + 0.4 * elevator * np.minimum(floor, 8) / 8.0
        - 0.3 * energy
    )
    # central rents vary more: views, renovations, furnishings
    spread = 0.08 + 0.22 * np.exp(-km / 2.5)
    rent = per_m2 * area * np.exp(rng.normal(0.0, spread, n))
    columns = {
        "district": DISTRICTS[district],
        "distance_to_center_km": np.round(km, 2),
        "floor_area_m2": np.round(area, 1),
        "rooms": rooms,
        "floor": floor,
        "year_built": year,
        "has_balcony": balcony.astype(np.int8),
        "has_elevator": elevator.astype(np.int8),
        "energy_class": np.array(list("ABCDEFG"))[energy],
    }
    return Block(columns, np.round(rent).astype(np.int64), is_test)


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Covariate shift",
    summary="Test features come from a shifted distribution: adversarial validation separates "
    "train from test, and validating on the most test-like training rows tracks the private leaderboard.",
    tags=SPEC.tags,
    right_split="adversarial",
    naive_split="random",
    generate=generate,
)
