"""Blending methods on prediction arrays (no store, no files): fit on out-of-fold
predictions, apply to new ones.

Each method is a pair ``fit(P, y) -> state`` and ``apply(state, P) -> blend``
where ``P`` is an ``(m, n)`` array (``(m, n, k)`` for class probabilities) of
the ``m`` members' predictions.
"""

from __future__ import annotations

import numpy as np

from ._rank_loss import AucLoss

#: AutoGluon's number of ensemble-selection rounds
ROUNDS = 25


def _renorm(p: np.ndarray) -> np.ndarray:
    if p.ndim == 2:
        s = p.sum(axis=1, keepdims=True)
        return np.divide(p, s, out=np.full_like(p, 1.0 / p.shape[1]), where=s > 0)
    return p


def caruana(P: np.ndarray, loss, rounds: int = ROUNDS, init: int = 3) -> tuple[np.ndarray, list[float]]:
    """Ensemble selection (Caruana et al. 2004), AutoGluon's variant.

    Sorted initialisation with the ``init`` best members, then ``rounds``
    forward steps that add (with replacement) the member whose addition
    lowers ``loss`` of the averaged prediction most; ties go to a member
    already chosen (the most chosen one); multiclass blends are renormalised
    per row. The best prefix of the whole sequence is kept. Returns the
    weights (counts / size) and the loss after every step.

    With an :class:`~scrimmage.coach._rank_loss.AucLoss` only the candidates
    that may win (or tie) a step are scored; the selections are the same.
    """
    m = len(P)
    singles = _losses(loss, P, keep=init)
    order = np.argsort(singles, kind="stable")
    chosen: list[int] = []
    total = np.zeros(P.shape[1:], dtype=np.float64)
    trajectory: list[float] = []
    for i in order[: max(1, min(init, m))]:
        chosen.append(int(i))
        total += P[i]
        trajectory.append(float(loss(_renorm(total / len(chosen)))))
    counts = np.bincount(chosen, minlength=m)
    for _ in range(rounds):
        size = len(chosen) + 1
        losses = _losses(loss, _Added(total, P, size))
        best = np.nanmin(losses)
        tied = np.flatnonzero(np.isclose(losses, best, rtol=1e-12, atol=1e-15))
        pick = int(tied[np.argmax(counts[tied])]) if len(tied) > 1 and counts[tied].max() > 0 else int(tied[0])
        chosen.append(pick)
        counts[pick] += 1
        total += P[pick]
        trajectory.append(float(best))
    keep = int(np.argmin(trajectory)) + 1
    weights = np.bincount(chosen[:keep], minlength=m) / keep
    return weights, trajectory


class _Added:
    """The candidate blends of one step: ``(total + P[i]) / size`` for every member ``i``.

    Each is written into the same array (fresh pages for every candidate cost more than
    the sum): use it before asking for the next one.
    """

    def __init__(self, total: np.ndarray, P: np.ndarray, size: int):
        self.total, self.P, self.size = total, P, size
        self.out = np.empty_like(total)

    def __len__(self) -> int:
        return len(self.P)

    def __getitem__(self, i: int) -> np.ndarray:
        np.add(self.total, self.P[i], out=self.out)
        self.out /= self.size
        return self.out


def _losses(loss, candidates, keep: int = 1) -> np.ndarray:
    """The loss of every candidate; an ``AucLoss`` leaves ``inf`` where one cannot be among the ``keep`` best."""
    if isinstance(loss, AucLoss):
        return loss.best(candidates, keep)
    return np.array([loss(_renorm(candidates[i])) for i in range(len(candidates))])


def weights_fit(P: np.ndarray, loss) -> np.ndarray:
    """Non-negative weights summing to 1 that minimise ``loss`` of the weighted average (Powell, softmax)."""
    from scipy.optimize import minimize

    m = len(P)
    if m == 1:
        return np.ones(1)

    def weights(z):
        e = np.exp(z - z.max())
        return e / e.sum()

    def f(z):
        return loss(_renorm(np.tensordot(weights(z), P, axes=1)))

    res = minimize(f, np.zeros(m), method="Powell", options={"maxfev": 200 * m, "xtol": 1e-3, "ftol": 1e-6})
    w = weights(res.x)
    w[w < 1e-4] = 0
    return w / w.sum()


def weighted(P, w):
    return _renorm(np.tensordot(w, P, axes=1))


def ranks(P: np.ndarray) -> np.ndarray:
    """Each member's predictions as ranks scaled to [0, 1]."""
    from scipy.stats import rankdata

    n = P.shape[1]
    return np.vstack([(rankdata(p) - 1) / max(n - 1, 1) for p in P])


def stack_features(P: np.ndarray, kind: str) -> np.ndarray:
    """The meta-model's inputs: logits of probabilities, raw values otherwise."""
    if P.ndim == 3:  # (m, n, k) -> (n, m * k) log-probabilities
        return np.log(np.clip(P, 1e-6, 1)).transpose(1, 0, 2).reshape(P.shape[1], -1)
    X = P.T
    if kind == "binary" and np.all((X >= 0) & (X <= 1)):
        X = np.log(np.clip(X, 1e-6, 1 - 1e-6) / np.clip(1 - X, 1e-6, 1))
    return X


def stack_fit(P, y_encoded, kind: str):
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = stack_features(P, kind)
    if kind == "regression":
        meta = make_pipeline(StandardScaler(), Ridge(alpha=1.0, positive=True))
        return meta.fit(X, y_encoded)
    if kind == "binary":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)).fit(X, y_encoded > 0.5)
    labels = np.argmax(y_encoded, axis=1)
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000)).fit(X, labels)


def stack_apply(meta, P, kind: str, width: int) -> np.ndarray:
    X = stack_features(P, kind)
    if kind == "regression":
        return meta.predict(X)
    proba = meta.predict_proba(X)
    if kind == "binary":
        return proba[:, list(meta.classes_).index(True)] if True in meta.classes_ else np.zeros(len(X))
    out = np.zeros((len(X), width))
    out[:, meta.classes_] = proba
    return out
