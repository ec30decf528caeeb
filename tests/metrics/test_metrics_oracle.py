"""Every metric against an oracle: scikit-learn where it has the metric, plain loops otherwise.

Inputs have ties (scores rounded to 1-2 decimals, few distinct labels) and
sizes down to 2 rows; each case is checked through ``compute`` and through
Kaggle's ``score(solution, submission, "id")`` with shuffled rows and ids
such as "007".
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm

from scrimmage import metrics
from scrimmage.errors import ParticipantVisibleError

SIZES = [2, 3, 5, 17, 120]
SEEDS = range(6)


# -- generators: rng, n -> (y_true, y_pred, kwargs, classes) -----------------------


def _binary(rng, n):
    """Binary labels, sometimes as text, sometimes with pos_label 0."""
    y = rng.integers(0, 2, n)
    flip = rng.random(n) < 0.3
    p = np.where(flip, 1 - y, y)
    style = rng.integers(0, 3)
    if style == 0:
        return y, p, {}
    if style == 1:
        return y, p, {"pos_label": 0}
    words = np.array(["no", "yes"], dtype=object)
    return words[y], words[p], {"pos_label": "yes"}


def _multiclass(rng, n):
    k = int(rng.integers(2, 5))
    y = rng.integers(0, k, n)
    p = np.where(rng.random(n) < 0.5, y, rng.integers(0, k, n))
    if rng.random() < 0.4:
        words = np.array(["ant", "bee", "cat", "dog"], dtype=object)
        return words[y], words[p], {}
    return y, p, {}


def _ordinal(rng, n):
    y = rng.integers(0, 5, n)
    p = np.clip(y + rng.integers(-1, 2, n), 0, 4)
    return y, p, {}


def _scores(rng, n):
    y, _, kw = _binary(rng, n)
    positive = y == kw.get("pos_label", 1)
    p = np.round(rng.random(n) * 0.7 + 0.3 * positive, int(rng.integers(1, 3)))
    return y, p, kw


def _probability(rng, n):
    y, _, kw = _binary(rng, n)
    positive = y == kw.get("pos_label", 1)
    p = np.clip(np.round(rng.random(n) * 0.6 + 0.3 * positive, int(rng.integers(1, 3))), 0.01, 0.99)
    return y, p, kw


def _class_probabilities(rng, n):
    """Labels and one probability column per class; small integer weights make ties."""
    k = int(rng.integers(2, 5))
    y = rng.integers(0, k, n)
    weights = rng.integers(1, 5, (n, k)).astype(float)
    weights[np.arange(n), y] += rng.integers(0, 4, n)
    proba = weights / weights.sum(axis=1, keepdims=True)
    if rng.random() < 0.5:
        names = np.array(["ant", "bee", "cat", "dog"][:k], dtype=object)
        return names[y], proba, {}, tuple(names)
    return y, proba, {}, tuple(str(c) for c in range(k))


def _numbers(rng, n, columns=1, positive=False):
    shape = (n,) if columns == 1 else (n, columns)
    y = np.round(rng.normal(3, 2, shape), 1)
    if positive:
        y = np.abs(y) + 0.1
    p = np.round(y + rng.normal(0, 1, shape), 1)
    if positive:
        p = np.abs(p)
    return y, p, {}


def _numbers_nd(rng, n, positive=False):
    return _numbers(rng, n, columns=int(rng.integers(1, 4)), positive=positive)


def _pinball(rng, n):
    y, p, _ = _numbers_nd(rng, n)
    return y, p, {"alpha": float(rng.choice([0.1, 0.5, 0.9]))}


def _with_zeros(rng, n):
    y, p, kw = _numbers(rng, n)
    zero = rng.random(n) < 0.3
    y[zero] = 0.0
    p[zero & (rng.random(n) < 0.5)] = 0.0
    return y, p, kw


# -- scikit-learn oracles ------------------------------------------------------------------


def _pos(y, kw):
    return np.asarray(y == kw.get("pos_label", 1))


SKLEARN = {
    "accuracy": (_multiclass, lambda t, p, kw: skm.accuracy_score(t, p)),
    "balanced_accuracy": (_multiclass, lambda t, p, kw: skm.balanced_accuracy_score(t, p)),
    "f1": (_binary, lambda t, p, kw: skm.f1_score(t, p, pos_label=kw.get("pos_label", 1))),
    "f1_macro": (_multiclass, lambda t, p, kw: skm.f1_score(t, p, average="macro")),
    "f1_micro": (_multiclass, lambda t, p, kw: skm.f1_score(t, p, average="micro")),
    "f1_weighted": (_multiclass, lambda t, p, kw: skm.f1_score(t, p, average="weighted")),
    "fbeta": (_binary, lambda t, p, kw: skm.fbeta_score(t, p, beta=2, pos_label=kw.get("pos_label", 1))),
    "precision": (_binary, lambda t, p, kw: skm.precision_score(t, p, pos_label=kw.get("pos_label", 1))),
    "recall": (_binary, lambda t, p, kw: skm.recall_score(t, p, pos_label=kw.get("pos_label", 1))),
    "mcc": (_multiclass, lambda t, p, kw: skm.matthews_corrcoef(t, p)),
    "quadratic_weighted_kappa": (_ordinal, lambda t, p, kw: skm.cohen_kappa_score(t, p, weights="quadratic")),
    "roc_auc": (_scores, lambda t, p, kw: skm.roc_auc_score(_pos(t, kw), p)),
    "average_precision": (_scores, lambda t, p, kw: skm.average_precision_score(_pos(t, kw), p)),
    # Per-row losses are defined with one class too: tell scikit-learn both labels.
    "log_loss": (_probability, lambda t, p, kw: skm.log_loss(_pos(t, kw), p, labels=[False, True])),
    "brier": (_probability, lambda t, p, kw: skm.brier_score_loss(_pos(t, kw), p, labels=[False, True])),
    "mae": (_numbers_nd, lambda t, p, kw: skm.mean_absolute_error(t, p)),
    "mse": (_numbers_nd, lambda t, p, kw: skm.mean_squared_error(t, p)),
    "rmse": (_numbers_nd, lambda t, p, kw: skm.root_mean_squared_error(t, p)),
    "mcrmse": (_numbers_nd, lambda t, p, kw: skm.root_mean_squared_error(t, p)),
    "rmsle": (lambda rng, n: _numbers_nd(rng, n, positive=True),
              lambda t, p, kw: skm.root_mean_squared_log_error(t, p)),
    "mape": (lambda rng, n: _numbers_nd(rng, n, positive=True),
             lambda t, p, kw: 100 * skm.mean_absolute_percentage_error(t, p)),
    "r2": (_numbers_nd, lambda t, p, kw: skm.r2_score(t, p)),
    "median_ae": (_numbers_nd, lambda t, p, kw: skm.median_absolute_error(t, p)),
    "pinball": (_pinball, lambda t, p, kw: skm.mean_pinball_loss(t, p, alpha=kw["alpha"])),
}

#: Inputs where the metric is undefined and must raise ParticipantVisibleError,
#: whatever scikit-learn does with them.
UNDEFINED = {
    "roc_auc": lambda t, p, kw: len(np.unique(_pos(t, kw))) < 2,
    "average_precision": lambda t, p, kw: len(np.unique(_pos(t, kw))) < 2,
    "quadratic_weighted_kappa": lambda t, p, kw: len(np.unique(np.concatenate([t, p]))) < 2,
}


def _oracle(name, t, p, kw):
    """scikit-learn's value, or None when the metric is undefined here."""
    if name in UNDEFINED and UNDEFINED[name](t, p, kw):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = SKLEARN[name][1](t, p, kw)
        except ValueError:
            return None
    return None if not math.isfinite(value) else float(value)


# -- Kaggle's frames -----------------------------------------------------------------------


def _frames(rng, y_true, y_pred, *, classes=None, onehot=False, target="target"):
    """(solution, submission): ids like "007", a Usage column, submission rows shuffled."""
    n = len(y_true)
    ids = [f"{i:03d}" for i in rng.permutation(np.arange(n) * 7 + 1)]
    solution = pd.DataFrame({"id": ids})
    if onehot:
        for c, name in enumerate(classes):
            solution[name] = (_class_index(y_true, classes) == c).astype(int)
    elif np.ndim(y_true) == 2:
        for c in range(y_true.shape[1]):
            solution[f"{target}_{c}"] = y_true[:, c]
    else:
        solution[target] = y_true
    solution["Usage"] = rng.choice(["Public", "Private"], n)
    submission = pd.DataFrame({"id": ids})
    if classes is not None:
        for c, name in enumerate(classes):
            submission[name] = y_pred[:, c]
    elif np.ndim(y_pred) == 2:
        for c in range(y_pred.shape[1]):
            submission[f"{target}_{c}"] = y_pred[:, c]
    else:
        submission[target] = y_pred
    order = rng.permutation(n)
    submission = submission.iloc[order].reset_index(drop=True)
    # Kaggle's frames list the columns in any order.
    submission = submission[["id"] + [c for c in submission.columns[::-1] if c != "id"]]
    return solution, submission


def _labels(y, classes):
    """The label values behind the class column names, for scikit-learn's labels=."""
    return list(classes) if y.dtype == object else list(range(len(classes)))


def _class_index(y, classes):
    lookup = {str(c): i for i, c in enumerate(classes)}
    return np.array([lookup[str(v)] for v in y])


def _check(name, y_true, y_pred, kw, expected, frames):
    metric = metrics.get(name)
    if expected is None:
        with pytest.raises(ParticipantVisibleError):
            metric.compute(y_true, y_pred, **metric.kwargs(**kw))
        with pytest.raises(ParticipantVisibleError):
            metric.score(*frames, "id", **kw)
        return
    got = metric.compute(y_true, y_pred, **metric.kwargs(**kw))
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert metric.score(*frames, "id", **kw) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def _seeded(name, seed, n):
    return np.random.default_rng([seed, n, sum(map(ord, name))])


@pytest.mark.parametrize("name", sorted(SKLEARN))
def test_against_sklearn(name):
    generate = SKLEARN[name][0]
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded(name, seed, n)
            y_true, y_pred, kw = generate(rng, n)
            expected = _oracle(name, y_true, y_pred, kw)
            _check(name, y_true, y_pred, kw, expected, _frames(rng, y_true, y_pred))


def test_multiclass_log_loss_against_sklearn():
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded("log_loss", seed, n)
            y, proba, kw, classes = _class_probabilities(rng, n)
            expected = skm.log_loss(y, proba, labels=_labels(y, classes))
            metric = metrics.get("log_loss")
            assert metric.compute(y, proba, classes=classes) == pytest.approx(expected, rel=1e-9)
            for onehot in (False, True):
                frames = _frames(rng, y, proba, classes=classes, onehot=onehot)
                assert metric.score(*frames, "id") == pytest.approx(expected, rel=1e-9)


def test_log_loss_rescales_rows_and_clips_like_kaggle():
    proba = np.array([[2.0, 2.0], [0.0, 1.0], [1.0, 0.0]]) / 2
    got = metrics.get("log_loss").compute(np.array([0, 0, 0]), proba, classes=("0", "1"))
    assert got == pytest.approx((math.log(2) - math.log(1e-15) + 0.0) / 3)


def test_roc_auc_ovr_against_sklearn():
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded("roc_auc_ovr", seed, n)
            y, proba, kw, classes = _class_probabilities(rng, n)
            metric = metrics.get("roc_auc_ovr")
            frames = _frames(rng, y, proba, classes=classes, onehot=bool(seed % 2))
            if len(np.unique(y)) < len(classes):
                with pytest.raises(ParticipantVisibleError):
                    metric.compute(y, proba, classes=classes)
                with pytest.raises(ParticipantVisibleError):
                    metric.score(*frames, "id")
                continue
            if len(classes) == 2:
                expected = skm.roc_auc_score(_class_index(y, classes) == 1, proba[:, 1])
            else:
                expected = skm.roc_auc_score(y, proba, multi_class="ovr", labels=_labels(y, classes))
            assert metric.compute(y, proba, classes=classes) == pytest.approx(expected, rel=1e-9)
            assert metric.score(*frames, "id") == pytest.approx(expected, rel=1e-9)


def test_roc_auc_on_a_large_input_with_many_ties():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 200_000)
    p = np.round(rng.random(200_000) + 0.2 * y, 2)
    assert metrics.get("roc_auc").compute(y, p) == pytest.approx(skm.roc_auc_score(y, p), rel=1e-12)
    p32 = p.astype(np.float32)
    assert metrics.get("roc_auc").compute(y, p32) == pytest.approx(skm.roc_auc_score(y, p32), rel=1e-12)
    ints = rng.integers(0, 5, 200_000)
    assert metrics.get("roc_auc").compute(y, ints) == pytest.approx(skm.roc_auc_score(y, ints), rel=1e-12)


# -- plain-loop references ----------------------------------------------------------------


def smape_reference(y_true, y_pred):
    total, count = 0.0, 0
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        scale = (abs(t) + abs(p)) / 2
        total += 0.0 if scale == 0 else abs(p - t) / scale
        count += 1
    return 100 * total / count


def mcrmse_reference(y_true, y_pred):
    columns = range(y_true.shape[1])
    rmses = []
    for c in columns:
        squares = [(y_true[i, c] - y_pred[i, c]) ** 2 for i in range(len(y_true))]
        rmses.append(math.sqrt(sum(squares) / len(squares)))
    return sum(rmses) / len(rmses)


def apk_reference(actual, predicted, k):
    """Kaggle's (Ben Hamner's) apk."""
    if len(predicted) > k:
        predicted = predicted[:k]
    score, hits = 0.0, 0.0
    for i, p in enumerate(predicted):
        if p in actual and p not in predicted[:i]:
            hits += 1.0
            score += hits / (i + 1.0)
    if not actual:
        return 0.0
    return score / min(len(actual), k)


def ndcg_reference(gains, predicted, k):
    dcg, seen = 0.0, set()
    for i, item in enumerate(predicted[:k]):
        if item not in seen:
            dcg += gains.get(item, 0.0) / math.log2(i + 2)
        seen.add(item)
    ideal_gains = sorted(gains.values(), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(ideal_gains))
    return dcg / ideal if ideal > 0 else 0.0


def test_smape_against_loops():
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded("smape", seed, n)
            y, p, _ = _with_zeros(rng, n)
            expected = smape_reference(y, p)
            assert metrics.get("smape").compute(y, p) == pytest.approx(expected, rel=1e-12)
            assert metrics.get("smape").score(*_frames(rng, y, p), "id") == pytest.approx(expected, rel=1e-12)


def test_mcrmse_against_loops():
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded("mcrmse", seed, n)
            y, p, _ = _numbers(rng, n, columns=3)
            expected = mcrmse_reference(y, p)
            assert metrics.get("mcrmse").compute(y, p) == pytest.approx(expected, rel=1e-12)
            assert metrics.get("mcrmse").score(*_frames(rng, y, p), "id") == pytest.approx(expected, rel=1e-12)


def _item_lists(rng, n, universe=12):
    items = [f"i{j}" for j in range(universe)]
    actual, predicted = [], []
    for _ in range(n):
        actual.append(list(rng.choice(items, int(rng.integers(0, 5)), replace=False)))
        guess = list(rng.choice(items, int(rng.integers(0, 14)), replace=True))
        predicted.append(guess)
    return actual, predicted


def test_map_at_k_against_kaggle_apk():
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded("map_at_k", seed, n)
            actual, predicted = _item_lists(rng, n)
            k = int(rng.choice([1, 3, 10]))
            expected = sum(apk_reference(a, p, k) for a, p in zip(actual, predicted)) / n
            y = np.array([" ".join(a) for a in actual], dtype=object)
            p = np.array([" ".join(q) for q in predicted], dtype=object)
            metric = metrics.get("map_at_k")
            assert metric.compute(y, p, k=k) == pytest.approx(expected, rel=1e-12, abs=1e-15)
            solution, submission = _frames(rng, y, p)
            solution.loc[solution["target"] == "", "target"] = np.nan  # empty cells read as NaN
            assert metric.score(solution, submission, "id", k=k) == pytest.approx(expected, abs=1e-12)


def test_ndcg_at_k_against_loops_with_graded_gains():
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded("ndcg_at_k", seed, n)
            actual, predicted = _item_lists(rng, n)
            k = int(rng.choice([1, 3, 10]))
            gains = [{item: float(rng.integers(0, 4)) for item in a} for a in actual]
            expected = sum(ndcg_reference(g, p, k) for g, p in zip(gains, predicted)) / n
            y = np.array([" ".join(f"{i}:{g:g}" for i, g in row.items()) for row in gains], dtype=object)
            p = np.array([" ".join(q) for q in predicted], dtype=object)
            metric = metrics.get("ndcg_at_k")
            assert metric.compute(y, p, k=k) == pytest.approx(expected, rel=1e-12, abs=1e-15)
            assert metric.score(*_frames(rng, y, p), "id", k=k) == pytest.approx(expected, abs=1e-12)


def test_ndcg_at_k_against_sklearn_relevance_matrices():
    universe = [f"i{j}" for j in range(10)]
    for seed in SEEDS:
        for n in SIZES:
            rng = _seeded("ndcg_sklearn", seed, n)
            k = int(rng.choice([1, 3, 5, 10]))
            relevance = rng.integers(0, 3, (n, len(universe))) * (rng.random((n, len(universe))) < 0.4)
            order = np.array([rng.permutation(len(universe)) for _ in range(n)])
            scores = np.empty((n, len(universe)))
            for r in range(n):  # the first predicted item gets the highest score, no ties
                scores[r, order[r]] = np.arange(len(universe), 0, -1)
            y = np.array(
                [" ".join(f"{universe[j]}:{relevance[r, j]}" for j in range(len(universe)) if relevance[r, j])
                 for r in range(n)], dtype=object)
            p = np.array([" ".join(universe[j] for j in order[r]) for r in range(n)], dtype=object)
            expected = skm.ndcg_score(relevance, scores, k=k) if n > 1 else None
            got = metrics.get("ndcg_at_k").compute(y, p, k=k)
            if expected is not None:
                assert got == pytest.approx(expected, rel=1e-12)


def test_quadratic_weighted_kappa_against_loops():
    """Cohen's kappa with quadratic weights on label positions, written out in loops."""
    for seed in SEEDS:
        rng = _seeded("qwk", seed, 40)
        y, p, _ = _ordinal(rng, 40)
        labels = sorted(set(y) | set(p))
        index = {label: i for i, label in enumerate(labels)}
        k, n = len(labels), len(y)
        observed = [[0.0] * k for _ in range(k)]
        for t, q in zip(y, p):
            observed[index[t]][index[q]] += 1
        rows = [sum(observed[i]) for i in range(k)]
        cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
        num = sum((i - j) ** 2 * observed[i][j] for i in range(k) for j in range(k))
        den = sum((i - j) ** 2 * rows[i] * cols[j] / n for i in range(k) for j in range(k))
        assert metrics.get("quadratic_weighted_kappa").compute(y, p) == pytest.approx(1 - num / den, rel=1e-12)
