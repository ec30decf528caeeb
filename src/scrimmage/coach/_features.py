"""Column kinds (numeric, category, date) and the coach's default preprocessing.

The ladder's simple models and the split advisor need to turn any training
table into numbers without the learner's help: numbers stay numbers, dates
become days since 1970, categories become one-hot columns (few values) or
out-of-fold target encodings (many values; scikit-learn's ``TargetEncoder``
cross-fits inside ``fit_transform``, so it never sees a row's own label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")
#: a category with more distinct values than this is "high-cardinality"
MANY_LEVELS = 30


@dataclass(frozen=True)
class Columns:
    numeric: tuple[str, ...]
    categories: tuple[str, ...]  # few levels
    many: tuple[str, ...]  # high-cardinality categories
    dates: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return self.numeric + self.categories + self.many + self.dates


def is_date(values) -> bool:
    """True when a column of text holds ISO dates (checked on up to 200 values)."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    sample = values.dropna()
    if sample.empty:
        return False
    sample = sample.sample(min(200, len(sample)), random_state=0).astype(str)
    return bool(sample.map(lambda s: bool(_DATE.match(s))).all())


def kinds(frame, columns) -> Columns:
    import pandas as pd

    numeric, cats, many, dates = [], [], [], []
    for c in columns:
        values = frame[c]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            numeric.append(c)
        elif is_date(values):
            dates.append(c)
        elif values.nunique(dropna=True) > MANY_LEVELS:
            many.append(c)
        else:
            cats.append(c)
    return Columns(tuple(numeric), tuple(cats), tuple(many), tuple(dates))


def to_days(frame):
    """Date columns as float days since 1970-01-01 (NaN where missing)."""
    import pandas as pd

    out = {}
    for c in frame.columns:
        parsed = pd.to_datetime(frame[c], format="ISO8601", errors="coerce", utc=True)
        out[c] = (parsed - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(days=1)
    return pd.DataFrame(out, index=frame.index).astype(np.float64)


def as_text(frame):
    """Category columns as plain text with missing values as ``"(missing)"``."""
    return frame.astype(object).where(frame.notna(), "(missing)").astype(str)


def preprocessor(cols: Columns, style: str = "linear"):
    """A ColumnTransformer for ``cols``: ``linear`` (scaled, one-hot) or ``tree`` (ordinal codes)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import (
        FunctionTransformer,
        OneHotEncoder,
        OrdinalEncoder,
        StandardScaler,
    )

    from ..target_encoding import target_encoder

    text = FunctionTransformer(as_text, feature_names_out="one-to-one")
    days = FunctionTransformer(to_days, feature_names_out="one-to-one")
    parts = []
    if style == "linear":
        if cols.numeric:
            parts.append(("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                               StandardScaler()), list(cols.numeric)))
        if cols.dates:
            parts.append(("date", make_pipeline(days, SimpleImputer(strategy="median", keep_empty_features=True),
                                                StandardScaler()), list(cols.dates)))
        if cols.categories:
            parts.append(("cat", make_pipeline(text, OneHotEncoder(handle_unknown="ignore", min_frequency=5,
                                                                   sparse_output=False)), list(cols.categories)))
        if cols.many:
            parts.append(("many", make_pipeline(text, target_encoder(), StandardScaler()),
                          list(cols.many)))
    else:
        if cols.numeric:
            parts.append(("num", "passthrough", list(cols.numeric)))
        if cols.dates:
            parts.append(("date", days, list(cols.dates)))
        if cols.categories:
            parts.append(("cat", make_pipeline(text, OrdinalEncoder(handle_unknown="use_encoded_value",
                                                                    unknown_value=-1)), list(cols.categories)))
        if cols.many:
            parts.append(("many", make_pipeline(text, target_encoder()), list(cols.many)))
    if not parts:
        from ..errors import ScrimmageError

        raise ScrimmageError("no feature columns to model: train.csv holds only the id and the target")
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)


def encode_for_trees(train, test, cols: Columns):
    """Both frames as float matrices for a tree model: categories as shared integer codes."""
    import pandas as pd

    def one(frame):
        out = {}
        for c in cols.numeric:
            out[c] = pd.to_numeric(frame[c], errors="coerce").astype(np.float64)
        for c in cols.dates:
            out[c] = to_days(frame[[c]])[c]
        return out

    a, b = one(train), one(test)
    for c in cols.categories + cols.many:
        both = pd.concat([train[c], test[c]], ignore_index=True)
        codes, _ = pd.factorize(as_text(both.to_frame())[c], sort=True)
        a[c], b[c] = codes[: len(train)].astype(np.float64), codes[len(train):].astype(np.float64)
    names = list(cols.all)
    return (np.column_stack([a[c] for c in names]) if names else np.empty((len(train), 0)),
            np.column_stack([b[c] for c in names]) if names else np.empty((len(test), 0)), names)
