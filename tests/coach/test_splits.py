"""The split advisor: the right split on every lesson, saved folds, and its error messages."""

from __future__ import annotations

import numpy as np
import pytest

from coach_bundles import make_bundle
from scrimmage import coach, lessons
from scrimmage.errors import NotFoundError, ScrimmageError


#: the lessons of one row per id (the coach's kind); particle-picking takes free rows
TABULAR = [t for t in lessons.names() if t != "particle-picking"]


@pytest.mark.parametrize("trap", TABULAR)
def test_names_the_split_each_lesson_proves_right(trap, tmp_path, arena):
    folder = lessons.generate(trap, tmp_path / trap, n_rows=4000, seed=0, ref=trap)
    arena.create_competition(folder)
    advice = coach.advise_split(trap)
    assert advice.split == lessons.get(trap).right_split, advice.reason
    assert advice.reason and advice.facts
    folds = coach.use(trap).folds()
    assert folds.kind == advice.split and folds.split_id == advice.split_id
    assert folds.n_rows == advice.n_train
    if advice.split == "time":
        assert (folds.fold[:, 0] == -1).any()  # the earliest stretch is only trained on
    if advice.split == "repeated":
        assert folds.repeats >= 3
    if advice.split == "adversarial":
        assert 0.1 < folds.scored.mean() < 0.2
    if advice.split == "group":
        assert advice.groups[0]["column"] == "patient_id"


def test_a_free_row_lesson_is_refused_with_the_validation_to_do(tmp_path, arena):
    arena.create_competition(lessons.generate("particle-picking", tmp_path / "p", n_rows=1000, seed=0, ref="picks"))
    with pytest.raises(ScrimmageError) as info:
        coach.advise_split("picks")
    assert str(info.value) == (
        "the coach works with one row per test id; 'picks' takes any number of rows per id (rows = \"free\", scored "
        "by point_fbeta): validate on whole ids (GroupKFold by tomogram_id) scored with the competition's metric "
        "yourself")


def test_leaky_lesson_names_the_leak(tmp_path, arena):
    arena.create_competition(lessons.generate("leaky-feature", tmp_path / "l", n_rows=4000, ref="leaky"))
    advice = coach.advise_split("leaky")
    assert advice.leak == "days_since_account_update"
    assert "days_since_account_update" in advice.reason


def test_folds_are_saved_under_home_and_reused(tmp_path, arena, home):
    ref = arena.create_competition(make_bundle(tmp_path / "b", "binary")).ref
    advice = coach.advise_split(ref, split="stratified", n_folds=4, seed=3)
    path = home / "coach" / ref / "alice" / "folds"
    files = list(path.glob("*.csv"))
    assert len(files) == 1
    coach._current = None
    folds = coach.use(ref).folds()
    assert folds.n_folds == 4 and folds.kind == "stratified"
    assert np.array_equal(folds.fold, advice.folds.fold)
    assert folds.hash == advice.folds.hash
    # stratified: each fold holds about the same share of positives
    y = coach.use(ref).train["y"].to_numpy()
    shares = [y[folds.fold[:, 0] == k].mean() for k in range(4)]
    assert max(shares) - min(shares) < 0.05


def test_time_folds_train_on_the_past(tmp_path, arena):
    dates = np.array(["2020-01-01"], dtype="datetime64[D]") + np.arange(1200)
    folder = make_bundle(tmp_path / "t", "regression", extra_train={"day": dates[:600].astype(str)},
                         extra_test={"day": dates[600:].astype(str)})
    ref = arena.create_competition(folder).ref
    advice = coach.advise_split(ref)
    assert advice.split == "time"
    folds = advice.folds
    day = coach.use(ref).train["day"].to_numpy()
    for _, _, train, valid in folds.splits():
        assert day[train].max() < day[valid].min()


def test_forced_split_says_what_the_coach_would_recommend(tmp_path, arena):
    ref = arena.create_competition(make_bundle(tmp_path / "b", "binary", n=2500)).ref
    advice = coach.advise_split(ref, split="stratified")
    assert advice.split == "stratified"
    assert advice.reason.startswith("You chose a stratified split; from the data the coach would recommend random")


def test_error_messages(tmp_path, arena):
    ref = arena.create_competition(make_bundle(tmp_path / "coach-regression", "regression")).ref
    with pytest.raises(NotFoundError, match=r"^no folds saved for 'coach-regression' yet: run "
                       r"coach.advise_split\(comp\) \(or `scrimmage coach advise coach-regression`\) first$"):
        coach.use(ref).folds()
    with pytest.raises(ScrimmageError, match="^unknown split 'kfold'; choose one of: random, stratified, group, "
                       "stratified-group, time, adversarial, repeated$"):
        coach.advise_split(ref, split="kfold")
    with pytest.raises(ScrimmageError, match="^n_folds must be a whole number of at least 2, got 1$"):
        coach.advise_split(ref, n_folds=1)
    with pytest.raises(ScrimmageError, match="^group='nope' is not a column of both train and test; columns: x, z, c$"):
        coach.advise_split(ref, group="nope")
    with pytest.raises(ScrimmageError, match="^a group split needs a group column: none was found; "
                       "name one with group=COLUMN$"):
        coach.advise_split(ref, split="group")
    with pytest.raises(ScrimmageError, match="^a time split needs a date column: none was found; "
                       "name one with date=COLUMN$"):
        coach.advise_split(ref, split="time")
    with pytest.raises(ScrimmageError, match="^a stratified split needs a class target; 'coach-regression' is a "
                       "regression task$"):
        coach.advise_split(ref, split="stratified")


def test_no_competition_given(monkeypatch):
    with pytest.raises(ScrimmageError, match="^no competition given: pass REF"):
        coach.advise_split()
