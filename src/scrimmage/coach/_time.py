"""Time in any common form: which columns (or pairs of columns) say *when* a row happened.

The split advisor needs one sortable number per row and a way to print it.
:func:`time_columns` recognises, in train and test alike:

========================  ===================================================  ==============
form                      how it is recognised                                 shown as
========================  ===================================================  ==============
``date`` / ``datetime``   ISO text (``2021-03-05``, ``2021-03-05T08:15:00``)   ``2021-03-05``
``year``                  whole numbers 1800-2200, named like a year           ``2015``
``year+month``            a year column and a month column (1-12)              ``2015-03``
``year+quarter``          a year column and a quarter column (1-4)             ``2015-Q2``
``epoch``                 seconds (or milliseconds) since 1970 between 1990    ``2021-03-05``
                          and 2100, named like a time stamp
``period``                whole numbers named like a period (``week``,         ``period 17``
                          ``period``, ``t``, ...) or sorted in train
========================  ===================================================  ==============

Each found :class:`TimeColumn` carries the values of train and test on one
scale (days for dates and stamps, the period count otherwise) so forward folds
can be cut on them, and :meth:`TimeColumn.show` prints a value in its own form
(``--date year`` shows ``2015``, never a day of 1975).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

_YEAR_NAME = re.compile(r"(^|_)(year|yr|fiscal_year|fy|season)(_|$)", re.I)
_MONTH_NAME = re.compile(r"(^|_)(month|mon|mm)(_|$)", re.I)
_QUARTER_NAME = re.compile(r"(^|_)(quarter|qtr|q)(_|$)", re.I)
_STAMP_NAME = re.compile(r"(time|stamp|epoch|(^|_)ts($|_)|_at$|created|updated|date)", re.I)
_PERIOD_NAME = re.compile(r"(^|_)(t|period|week|wk|day|days|month_index|step|round|tick|time_idx|time_index|"
                          r"date_block_num|block|interval|epoch|session)(_|$)", re.I)
_YEAR_MIN, _YEAR_MAX = 1800, 2200
_EPOCH_S = (631_152_000, 4_102_444_800)  # 1990-01-01 .. 2100-01-01 in seconds
#: a year-like name is not a calendar year when it says so
_NOT_A_TIME = re.compile(r"(built|birth|born|founded|established|construction)", re.I)


@dataclass(frozen=True)
class TimeColumn:
    """A time read from one column or from a year column with its month or quarter."""

    columns: tuple[str, ...]
    form: str
    train: np.ndarray  # float, NaN where missing
    test: np.ndarray
    show: Callable[[float], str]

    @property
    def name(self) -> str:
        return " + ".join(self.columns)

    @property
    def unit(self) -> str:
        return {"date": "days", "datetime": "days", "epoch": "days", "year": "years", "year+month": "months",
                "year+quarter": "quarters"}.get(self.form, "periods")


def _whole(values) -> np.ndarray | None:
    import pandas as pd

    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return None
    a = values.to_numpy(dtype=float)
    finite = a[np.isfinite(a)]
    if finite.size == 0 or not np.all(finite == np.round(finite)):
        return None
    return a


def _show_day(days: float) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(np.floor(days)))).isoformat()


def _show_year(v: float) -> str:
    return f"{int(v)}"


def _show_month(v: float) -> str:
    return f"{int(v) // 12}-{int(v) % 12 + 1:02d}"


def _show_quarter(v: float) -> str:
    return f"{int(v) // 4}-Q{int(v) % 4 + 1}"


def _show_period(v: float) -> str:
    return f"period {v:g}"


def _in(a: np.ndarray, lo: float, hi: float) -> bool:
    finite = a[np.isfinite(a)]
    return finite.size > 0 and bool(np.all((finite >= lo) & (finite <= hi)))


def _is_sorted(a: np.ndarray) -> bool:
    finite = a[np.isfinite(a)]
    return finite.size > 2 and bool(np.all(np.diff(finite) >= 0)) and finite[-1] > finite[0]


def read_column(train, test, column: str, date_columns=()) -> TimeColumn | None:
    """``column`` as a time, or None when it is not one (see the module's table)."""
    from ._features import to_days

    if column in date_columns:
        a, b = to_days(train[[column]])[column].to_numpy(), to_days(test[[column]])[column].to_numpy()
        has_clock = bool(np.any(np.isfinite(a) & (a != np.floor(a))))
        return TimeColumn((column,), "datetime" if has_clock else "date", a, b, _show_day)
    a, b = _whole(train[column]), _whole(test[column])
    if a is None or b is None:
        return None
    both = np.concatenate([a, b])
    if _YEAR_NAME.search(column) and not _NOT_A_TIME.search(column) and _in(both, _YEAR_MIN, _YEAR_MAX):
        return TimeColumn((column,), "year", a, b, _show_year)
    if _STAMP_NAME.search(column):
        if _in(both, *_EPOCH_S):
            return TimeColumn((column,), "epoch", a / 86_400, b / 86_400, _show_day)
        if _in(both, _EPOCH_S[0] * 1000, _EPOCH_S[1] * 1000):
            return TimeColumn((column,), "epoch", a / 86_400_000, b / 86_400_000, _show_day)
    if _PERIOD_NAME.search(column) or _is_sorted(a):
        return TimeColumn((column,), "period", a, b, _show_period)
    return None


def _pair(train, test, year: TimeColumn, columns) -> TimeColumn | None:
    """A year column together with its month or quarter column, when there is one."""
    for c in columns:
        if c == year.columns[0]:
            continue
        for pattern, top, form, per_year, show in ((_MONTH_NAME, 12, "year+month", 12, _show_month),
                                                   (_QUARTER_NAME, 4, "year+quarter", 4, _show_quarter)):
            if not pattern.search(c):
                continue
            a, b = _whole(train[c]), _whole(test[c])
            if a is None or b is None or not _in(np.concatenate([a, b]), 1, top):
                continue
            return TimeColumn((year.columns[0], c), form, year.train * per_year + a - 1,
                              year.test * per_year + b - 1, show)
    return None


def time_columns(train, test, columns, date_columns=(), only: str | None = None) -> list[TimeColumn]:
    """Every time found among ``columns`` (ISO dates first); ``only`` reads that one column, whatever its name."""
    if only is not None:
        found = read_column(train, test, only, date_columns)
        if found is None:
            a = _whole(train[only])
            if a is None:
                return []
            found = TimeColumn((only,), "period", a, _whole(test[only]), _show_period)
        if found.form == "year":
            found = _pair(train, test, found, columns) or found
        return [found]
    out = []
    for c in columns:
        if c in date_columns:
            out.append(read_column(train, test, c, date_columns))
    for c in columns:
        if c in date_columns:
            continue
        found = read_column(train, test, c, date_columns)
        if found is None:
            continue
        if found.form == "year":
            found = _pair(train, test, found, columns) or found
        out.append(found)
    return out


def panel_entity(train, test, time: TimeColumn, candidates) -> str | None:
    """The entity of a panel: a column whose values repeat over several times in train and come back in test."""
    best = None
    for c in candidates:
        if c in time.columns:
            continue
        values = train[c]
        k = values.nunique(dropna=True)
        if k < 2 or k > len(train) / 2:
            continue
        times_per = _times_per_value(values, time.train)
        seen = float(test[c].isin(set(values.dropna().unique())).mean())
        if times_per >= 2 and seen >= 0.5 and (best is None or k > best[1]):
            best = (c, k)
    return best[0] if best else None


def _times_per_value(values, times: np.ndarray) -> float:
    import pandas as pd

    frame = pd.DataFrame({"v": values.to_numpy(), "t": times})
    return float(frame.groupby("v")["t"].nunique().median())
