"""Mauna Loa CO2: forecast two years of weekly atmospheric CO2 (statsmodels)."""

from __future__ import annotations

import io

from ._carriers import STATSMODELS, SourceFile
from ._common import CatalogEntry, Parts, assemble

REF = "mauna-loa-co2"
TARGET = "co2"
ID = "date"
TEST_FROM = "2000-01-01"  # the last two years are held out
SOURCE = SourceFile(
    STATSMODELS,
    "statsmodels/datasets/co2/co2.csv",
    "16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f",
    "public domain (Scripps Institution of Oceanography / CDIAC); shipped in statsmodels under BSD-3-Clause",
)

DICTIONARY = (
    (ID, "the week's sample date, YYYY-MM-DD (one row per week, Saturdays)"),
    (TARGET, "**target**: mean CO2 concentration of the week, ppmv (parts per million by volume); "
             "empty when the week had no valid measurement"),
)


def _last_observed(train) -> float:
    return float(train[TARGET].dropna().iloc[-1])


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw), dtype={"date": str})
    df[ID] = pd.to_datetime(df["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    df = df[[ID, TARGET]].sort_values(ID, kind="mergesort")
    is_test = (df[ID] >= TEST_FROM).to_numpy()
    # A week without a measurement cannot be scored: drop it from test only.
    keep = ~(is_test & df[TARGET].isna().to_numpy())
    df, is_test = df[keep], is_test[keep]
    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=[TARGET],
        id_column=ID,
        salt=REF,
        shuffle=False,
        public=lambda t: (t[ID] < "2001-01-01").to_numpy(),
        sample={TARGET: _last_observed},
    )
    return Parts(
        id_column=ID,
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Mauna Loa CO2: forecast the Keeling curve\n\n"
            "Weekly mean concentration of carbon dioxide in the air at Mauna Loa "
            "Observatory, Hawaii, from March 1958 to December 1999: the Keeling curve. "
            "Forecast every week of 2000 and 2001.\n\n"
            "A first forecasting competition on one series: a rising trend that bends "
            "upwards, a yearly cycle (plants in the northern hemisphere take up CO2 in "
            "summer), and a few missing weeks. The test file holds only the dates to "
            "forecast: everything you know is the history in `train.csv`. Seasonal naive, "
            "trend + seasonality regressions, exponential smoothing and SARIMA are the "
            "classic approaches."
        ),
        split_note=(
            "A **time** split: the last two years of the series (2000 and 2001) are held "
            "out and everything before is training data, as in any real forecast. Never "
            "validate with shuffled rows: hold out the last weeks of the training series "
            "instead (e.g. fit up to 1997, score 1998-1999). The Public leaderboard scores "
            "2000, the Private one 2001, the harder, longer horizon. Weeks without a "
            "measurement were left out of the test set."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: MAE\n\n"
            "Submissions are scored with the **mean absolute error** between your forecast "
            "and the measured weekly CO2, in ppmv: MAE = mean(|predicted - actual|). An MAE "
            "of 0.5 means the forecast is off by half a part per million on average. Lower "
            "is better; the sample submission repeats the last observed value (the naive "
            "forecast)."
        ),
        sources=(SOURCE,),
        source=(
            "C. D. Keeling and T. P. Whorf, \"Atmospheric CO2 concentrations derived from "
            "flask air samples at sites in the SIO network\", Trends: A Compendium of Data "
            "on Global Change, CDIAC, Oak Ridge National Laboratory (2004): weekly averages "
            "of continuous measurements at Mauna Loa, as shipped in the `statsmodels` "
            "package (`statsmodels/datasets/co2/co2.csv`)."
        ),
        license="public domain (US government / Scripps data, as stated by statsmodels); statsmodels is BSD-3-Clause",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Mauna Loa CO2 forecast",
    summary="Forecast two years of weekly atmospheric CO2 at Mauna Loa from its 42-year history.",
    tags=("forecasting", "time-series", "time-split", "seasonality", "single-series"),
    metric="mae",
    split="time",
    carriers=(STATSMODELS,),
    builder=builder,
)
