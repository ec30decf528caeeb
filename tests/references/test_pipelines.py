"""The reference pipelines: they beat the constant on a lesson, their scores are what
their files score when submitted, and every kind of task gets one."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scrimmage import lessons, metrics
from scrimmage.bundle import load_bundle
from scrimmage.errors import ForbiddenError
from scrimmage.references import _columns as columns
from scrimmage.references import pipelines
from scrimmage.references.pipelines import compute, read_train
from scrimmage.arena import Arena


@pytest.fixture(scope="module")
def lesson_folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("lessons")
    return {trap: lessons.generate(trap, root / trap, n_rows=4_000, seed=0)
            for trap in ("group-leakage", "time-drift")}


@pytest.mark.parametrize("trap", ["group-leakage", "time-drift"])
def test_reference_pipelines_beat_the_constant_on_a_lesson(trap, lesson_folders):
    rows = compute(lesson_folders[trap])
    assert [r["name"] for r in rows] == ["constant", "simple", "strong"]
    greater = load_bundle(lesson_folders[trap]).metric == "roc_auc"
    const = rows[0]
    for r in rows[1:]:
        for side in ("public", "private"):
            better = r[side] > const[side] if greater else r[side] < const[side]
            assert better, (r["name"], side, r[side], const[side])
    assert rows[0]["model"].startswith("predicts the training")
    assert "logistic regression" in rows[1]["model"] or "ridge regression" in rows[1]["model"]
    assert rows[2]["model"].startswith("histogram gradient boosting")
    if greater:
        assert const["public"] == const["private"] == 0.5  # a constant ranks nothing: AUC 0.5


def test_a_reference_score_is_what_its_file_scores_when_submitted(tmp_path):
    arena = Arena()
    comp = lessons.create(arena, "group-leakage", n_rows=3_000, seed=2, ref="clinic")
    stored = {r["name"]: r for r in comp.settings["reference_scores"]}
    assert set(stored) == {"constant", "simple", "strong"}
    folder = arena.storage("clinic")
    bundle = load_bundle(folder)
    task = pipelines.task_of(bundle, metrics.get(bundle.metric))
    train = read_train(folder / "train.csv", bundle.id_column)
    predictor = pipelines.fit("strong", task, train, pipelines._features(folder, task, train))
    path = tmp_path / "strong.csv"
    pipelines._write_predictions(predictor, folder, task, path)
    sub = arena.submit("clinic", path, "the strong reference, by hand")
    assert math.isclose(sub.public_score, stored["strong"]["public"], rel_tol=1e-7)
    with pytest.raises(ForbiddenError):  # a lesson's host is its learner: no private scores before the close
        arena.leaderboard("clinic", private=True, user="alice")
    arena.close("clinic", user="alice")
    board = arena.leaderboard("clinic", private=True, user="alice")
    assert math.isclose(board.rows[0].score, stored["strong"]["private"], rel_tol=1e-7)


def test_a_large_train_file_is_sampled_evenly_in_bounded_chunks(tmp_path, monkeypatch):
    path = tmp_path / "train.csv"
    pd.DataFrame({"id": [f"{i:05d}" for i in range(1_003)], "x": np.arange(1_003) * 0.5}).to_csv(path, index=False)
    whole = read_train(path, "id", max_rows=100)
    assert len(whole) == 92 and list(whole["id"][:3]) == ["00000", "00011", "00022"]  # every 11th row
    monkeypatch.setattr(columns, "_SMALL_FILE", 10)  # where read_train reads them
    monkeypatch.setattr(columns, "CHUNK_ROWS", 37)
    chunked = read_train(path, "id", max_rows=100)
    pd.testing.assert_frame_equal(whole, chunked)
    assert len(read_train(path, "id", max_rows=5_000)) == 1_003


def _bundle(folder: Path, toml: str, train: pd.DataFrame, test: pd.DataFrame, solution: pd.DataFrame,
            sample: pd.DataFrame) -> Path:
    folder.mkdir()
    for name, frame in (("train", train), ("test", test), ("solution", solution), ("sample_submission", sample)):
        frame.to_csv(folder / f"{name}.csv", index=False)
    (folder / "competition.toml").write_text(toml)
    return folder


def test_one_probability_column_per_class(tmp_path):
    rng = np.random.default_rng(0)
    n = 900
    x = rng.normal(size=n)
    label = np.where(x < -0.5, "low", np.where(x > 0.5, "high", "mid"))
    when = pd.date_range("2024-01-01", periods=n, freq="h").strftime("%Y-%m-%dT%H:%M:%S")
    frame = pd.DataFrame({"id": range(n), "x": x + rng.normal(scale=0.3, size=n), "when": when,
                          "shop": rng.choice(["a", "b", "c"], n), "label": label})
    train, test = frame.iloc[:600], frame.iloc[600:]
    solution = test[["id", "label"]].assign(Usage=np.where(np.arange(300) % 2 == 0, "Public", "Private"))
    sample = test[["id"]].assign(high=1 / 3, low=1 / 3, mid=1 / 3)
    folder = _bundle(tmp_path / "classes", 'title = "Classes"\nmetric = "log_loss"\nid_column = "id"\n'
                     'targets = ["label"]\n', train, test.drop(columns="label"), solution, sample)
    rows = compute(folder)
    assert rows[0]["model"] == "predicts the training frequency of each class for every row"
    assert rows[1]["public"] < rows[0]["public"] and rows[2]["public"] < rows[0]["public"]  # log loss: lower


def test_ranking_references(tmp_path):
    rng = np.random.default_rng(1)
    items = [f"item{i}" for i in range(12)]
    pop = np.linspace(2, 0.2, 12)
    pop /= pop.sum()

    def orders(n):
        carts, hidden = [], []
        for _ in range(n):
            picked = list(rng.choice(items, size=4, replace=False, p=pop))
            carts.append(" ".join(picked[:2]))
            hidden.append(" ".join(picked[2:]))
        return carts, hidden

    c, h = orders(800)
    train = pd.DataFrame({"order": [f"o{i}" for i in range(800)], "cart": c, "hidden": h})
    c, h = orders(200)
    test = pd.DataFrame({"order": [f"t{i}" for i in range(200)], "cart": c})
    solution = pd.DataFrame({"order": test["order"], "hidden": h, "Usage": ["Public", "Private"] * 100})
    sample = pd.DataFrame({"order": test["order"], "hidden": "item0 item1 item2"})
    folder = _bundle(tmp_path / "ranking", 'title = "Ranking"\nmetric = "map_at_k"\nid_column = "order"\n'
                     'metric_kwargs = { k = 3 }\n', train, test, solution, sample)
    rows = compute(folder)
    assert rows[0]["model"] == "predicts the 3 most frequent items for every row"
    # items already in the cart are never in the hidden part: leaving them out helps
    assert rows[1]["public"] > rows[0]["public"] and rows[1]["private"] > rows[0]["private"]
    assert "co-occurrence" in rows[2]["model"]


def test_a_metric_file_bundle_has_no_references(tmp_path, bundle):
    (bundle / "metric.py").write_text("def score(solution, submission, row_id_column_name):\n    return 1.0\n")
    toml = bundle / "competition.toml"
    toml.write_text(toml.read_text() + 'metric_file = "metric.py"\ngreater_is_better = true\n')
    with pytest.raises(Exception) as info:
        compute(bundle)
    assert str(info.value) == "reference pipelines need a built-in metric; this bundle has a metric_file"


def test_particle_picking_references_are_what_their_recipes_score_when_submitted(tmp_path):
    """The free-row references: every candidate, then models keeping candidates whose probability reaches
    1 / (1 + beta²); refitted here with plain scikit-learn and submitted, the strong one scores what is stored."""
    from scipy.spatial import cKDTree
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    arena = Arena()
    comp = lessons.create(arena, "particle-picking", n_rows=4_000, seed=2, ref="picks")
    stored = {r["name"]: r for r in comp.settings["reference_scores"]}
    assert stored["constant"]["model"] == "submits every candidate of candidates.csv for every test id (no model)"
    assert stored["strong"]["model"].endswith("keeps the candidates whose probability reaches 1 / (1 + beta²) = "
                                              "0.0588 (beta 4)")
    for side in ("public", "private"):
        assert stored["strong"][side] > stored["constant"][side], stored
    folder = arena.storage("picks")
    candidates = pd.read_csv(folder / "candidates.csv")
    truth = pd.read_csv(folder / "train.csv")
    is_test = candidates["tomogram_id"].isin(pd.read_csv(folder / "test.csv")["tomogram_id"])
    every = tmp_path / "every.csv"
    candidates[is_test][["tomogram_id", "x", "y", "z"]].to_csv(every, index=False)
    assert arena.submit("picks", every, "every candidate").public_score == pytest.approx(stored["constant"]["public"])

    train = candidates[~is_test].reset_index(drop=True)
    y = np.zeros(len(train), dtype=int)
    for key, index in train.groupby("tomogram_id").indices.items():
        points = truth.loc[truth["tomogram_id"] == key, ["x", "y", "z"]].to_numpy(float)
        y[index] = cKDTree(points).query(train.loc[index, ["x", "y", "z"]].to_numpy(float))[0] <= 60
    columns = [c for c in candidates.columns if c != "tomogram_id"]
    with threadpool_limits(1):
        boosting = dict(learning_rate=0.05, max_iter=1000, early_stopping=True, validation_fraction=0.1,
                        n_iter_no_change=30, random_state=0)  # the references' boosting, as documented
        model = HistGradientBoostingClassifier(**boosting).fit(train[columns], y)
        keep = model.predict_proba(candidates[is_test][columns])[:, 1] >= 1 / 17
    strong = tmp_path / "strong.csv"
    candidates[is_test][keep][["tomogram_id", "x", "y", "z"]].to_csv(strong, index=False)
    assert arena.submit("picks", strong, "strong, by hand").public_score == pytest.approx(stored["strong"]["public"])


def test_a_free_row_bundle_without_candidates_has_no_references(tmp_path):
    folder = tmp_path / "points"
    folder.mkdir()
    (folder / "competition.toml").write_text('title = "Points"\nmetric = "point_fbeta"\nid_column = "id"\n'
                                             'rows = "free"\n')
    (folder / "train.csv").write_text("id,x,y\nt1,3,4\n")
    (folder / "test.csv").write_text("id\na\nb\n")
    (folder / "sample_submission.csv").write_text("id,x,y\na,0,0\nb,0,0\n")
    (folder / "solution.csv").write_text("id,x,y,Usage\na,1,1,Public\na,5,5,Public\nb,,,Private\n")
    with pytest.raises(Exception) as info:
        compute(folder)
    assert str(info.value) == ('reference pipelines of rows = "free" need metric point_fbeta and a candidates.csv '
                               "(the proposed points of every id) in the bundle")
