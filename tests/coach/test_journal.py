"""The experiment journal: runs, subsets, code version, submissions linked to runs, paired comparisons."""

from __future__ import annotations

import subprocess

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.compose import make_column_transformer

from coach_bundles import make_bundle
from scrimmage import coach
from scrimmage.errors import NotFoundError, ScrimmageError


def logistic(C=1.0):
    enc = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["c"]), remainder="passthrough")
    return make_pipeline(enc, LogisticRegression(C=C))


def test_run_records_everything(comp, home):
    run = coach.run(logistic(), name="logit")
    assert run.name == "logit" and run.kind == "run" and run.frac == 1.0
    assert len(run.fold_scores) == 5 and all(0.6 < s < 1 for s in run.fold_scores)
    assert run.cv_mean == pytest.approx(np.mean(run.fold_scores))
    assert run.params["logisticregression__C"] == 1.0
    assert run.fit_seconds > 0 and run.predict_seconds > 0 and run.peak_memory_mb is not None
    assert run.folder.is_relative_to(home / "coach" / comp / "alice" / "runs")
    oof, test = run.oof, run.test
    assert oof.shape == (600,) and not np.isnan(oof).any() and test.shape == (600,)
    sub = pd.read_csv(run.submission_path)
    assert list(sub.columns) == ["id", "y"] and len(sub) == 600
    assert coach.runs()[-1].id == run.id
    assert "logit" in str(run) and "roc_auc" in str(run)


def test_frac_is_a_seeded_nested_subset(comp):
    small = coach.run(logistic(), name="5%", frac=0.2)
    big = coach.run(logistic(), name="50%", frac=0.5)
    s, b = ~np.isnan(small.oof), ~np.isnan(big.oof)
    assert 0.12 < s.mean() < 0.28 and (s <= b).all()
    again = coach.run(logistic(), name="again", frac=0.2)
    assert np.array_equal(~np.isnan(again.oof), s)
    assert again.test.shape == (600,)  # the whole test set is still predicted


def test_code_version_of_a_git_workdir(comp, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    git = lambda *a: subprocess.run(["git", *a], cwd=work, check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    (work / "model.py").write_text("C = 1\n")
    git("add", "model.py")
    git("commit", "-qm", "first")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True).stdout.strip()
    clean = coach.run(logistic(), name="clean", workdir=work)
    assert clean.code == {"git": True, "workdir": str(work), "commit": head, "dirty": False, "changes_sha256": None}
    (work / "model.py").write_text("C = 2\n")
    dirty = coach.run(logistic(), name="dirty", workdir=work)
    assert dirty.code["commit"] == head and dirty.code["dirty"] and len(dirty.code["changes_sha256"]) == 64
    (work / "notes.txt").write_text("untracked")
    dirtier = coach.run(logistic(), name="dirtier", workdir=work)
    assert dirtier.code["changes_sha256"] != dirty.code["changes_sha256"]
    outside = coach.run(logistic(), name="outside", workdir=tmp_path / "home")
    assert outside.code == {"git": False, "workdir": str(tmp_path / "home")}


def test_submit_links_the_run_to_its_submission(tmp_path, db_url):
    from scrimmage.arena import Arena

    arena = Arena()
    ref = arena.create_competition(make_bundle(tmp_path / "linked", "binary")).ref
    coach.advise_split(ref, split="random")
    run = coach.run(logistic(), name="logit")
    sent = coach.submit(run, message="first")
    assert sent.submission_id is not None and 0.5 < sent.public_score <= 1
    listed = coach.runs()[-1]
    assert listed.submission_id == sent.submission_id and listed.public_score == sent.public_score
    assert listed.private_score is None  # hidden until the competition closes
    assert arena.submissions(ref)[0].description == "first"
    with pytest.raises(ScrimmageError, match=rf"^run {run.id} 'logit' was submitted already \(submission "
                       rf"{sent.submission_id}\); record a new run to submit again$"):
        coach.submit(run)
    arena.close(ref, user="alice")
    assert coach.runs()[-1].private_score is not None


def test_compare_is_a_paired_test_beyond_fold_noise(comp):
    weak = coach.run(make_pipeline(make_column_transformer(("passthrough", ["z"])), LogisticRegression()), name="noise")
    strong = coach.run(logistic(), name="logit")
    same = coach.run(logistic(C=0.99), name="logit-2")
    c = coach.compare("noise", "logit")
    assert c.b_better and c.gain > 0.2 and c.wins == 5 and c.p_value < 0.05
    assert c.verdict == "'logit' beats 'noise' beyond fold noise."
    back = coach.compare(strong.id, weak.id)
    assert back.verdict == "'noise' is worse than 'logit' beyond fold noise." and not back.b_better
    tie = coach.compare(strong, same)
    assert tie.p_value > 0.05 and tie.verdict.startswith("No difference beyond fold noise")


def test_compare_refuses_different_folds_or_rows(comp):
    a = coach.run(logistic(), name="a")
    b = coach.run(logistic(), name="b", frac=0.5)
    with pytest.raises(ScrimmageError, match=rf"^runs {a.id} 'a' and {b.id} 'b' used different rows \(frac 1 seed 0 "
                       r"vs frac 0.5 seed 0\); compare runs made with the same frac and seed$"):
        coach.compare(a, b)
    coach.advise_split(comp, split="random", seed=1)
    c = coach.run(logistic(), name="c")
    with pytest.raises(ScrimmageError, match=rf"^runs {a.id} 'a' and {c.id} 'c' used different folds \(split "
                       rf"{a.split_id} vs {c.split_id}\); rerun the older one so both use the current folds$"):
        coach.compare(a, c)


def test_run_error_messages(comp):
    with pytest.raises(ScrimmageError, match=r"^frac must be a share of the training rows in \(0, 1\], got 0$"):
        coach.run(logistic(), frac=0)
    with pytest.raises(ScrimmageError, match=r"^frac must be a share of the training rows in \(0, 1\], got 1.5$"):
        coach.run(logistic(), frac=1.5)
    with pytest.raises(ScrimmageError, match="^model must be a scikit-learn style estimator with fit and predict; "
                       "got str$"):
        coach.run("logistic")
    with pytest.raises(ScrimmageError, match="^unknown feature columns: w; the feature columns are: x, z, c$"):
        coach.run(logistic(), drop=["w"])
    with pytest.raises(ScrimmageError, match="^no feature columns left: features= and drop= leave nothing to fit on$"):
        coach.run(logistic(), features=["x"], drop=["x"])
    with pytest.raises(ScrimmageError, match=r"^no fold of run 'tiny' could be scored \(too few rows, or one class "
                       r"only, in every fold\); use a larger frac$"):
        coach.run(DummyClassifier(), name="tiny", frac=0.002)
    with pytest.raises(NotFoundError, match="^no run 'missing' in 'bin'; recent runs: none yet$"):
        coach.compare("missing", "other")


@pytest.mark.parametrize("kind", ["regression", "multiclass", "label"])
def test_other_task_kinds(kind, tmp_path, arena):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    ref = arena.create_competition(make_bundle(tmp_path / kind, kind)).ref
    coach.advise_split(ref, split="random")
    enc = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["c"]), remainder="passthrough")
    model = RandomForestRegressor(n_estimators=20, random_state=0) if kind == "regression" else \
        RandomForestClassifier(n_estimators=20, random_state=0)
    run = coach.run(make_pipeline(enc, model), name=kind)
    sub = pd.read_csv(run.submission_path)
    if kind == "multiclass":
        assert list(sub.columns) == ["id", "high", "low", "mid"]
        assert np.allclose(sub[["high", "low", "mid"]].sum(axis=1), 1)
        assert run.oof.shape == (600, 3)
    elif kind == "label":
        assert set(sub["y"]) <= {"low", "mid", "high"} and run.oof.shape == (600, 3)
    else:
        assert sub["y"].dtype.kind == "f"
    sent = coach.submit(run)
    assert sent.public_score is not None
