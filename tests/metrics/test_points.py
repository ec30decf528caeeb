"""point_fbeta against an obviously correct reference: brute-force matching over every assignment."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from scrimmage import metrics
from scrimmage.errors import ParticipantVisibleError
from scrimmage.metrics.points import max_matching


def brute_matching(truth, pred, radius) -> int:
    """Try every way of pairing each true point with a distinct prediction (or none); keep the most near pairs."""
    best = 0
    slots = list(range(len(pred))) + [None] * len(truth)
    for choice in itertools.permutations(slots, len(truth)):
        used = [p for p in choice if p is not None]
        if len(used) != len(set(used)):
            continue
        near = sum(1 for t, p in enumerate(choice)
                   if p is not None and sum((a - b) ** 2 for a, b in zip(truth[t], pred[p])) <= radius ** 2)
        best = max(best, near)
    return best


def reference_fbeta(truth_rows, pred_rows, radius, beta) -> float:
    tp = 0
    for key in {r[0] for r in truth_rows} | {r[0] for r in pred_rows}:
        tp += brute_matching([r[1:] for r in truth_rows if r[0] == key], [r[1:] for r in pred_rows if r[0] == key],
                             radius)
    fp, fn = len(pred_rows) - tp, len(truth_rows) - tp
    b2 = beta ** 2
    return 1.0 if tp + fp + fn == 0 else (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp)


def random_rows(rng, n, ids, grid):
    # integer coordinates on a small grid: many exact ties, duplicates, and points exactly `radius` apart
    return [(str(rng.integers(0, ids)), int(rng.integers(0, grid)), int(rng.integers(0, grid))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(60))
def test_point_fbeta_matches_the_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    truth = random_rows(rng, int(rng.integers(0, 9)), 3, 5)
    pred = random_rows(rng, int(rng.integers(0, 9)), 3, 5)
    radius = float(rng.choice([0.0, 1.0, 1.5, 2.0]))
    beta = float(rng.choice([0.5, 1.0, 2.0, 4.0]))
    m = metrics.get("point_fbeta")
    as_array = lambda rows: np.array(rows, dtype=object).reshape(-1, 3)  # noqa: E731
    expected = reference_fbeta(truth, pred, radius, beta)
    assert m.compute(as_array(truth), as_array(pred), radius=radius, beta=beta) == pytest.approx(expected, abs=1e-12)
    # Kaggle's contract on frames, rows shuffled: the same
    sol = pd.DataFrame(truth, columns=["id", "x", "y"]).sample(frac=1, random_state=seed)
    sub = pd.DataFrame(pred, columns=["id", "x", "y"]).sample(frac=1, random_state=seed + 1)
    assert m.score(sol, sub, "id", radius=radius, beta=beta) == pytest.approx(expected, abs=1e-12)


def test_greedy_matching_would_be_wrong_here():
    """A prediction near two true points must go to the one no other prediction can reach."""
    truth = np.array([[0.0, 0.0], [2.0, 0.0]])
    pred = np.array([[1.0, 0.0], [-1.0, 0.0]])  # the first reaches both, the second only (0, 0)
    assert max_matching(truth, pred, 1.0) == brute_matching(truth.tolist(), pred.tolist(), 1.0) == 2


def test_edge_cases():
    m = metrics.get("point_fbeta")
    empty = np.empty((0, 3), dtype=object)
    one = np.array([["a", 0.0, 0.0]], dtype=object)
    assert m.compute(empty, empty) == 1.0  # nothing to find, nothing found
    assert m.compute(one, empty) == 0.0 and m.compute(empty, one) == 0.0
    assert m.compute(one, np.array([["a", 1.0, 0.0]], dtype=object), radius=1.0) == 1.0  # the boundary counts
    assert m.compute(one, np.array([["b", 0.0, 0.0]], dtype=object)) == 0.0  # the right place in another id
    three_d = np.array([["a", 0.0, 0.0, 0.0], ["a", 5.0, 5.0, 5.0]], dtype=object)
    assert m.compute(three_d, three_d[:1]) == pytest.approx(2 / 3)
    sol = pd.DataFrame({"id": ["a", "b"], "x": [0.0, np.nan], "y": [0.0, np.nan]})  # b: an id with no point
    assert m.score(sol, pd.DataFrame({"id": ["a"], "x": [0.2], "y": [0.0]}), "id") == 1.0
    with pytest.raises(ParticipantVisibleError, match="the submission lacks the column"):
        m.score(sol, pd.DataFrame({"id": ["a"], "x": [0.2]}), "id")
