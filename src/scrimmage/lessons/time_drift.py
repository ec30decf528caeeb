"""Lesson ``time-drift``: the relation drifts over time and the test period comes after train.

Story: three years of taxi trips in a growing city. Tariffs rise, surge
pricing spreads and each district's premium wanders, so the fare of a trip
depends on *when* it was made. The test set is the last 20 % of the calendar.

Trap: a shuffled K-fold puts trips of every week in both its folds, so a model
interpolates between neighbouring days and the CV error is close to the noise
floor. The leaderboard asks for extrapolation into the future. A time split
(train on the past, validate on the last stretch of train, as long as the test
period) asks the same question and tracks the private score.

Proof (``tests/lessons/test_lessons_traps.py``, 20,000 rows, gradient boosting
on the day number, hour, zone and trip features): shuffled 5-fold RMSE below
0.7 x the private RMSE, the time split within 20 % of it (docs/lessons.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import Trap
from ._writer import CHUNK_ROWS, Block, LessonSpec, check_args, params_rng, write_lesson

NAME = "time-drift"
START = np.datetime64("2021-01-01")
N_DAYS = 3 * 365 + 1
#: first day of the test period (the last 20 % of the calendar)
CUT_DAY = int(N_DAYS * 0.8)

ZONES = np.array(
    ["downtown", "airport", "harbor", "university", "old-town",
     "riverside", "business-park", "north-hills", "stadium", "suburbs"]
)
_ZONE_P = np.array([0.22, 0.06, 0.08, 0.12, 0.12, 0.1, 0.1, 0.07, 0.05, 0.08])
_HOUR_P = np.array(
    [2, 1.5, 1, 0.7, 0.6, 1, 2.5, 5, 6.5, 5, 4, 4.2, 4.8, 4.5, 4.3, 4.8, 5.5, 6.5, 7, 6, 5, 4.5, 4, 3]
)
_HOUR_P = _HOUR_P / _HOUR_P.sum()
_RUSH = np.isin(np.arange(24), [7, 8, 9, 17, 18, 19])

FEATURES = (
    "pickup_date", "pickup_hour", "pickup_zone", "distance_km",
    "duration_min", "passengers", "payment_type", "airport_trip",
)

DESCRIPTION = """
## Fares of a growing city

The city's taxi cooperative wants to quote the fare of a trip before it starts.
You get three years of completed trips: when and where each began, how far and
how long it went, and what the passenger paid. The test trips are the ones made
**after** the training period ended.

Predict `fare` (in the local currency) for every test trip.

| column | meaning |
|---|---|
| `trip_id` | trip identifier |
| `pickup_date` | day the trip began (`YYYY-MM-DD`) |
| `pickup_hour` | hour the trip began, 0-23 |
| `pickup_zone` | district of the pickup |
| `distance_km` | distance driven |
| `duration_min` | minutes from pickup to drop-off |
| `passengers` | passengers on board |
| `payment_type` | `card` or `cash` |
| `airport_trip` | 1 when the trip went to or from the airport |
| `fare` | amount paid (target) |
"""

DATA = """
`train.csv` holds the trips from 2021-01-01 until the test period starts; `test.csv`
the trips after that, up to 2023-12-31. Rows are in time order.
"""

REVEAL = """
## The trap: the future is not a shuffled past

Tariffs in this city rose every month, rush-hour surcharges spread, and each
district's premium wandered on its own. The test trips all come **after** the
training period.

**Why a shuffled K-fold lied.** Shuffling puts trips from every week into every
fold, so the model validates on days it has already seen the day before and the
day after. It only has to *interpolate*, and its error sits near the noise floor.
The leaderboard asks it to *extrapolate* into months it has never seen, where
yesterday's prices are already out of date: the private error is much larger.

**What works.** Validate the way the test set was made: train on the past and
validate on the last stretch of the training period, as long as the test
period (a time split, or `TimeSeriesSplit`). Its error tracks the private
leaderboard, and it rewards what actually helps here: features that extrapolate
(trend terms, recent-window statistics), and models refit on the most recent data.
"""

SPEC = LessonSpec(
    trap=NAME,
    title="Lesson: fares of a growing city (time drift)",
    metric="rmse",
    id_column="trip_id",
    target="fare",
    features=FEATURES,
    sample_value=25.0,
    description=DESCRIPTION,
    data=DATA,
    split="time",
    tags=("lesson", NAME, "regression", "tabular", "time-split", "temporal-drift"),
    reveal=REVEAL,
)


def make_context(n_rows: int, seed: int) -> dict:
    rng = params_rng(NAME, seed)
    # each zone's premium: a start level plus a random walk with its own trend
    start = rng.normal(1.0, 1.5, size=len(ZONES))
    trend = rng.normal(0.004, 0.006, size=len(ZONES))
    steps = rng.normal(0.0, 0.015, size=(len(ZONES), N_DAYS)) + trend[:, None]
    premium = start[:, None] + np.cumsum(steps, axis=1)
    return {"n_rows": n_rows, "premium": premium}


def make_block(rng: np.random.Generator, start: int, stop: int, ctx: dict) -> Block:
    n = stop - start
    day = (np.arange(start, stop, dtype=np.int64) * N_DAYS) // ctx["n_rows"]
    tt = day / (N_DAYS - 1)  # 0 .. 1 over the three years
    hour = rng.choice(24, size=n, p=_HOUR_P)
    zone = rng.choice(len(ZONES), size=n, p=_ZONE_P)
    airport = (zone == 1) | (rng.random(n) < 0.04)
    distance = np.exp(rng.normal(1.2, 0.45, size=n)) + np.where(airport, rng.normal(14.0, 2.0, size=n), 0.0)
    distance = np.round(np.clip(distance, 0.5, 30.0), 2)
    rush = _RUSH[hour]
    # minutes per km: slower at rush hour, and the city slowly clogs up
    pace = 2.0 + 0.6 * tt + np.where(rush, 1.0, 0.0) + rng.gamma(4.0, 0.1, size=n)
    duration = np.round(distance * pace + rng.gamma(2.0, 1.0, size=n), 1)
    passengers = rng.choice(np.arange(1, 5), size=n, p=[0.7, 0.18, 0.07, 0.05])
    card = rng.random(n) < 0.55 + 0.3 * tt

    # every tariff term moves linearly with time, so the drift per day is steady
    per_km = 1.1 + 1.2 * tt + np.where(rush, 0.5 * tt, 0.0)
    fare = (
        2.5 + 1.5 * tt
        + per_km * distance
        + 0.25 * duration
        + ctx["premium"][zone, day]
        + airport * (3.0 + 5.0 * tt)
        + rng.normal(0.0, 1.0, size=n)
    )
    columns = {
        "pickup_date": START + day.astype("timedelta64[D]"),
        "pickup_hour": hour,
        "pickup_zone": ZONES[zone],
        "distance_km": distance,
        "duration_min": duration,
        "passengers": passengers,
        "payment_type": np.where(card, "card", "cash"),
        "airport_trip": airport.astype(np.int8),
    }
    return Block(columns, np.round(np.maximum(fare, 3.0), 2), day >= CUT_DAY)


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the train and test row counts."""
    check_args(n_rows, seed)
    return write_lesson(Path(dest), SPEC, n_rows, seed, make_block, make_context(n_rows, seed), chunk_rows)


TRAP = Trap(
    name=NAME,
    title="Time drift",
    summary="The relation drifts over time and the test period comes after train: "
    "a shuffled K-fold overestimates, a time split tracks the private leaderboard.",
    tags=SPEC.tags,
    right_split="time",
    naive_split="random",
    generate=generate,
)
