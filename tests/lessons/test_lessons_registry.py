"""The lesson registry and the bundles it writes: names, validity, determinism, chunking."""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib

import numpy as np
import pandas as pd
import pytest

from scrimmage import lessons, metrics
from scrimmage.bundle import KEYS, load_bundle
from scrimmage.errors import ConfigError, ConflictError, NotFoundError
from scrimmage.lessons import _writer

NAMES = [
    "time-drift", "group-leakage", "covariate-shift", "leaky-feature",
    "imbalance", "high-cardinality", "small-noisy", "public-overfit", "particle-picking",
]
#: the lessons of one row per id (train.csv and test.csv split one table); particle-picking has free rows
TABLES = [name for name in NAMES if name != "particle-picking"]
RIGHT_SPLITS = {
    "time-drift": "time",
    "group-leakage": "group",
    "covariate-shift": "adversarial",
    "leaky-feature": "adversarial",
    "imbalance": "stratified",
    "high-cardinality": "random",
    "small-noisy": "repeated",
    "public-overfit": "random",
    "particle-picking": "group",
}
FILES = ("competition.toml", "train.csv", "test.csv", "sample_submission.csv", "solution.csv")


def read(folder):
    return {name: (folder / name).read_bytes() for name in FILES}


# --- registry ---------------------------------------------------------------


def test_traps_are_listed_in_teaching_order():
    assert lessons.names() == NAMES
    assert [t.name for t in lessons.traps()] == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_each_trap_knows_its_splits_and_tags(name):
    trap = lessons.get(name)
    assert trap.right_split == RIGHT_SPLITS[name]
    assert trap.naive_split in lessons.SPLITS
    assert trap.title and trap.summary.endswith(".")
    assert {"lesson", name} <= set(trap.tags)
    assert {"binary-classification", "regression", "detection"} & set(trap.tags)
    assert callable(trap.generate)


def test_the_list_shows_each_lesson_as_its_module_describes_it():
    """Listing competitions reads lessons/_listing.py, not the trap modules: it must say what they say."""
    from scrimmage.lessons._listing import LISTED, Listed

    assert list(LISTED) == NAMES
    for name in NAMES:
        s, trap = lessons.spec(name), lessons.get(name)
        module = Listed(s.title, s.metric, s.split, s.tags, trap.summary)
        assert LISTED[name] == module, f"update {name!r} in src/scrimmage/lessons/_listing.py to {module!r}"


def test_trap_is_frozen_and_checks_its_splits():
    trap = lessons.get("imbalance")
    with pytest.raises(AttributeError):
        trap.name = "other"  # type: ignore[misc]
    with pytest.raises(ValueError, match="right_split 'kfold' is not one of random, stratified"):
        lessons.Trap("x", "X", "x.", ("lesson",), "kfold", "random", None)


def test_unknown_trap_lists_the_valid_names():
    with pytest.raises(NotFoundError) as info:
        lessons.get("leakage")
    assert str(info.value) == (
        "unknown lesson trap 'leakage'; choose one of: time-drift, group-leakage, covariate-shift, "
        "leaky-feature, imbalance, high-cardinality, small-noisy, public-overfit, particle-picking"
    )
    with pytest.raises(NotFoundError, match="unknown lesson trap 'nope'"):
        lessons.generate("nope", "/tmp/never-written")


def test_importing_lessons_loads_no_trap_module_and_no_polars():
    code = (
        "import sys, scrimmage.lessons as l; l.names(); "
        "print(sorted(m for m in sys.modules if m.startswith('scrimmage.lessons.') or m == 'polars'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- bundles ----------------------------------------------------------------


@pytest.mark.parametrize("name", TABLES)
def test_smallest_bundle_is_valid_and_complete(tmp_path, name):
    folder = lessons.generate(name, tmp_path / name, n_rows=1_000, seed=3)
    bundle = load_bundle(folder)  # raises BundleError listing every problem
    assert bundle.ref == name and bundle.has_usage
    conf = tomllib.loads((folder / "competition.toml").read_text())
    assert set(conf) <= set(KEYS)
    assert conf["split"] and conf["description"].strip() and conf["reveal"].strip()
    assert {"lesson", name} <= set(conf["tags"])
    assert "(1,000 rows" in conf["source"] and "seed" not in conf["source"]

    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "test.csv")
    solution = pd.read_csv(folder / "solution.csv")
    sample = pd.read_csv(folder / "sample_submission.csv")
    id_column, target = conf["id_column"], conf["targets"][0]
    assert len(train) + len(test) == 1_000
    spec = importlib.import_module(f"scrimmage.lessons.{name.replace('-', '_')}").SPEC
    assert list(train.columns) == [id_column, *spec.features, target]
    assert list(test.columns) == list(train.columns[:-1])
    assert list(solution.columns) == [id_column, target, "Usage"]
    assert list(sample.columns) == [id_column, target]
    assert set(solution["Usage"]) == {"Public", "Private"}
    assert list(solution[id_column]) == list(test[id_column]) == list(sample[id_column])
    ids = pd.concat([train[id_column], test[id_column]])
    assert ids.is_unique
    assert train.notna().all().all() and test.notna().all().all()
    # the sample submission is a valid (constant) submission for the lesson's metric
    score = metrics.get(conf["metric"]).score(solution.drop(columns="Usage"), sample, id_column)
    assert np.isfinite(score)


@pytest.mark.parametrize("name", TABLES)
def test_same_seed_gives_identical_bytes_and_chunks_do_not_matter(tmp_path, name):
    n = 2 * _writer.BLOCK_ROWS + 1_234  # three blocks, the last one partial
    small = lessons.generate(name, tmp_path / "small", n_rows=n, seed=7, chunk_rows=_writer.BLOCK_ROWS)
    whole = lessons.generate(name, tmp_path / "whole", n_rows=n, seed=7, chunk_rows=10**9)
    assert read(small) == read(whole)
    other = lessons.generate(name, tmp_path / "other", n_rows=n, seed=8)
    assert read(other)["train.csv"] != read(whole)["train.csv"]
    rows = sum(len(pd.read_csv(whole / f)) for f in ("train.csv", "test.csv"))
    assert rows == n


def test_rows_are_written_in_bounded_chunks(tmp_path, monkeypatch):
    flushed = []
    real_flush = _writer._flush

    def spy(pl, spec, pending, start, handles, counts, first):
        flushed.append(sum(len(block.target) for block, _ in pending))
        return real_flush(pl, spec, pending, start, handles, counts, first)

    monkeypatch.setattr(_writer, "_flush", spy)
    n = 5 * _writer.BLOCK_ROWS + 17
    folder = lessons.generate("group-leakage", tmp_path / "g", n_rows=n, seed=1, chunk_rows=2 * _writer.BLOCK_ROWS)
    assert flushed == [2 * _writer.BLOCK_ROWS, 2 * _writer.BLOCK_ROWS, _writer.BLOCK_ROWS + 17]
    assert sum(1 for _ in open(folder / "train.csv")) - 1 + sum(1 for _ in open(folder / "test.csv")) - 1 == n


# --- what each trap promises about its split --------------------------------


def test_time_drift_test_period_follows_train(tmp_path):
    folder = lessons.generate("time-drift", tmp_path / "t", n_rows=5_000, seed=0)
    train, test = pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")
    assert train["pickup_date"].max() < test["pickup_date"].min()
    assert 0.15 < len(test) / 5_000 < 0.25


def test_group_leakage_test_patients_are_unseen(tmp_path):
    folder = lessons.generate("group-leakage", tmp_path / "g", n_rows=5_000, seed=0)
    train, test = pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")
    assert not set(train["patient_id"]) & set(test["patient_id"])
    assert train.groupby("patient_id").size().mean() > 5


def test_small_noisy_keeps_train_small(tmp_path):
    big = lessons.generate("small-noisy", tmp_path / "big", n_rows=20_000, seed=0)
    tiny = lessons.generate("small-noisy", tmp_path / "tiny", n_rows=1_000, seed=0)
    assert len(pd.read_csv(big / "train.csv")) == 400
    assert (len(pd.read_csv(tiny / "train.csv")), len(pd.read_csv(tiny / "test.csv"))) == (400, 600)
    panel = pd.read_csv(big / "test.csv").filter(like="marker_")
    assert panel.shape[1] == 150 and panel.mean().abs().max() < 0.1 and (panel.std() - 1).abs().max() < 0.1


def test_public_overfit_uses_the_ladder_and_a_small_public_share(tmp_path):
    folder = lessons.generate("public-overfit", tmp_path / "p", n_rows=10_000, seed=0)
    bundle = load_bundle(folder)
    assert bundle.leaderboard == "ladder" and bundle.daily_limit == 20
    usage = pd.read_csv(folder / "solution.csv")["Usage"]
    assert 0.02 < (usage == "Public").mean() < 0.04


# --- particle-picking: free rows, one tomogram per id --------------------------------


def test_particle_picking_smallest_bundle_is_valid_and_complete(tmp_path):
    from scrimmage.lessons import particle_picking as pp

    folder = lessons.generate("particle-picking", tmp_path / "pp", n_rows=1_000, seed=3)
    bundle = load_bundle(folder)
    assert bundle.ref == "pp" and bundle.has_usage and bundle.rows == "free" and bundle.metric == "point_fbeta"
    assert bundle.metric_kwargs == {"radius": pp.RADIUS, "beta": 4.0} and bundle.targets == ("x", "y", "z")
    assert bundle.public_files == ("candidates.csv", "sample_submission.csv", "test.csv", "train.csv")
    conf = tomllib.loads((folder / "competition.toml").read_text())
    assert set(conf) <= set(KEYS)
    assert conf["split"] == "group" and conf["description"].strip() and conf["reveal"].strip()
    assert {"lesson", "particle-picking", "detection", "free-rows"} <= set(conf["tags"])
    assert "(1,000 rows asked: 10 tomograms" in conf["source"] and "seed" not in conf["source"]

    candidates = pd.read_csv(folder / "candidates.csv")
    train, test = pd.read_csv(folder / "train.csv"), pd.read_csv(folder / "test.csv")
    solution, sample = pd.read_csv(folder / "solution.csv"), pd.read_csv(folder / "sample_submission.csv")
    assert list(candidates.columns) == ["tomogram_id", "x", "y", "z", *pp.FEATURES]
    assert list(train.columns) == list(sample.columns) == ["tomogram_id", "x", "y", "z"]
    assert list(test.columns) == ["tomogram_id"] and test["tomogram_id"].is_unique and len(test) == 4
    assert list(solution.columns) == ["tomogram_id", "x", "y", "z", "Usage"]
    assert set(solution["tomogram_id"]) == set(test["tomogram_id"]) >= set(sample["tomogram_id"])
    assert not set(train["tomogram_id"]) & set(test["tomogram_id"])
    assert set(candidates["tomogram_id"]) == set(train["tomogram_id"]) | set(test["tomogram_id"])
    usage = solution.groupby("tomogram_id")["Usage"].agg(set)
    assert all(len(u) == 1 for u in usage) and sorted(u.pop() for u in usage) == ["Private"] * 3 + ["Public"]
    assert candidates.notna().all().all() and train.notna().all().all()
    assert 50 <= len(candidates) / 10 <= 150 and (sample.groupby("tomogram_id").size() == pp.SAMPLE_PER_TOMOGRAM).all()
    assert ((candidates[["x", "y", "z"]] >= 0) & (candidates[["x", "y", "z"]] <= pp.BOX)).all().all()
    # the sample submission is a valid submission for the lesson's metric
    score = metrics.get("point_fbeta").score(solution.drop(columns="Usage"), sample, "tomogram_id", **bundle.metric_kwargs)
    assert 0 < score < 0.5


def test_particle_picking_same_seed_identical_bytes_whatever_the_chunks(tmp_path, monkeypatch):
    from scrimmage.lessons import particle_picking as pp

    names = (*FILES, "candidates.csv")
    small = lessons.generate("particle-picking", tmp_path / "small", n_rows=5_000, seed=7,
                             chunk_rows=7 * pp.ROWS_PER_TOMOGRAM)
    whole = lessons.generate("particle-picking", tmp_path / "whole", n_rows=5_000, seed=7, chunk_rows=10**9)
    assert {n: (small / n).read_bytes() for n in names} == {n: (whole / n).read_bytes() for n in names}
    other = lessons.generate("particle-picking", tmp_path / "other", n_rows=5_000, seed=8)
    assert (other / "candidates.csv").read_bytes() != (whole / "candidates.csv").read_bytes()
    # at most chunk_rows / 100 tomograms (about chunk_rows candidates) are held at once
    chunks = []
    real = pp._write_chunk
    monkeypatch.setattr(pp, "_write_chunk", lambda *a: chunks.append(len(a[-1])) or real(*a))
    lessons.generate("particle-picking", tmp_path / "spied", n_rows=5_000, seed=7, chunk_rows=20 * pp.ROWS_PER_TOMOGRAM)
    assert chunks == [20, 20, 10]


# --- generate(): destination, ref, arguments --------------------------------


def test_ref_is_written_and_checked(tmp_path):
    folder = lessons.generate("imbalance", tmp_path / "folder", n_rows=1_000, ref="fraud-101")
    assert load_bundle(folder).ref == "fraud-101"
    with pytest.raises(ConfigError, match="invalid ref 'Fraud 101'"):
        lessons.generate("imbalance", tmp_path / "other", n_rows=1_000, ref="Fraud 101")


def test_destination_must_be_new_or_empty(tmp_path):
    (tmp_path / "empty").mkdir()
    lessons.generate("imbalance", tmp_path / "empty", n_rows=1_000)
    assert (tmp_path / "empty" / "train.csv").exists()
    with pytest.raises(ConflictError, match="already exists and is not an empty folder"):
        lessons.generate("imbalance", tmp_path / "empty", n_rows=1_000)


def test_a_failed_generation_leaves_nothing_behind(tmp_path, monkeypatch):
    from scrimmage.lessons import imbalance

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(imbalance, "make_block", broken)
    with pytest.raises(OSError, match="disk full"):
        lessons.generate("imbalance", tmp_path / "x", n_rows=1_000)
    assert list(tmp_path.iterdir()) == []


def test_bad_arguments_are_reported_together(tmp_path):
    with pytest.raises(ConfigError) as info:
        lessons.generate("imbalance", tmp_path / "x", n_rows=999, seed=-1)
    assert info.value.problems == [
        "n_rows must be a whole number of at least 1,000, got 999",
        "seed must be a whole number >= 0, got -1",
    ]
    assert not (tmp_path / "x").exists()
