"""Basic motions: classify activities from smartwatch sensor series (UEA archive, via sktime)."""

from __future__ import annotations

from ._carriers import SKTIME, SourceFile
from ._common import CatalogEntry, Parts, assemble, stratified_split

REF = "basic-motions"
SEED = 0
TARGET = "activity"
DIMS = 6
LENGTH = 100
_LICENSE = "UEA & UCR time series classification archive, free for research and teaching (Bagnall et al. 2018); sktime is BSD-3-Clause"
TRAIN = SourceFile(
    SKTIME,
    "sktime/datasets/data/BasicMotions/BasicMotions_TRAIN.ts",
    "8dc43cc6306cb679c888c01e26f91772ac4441a916da43bac8b79734a538b9d6",
    _LICENSE,
)
TEST = SourceFile(
    SKTIME,
    "sktime/datasets/data/BasicMotions/BasicMotions_TEST.ts",
    "79213102bc6fca1a398ad98ce1185dff0208fa3d1465e687f48288946b0ff8dc",
    _LICENSE,
)

DICTIONARY = (
    ("id", "recording id (train 1-40, test 41-80)"),
    *(
        (
            f"dim{d}_t0 ... dim{d}_t{LENGTH - 1}",
            f"sensor channel {d} ({'accelerometer' if d < 3 else 'gyroscope'} axis "
            f"{'xyz'[d % 3]}), {LENGTH} readings taken every 0.1 s over 10 seconds",
            tuple(f"dim{d}_t{t}" for t in range(LENGTH)),
        )
        for d in range(DIMS)
    ),
    (TARGET, "**target**: Standing, Running, Walking or Badminton"),
)


def parse_ts(text: str) -> tuple[list[list[float]], list[str]]:
    """Rows (all channels concatenated) and labels of an equal-length ``.ts`` file."""
    rows, labels = [], []
    in_data = False
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *channels, label = line.split(":")
        if len(channels) != DIMS:
            raise ValueError(f"expected {DIMS} channels, found {len(channels)}")
        values = []
        for ch in channels:
            parts = ch.split(",")
            if len(parts) != LENGTH:
                raise ValueError(f"expected {LENGTH} readings per channel, found {len(parts)}")
            values.extend(float(v) for v in parts)
        rows.append(values)
        labels.append(label)
    return rows, labels


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    columns = [f"dim{d}_t{t}" for d in range(DIMS) for t in range(LENGTH)]
    frames = []
    for src, is_test in ((TRAIN, False), (TEST, True)):
        rows, labels = parse_ts(read_bytes(src, REF).decode("utf-8"))
        part = pd.DataFrame(rows, columns=columns)
        part[TARGET] = labels
        part["_test"] = is_test
        frames.append(part)
    df = pd.concat(frames, ignore_index=True)
    is_test = df.pop("_test").to_numpy()
    salt = f"{REF}:{SEED}"

    def public(test):
        keys = [str(i) for i in test["id"]]
        return stratified_split(keys, list(test[TARGET]), 0.5, f"{salt}:usage")

    train, test, solution, sample = assemble(
        df, is_test, targets=[TARGET], salt=salt, public=public, sample={TARGET: "Standing"}
    )
    return Parts(
        id_column="id",
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Basic motions: what is the wearer doing?\n\n"
            "Four students wore a smartwatch while standing, walking, running and playing "
            "badminton. Each recording is 10 seconds of a 3-axis accelerometer and a 3-axis "
            "gyroscope, sampled 10 times a second: six series of 100 readings. Predict the "
            "activity of each test recording.\n\n"
            "A first multivariate time-series classification problem. Each row holds the "
            "600 readings side by side (`dim<channel>_t<step>`): reshape a row to 6 × 100 to "
            "work on the series. Summary features per channel (mean, spread, energy, "
            "dominant frequency) already go a long way; ROCKET-style random convolutions "
            "and 1-D CNNs are the next steps. There are only 40 training recordings."
        ),
        split_note=(
            "The archive's **official** split: the 40 training and 40 test recordings "
            "exactly as published in the UEA multivariate time-series classification "
            "archive, so scores compare with the literature. Each side has 10 recordings of "
            "each activity. Half of the test recordings (5 per activity) are Public, the "
            "other half Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: accuracy\n\n"
            f"Submissions give one predicted activity per recording in the column `{TARGET}` "
            "and are scored by **accuracy**, the share of recordings classified correctly. "
            "With four balanced classes a constant guess (the sample submission) scores "
            "0.25. Higher is better."
        ),
        sources=(TRAIN, TEST),
        source=(
            "BasicMotions, from the UEA & UCR time series classification archive (Anthony "
            "Bagnall et al., \"The UEA multivariate time series classification archive, "
            "2018\", arXiv:1811.00075), as shipped in the `sktime` package "
            "(`sktime/datasets/data/BasicMotions/`)."
        ),
        license="free for research and teaching (UEA & UCR archive; cite Bagnall et al. 2018); sktime is BSD-3-Clause",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Basic motions",
    summary="Recognise standing, walking, running and badminton from 10 s of smartwatch sensor data.",
    tags=("multiclass-classification", "time-series", "time-series-classification", "sensors", "small-data"),
    metric="accuracy",
    split="official",
    carriers=(SKTIME,),
    builder=builder,
)
