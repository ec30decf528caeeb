"""Ensemble selection with ROC AUC: the bounded loss selects exactly what the metric on every candidate selects."""

from __future__ import annotations

import numpy as np
import pytest

from scrimmage import metrics
from scrimmage.coach import _blend
from scrimmage.coach._rank_loss import AucLoss
from scrimmage.errors import ParticipantVisibleError

AUC = metrics.get("roc_auc")


def _metric_loss(y, greater=True):
    calls = []

    def loss(p):
        calls.append(1)
        try:
            value = AUC.compute(y, p)
        except (ValueError, ParticipantVisibleError):  # undefined here: the worst loss, as the coach's loss
            return np.inf
        return -value if greater else value

    return loss, calls


def _members(seed: int):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 4000)), int(rng.integers(2, 16))
    y = (rng.random(n) < rng.uniform(0.05, 0.6)).astype(np.int8)
    y[:2] = (0, 1)  # both classes
    P = np.stack([1 / (1 + np.exp(-(y * rng.uniform(0, 2) + rng.normal(scale=1 + i / 4, size=n))))
                  for i in range(m)]).astype(np.float32)
    kind = seed % 4
    if kind == 1:  # few distinct values: ties within and across members
        P = np.round(P, int(rng.integers(1, 3)))
    elif kind == 2:  # a tiny spread on a large offset: float32 buckets collide
        P = P * np.float32(1e-3) + np.float32(1000)
    elif kind == 3:  # duplicated members: steps that tie exactly
        P = np.concatenate([P, P[: max(1, m // 2)]])
    return y, P


@pytest.mark.parametrize("seed", range(24))
def test_the_same_selection_as_the_metric_on_every_candidate(seed):
    y, P = _members(seed)
    reference, ref_calls = _metric_loss(y)
    w_ref, traj_ref = _blend.caruana(P, reference, rounds=12, init=3)
    bounded, calls = _metric_loss(y)
    w, traj = _blend.caruana(P, AucLoss(y, bounded), rounds=12, init=3)
    assert w.tolist() == w_ref.tolist()
    assert traj == traj_ref
    assert len(calls) <= len(ref_calls)


def test_most_candidates_are_never_scored_by_the_metric():
    rng = np.random.default_rng(7)
    n, m = 20_000, 30
    y = (rng.random(n) < 0.3).astype(np.int8)
    P = np.stack([1 / (1 + np.exp(-(y * 1.5 + rng.normal(scale=1 + i / 10, size=n)))) for i in range(m)])
    loss, calls = _metric_loss(y)
    w, _ = _blend.caruana(P, AucLoss(y, loss), rounds=10, init=3)
    reference, ref_calls = _metric_loss(y)
    assert w.tolist() == _blend.caruana(P, reference, rounds=10, init=3)[0].tolist()
    assert len(ref_calls) == m + 3 + 10 * m
    assert len(calls) < len(ref_calls) / 5


def test_lower_is_better_and_another_positive_label():
    rng = np.random.default_rng(3)
    y = np.where(rng.random(3000) < 0.4, "yes", "no")
    P = rng.random((8, 3000))
    P[2] += (y == "yes") * 0.3

    def loss(p):  # 1 - AUC of "yes", a loss the caller minimises as it is
        return 1 - AUC.compute(y, p, pos_label="yes")

    w_ref, traj_ref = _blend.caruana(P, lambda p: -(1 - loss(p)), rounds=6, init=2)
    w, traj = _blend.caruana(P, AucLoss(y, lambda p: -(1 - loss(p)), pos_label="yes"), rounds=6, init=2)
    assert w.tolist() == w_ref.tolist() and traj == traj_ref
    bounded = AucLoss(y, lambda p: AUC.compute(y, p, pos_label="yes"), pos_label="yes", greater=False)
    low, high = bounded._bounds(P[2])  # greater=False: the loss is the AUC itself
    assert low <= AUC.compute(y, P[2], pos_label="yes") <= high
    assert high - low < 0.01


def test_bounds_hold_the_metric():
    rng = np.random.default_rng(11)
    for n in (5, 50, 5000):
        y = (rng.random(n) < 0.5).astype(int)
        y[:2] = (0, 1)
        loss = AucLoss(y, lambda p: -AUC.compute(y, p))
        for pred in (rng.random(n), np.round(rng.random(n), 1), rng.random(n) * 1e-6 + 1e6, np.full(n, 0.25)):
            low, high = loss._bounds(pred)
            assert low <= -AUC.compute(y, pred) <= high


def test_one_class_or_bad_scores_leave_it_to_the_metric():
    y = np.ones(50, dtype=int)
    loss, calls = _metric_loss(y)
    bounded = AucLoss(y, loss)
    assert bounded.best(np.random.default_rng(0).random((4, 50))).tolist() == [np.inf] * 4
    assert len(calls) == 4
    y = np.arange(50) % 2
    loss, calls = _metric_loss(y)
    P = np.random.default_rng(1).random((3, 50))
    P[1, 3] = np.nan
    out = AucLoss(y, loss).best(P, keep=3)
    assert out[1] == np.inf and np.isfinite(out[[0, 2]]).all()
