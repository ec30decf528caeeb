"""The baseline ladder and the leakage/sanity checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.compose import make_column_transformer

from cliutil import run
from coach_bundles import make_bundle
from scrimmage import coach, lessons
from scrimmage.errors import ScrimmageError


def test_ladder_climbs_and_writes_a_submission_per_rung(comp):
    enc = make_column_transformer((OrdinalEncoder(), ["c"]), remainder="passthrough")
    mine = make_pipeline(enc, RandomForestClassifier(n_estimators=30, min_samples_leaf=5, random_state=0))
    ladder = coach.ladder(model=mine)
    steps = [r.step for r in ladder.rungs]
    assert steps == ["constant", "group mean of x", "logistic regression", "shallow tree (depth 4)",
                     "your model (RandomForestClassifier)"]
    const, group, linear = (r.run.cv_mean for r in ladder.rungs[:3])
    assert const == pytest.approx(0.5) and group > 0.65 and linear > group
    assert ladder.rungs[0].gain is None and ladder.rungs[1].gain == pytest.approx(group - const)
    for rung in ladder.rungs:
        sub = pd.read_csv(rung.run.submission_path)
        assert list(sub.columns) == ["id", "y"] and len(sub) == 600 and rung.run.kind == "ladder"
    text = str(ladder)
    assert "Baseline ladder for bin (roc_auc, higher is better)" in text and "group mean of x" in text
    assert list(ladder.frame().columns)[:5] == ["step", "run", "name", "cv_mean", "cv_std"]


def test_ladder_refuses_an_unknown_column_as_a_run_does_before_any_fit(comp, capsys):
    message = "unknown feature columns: w; the feature columns are: x, z, c"
    with pytest.raises(ScrimmageError, match=f"^{message}$"):
        coach.run(RandomForestClassifier(), drop=["w"])
    with pytest.raises(ScrimmageError, match=f"^{message}$"):
        coach.ladder(drop=["w"])
    assert run(capsys, "coach", "ladder", comp, "--drop", "w") == (1, "", f"error: {message}\n")
    assert coach.runs() == []  # no rung was fitted nor recorded


def test_group_mean_is_out_of_fold():
    """A row's own label never reaches its own group-mean prediction."""
    from scrimmage.coach._baselines import GroupMean

    X = pd.DataFrame({"g": [f"u{i}" for i in range(100)]})  # every row its own group
    y = np.arange(100) % 2
    model = GroupMean("g", classify=True).fit(X.iloc[:50], y[:50])
    held_out = model.predict_proba(X.iloc[50:])
    assert np.allclose(held_out, model.prior_)  # unseen groups get the prior, not their label


def test_category_codes_fit_as_the_text_does():
    """The ladder fits its simple models and group means on category codes: they must learn exactly what the
    text teaches (missing values, rare and unseen categories, many levels, dates beside them)."""
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    from scrimmage.coach._baselines import GroupMean
    from scrimmage.coach._features import category_codes, encode, kinds, preprocessor

    rng = np.random.default_rng(3)

    def frame(m, levels):
        return pd.DataFrame({
            "x": np.where(rng.random(m) < 0.1, np.nan, rng.normal(size=m)),
            "few": rng.choice(np.array(["b", "a", "c", None, "rare"], dtype=object), p=[.4, .3, .2, .07, .03], size=m),
            "many": [f"v{k}" for k in rng.integers(0, levels, m)],
            "day": [f"2024-01-{k:02d}" for k in rng.integers(1, 29, m)],
        })

    train, test = frame(400, 120), frame(200, 150)  # test has values never seen in train
    y = ((train["x"].fillna(0) + (train["few"] == "a") + rng.normal(size=400)) > 0).astype(int).to_numpy()
    cols = kinds(train, list(train.columns))
    assert (cols.categories, cols.many, cols.dates) == (("few",), ("many",), ("day",))
    matrix, matrix_test = encode(train, test, cols)
    for style, model in (("linear", LogisticRegression(max_iter=1000)),
                         ("tree", DecisionTreeClassifier(max_depth=4, random_state=0))):
        text = make_pipeline(preprocessor(cols, style), clone(model)).fit(train, y)
        codes = make_pipeline(preprocessor(cols, style, coded=True), clone(model)).fit(matrix, y)
        assert np.array_equal(text.predict_proba(test), codes.predict_proba(matrix_test)), style
    coded_train, coded_test = category_codes(train, test, cols)
    for c in cols.all:
        gm = GroupMean(c, classify=True, numeric=c in cols.numeric)
        assert np.array_equal(clone(gm).fit(train, y).predict_proba(test),
                              clone(gm).fit(coded_train, y).predict_proba(coded_test)), c


def test_ladder_on_regression_uses_the_metric_constant(tmp_path, arena):
    ref = arena.create_competition(make_bundle(tmp_path / "mae", "regression", metric="mae")).ref
    coach.advise_split(ref, split="random")
    ladder = coach.ladder()
    y = coach.use(ref).train["y"].to_numpy()
    const = ladder.rungs[0].run.test
    assert np.allclose(const, np.median(y), atol=np.std(y) / 5)  # the median, fold by fold
    assert [r.step for r in ladder.rungs][2] == "ridge regression"
    assert ladder.rungs[2].run.cv_mean < ladder.rungs[0].run.cv_mean


def test_checks_on_a_planted_bundle(tmp_path, arena):
    n = 600
    rng = np.random.default_rng(1)
    folder = make_bundle(tmp_path / "planted", "binary",
                         extra_train={"flat": np.ones(n), "site": [f"s{i % 40}" for i in range(n)],
                                      "rare": np.r_[np.zeros(n - 1), 1], "tag": rng.choice(["p", "q"], n)},
                         extra_test={"flat": np.r_[np.ones(n - 5), np.full(5, 2.0)],
                                     "site": [f"t{i % 40}" for i in range(n)], "rare": np.zeros(n),
                                     "tag": rng.choice(["p", "q", "new"], n)})
    train = pd.read_csv(folder / "train.csv")
    train.insert(4, "label_copy", np.where(train["y"] == 1, "yes", "no"))
    train.to_csv(folder / "train.csv", index=False)
    test = pd.read_csv(folder / "test.csv")
    test.insert(4, "label_copy", "no")
    test.iloc[:30, 1:] = train.iloc[:30, 1:test.shape[1]].to_numpy()  # exact copies of training rows
    test.to_csv(folder / "test.csv", index=False)
    ref = arena.create_competition(folder).ref
    checks = coach.check(ref)
    by = {(f.check, f.columns[0]) for f in checks.findings}
    assert ("target in features", "label_copy") in by
    assert ("constant column", "flat") in by
    assert ("near-constant column", "rare") in by
    assert ("new categories in test", "site") in by and ("new categories in test", "tag") in by
    assert any(f.check == "train/test duplicate rows" for f in checks.findings)
    assert checks.findings[0].severity == "leak"
    flat = checks.about("flat")[0]
    assert flat.severity == "warning" and flat.what == "flat has one value in train but several in test."
    assert flat.todo == "Drop flat."
    site = [f for f in checks.about("site") if f.check == "new categories in test"][0]
    assert site.what == "95% of test rows have a value of site never seen in train (40 new values)."
    assert "Checks on planted:" in str(checks) and "What to do:" in str(checks)


def test_checks_find_the_leaky_feature(tmp_path, arena):
    arena.create_competition(lessons.generate("leaky-feature", tmp_path / "l", n_rows=4000, ref="leaky"))
    leaks = coach.check("leaky").leaks
    assert [f.columns for f in leaks] == [("days_since_account_update",)]
    assert leaks[0].what.startswith("days_since_account_update alone predicts the target in train with AUC 0.")


def test_checks_are_quiet_on_a_clean_lesson(tmp_path, arena):
    arena.create_competition(lessons.generate("public-overfit", tmp_path / "p", n_rows=3000, ref="po"))
    assert [f for f in coach.check("po").findings if f.severity != "info"] == []
