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


def category_codes(train, test, cols: Columns):
    """Both frames with each category column as whole-number codes: the rank of its text (missing as
    ``"(missing)"``) among the values of train and test together.

    An encoder fitted on the codes learns what it would from the text (the same categories, in the same
    order), without comparing strings row by row.
    """
    import pandas as pd

    a, b = train.copy(), test.copy()
    for c in cols.categories + cols.many:
        both = pd.concat([train[c], test[c]], ignore_index=True)
        codes, _ = pd.factorize(as_text(both.to_frame()).iloc[:, 0], sort=True)
        a[c], b[c] = codes[: len(train)], codes[len(train):]
    return a, b


def encode(train, test, cols: Columns):
    """Both frames as float matrices with the columns ``cols.all`` in that order: numbers, dates as days since
    1970, categories as :func:`category_codes`. ``preprocessor(cols, coded=True)`` takes them; so do trees."""
    a, b = category_codes(train, test, cols)
    return matrix(a, cols), matrix(b, cols)


def matrix(coded, cols: Columns) -> np.ndarray:
    """A frame of :func:`category_codes` as a float matrix (see :func:`encode`)."""
    import pandas as pd


    out = [pd.to_numeric(coded[c], errors="coerce").to_numpy(dtype=np.float64) for c in cols.numeric]
    out += [coded[c].to_numpy(dtype=np.float64) for c in cols.categories + cols.many]
    out += [to_days(coded[[c]])[c].to_numpy() for c in cols.dates]
    return np.column_stack(out) if out else np.empty((len(coded), 0))


def preprocessor(cols: Columns, style: str = "linear", coded: bool = False):
    """A ColumnTransformer for ``cols``: ``linear`` (scaled, one-hot) or ``tree`` (ordinal codes).

    ``coded``: the columns arrive as :func:`encode` makes them (one float matrix), not as a table of text.
    """
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

    def categories(*steps):  # text first, unless they come as codes
        return make_pipeline(*steps) if coded else make_pipeline(text, *steps)

    def dates(*steps):  # days first, unless they come as days
        return (make_pipeline(*steps) if steps else "passthrough") if coded else make_pipeline(days, *steps)

    def where(names):  # by name in a table, by position in a matrix
        return [cols.all.index(c) for c in names] if coded else list(names)

    parts = []
    if style == "linear":
        if cols.numeric:
            parts.append(("num", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                               StandardScaler()), where(cols.numeric)))
        if cols.dates:
            parts.append(("date", dates(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()),
                          where(cols.dates)))
        if cols.categories:
            parts.append(("cat", categories(OneHotEncoder(handle_unknown="ignore", min_frequency=5,
                                                          sparse_output=False)), where(cols.categories)))
        if cols.many:
            parts.append(("many", categories(target_encoder(), StandardScaler()), where(cols.many)))
    else:
        if cols.numeric:
            parts.append(("num", "passthrough", where(cols.numeric)))
        if cols.dates:
            parts.append(("date", dates(), where(cols.dates)))
        if cols.categories:
            parts.append(("cat", categories(OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)),
                          where(cols.categories)))
        if cols.many:
            parts.append(("many", categories(target_encoder()), where(cols.many)))
    if not parts:
        from ..errors import ScrimmageError

        raise ScrimmageError("no feature columns to model: train.csv holds only the id and the target")
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)

