"""Every catalogue competition builds from its pinned source into a valid,
deterministic bundle with its documented shape, no leaking column, the declared
split really holding, and a constant baseline scoring as expected.

Each competition is built once per session (and once more for determinism).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
import tomllib

from scrimmage import catalog, metrics
from scrimmage.bundle import load_bundle

REFS = catalog.refs()

#: ref -> (train shape, test shape, {extra file: shape})
SHAPES = {
    "ames-house-prices": ((2051, 81), (879, 80), {}),
    "basic-motions": ((40, 602), (40, 601), {}),
    "bike-share-demand": ((7185, 14), (1460, 13), {}),
    "cdnow-repeat-buyers": ((16499, 3), (7071, 2), {"transactions.csv": (49086, 4)}),
    "census-income": ((22793, 15), (9768, 14), {}),
    "diamonds": ((37758, 11), (16182, 10), {}),
    "handwritten-digits": ((3500, 786), (1500, 785), {}),
    "mauna-loa-co2": ((2179, 2), (105, 1), {}),
    "movie-review-sentiment": ((9760, 4), (2992, 3), {}),
    "nyc-flight-delays": (
        (273355, 16),
        (53991, 15),
        {"weather.csv": (26115, 15), "planes.csv": (3322, 9), "airports.csv": (1458, 8), "airlines.csv": (16, 2)},
    ),
    "palmer-penguins": ((241, 9), (103, 8), {}),
    "pizza-orders": ((10892, 5), (2138, 4), {"order_lines.csv": (41373, 7), "menu.csv": (91, 4)}),
    "titanic": ((891, 12), (418, 11), {}),
}

#: Columns of the source that give the answer away and must not be published.
LEAKS = {
    "titanic": ("boat", "body", "home.dest"),
    "ames-house-prices": ("Order", "PID"),
    "census-income": ("income", "Unnamed: 0"),
    "nyc-flight-delays": ("arr_time", "air_time", "dep_delay", "arr_delay", "dep_time"),
    "movie-review-sentiment": ("category", "has_plot_and_reviews"),
    "bike-share-demand": ("casual", "registered"),
}

#: ref -> function of a train/test frame giving a sortable time key per row
TIME_KEYS = {
    "nyc-flight-delays": lambda df: df["month"] * 100 + df["day"],
    "bike-share-demand": lambda df: df["day"],
    "mauna-loa-co2": lambda df: df["date"],
    "pizza-orders": lambda df: df["date"],
}

GROUP_KEYS = {"movie-review-sentiment": "movie_name"}

APPLICATION_TAGS = {
    "binary-classification", "multiclass-classification", "regression", "forecasting", "text", "image", "ranking",
}


def _read(path: Path, id_column: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={id_column: str}, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="session")
def catalog_home(tmp_path_factory):
    """An empty SCRIMMAGE_HOME for the session's builds (no wheel cache)."""
    return tmp_path_factory.mktemp("catalog-home")


@pytest.fixture(scope="session")
def built(tmp_path_factory, catalog_home):
    """ref -> bundle folder, each competition built once per session."""
    root = tmp_path_factory.mktemp("catalog")
    cache: dict[str, Path] = {}

    def get(ref: str) -> Path:
        if ref not in cache:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("SCRIMMAGE_HOME", str(catalog_home))
                cache[ref] = catalog.build(ref, root / ref)
        return cache[ref]

    return get


@pytest.fixture(scope="session")
def frames(built):
    """ref -> dict of the bundle's parsed files and its Bundle."""
    cache: dict[str, dict] = {}

    def get(ref: str) -> dict:
        if ref not in cache:
            folder = built(ref)
            bundle = load_bundle(folder)
            idc = bundle.id_column
            cache[ref] = {
                "bundle": bundle,
                "toml": tomllib.loads((folder / "competition.toml").read_text(encoding="utf-8")),
                "train": _read(folder / "train.csv", idc),
                "test": _read(folder / "test.csv", idc),
                "solution": _read(folder / "solution.csv", idc),
                "sample": _read(folder / "sample_submission.csv", idc),
            }
        return cache[ref]

    return get


def test_every_entry_has_an_expected_shape():
    assert sorted(SHAPES) == REFS
    core = {"titanic", "ames-house-prices", "census-income", "nyc-flight-delays", "movie-review-sentiment",
            "handwritten-digits", "bike-share-demand", "mauna-loa-co2"}
    assert core <= set(REFS)


@pytest.mark.parametrize("ref", REFS)
def test_bundle_is_valid_and_matches_its_entry(ref, frames):
    entry = catalog.get(ref)
    f = frames(ref)
    bundle, conf = f["bundle"], f["toml"]
    assert bundle.ref == ref and bundle.title == entry.title and bundle.metric == entry.metric
    assert conf["split"] == entry.split and tuple(conf["tags"]) == entry.tags
    assert APPLICATION_TAGS & set(entry.tags), "every competition has an application tag"
    assert entry.metric in metrics.names()
    assert bundle.has_usage
    assert set(f["solution"]["Usage"]) == {"Public", "Private"}
    # the description says which split and why, and shows the data dictionary and provenance
    desc = conf["description"]
    assert f"**{entry.split}**" in desc and "How the test set was chosen" in desc
    assert "Data dictionary" in desc
    for prov in conf["provenance"]:
        assert set(prov) == {"package", "version", "file", "sha256", "license"}
        assert prov["sha256"] in desc and re.fullmatch(r"[0-9a-f]{64}", prov["sha256"])
        assert f"{prov['package']}=={prov['version']}" in entry.requirements
    assert conf["evaluation"] and conf["source"] and conf["license"]


@pytest.mark.parametrize("ref", REFS)
def test_documented_shape(ref, frames, built):
    f = frames(ref)
    train_shape, test_shape, extras = SHAPES[ref]
    assert f["train"].shape == train_shape
    assert f["test"].shape == test_shape
    assert len(f["solution"]) == len(f["sample"]) == test_shape[0]
    names = sorted(p.name for p in built(ref).iterdir())
    assert names == sorted(
        ["competition.toml", "train.csv", "test.csv", "sample_submission.csv", "solution.csv", *extras]
    )
    for name, shape in extras.items():
        assert pd.read_csv(built(ref) / name).shape == shape


@pytest.mark.parametrize("ref", REFS)
def test_no_leaking_column(ref, frames):
    f = frames(ref)
    bundle = f["bundle"]
    for column in LEAKS.get(ref, ()):
        assert column not in f["train"].columns and column not in f["test"].columns
    for target in bundle.targets:
        assert target in f["train"].columns
        assert target not in f["test"].columns
    assert list(f["test"].columns) == [c for c in f["train"].columns if c not in bundle.targets]
    idc = bundle.id_column
    assert not set(f["train"][idc]) & set(f["test"][idc])
    assert list(f["test"][idc]) == list(f["solution"][idc]) == list(f["sample"][idc])


@pytest.mark.parametrize("ref", REFS)
def test_declared_split_holds(ref, frames):
    entry = catalog.get(ref)
    f = frames(ref)
    train, test, solution = f["train"], f["test"], f["solution"]
    target = f["bundle"].targets[0]
    if entry.split == "time":
        key = TIME_KEYS[ref]
        assert key(train).max() < key(test).min(), "every test row comes after every train row"
        public = solution["Usage"].to_numpy() == "Public"
        assert key(test)[public].max() < key(test)[~public].min(), "Public scores the earlier period"
    elif entry.split == "group":
        g = GROUP_KEYS[ref]
        assert not set(train[g]) & set(test[g]), "no test group appears in train"
        usage = dict(zip(solution[f["bundle"].id_column], solution["Usage"]))
        by_group = test.assign(u=test[f["bundle"].id_column].map(usage)).groupby(g)["u"].nunique()
        assert (by_group == 1).all(), "Public/Private are split by group too"
    elif entry.split in ("stratified", "official"):
        p_train = train[target].value_counts(normalize=True)
        p_test = solution[target].value_counts(normalize=True)
        assert set(p_train.index) == set(p_test.index)
        tolerance = max(0.01, 1 / len(test))
        for label in p_train.index:
            assert abs(p_train[label] - p_test[label]) <= tolerance, label
    else:
        assert entry.split == "random"
        share = len(test) / (len(train) + len(test))
        assert 0.2 <= share <= 0.4


@pytest.mark.parametrize("ref", REFS)
def test_build_is_deterministic(ref, built, tmp_path, catalog_home, monkeypatch):
    monkeypatch.setenv("SCRIMMAGE_HOME", str(catalog_home))
    first = built(ref)
    second = catalog.build(ref, tmp_path / ref)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def _expected_constant_score(metric: str, truth: pd.Series, pred: pd.Series, kwargs: dict) -> float:
    """The constant baseline's score computed without scrimmage.metrics."""
    from sklearn import metrics as skm

    assert pred.nunique() == 1, "the sample submission is one constant"
    if metric == "roc_auc":
        return 0.5
    if metric == "accuracy":
        return skm.accuracy_score(truth.astype(str), pred.astype(str))
    if metric == "rmsle":
        return skm.root_mean_squared_log_error(truth, pred)
    if metric == "mae":
        return skm.mean_absolute_error(truth, pred)
    if metric == "map_at_k":
        k = kwargs["k"]
        total = 0.0
        for actual, predicted in zip(truth, pred):
            actual = set(actual.split())
            hits, ap = 0, 0.0
            for i, item in enumerate(predicted.split()[:k]):
                if item in actual:
                    hits += 1
                    ap += hits / (i + 1)
            total += ap / min(len(actual), k)
        return total / len(truth)
    raise AssertionError(f"no expected baseline for {metric}")


@pytest.mark.parametrize("ref", REFS)
def test_constant_baseline_scores_as_expected(ref, frames):
    f = frames(ref)
    bundle = f["bundle"]
    idc, target = bundle.id_column, bundle.targets[0]
    solution = f["solution"].drop(columns="Usage")
    sample = f["sample"]
    metric = metrics.get(bundle.metric)
    got = metric.score(solution, sample, idc, **bundle.metric_kwargs)
    aligned = solution.merge(sample, on=idc, suffixes=("", "_pred"))
    want = _expected_constant_score(bundle.metric, aligned[target], aligned[f"{target}_pred"], bundle.metric_kwargs)
    assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
