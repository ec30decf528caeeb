"""Diamonds: prices of 53,940 round-cut diamonds (ggplot2's data, via plotnine)."""

from __future__ import annotations

import io

from ._carriers import PLOTNINE, SourceFile
from ._common import CatalogEntry, Parts, assemble, geometric_prior, random_split

REF = "diamonds"
SEED = 0
TEST_FRACTION = 0.3
TARGET = "price"
SOURCE = SourceFile(
    PLOTNINE,
    "plotnine/data/diamonds.csv",
    "9574730b03aba241d899c4a97511c5061b19358fab89510774fb6c24168345c4",
    "the ggplot2 diamonds data (MIT); shipped in plotnine under MIT",
)

DICTIONARY = (
    ("id", "diamond id (assigned after the split)"),
    ("carat", "weight of the diamond, carats (0.2-5.01)"),
    ("cut", "quality of the cut: Fair < Good < Very Good < Premium < Ideal"),
    ("color", "colour grade, from D (best, colourless) to J (worst)"),
    ("clarity", "clarity grade: I1 (worst) < SI2 < SI1 < VS2 < VS1 < VVS2 < VVS1 < IF (best)"),
    ("depth", "total depth percentage = z / mean(x, y) × 100"),
    ("table", "width of the top facet relative to the widest point, %"),
    ("x", "length, mm (0 when not measured)"),
    ("y", "width, mm (0 when not measured)"),
    ("z", "depth, mm (0 when not measured)"),
    (TARGET, "**target**: price in 2008 US dollars ($326-$18,823)"),
)



def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw))
    cols = [c for c, _ in DICTIONARY[1:]]
    df = df[cols]
    keys = [str(i) for i in range(len(df))]
    is_test = random_split(keys, TEST_FRACTION, f"{REF}:{SEED}")
    train, test, solution, sample = assemble(
        df, is_test, targets=[TARGET], salt=f"{REF}:{SEED}", sample={TARGET: geometric_prior(TARGET)}
    )
    return Parts(
        id_column="id",
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Diamond prices\n\n"
            "Prices and attributes of almost 54,000 round-cut diamonds: the four Cs (carat, "
            "cut, colour, clarity) and the stone's measurements. Predict the price of each "
            "test diamond.\n\n"
            "A clean, larger regression playground: price grows much faster than linearly "
            "with carat (try logs), the three grades are ordinal, and a few stones have "
            "impossible zero dimensions to handle."
        ),
        split_note=(
            "A plain **random** split: 30 % of the diamonds (16,182) are the test set. The "
            "stones are a snapshot of one market, with no time or group structure, so new "
            "stones to price look like a random draw from the same data. 30 % of the test "
            "rows are Public, the rest Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: RMSLE\n\n"
            "Submissions are scored with the **root mean squared logarithmic error**:\n\n"
            "    RMSLE = sqrt(mean((log(1 + predicted) - log(1 + actual))²))\n\n"
            "Errors count relative to the price, so a $300 error matters on a $1,000 stone "
            "and hardly at all on a $15,000 one. Predictions must be non-negative. Lower is "
            "better; the sample submission predicts the geometric mean training price."
        ),
        sources=(SOURCE,),
        source=(
            "The `diamonds` data of the R package ggplot2 (Hadley Wickham, prices collected "
            "in 2008), as shipped in the `plotnine` package (`plotnine/data/diamonds.csv`)."
        ),
        license="MIT (ggplot2's data); plotnine is MIT",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Diamond prices",
    summary="Predict the price of a diamond from the four Cs and its measurements.",
    tags=("regression", "tabular", "ordinal-features", "skewed-target", "playground"),
    metric="rmsle",
    split="random",
    carriers=(PLOTNINE,),
    builder=builder,
)
