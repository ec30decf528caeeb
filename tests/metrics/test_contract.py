"""Kaggle's contract (frames to arrays) and invariants that hold for every registered metric."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from scrimmage import metrics
from scrimmage.errors import ParticipantVisibleError
from scrimmage.metrics import INPUT_KINDS
from scrimmage.metrics._contract import arrays_from_frames

# -- the registry ----------------------------------------------------------------------------


def test_at_least_28_metrics_are_registered():
    assert len(metrics.names()) >= 28
    assert metrics.names() == sorted(metrics.names())


def test_importing_and_computing_needs_neither_pandas_nor_sklearn():
    code = """
import sys
import numpy as np
import scrimmage.metrics as m
y = np.array([0, 1, 0, 1, 1, 0])
assert m.get("roc_auc").compute(y, np.array([.1, .4, .35, .8, .4, .4])) > 0.5
for name in m.names():
    m.get(name)
m.get("log_loss").compute(y, np.array([.2, .7, .3, .6, .5, .5]))
m.get("rmse").compute(np.array([1.0, 2.0]), np.array([1.5, 2.0]))
m.get("f1_macro").compute(y, y[::-1])
m.get("map_at_k").compute(np.array(["a b"]), np.array(["b c"]))
heavy = sorted(n for n in ("pandas", "sklearn", "scipy") if n in sys.modules)
assert not heavy, heavy
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# -- invariants over every metric -------------------------------------------------------------

#: The best value each metric can take.
BEST = {
    "accuracy": 1, "balanced_accuracy": 1, "f1": 1, "f1_macro": 1, "f1_micro": 1, "f1_weighted": 1,
    "fbeta": 1, "precision": 1, "recall": 1, "mcc": 1, "quadratic_weighted_kappa": 1, "roc_auc": 1,
    "roc_auc_ovr": 1, "average_precision": 1, "log_loss": 0, "brier": 0, "mae": 0, "mse": 0,
    "rmse": 0, "rmsle": 0, "mape": 0, "smape": 0, "r2": 1, "median_ae": 0, "pinball": 0,
    "mcrmse": 0, "map_at_k": 1, "ndcg_at_k": 1, "point_fbeta": 1,
}


def _perfect_and_random(metric, rng, n=300):
    """(y_true, a perfect y_pred, a random y_pred, compute kwargs) for the metric's input kind."""
    if metric.needs_classes:
        y = rng.integers(0, 3, n)
        perfect = np.eye(3)[y]
        return y, perfect, rng.dirichlet(np.ones(3), n), {"classes": ("0", "1", "2")}
    if metric.input == "label":
        y = rng.integers(0, 2, n)
        return y, y.copy(), rng.integers(0, 2, n), {}
    if metric.input in ("score", "probability"):
        y = rng.integers(0, 2, n)
        return y, y.astype(float), rng.random(n), {}
    if metric.input == "number":
        columns = 3 if metric.name == "mcrmse" else 1
        y = rng.gamma(2.0, 3.0, (n, columns)).squeeze() + 0.5
        return y, y.copy(), rng.gamma(2.0, 3.0, (n, columns)).squeeze() + 0.5, {}
    if metric.input == "points":  # rows of (id, x, y): a few points per id
        ids = rng.integers(0, 40, n)
        y = np.column_stack([ids, rng.uniform(0, 100, (n, 2))]).astype(object)
        guess = np.column_stack([rng.integers(0, 40, n), rng.uniform(0, 100, (n, 2))]).astype(object)
        return y, y.copy(), guess, {}
    items = [f"i{j}" for j in range(30)]
    y = np.array([" ".join(rng.choice(items, 4, replace=False)) for _ in range(n)], dtype=object)
    guess = np.array([" ".join(rng.choice(items, 10, replace=False)) for _ in range(n)], dtype=object)
    return y, y.copy(), guess, {}


@pytest.mark.parametrize("name", metrics.names())
def test_every_metric_is_described_directed_and_rewards_perfect_predictions(name):
    metric = metrics.get(name)
    assert metric.name == name
    assert metric.input in INPUT_KINDS
    assert metric.description and "\n" not in metric.description
    assert metric.direction in metric.description
    assert name in BEST, "add the metric's best value to BEST"

    rng = np.random.default_rng(0)
    y, perfect, random, kw = _perfect_and_random(metric, rng)
    kw = metric.kwargs(**kw)
    best = metric.compute(y, perfect, **kw)
    chance = metric.compute(y, random, **kw)
    for value in (best, chance):
        assert isinstance(value, float) and np.isfinite(value)
    assert best == pytest.approx(BEST[name], abs=1e-9)
    if metric.greater_is_better:
        assert best > chance
    else:
        assert best < chance

    if metric.per_row_loss is not None:
        # A mean of per-row losses orders submissions as the metric does.
        blends = [perfect, random] + [
            np.where(rng.random(len(y)) < share, perfect.T, random.T).T for share in (0.3, 0.6, 0.9)
        ]
        losses = [metric.per_row_loss(y, p, **kw) for p in blends]
        assert all(loss.shape == (len(y),) for loss in losses)
        means = [loss.mean() for loss in losses]
        values = [metric.compute(y, p, **kw) for p in blends]
        sign = -1 if metric.greater_is_better else 1
        assert np.argsort(means).tolist() == np.argsort([sign * v for v in values]).tolist()


# -- frames to arrays ------------------------------------------------------------------------


def test_rows_align_by_id_as_text_and_usage_is_dropped():
    solution = pd.DataFrame({"id": [7, 8, 9], "y": [1.0, 2.0, 3.0], "Usage": ["Public", "Private", "Public"]})
    submission = pd.DataFrame({"id": ["9", "7", "8"], "y": [30.0, 10.0, 20.0]})
    y_true, y_pred, classes = arrays_from_frames(metrics.get("mae"), solution, submission, "id")
    assert y_true.tolist() == [1.0, 2.0, 3.0]
    assert y_pred.tolist() == [10.0, 20.0, 30.0]
    assert classes is None


def test_ids_007_and_7_are_different():
    solution = pd.DataFrame({"id": ["007"], "y": [1.0]})
    submission = pd.DataFrame({"id": ["7"], "y": [1.0]})
    with pytest.raises(ParticipantVisibleError, match="missing 1 ids, e.g. '007'"):
        metrics.get("mae").score(solution, submission, "id")


def test_several_target_columns_give_2d_arrays_in_solution_column_order():
    solution = pd.DataFrame({"id": ["a", "b"], "x": [1.0, 2.0], "z": [3.0, 4.0]})
    submission = pd.DataFrame({"z": [40.0, 30.0], "id": ["b", "a"], "x": [20.0, 10.0]})
    y_true, y_pred, _ = arrays_from_frames(metrics.get("mcrmse"), solution, submission, "id")
    assert y_true.tolist() == [[1.0, 3.0], [2.0, 4.0]]
    assert y_pred.tolist() == [[10.0, 30.0], [20.0, 40.0]]


def test_a_single_prediction_column_may_have_another_name():
    solution = pd.DataFrame({"id": ["a", "b"], "target": [1.0, 2.0]})
    submission = pd.DataFrame({"id": ["a", "b"], "prediction": [1.0, 4.0]})
    assert metrics.get("mae").score(solution, submission, "id") == 1.0


def test_labels_compare_as_numbers_when_both_sides_are_numeric_else_as_text():
    solution = pd.DataFrame({"id": ["a", "b", "c"], "y": [1, 0, 2]})
    as_floats = pd.DataFrame({"id": ["a", "b", "c"], "y": [1.0, 0.0, 1.0]})
    as_text = pd.DataFrame({"id": ["a", "b", "c"], "y": ["1", "0", "2.0"]})
    accuracy = metrics.get("accuracy")
    assert accuracy.score(solution, as_floats, "id") == pytest.approx(2 / 3)
    y_true, y_pred, _ = arrays_from_frames(accuracy, solution, as_text, "id")
    assert y_true.tolist() == ["1", "0", "2"] and y_pred.tolist() == ["1", "0", "2.0"]
    assert accuracy.score(solution, as_text, "id") == pytest.approx(2 / 3)


def test_text_labels_with_pos_label():
    solution = pd.DataFrame({"id": ["a", "b", "c", "d"], "y": ["yes", "no", "yes", "no"]})
    submission = pd.DataFrame({"id": ["a", "b", "c", "d"], "y": ["yes", "yes", "no", "no"]})
    assert metrics.get("recall").score(solution, submission, "id", pos_label="yes") == 0.5
    assert metrics.get("precision").score(solution, submission, "id", pos_label="no") == 0.5


def test_boolean_solution_scores_with_the_default_pos_label():
    solution = pd.DataFrame({"id": ["a", "b", "c"], "y": [True, False, True]})
    submission = pd.DataFrame({"id": ["a", "b", "c"], "y": [0.9, 0.2, 0.1]})
    assert metrics.get("roc_auc").score(solution, submission, "id") == 0.5


def test_class_columns_match_labels_as_text_in_submission_order():
    solution = pd.DataFrame({"id": ["a", "b", "c"], "y": [3.0, 1.0, 3.0]})
    submission = pd.DataFrame({"id": ["c", "a", "b"], "3": [0.9, 0.8, 0.1], "1": [0.1, 0.2, 0.9]})
    metric = metrics.get("log_loss")
    y_true, y_pred, classes = arrays_from_frames(metric, solution, submission, "id")
    assert classes == ("3", "1")
    assert y_true.tolist() == ["3", "1", "3"]
    assert y_pred.tolist() == [[0.8, 0.2], [0.1, 0.9], [0.9, 0.1]]
    expected = -np.mean(np.log([0.8, 0.9, 0.9]))
    assert metric.score(solution, submission, "id") == pytest.approx(expected)


def test_class_columns_match_numeric_labels_whatever_their_spelling():
    proba = np.array([[0.75, 0.25], [0.5, 0.5]])
    log_loss = metrics.get("log_loss")
    expected = -np.mean(np.log([0.25, 0.5]))
    for labels in (["3.0", "1.0"], [3.0, 1.0], ["3", "1"]):
        assert log_loss.compute(np.array(labels), proba, classes=("1", "3")) == pytest.approx(expected)
    assert log_loss.compute(np.array(["b", "a"]), proba, classes=("a", "b")) == pytest.approx(expected)


def test_one_hot_solution_columns_are_reordered_to_the_submission():
    solution = pd.DataFrame({"id": ["a", "b"], "cat": [1, 0], "dog": [0, 1], "Usage": ["Public", "Private"]})
    submission = pd.DataFrame({"id": ["a", "b"], "dog": [0.25, 0.5], "cat": [0.75, 0.5]})
    y_true, y_pred, classes = arrays_from_frames(metrics.get("log_loss"), solution, submission, "id")
    assert classes == ("dog", "cat")
    assert y_true.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    expected = -np.mean(np.log([0.75, 0.5]))
    assert metrics.get("log_loss").score(solution, submission, "id") == pytest.approx(expected)


def test_binary_log_loss_takes_one_probability_column():
    solution = pd.DataFrame({"id": ["a", "b"], "target": [1, 0]})
    submission = pd.DataFrame({"id": ["b", "a"], "target": [0.2, 0.9]})
    expected = -np.mean(np.log([0.9, 0.8]))
    assert metrics.get("log_loss").score(solution, submission, "id") == pytest.approx(expected)


def test_text_columns_read_empty_cells_as_no_items():
    solution = pd.DataFrame({"id": ["a", "b"], "items": ["x y", np.nan]})
    submission = pd.DataFrame({"id": ["a", "b"], "items": ["y x", np.nan]})
    y_true, y_pred, _ = arrays_from_frames(metrics.get("map_at_k"), solution, submission, "id")
    assert y_true.tolist() == ["x y", ""] and y_pred.tolist() == ["y x", ""]
    assert metrics.get("map_at_k").score(solution, submission, "id") == 0.5


def test_kwargs_override_defaults():
    metric = metrics.get("fbeta")
    assert metric.kwargs() == {"beta": 2.0, "pos_label": 1}
    assert metric.kwargs(beta=0.5)["beta"] == 0.5
    y, p = np.array([1, 1, 0, 0]), np.array([1, 0, 1, 0])
    assert metric.compute(y, p, beta=1.0) == metrics.get("f1").compute(y, p)
