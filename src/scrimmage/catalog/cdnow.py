"""CDNOW repeat buyers: will a customer buy again? (Fader & Hardie's CDNOW data, via lifetimes)."""

from __future__ import annotations

import io

from ._carriers import LIFETIMES, SourceFile
from ._common import CatalogEntry, Parts, assemble, stratified_split

REF = "cdnow-repeat-buyers"
SEED = 0
TEST_FRACTION = 0.3
TARGET = "buys_again"
ID = "customer_id"
CALIBRATION_END = "1997-09-30"  # 39 weeks of history ...
HOLDOUT_END = "1998-06-30"  # ... then 39 weeks to predict
SOURCE = SourceFile(
    LIFETIMES,
    "lifetimes/datasets/CDNOW_master.txt",
    "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
    "published by Fader & Hardie for research and teaching on customer-base analysis; shipped in lifetimes under MIT",
)

DICTIONARY = (
    (ID, "customer id (as in the original data; joins `transactions.csv`)"),
    ("first_purchase", "date of the customer's first purchase, YYYY-MM-DD (all in January-March 1997)"),
    (TARGET, "**target**: 1 when the customer bought again between 1997-10-01 and 1998-06-30, else 0"),
)


def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    tx = pd.read_csv(io.BytesIO(raw), sep=r"\s+", dtype={"date": str})
    tx.columns = [ID, "date", "number_of_cds", "dollar_value"]
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    tx = tx.sort_values([ID, "date"], kind="mergesort").reset_index(drop=True)
    history = tx[tx["date"] <= CALIBRATION_END]
    future = tx[(tx["date"] > CALIBRATION_END) & (tx["date"] <= HOLDOUT_END)]
    customers = history.groupby(ID, sort=True)["date"].min().rename("first_purchase").reset_index()
    customers[TARGET] = customers[ID].isin(set(future[ID])).astype(int)
    keys = [str(c) for c in customers[ID]]
    is_test = stratified_split(keys, list(customers[TARGET]), TEST_FRACTION, f"{REF}:{SEED}")
    train, test, solution, sample = assemble(
        customers,
        is_test,
        targets=[TARGET],
        id_column=ID,
        salt=f"{REF}:{SEED}",
        sample={TARGET: lambda tr: round(float(tr[TARGET].mean()), 2)},
    )
    return Parts(
        id_column=ID,
        targets=(TARGET,),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# CDNOW: who will buy again?\n\n"
            "CDNOW was an online music store. This is the full purchase history of the "
            "23,570 customers who made their first purchase in the first quarter of 1997. "
            "You see every purchase up to 30 September 1997 (`transactions.csv`); predict "
            "which customers will buy again in the following 39 weeks (1 October 1997 to "
            "30 June 1998). About 30 % do.\n\n"
            "A customer-analytics competition: the work is turning a transaction log into "
            "per-customer features (recency, frequency, monetary value, time since the first "
            "purchase, ...), a join and a group-by away. It is the dataset behind the "
            "classic Pareto/NBD and BG/NBD \"buy 'til you die\" models, which make good "
            "baselines."
        ),
        split_note=(
            "Two cuts. **In time**, every customer's history stops on 1997-09-30 and the "
            "target is about the 39 weeks after, so no feature can see the future. **Across "
            "customers**, a **stratified** random 30 % of them (7,071) are the test set, "
            "with the same share of repeat buyers as train: that is how a shop uses such a "
            "model, scoring customers whose future it does not know yet. Build your "
            "features only from `transactions.csv` (history up to the cut); 30 % of the "
            "test customers are Public, the rest Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: ROC AUC\n\n"
            f"Submissions are scored with the **area under the ROC curve** between your "
            f"predicted probability (or any score) that `{TARGET}` is 1 and the truth: the "
            "probability that a random repeat buyer scores higher than a random customer "
            "who did not come back. 0.5 is a constant (the sample submission); higher is "
            "better."
        ),
        sources=(SOURCE,),
        source=(
            "Peter S. Fader and Bruce G. S. Hardie's CDNOW dataset (the full master file of "
            "the 1997 first-quarter cohort, as used in Fader, Hardie & Lee 2005, \"Counting "
            "your customers the easy way\"), as shipped in the `lifetimes` package "
            "(`lifetimes/datasets/CDNOW_master.txt`)."
        ),
        license="published by Fader & Hardie for research and teaching; lifetimes is MIT",
        extra={"transactions.csv": history},
        extra_notes={
            "transactions.csv": f"every purchase up to {CALIBRATION_END} of every customer in train and "
            f"test: `{ID}`, `date` (YYYY-MM-DD), `number_of_cds` bought, `dollar_value` spent. "
            "Several rows on one day are separate orders.",
        },
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="CDNOW repeat buyers",
    summary="From a music store's 1997 purchase log, predict which customers will buy again.",
    tags=("binary-classification", "tabular", "customer-analytics", "joins", "feature-engineering", "time-window"),
    metric="roc_auc",
    split="stratified",
    carriers=(LIFETIMES,),
    builder=builder,
)
