"""Every error message the metrics raise, pinned by its exact text.

ParticipantVisibleError messages reach participants: they name ids, columns
and counts, never solution values. ValueError messages are for the host.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scrimmage import metrics
from scrimmage.errors import NotFoundError, ParticipantVisibleError
from scrimmage.metrics import Metric, register
from scrimmage.metrics._contract import arrays_from_frames, verify_valid_probabilities

PVE = ParticipantVisibleError


def compute(name, y_true, y_pred, **kw):
    metric = metrics.get(name)
    return lambda: metric.compute(np.asarray(y_true), np.asarray(y_pred), **metric.kwargs(**kw))


def score(name, solution, submission, **kw):
    return lambda: metrics.get(name).score(pd.DataFrame(solution), pd.DataFrame(submission), "id", **kw)


def frames(name, solution, submission):
    return lambda: arrays_from_frames(metrics.get(name), pd.DataFrame(solution), pd.DataFrame(submission), "id")


ONE_CLASS = "needs both classes among the scored rows; this part of the solution has only one class"
IDS = {"id": ["001", "002", "003"]}

CASES = [
    # -- the registry and the Metric value object
    (lambda: metrics.get("nope"), NotFoundError,
     "unknown metric 'nope'; choose one of: " + ", ".join(metrics.names())),
    (lambda: Metric("x", True, "words", "d", len), ValueError, "unknown input kind 'words'"),
    (lambda: register(metrics.get("accuracy")), ValueError, "metric 'accuracy' is registered twice"),
    # -- checks shared by every metric
    (compute("mae", [1.0, 2.0, 3.0], [1.0, 2.0]), ValueError, "y_true has 3 rows but y_pred has 2"),
    (compute("roc_auc", [0, 1, 1], [0.1, 0.2]), ValueError, "y_true has 3 rows but y_pred has 2"),
    (compute("accuracy", [], []), PVE, "accuracy needs at least one row to score"),
    (compute("roc_auc", [0, 1], ["high", "low"]), PVE, "roc_auc needs numbers as predictions"),
    (compute("mae", [1.0, 2.0, 3.0], [1.0, np.nan, np.inf]), PVE,
     "mae needs finite predictions; 2 values are missing or not finite"),
    (compute("roc_auc", [0, 1], [0.5, np.nan]), PVE,
     "roc_auc needs finite predictions; 1 values are missing or not finite"),
    (compute("mse", [0.0, 0.0], [1e200, 0.0]), PVE, "mse is not defined for this submission (got inf)"),
    # -- classification
    (compute("accuracy", [[0, 1], [1, 0]], [[0, 1], [1, 0]]), ValueError,
     "accuracy scores one column; y_true has shape (2, 2)"),
    (compute("f1", [0, 1, 2], [0, 1, 2]), ValueError, "f1 needs a solution with two labels; it has more"),
    (compute("roc_auc", ["a", "b", "c"], [0.1, 0.2, 0.3]), ValueError,
     "roc_auc needs a solution with two labels; it has more"),
    (compute("precision", ["no", "yes"], ["no", "yes"]), ValueError,
     "precision: pos_label=1 is not one of the solution's two labels; "
     "set pos_label in the competition's metric_kwargs"),
    (compute("roc_auc", [1, 1, 1], [0.1, 0.2, 0.3]), PVE, "roc_auc " + ONE_CLASS),
    (compute("roc_auc", [0, 0], [0.1, 0.2]), PVE, "roc_auc " + ONE_CLASS),
    (compute("average_precision", [0, 0, 0], [0.1, 0.2, 0.3]), PVE, "average_precision " + ONE_CLASS),
    (compute("fbeta", [0, 1], [0, 1], beta=0), ValueError, "fbeta needs beta > 0; got 0"),
    (compute("quadratic_weighted_kappa", [2, 2, 2], [2, 2, 2]), PVE,
     "quadratic_weighted_kappa is undefined when the solution and the submission "
     "hold one and the same label on every row"),
    (compute("brier", [0, 1], [0.5, 1.5]), PVE, "brier needs probabilities between 0 and 1; 1 values are outside"),
    (compute("log_loss", [0, 1], [[0.5, 0.5], [-0.1, 1.1]]), PVE,
     "log_loss needs probabilities between 0 and 1; 2 values are outside"),
    (compute("log_loss", [[0, 1], [1, 0]], [[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]]), ValueError,
     "log_loss: y_true has 2 columns but y_pred has 3"),
    (compute("log_loss", [[0, 1], [1, 1]], [[0.5, 0.5], [0.5, 0.5]]), ValueError,
     "log_loss: a one-hot solution must hold 0 or 1, with one 1 per row"),
    (compute("roc_auc_ovr", ["a", "b", "c"], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), ValueError,
     "roc_auc_ovr: pass classes= (the label of each prediction column); y_true has 3 labels for 2 columns"),
    (compute("log_loss", ["a", "b"], [[0.5, 0.5], [0.5, 0.5]], classes=("a", "b", "c")), ValueError,
     "log_loss: 3 classes for 2 prediction columns"),
    (compute("log_loss", ["a", "z"], [[0.5, 0.5], [0.5, 0.5]], classes=("a", "b")), PVE,
     "the submission has no prediction column for some of the solution's labels; "
     "it needs one column per class, named exactly as the classes"),
    (compute("log_loss", [0, 1], [[0.0, 0.0], [0.5, 0.5]]), PVE,
     "log_loss needs probabilities that do not sum to 0; 1 rows do"),
    (compute("roc_auc_ovr", [0, 1], [0.4, 0.6]), ValueError,
     "roc_auc_ovr needs one probability column per class (at least 2)"),
    (compute("roc_auc_ovr", [0, 1, 1], [[0.2, 0.3, 0.5]] * 3), PVE,
     "roc_auc_ovr needs every class among the scored rows; this part of the solution lacks at least one class"),
    # -- regression
    (compute("mae", [[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0]), ValueError,
     "y_true has shape (2, 2) but y_pred has (2, 1)"),
    (compute("rmse", [1.0, np.nan], [1.0, 2.0]), ValueError, "rmse needs finite true values"),
    (compute("rmsle", [1.0, -2.0], [1.0, 2.0]), ValueError, "rmsle needs true values of 0 or more"),
    (compute("rmsle", [1.0, 2.0, 3.0], [-1.0, 2.0, -0.5]), PVE,
     "rmsle needs predictions of 0 or more; 2 rows are negative"),
    (compute("mape", [0.0, 2.0], [1.0, 2.0]), PVE,
     "mape is undefined here: some true values are 0 and their predictions are not; "
     "the competition needs another metric"),
    (compute("r2", [1.0], [1.0]), PVE, "r2 needs at least 2 rows to score"),
    (compute("pinball", [1.0], [1.0], alpha=1.5), ValueError, "pinball needs 0 <= alpha <= 1; got 1.5"),
    # -- ranking
    (compute("map_at_k", [["a", "b"]], [["a", "b"]]), ValueError,
     "map_at_k scores one text column; got shapes (1, 2) and (1, 2)"),
    (compute("map_at_k", ["a"], ["a"], k=0), ValueError, "map_at_k needs a whole number k of 1 or more; got 0"),
    (compute("ndcg_at_k", ["a"], ["a"], k=2.5), ValueError,
     "ndcg_at_k needs a whole number k of 1 or more; got 2.5"),
    (compute("ndcg_at_k", ["a:high"], ["a"]), ValueError, "ndcg_at_k: the solution's gain 'high' is not a number"),
    (compute("ndcg_at_k", ["a:-1"], ["a"]), ValueError, "ndcg_at_k needs finite gains of 0 or more in the solution"),
    # -- Kaggle's frames
    (frames("mae", {"key": ["1"], "y": [1.0]}, {"id": ["1"], "y": [1.0]}), ValueError,
     "the solution has no id column 'id'"),
    (frames("mae", {"id": ["1"], "y": [1.0]}, {"ID": ["1"], "y": [1.0]}), PVE,
     "the submission has no id column 'id'"),
    (frames("mae", {"id": ["1"], "Usage": ["Public"]}, {"id": ["1"], "y": [1.0]}), ValueError,
     "the solution has no target column"),
    (frames("mae", {"id": ["1"], "y": [1.0]}, {"id": ["1"]}), PVE,
     "the submission has no prediction column besides 'id'"),
    (frames("mae", {"id": ["1", "1"], "y": [1.0, 2.0]}, {"id": ["1", "2"], "y": [1.0, 2.0]}), ValueError,
     "the solution has 1 duplicate ids"),
    (frames("mae", {**IDS, "y": [1.0] * 3}, {"id": ["001", "002", "002", "003", "003"], "y": [1.0] * 5}), PVE,
     "the submission has 2 duplicate ids, e.g. '002', '003'"),
    (frames("mae", {"id": [f"{i:03d}" for i in range(8)], "y": [1.0] * 8}, {"id": ["000"], "y": [1.0]}), PVE,
     "the submission is missing 7 ids, e.g. '001', '002', '003', '004', '005', ..."),
    (frames("mae", {**IDS, "y": [1.0] * 3}, {"id": ["001", "002", "003", "7"], "y": [1.0] * 4}), PVE,
     "the submission has 1 ids that are not in the solution, e.g. '7'"),
    (frames("mae", {**IDS, "y": [1.0] * 3}, {"id": ["001", "002", "3"], "y": [1.0] * 3}), PVE,
     "the submission is missing 1 ids, e.g. '003'; "
     "the submission has 1 ids that are not in the solution, e.g. '3'"),
    (frames("mae", {**IDS, "y": [1.0] * 3}, {**IDS, "y": [1.0, None, None]}), PVE,
     "the submission column 'y' has 2 empty values, e.g. ids '002', '003'"),
    (frames("accuracy", {**IDS, "y": [1, 0, 1]}, {**IDS, "y": ["1", None, "0"]}), PVE,
     "the submission column 'y' has 1 empty values, e.g. ids '002'"),
    (frames("mae", {**IDS, "y": [1.0] * 3}, {**IDS, "y": ["1.5", "two", "3"]}), PVE,
     "the submission column 'y' must hold numbers; 1 rows do not, e.g. ids '002'"),
    (frames("roc_auc", {**IDS, "y": [1, None, 0]}, {**IDS, "y": [0.1, 0.2, 0.3]}), ValueError,
     "the solution column 'y' has empty values"),
    (frames("mae", {**IDS, "y": ["1", "x", "2"]}, {**IDS, "y": [0.1, 0.2, 0.3]}), ValueError,
     "the solution column 'y' must hold numbers"),
    (frames("mcrmse", {**IDS, "a": [1.0] * 3, "b": [1.0] * 3}, {**IDS, "a": [1.0] * 3, "c": [1.0] * 3}), PVE,
     "the submission's prediction columns must be 'a', 'b'; got 'a', 'c'"),
    (frames("log_loss", {**IDS, "cat": [1, 0, 0], "dog": [0, 1, 1]}, {**IDS, "dog": [0.5] * 3, "emu": [0.5] * 3}),
     PVE, "the submission's prediction columns must be 'cat', 'dog'; got 'dog', 'emu'"),
    (score("log_loss", {**IDS, "y": ["cat", "dog", "emu"]}, {**IDS, "cat": [0.5] * 3, "dog": [0.5] * 3}), PVE,
     "the submission has no prediction column for some of the solution's labels; "
     "it needs one column per class, named exactly as the classes"),
    # -- Kaggle's probability check
    (lambda: verify_valid_probabilities(pd.DataFrame({"a": ["x"]}), "submission"), PVE,
     "All target values in submission must be numeric"),
    (lambda: verify_valid_probabilities(pd.DataFrame({"a": [np.nan]}), "submission"), PVE,
     "All target values in submission must be present and finite"),
    (lambda: verify_valid_probabilities(pd.DataFrame({"a": [-0.5], "b": [1.5]}), "submission"), PVE,
     "All target values in submission must be at least zero"),
    (lambda: verify_valid_probabilities(pd.DataFrame({"a": [0.5], "b": [1.5]}), "submission"), PVE,
     "All target values in submission must be no greater than one"),
    (lambda: verify_valid_probabilities(pd.DataFrame({"a": [0.5], "b": [0.49]}), "solution"), PVE,
     "Target values in solution do not add to one within all rows"),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("call, error, message", CASES, ids=[c[2][:60] for c in CASES])
def test_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message
    if error is PVE:
        assert type(info.value) is ParticipantVisibleError


def test_solution_values_never_reach_a_participant_visible_message():
    solution = {**IDS, "y": ["secret-a", "secret-b", "secret-c"]}
    for submission in (
        {"id": ["001", "x"], "secret-a": [1.0, 1.0]},
        {**IDS, "secret-a": [0.5] * 3, "secret-b": [0.5] * 3},
    ):
        with pytest.raises(PVE) as info:
            score("log_loss", solution, submission)()
        assert "secret-c" not in str(info.value)
    with pytest.raises(PVE) as info:
        compute("roc_auc", [7, 7], [0.1, 0.2], pos_label=7)()
    assert "7" not in str(info.value)


def test_verify_valid_probabilities_accepts_rows_that_sum_to_one_within_1e3():
    verify_valid_probabilities(pd.DataFrame({"a": [0.5, 0.2], "b": [0.4995, 0.8]}), "submission")
