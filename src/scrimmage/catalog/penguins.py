"""Palmer penguins: which species is this penguin? (a beginner playground)."""

from __future__ import annotations

import io

from ._carriers import PALMERPENGUINS, SourceFile
from ._common import CatalogEntry, Parts, assemble, stratified_split

REF = "palmer-penguins"
SEED = 0
TEST_FRACTION = 0.3
TARGET = "species"
SOURCE = SourceFile(
    PALMERPENGUINS,
    "palmerpenguins/data/penguins.csv",
    "f204db2c753b0937caac3cb35258562c14f073e4bbc76be24b4c51ce22767a93",
    "CC0 1.0 (Horst, Hill & Gorman; data by Kristen Gorman, Palmer Station LTER); palmerpenguins is MIT",
)

DICTIONARY = (
    ("id", "penguin id (assigned after the split)"),
    ("island", "island in the Palmer Archipelago, Antarctica: Biscoe, Dream or Torgersen"),
    ("bill_length_mm", "bill (culmen) length, mm"),
    ("bill_depth_mm", "bill (culmen) depth, mm"),
    ("flipper_length_mm", "flipper length, mm"),
    ("body_mass_g", "body mass, grams"),
    ("sex", "male or female (missing for a few birds)"),
    ("year", "year of the study: 2007, 2008 or 2009"),
    (TARGET, "**target**: Adelie, Chinstrap or Gentoo"),
)


def _most_common(train) -> str:
    counts = train[TARGET].value_counts()
    return str(min(counts[counts == counts.max()].index))


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw), na_values=["NA"], keep_default_na=False)
    df = df[[c for c, _ in DICTIONARY[1:]]]
    keys = [str(i) for i in range(len(df))]
    is_test = stratified_split(keys, list(df[TARGET]), TEST_FRACTION, f"{REF}:{SEED}")
    train, test, solution, sample = assemble(
        df, is_test, targets=[TARGET], salt=f"{REF}:{SEED}", sample={TARGET: _most_common},
        public_fraction=0.5,
    )
    return Parts(
        id_column="id",
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Palmer penguins\n\n"
            "344 penguins measured at Palmer Station, Antarctica, from 2007 to 2009. From "
            "the island, bill, flipper and body mass, predict each penguin's species.\n\n"
            "The gentlest start there is: a few numeric columns, two categorical ones, a "
            "handful of missing values and three well-separated classes. Plot two columns "
            "against each other before fitting anything."
        ),
        split_note=(
            "A **stratified** random split: 30 % of the penguins (103) are the test set, "
            "with each species in the same proportion on both sides (Adelie 44 %, Gentoo "
            "36 %, Chinstrap 20 %). The birds are independent samples; with so few rows "
            "stratifying keeps the rarer species from being under-represented in test. Half "
            "of the test rows are Public, half Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: accuracy\n\n"
            f"Submissions give one predicted species per penguin in the column `{TARGET}` "
            "(`Adelie`, `Chinstrap` or `Gentoo`) and are scored by **accuracy**, the share "
            "of penguins whose species is right. Predicting the most common species for "
            "every bird (the sample submission) scores about 0.44. Higher is better."
        ),
        sources=(SOURCE,),
        source=(
            "Allison Horst, Alison Hill and Kristen Gorman, palmerpenguins: data collected "
            "by Dr. Kristen Gorman with the Palmer Station Long Term Ecological Research "
            "program (Gorman, Williams & Fraser 2014, PLoS ONE 9(3): e90081), as shipped in "
            "the `palmerpenguins` package (`palmerpenguins/data/penguins.csv`)."
        ),
        license="CC0 1.0; palmerpenguins is MIT",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Palmer penguins",
    summary="Tell Adelie, Chinstrap and Gentoo penguins apart from their measurements.",
    tags=("multiclass-classification", "tabular", "beginner", "playground", "missing-values"),
    metric="accuracy",
    split="stratified",
    carriers=(PALMERPENGUINS,),
    builder=builder,
)
