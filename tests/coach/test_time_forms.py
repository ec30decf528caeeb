"""The split advisor reads time in any common form, and panels get a forward split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scrimmage import coach
from scrimmage.coach._time import time_columns
from scrimmage.errors import ScrimmageError


def _frames(train_cols: dict, test_cols: dict):
    return pd.DataFrame(train_cols), pd.DataFrame(test_cols)


def _one(train, test, **kw):
    from scrimmage.coach._features import kinds

    cols = kinds(train, list(train.columns))
    found = time_columns(train, test, list(train.columns), cols.dates, **kw)
    return {t.name: t for t in found}


@pytest.mark.parametrize(
    ("train", "test", "name", "form", "last_train", "first_test"),
    [
        ({"day": ["2021-01-01", "2021-06-30"]}, {"day": ["2021-07-01", "2021-08-01"]}, "day", "date",
         "2021-06-30", "2021-07-01"),
        ({"at": ["2021-01-01T08:00:00", "2021-06-30T17:30:00"]}, {"at": ["2021-07-01T09:00:00", "2021-07-02T10:00:00"]},
         "at", "datetime", "2021-06-30", "2021-07-01"),
        ({"year": [2001, 2015]}, {"year": [2016, 2020]}, "year", "year", "2015", "2016"),
        ({"year": [2019, 2020], "month": [1, 12]}, {"year": [2021, 2021], "month": [1, 3]}, "year + month",
         "year+month", "2020-12", "2021-01"),
        ({"fiscal_year": [2019, 2020], "quarter": [1, 4]}, {"fiscal_year": [2021, 2021], "quarter": [1, 2]},
         "fiscal_year + quarter", "year+quarter", "2020-Q4", "2021-Q1"),
        ({"created_ts": [1_600_000_000, 1_610_000_000]}, {"created_ts": [1_620_000_000, 1_630_000_000]},
         "created_ts", "epoch", "2021-01-07", "2021-05-03"),
        ({"event_time": [1_600_000_000_000, 1_610_000_000_000]}, {"event_time": [1_620_000_000_000, 1_630_000_000_000]},
         "event_time", "epoch", "2021-01-07", "2021-05-03"),
        ({"week": [1, 40]}, {"week": [41, 52]}, "week", "period", "period 40", "period 41"),
        ({"k": [3, 5, 5, 9]}, {"k": [10, 12]}, "k", "period", "period 9", "period 10"),
    ],
)
def test_every_common_form_of_time_is_read_and_shown_in_its_own_form(train, test, name, form, last_train, first_test):
    found = _one(*_frames(train, test))
    assert name in found, found
    t = found[name]
    assert t.form == form
    assert t.show(np.nanmax(t.train)) == last_train
    assert t.show(np.nanmin(t.test)) == first_test
    assert np.nanmin(t.test) > np.nanmax(t.train)


def test_numbers_that_are_not_times_are_left_alone():
    train, test = _frames({"year_built": [1950, 2001], "rooms": [3, 1], "price": [1.5, 2.25]},
                          {"year_built": [2010, 2012], "rooms": [2, 4], "price": [3.5, 1.0]})
    assert _one(train, test) == {}


def _panel(folder: Path, n_firms: int = 120, seed: int = 0) -> Path:
    """A firm x year panel whose only time column is an integer year; test = the later years."""
    rng = np.random.default_rng(seed)
    rows = []
    for f in range(n_firms):
        level = rng.normal()
        for year in range(2000, 2021):
            rows.append((f"firm-{f:03d}", year, level + 0.1 * (year - 2000) + rng.normal()))
    df = pd.DataFrame(rows, columns=["firm", "year", "x"])
    df["sales"] = np.round(3 * df["x"] + 0.5 * (df["year"] - 2000) + rng.normal(size=len(df)), 3)
    df.insert(0, "id", np.arange(len(df)))
    train, test = df[df["year"] < 2016], df[df["year"] >= 2016]
    folder.mkdir(parents=True)
    train.to_csv(folder / "train.csv", index=False)
    test.drop(columns="sales").to_csv(folder / "test.csv", index=False)
    usage = np.where(np.arange(len(test)) % 4 == 0, "Public", "Private")
    test[["id", "sales"]].assign(Usage=usage).to_csv(folder / "solution.csv", index=False)
    test[["id"]].assign(sales=0.0).to_csv(folder / "sample_submission.csv", index=False)
    (folder / "competition.toml").write_text('title = "Firm panel"\nmetric = "rmse"\nid_column = "id"\n')
    return folder


def test_a_firm_by_year_panel_gets_a_forward_split_by_year_with_years_shown_as_years(tmp_path, arena):
    ref = arena.create_competition(_panel(tmp_path / "panel")).ref
    advice = coach.advise_split(ref)
    assert advice.split == "time", advice.reason
    assert "train ends 2015, test runs 2016 to 2020" in advice.reason
    assert "panel: every firm" in advice.reason
    assert advice.leak is None and "leak" not in advice.reason
    folds = coach.use(ref).folds()
    years = coach.use(ref).train["year"].to_numpy()
    for k in range(folds.n_folds):
        valid = folds.fold[:, 0] == k
        trained = folds.fold[:, 0] < k
        assert years[trained].max() < years[valid].min()  # whole later years, every firm
        assert len(set(coach.use(ref).train["firm"][valid])) == 120
    # forcing the column reads it as years too, never as days since 1970
    forced = coach.advise_split(ref, date="year")
    assert "1970" not in str(forced) and "train ends 2015" in forced.reason


def test_a_date_column_that_is_not_a_time_is_refused_with_the_fix(tmp_path, arena):
    ref = arena.create_competition(_panel(tmp_path / "panel", n_firms=30)).ref
    with pytest.raises(ScrimmageError) as err:
        coach.advise_split(ref, date="firm")
    assert str(err.value) == ("date='firm' holds neither dates nor whole numbers; name a column of ISO dates, "
                              "years, epoch seconds or periods")
