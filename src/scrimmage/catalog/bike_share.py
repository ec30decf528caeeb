"""Bike-share demand: hourly Capital Bikeshare rentals in Washington, D.C., 2011 (ISLP)."""

from __future__ import annotations

import io

from ._carriers import ISLP, SourceFile
from ._common import CatalogEntry, Parts, assemble, geometric_prior

REF = "bike-share-demand"
TARGET = "bikers"
SOURCE = SourceFile(
    ISLP,
    "ISLP/data/Bikeshare.csv",
    "ac6950ae6f11efcc69c29d6bb13e8881c001e27d36434660d59444a1414f712c",
    "CC BY 4.0 (UCI Bike Sharing Dataset, Fanaee-T & Gama); shipped in ISLP under BSD-3-Clause",
)
#: The two parts of the target: casual + registered = bikers.
LEAKS = ("casual", "registered")
TEST_MONTHS = ("Nov", "Dec")

DICTIONARY = (
    ("id", "hour id, in time order (train 1..n, then test)"),
    ("season", "1 = winter, 2 = spring, 3 = summer, 4 = fall"),
    ("mnth", "month name (Jan ... Dec; train: Jan-Oct)"),
    ("day", "day of the year 2011, 1-365"),
    ("hr", "hour of the day, 0-23 (hours with no rental are absent)"),
    ("holiday", "1 on a public holiday"),
    ("weekday", "day of the week, 0 = Sunday ... 6 = Saturday"),
    ("workingday", "1 on a weekday that is not a holiday"),
    ("weathersit", "clear, cloudy/misty, light rain/snow, heavy rain/snow"),
    ("temp", "normalised temperature, °C scaled to 0-1"),
    ("atemp", "normalised feels-like temperature, 0-1"),
    ("hum", "relative humidity, 0-1"),
    ("windspeed", "normalised wind speed, 0-1"),
    (TARGET, "**target**: bikes rented in the hour (casual + registered users)"),
)



def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw))
    df = df.drop(columns=list(LEAKS))
    df = df.sort_values(["day", "hr"], kind="mergesort")
    is_test = df["mnth"].isin(TEST_MONTHS).to_numpy()
    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=[TARGET],
        salt=REF,
        shuffle=False,
        public=lambda t: (t["mnth"] == TEST_MONTHS[0]).to_numpy(),
        sample={TARGET: geometric_prior(TARGET)},
    )
    return Parts(
        id_column="id",
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Bike-share demand\n\n"
            "How many bikes will be rented in the next hour? Hourly rentals of Capital "
            "Bikeshare, Washington, D.C., through 2011, with the calendar and the weather. "
            "Predict the number of rentals (`bikers`) for each hour of the test period.\n\n"
            "Demand has strong daily and weekly rhythms (commuting peaks on working days, "
            "leisure afternoons at weekends), reacts to the weather and grows through the "
            "year as the system expands. The columns `casual` and `registered` were "
            "removed: they add up to the target."
        ),
        split_note=(
            "A **time** split: January to October 2011 is the training period, November "
            "and December the test period. A demand forecast is only ever used for hours "
            "that have not happened yet; a random split would let a model interpolate "
            "between neighbouring hours of the same day, which no real forecast can do. "
            "Validate the same way (train on earlier months, validate on later ones). "
            "The Public leaderboard scores November, the Private one December."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: RMSLE\n\n"
            "Submissions are scored with the **root mean squared logarithmic error**:\n\n"
            "    RMSLE = sqrt(mean((log(1 + predicted) - log(1 + actual))²))\n\n"
            "Errors are relative: predicting 20 for a true 10 costs as much as 200 for "
            "100, so quiet night hours matter as much as rush hours. Predictions must be "
            "non-negative. Lower is better; the sample submission predicts the geometric "
            "mean of the training hours."
        ),
        sources=(SOURCE,),
        source=(
            "Hadi Fanaee-T and Joao Gama, \"Event labeling combining ensemble detectors and "
            "background knowledge\", Progress in Artificial Intelligence (2013); Capital "
            "Bikeshare system data with weather from freemeteo.com, as shipped (2011 hourly "
            "part) in the `ISLP` package (`ISLP/data/Bikeshare.csv`)."
        ),
        license="CC BY 4.0 (UCI Machine Learning Repository, Bike Sharing Dataset); ISLP is BSD-3-Clause",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Bike-share demand",
    summary="Forecast hourly bike rentals in Washington, D.C. from the calendar and the weather.",
    tags=("regression", "tabular", "time-split", "count-data", "seasonality"),
    metric="rmsle",
    split="time",
    carriers=(ISLP,),
    builder=builder,
)
