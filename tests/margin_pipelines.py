"""Independent naive and careful pipelines for every lesson, scored on the private leaderboard.

For each trap, ``measure(trap, root, seed)`` generates the lesson at its default
size, then runs two learners written with plain scikit-learn (nothing from
``scrimmage.coach``):

* the **naive** learner validates the way the lesson punishes and, where it has a
  choice of models, picks by that validation;
* the **careful** learner validates (and handles features) the way the lesson
  teaches, and picks by its own validation.

Each learner's chosen model is fitted on all of ``train.csv`` and scored on the
private rows of ``solution.csv``. The result holds, per learner, its validation
estimate (``cv``) and its private score, the gaps ``|cv - private|``, the
careful-minus-naive private margin (positive = careful is better, whatever the
metric's direction) and ``noise``: the paired bootstrap standard error of that
margin over the private rows. ``changes_pick`` says whether the two learners end
with different models.

Used by ``tests/lessons/test_lessons_margins.py`` (two seeds) and
``benchmarks/lesson_margins.py`` (five seeds, the table in docs/lessons.md).
Models are kept small (few boosting iterations, linear models) so all eight
lessons at 20,000 rows fit a few CPU minutes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, average_precision_score, log_loss, roc_auc_score
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
    cross_val_predict,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler, TargetEncoder

from scrimmage import lessons


@dataclass(frozen=True)
class Margin:
    trap: str
    seed: int
    metric: str
    naive_cv: float
    naive_private: float
    careful_cv: float
    careful_private: float
    changes_pick: bool
    #: paired bootstrap s.e. of the careful-minus-naive private margin
    noise: float
    greater_is_better: bool
    #: when the naive validation is a lottery (one random split), its typical miss over many draws
    naive_rms_miss: float | None = None

    @property
    def naive_gap(self) -> float:
        if self.naive_rms_miss is not None:
            return self.naive_rms_miss
        return abs(self.naive_cv - self.naive_private)

    @property
    def careful_gap(self) -> float:
        return abs(self.careful_cv - self.careful_private)

    @property
    def margin(self) -> float:
        """careful minus naive on private, positive when careful is better."""
        d = self.careful_private - self.naive_private
        return float(d if self.greater_is_better else -d) + 0.0  # never -0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "naive_gap": self.naive_gap, "careful_gap": self.careful_gap, "margin": self.margin}


# --- shared pieces ------------------------------------------------------------


def load(trap: str, root: Path, seed: int, n_rows: int = lessons.DEFAULT_ROWS):
    """Generate ``trap`` (at the default size unless ``n_rows``); return (train, test joined to its solution,
    private mask)."""
    folder = lessons.generate(trap, Path(root) / f"{trap}-{seed}", n_rows=n_rows, seed=seed)
    train = pd.read_csv(folder / "train.csv")
    test = pd.read_csv(folder / "test.csv")
    solution = pd.read_csv(folder / "solution.csv")
    test = test.merge(solution, on=train.columns[0], validate="one_to_one")
    return train, test, (test["Usage"] == "Private").to_numpy()


def rmse(y, p) -> float:
    return float(np.sqrt(np.mean((np.asarray(y, dtype=float) - np.asarray(p, dtype=float)) ** 2)))


def proba(model, X) -> np.ndarray:
    return model.predict_proba(X)[:, 1]


def oof_proba(model, X, y, cv, groups=None) -> np.ndarray:
    return cross_val_predict(model, X, y, cv=cv, groups=groups, method="predict_proba")[:, 1]


def paired_noise(metric: Callable, y, p_naive, p_careful, n_boot: int = 200, seed: int = 0) -> float:
    """Bootstrap s.e. over the private rows of ``metric(careful) - metric(naive)``."""
    y, a, b = np.asarray(y), np.asarray(p_naive), np.asarray(p_careful)
    if np.array_equal(a, b):
        return 0.0
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        if len(np.unique(y[i])) < 2 and metric in (roc_auc_score, average_precision_score):
            continue
        diffs.append(metric(y[i], b[i]) - metric(y[i], a[i]))
    return float(np.std(diffs, ddof=1))


def kfold(seed: int = 0) -> KFold:
    return KFold(5, shuffle=True, random_state=seed)


def hgb_classifier(**kw) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(**{"max_iter": 60, "learning_rate": 0.15, "random_state": 0, **kw})


def hgb_regressor(**kw) -> HistGradientBoostingRegressor:
    return HistGradientBoostingRegressor(**{"max_iter": 60, "learning_rate": 0.15, "random_state": 0, **kw})


# --- time-drift: shuffled K-fold vs a time split --------------------------------


def time_drift(root, seed):
    from scrimmage.lessons.time_drift import ZONES

    train, test, private = load("time-drift", root, seed)
    start = pd.Timestamp("2021-01-01")

    def features(df):
        X = df[["pickup_hour", "distance_km", "duration_min", "passengers", "airport_trip"]].astype(float)
        X["day"] = (pd.to_datetime(df["pickup_date"]) - start).dt.days.astype(float)
        X["zone"] = df["pickup_zone"].map({z: i for i, z in enumerate(ZONES)})
        X["card"] = (df["payment_type"] == "card").astype(float)
        return X

    # One model: both learners fit the same boosting (with the day number, as a learner would). A linear
    # trend model was tried as a second candidate; its extrapolation of the districts' drifting premiums is
    # as often worse as better on private, so neither validation can be said to pick right with it.
    candidates = {"boosting": lambda: hgb_regressor(categorical_features=[6])}
    X, y = features(train), train["fare"].to_numpy()
    Xp, yp = features(test[private]), test["fare"][private].to_numpy()
    # naive: shuffled 5-fold
    naive = {k: rmse(y, cross_val_predict(m(), X, y, cv=kfold())) for k, m in candidates.items()}
    # careful: train on the days before the last stretch of train as long as the test period, validate on it
    test_days = features(test)["day"]
    horizon = test_days.max() - test_days.min() + 1
    fit = (X["day"] < X["day"].max() + 1 - horizon).to_numpy()
    careful = {k: rmse(y[~fit], m().fit(X[fit], y[fit]).predict(X[~fit])) for k, m in candidates.items()}
    return _pick_and_score("time-drift", seed, "rmse", False, candidates, naive, careful, X, y, Xp, yp,
                           predict=lambda m, A: m.predict(A), metric=lambda a, b: rmse(a, b))


def _pick_and_score(trap, seed, metric_name, greater, candidates, naive, careful, X, y, Xp, yp, *, predict, metric,
                    fit_weights=None):
    """Each learner picks its best candidate by its own validation; both are scored on private."""
    choose = max if greater else min
    naive_pick = choose(naive, key=naive.get)
    careful_pick = choose(careful, key=careful.get)
    preds = {}
    for name in {naive_pick, careful_pick}:
        model = candidates[name]()
        kw = {} if fit_weights is None or name not in fit_weights else fit_weights[name]
        preds[name] = predict(model.fit(X, y, **kw), Xp)
    return Margin(
        trap, seed, metric_name,
        naive_cv=float(naive[naive_pick]), naive_private=float(metric(yp, preds[naive_pick])),
        careful_cv=float(careful[careful_pick]), careful_private=float(metric(yp, preds[careful_pick])),
        changes_pick=naive_pick != careful_pick,
        noise=paired_noise(metric, yp, preds[naive_pick], preds[careful_pick]),
        greater_is_better=greater,
    )


# --- group-leakage: K-fold over visits vs GroupKFold by patient --------------------


def group_leakage(root, seed):
    train, test, private = load("group-leakage", root, seed)
    target = "hba1c_above_target"

    def features(df):
        X = df.drop(columns=[c for c in ("visit_id", "patient_id", target, "Usage") if c in df])
        X["sex"] = (X["sex"] == "M").astype(int)
        return X

    candidates = {
        "deep boosting": lambda: hgb_classifier(max_iter=150, max_leaf_nodes=63, min_samples_leaf=5),
        "shallow boosting": lambda: hgb_classifier(max_depth=3, min_samples_leaf=100),
    }
    X, y = features(train), train[target].to_numpy()
    Xp, yp = features(test[private]), test[target][private].to_numpy()
    groups = train["patient_id"]
    naive = {k: roc_auc_score(y, oof_proba(m(), X, y, kfold())) for k, m in candidates.items()}
    careful = {k: roc_auc_score(y, oof_proba(m(), X, y, GroupKFold(5), groups)) for k, m in candidates.items()}
    return _pick_and_score("group-leakage", seed, "roc_auc", True, candidates, naive, careful, X, y, Xp, yp,
                           predict=proba, metric=roc_auc_score)


# --- covariate-shift: K-fold on all of train vs scored on test-like rows ------------


def covariate_shift(root, seed, top_share=0.15):
    train, test, private = load("covariate-shift", root, seed)
    encoder = OrdinalEncoder().fit(pd.concat([train, test])[["district", "energy_class"]])
    columns = ["district", "distance_to_center_km", "floor_area_m2", "rooms", "floor", "year_built",
               "has_balcony", "has_elevator", "energy_class"]

    def features(df):
        X = df[columns].astype({c: float for c in columns if c not in ("district", "energy_class")})
        X[["district", "energy_class"]] = encoder.transform(X[["district", "energy_class"]])
        return X

    def linear():
        numeric = [c for c in columns if c not in ("district", "energy_class")]
        encode = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["district", "energy_class"]),
                                    ("num", StandardScaler(), numeric)])
        return make_pipeline(encode, Ridge(alpha=1.0))

    candidates = {"boosting": lambda: hgb_regressor(), "linear": linear}
    X, y = features(train), train["monthly_rent"].to_numpy()
    Xp, yp = features(test[private]), test["monthly_rent"][private].to_numpy()
    # adversarial validation: how test-like is each training row?
    both = pd.concat([X, features(test)], ignore_index=True)
    is_test = np.r_[np.zeros(len(X)), np.ones(len(test))]
    p_test = oof_proba(hgb_classifier(), both, is_test, StratifiedKFold(5, shuffle=True, random_state=0))
    test_like = np.argsort(-p_test[: len(X)])[: int(top_share * len(X))]
    naive, careful = {}, {}
    for name, make in candidates.items():
        oof = cross_val_predict(make(), X, y, cv=kfold())
        naive[name] = rmse(y, oof)
        careful[name] = rmse(y[test_like], oof[test_like])
    return _pick_and_score("covariate-shift", seed, "rmse", False, candidates, naive, careful, X, y, Xp, yp,
                           predict=lambda m, A: m.predict(A), metric=rmse)


# --- leaky-feature: K-fold with every column vs adversarial validation drops the leak --


def leaky_feature(root, seed):
    train, test, private = load("leaky-feature", root, seed)

    def features(df):
        X = df.drop(columns=[c for c in ("customer_id", "churned", "Usage") if c in df])
        X["contract"] = X["contract"].map({"month-to-month": 0, "one-year": 1, "two-year": 2})
        X["payment_method"] = X["payment_method"].map({"card": 0, "bank-transfer": 1, "invoice": 2, "voucher": 3})
        return X

    X, y = features(train), train["churned"].to_numpy()
    Xp, yp = features(test[private]), test["churned"][private].to_numpy()
    naive_cv = roc_auc_score(y, oof_proba(hgb_classifier(), X, y, kfold()))
    naive_pred = proba(hgb_classifier().fit(X, y), Xp)
    # careful: a train-vs-test classifier; the column it leans on most is dropped
    both = pd.concat([X, features(test)], ignore_index=True)
    is_test = np.r_[np.zeros(len(X)), np.ones(len(test))]
    a_fit, a_val, t_fit, t_val = train_test_split(both, is_test, test_size=0.3, random_state=0, stratify=is_test)
    adversary = hgb_classifier().fit(a_fit, t_fit)
    importance = permutation_importance(adversary, a_val, t_val, scoring="roc_auc", n_repeats=2, random_state=0)
    suspect = both.columns[int(np.argmax(importance.importances_mean))]
    Xc, Xpc = X.drop(columns=[suspect]), Xp.drop(columns=[suspect])
    careful_cv = roc_auc_score(y, oof_proba(hgb_classifier(), Xc, y, kfold()))
    careful_pred = proba(hgb_classifier().fit(Xc, y), Xpc)
    return Margin("leaky-feature", seed, "roc_auc", naive_cv, roc_auc_score(yp, naive_pred), careful_cv,
                  roc_auc_score(yp, careful_pred), True, paired_noise(roc_auc_score, yp, naive_pred, careful_pred),
                  True)


# --- imbalance: accuracy on plain K-fold vs average precision on stratified folds -------


def imbalance(root, seed):
    from scrimmage.lessons.imbalance import CATEGORIES

    train, test, private = load("imbalance", root, seed)

    def features(df):
        X = df.drop(columns=[c for c in ("transaction_id", "is_fraud", "Usage") if c in df])
        X["merchant_category"] = X["merchant_category"].map({c: i for i, c in enumerate(CATEGORIES)})
        return X

    candidates = {
        "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        "boosting": lambda: hgb_classifier(learning_rate=0.05, max_iter=100),
    }
    X, y = features(train), train["is_fraud"].to_numpy()
    Xp, yp = features(test[private]), test["is_fraud"][private].to_numpy()
    naive, careful = {}, {}
    strat = StratifiedKFold(5, shuffle=True, random_state=0)
    for name, make in candidates.items():
        naive[name] = accuracy_score(y, cross_val_predict(make(), X, y, cv=kfold()))
        careful[name] = average_precision_score(y, oof_proba(make(), X, y, strat))
    return _pick_and_score("imbalance", seed, "average_precision", True, candidates, naive, careful, X, y, Xp, yp,
                           predict=proba, metric=average_precision_score)


# --- high-cardinality: target encoding on all of train vs out-of-fold encoding ---------


def high_cardinality(root, seed):
    train, test, private = load("high-cardinality", root, seed)
    high = ["app_id", "device_model"]
    low = ["app_category", "ad_position", "connection"]
    numeric = ["hour", "weekday", "user_sessions_7d"]
    testp = test[private]
    y, yp = train["clicked"].to_numpy(), testp["clicked"].to_numpy()
    low_codes = OrdinalEncoder().fit(pd.concat([train, test])[low])

    def base(df):
        X = df[numeric].astype(float)
        X[low] = low_codes.transform(df[low])
        return X

    X_naive, Xp_naive = base(train), base(testp)
    for column in high:
        means = train.groupby(column)["clicked"].mean()
        X_naive[column] = train[column].map(means).to_numpy()
        Xp_naive[column] = testp[column].map(means).fillna(y.mean()).to_numpy()
    naive_cv = roc_auc_score(y, oof_proba(hgb_classifier(), X_naive, y, kfold()))
    naive_pred = proba(hgb_classifier().fit(X_naive, y), Xp_naive)

    def pipeline():
        encode = ColumnTransformer(
            [("target", TargetEncoder(cv=KFold(5, shuffle=True, random_state=0)), high),
             ("codes", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), low)],
            remainder="passthrough",
        )
        return make_pipeline(encode, hgb_classifier())

    columns = high + low + numeric
    careful_cv = roc_auc_score(y, oof_proba(pipeline(), train[columns], y, kfold()))
    careful_pred = proba(pipeline().fit(train[columns], y), testp[columns])
    return Margin("high-cardinality", seed, "roc_auc", naive_cv, roc_auc_score(yp, naive_pred), careful_cv,
                  roc_auc_score(yp, careful_pred), True, paired_noise(roc_auc_score, yp, naive_pred, careful_pred),
                  True)


# --- small-noisy: markers kept by one 80/20 split vs by repeated CV ----------------


SINGLE_SPLITS = 12
#: a marker is kept by the careful learner when it raises the repeated-CV AUC by more than this many
#: standard errors of the paired difference (fold scores' s.d. / sqrt(5), as if from one 5-fold CV)
KEEP_Z = 2.0


def small_noisy(root, seed):
    """Both learners start from a logistic regression on the baseline measurements and go through the
    100 blood markers in order, keeping each one that improves their validation AUC: the naive learner
    on one 80/20 split, reporting the final split score; the careful one on 5 x 5 repeated CV (the same
    folds for every candidate), only past KEEP_Z standard errors, reporting the final repeated CV."""
    from scrimmage.lessons.small_noisy import BASELINE, MARKERS

    train, test, private = load("small-noisy", root, seed)
    target = "positive_screen"

    def features(df):
        X = df[list(BASELINE + MARKERS)].copy()
        X["sex"] = (X["sex"] == "M").astype(float)
        return X.to_numpy(dtype=float)

    X, y = features(train), train[target].to_numpy()
    Xp, yp = features(test[private]), test[target][private].to_numpy()
    baseline, markers = list(range(len(BASELINE))), range(len(BASELINE), X.shape[1])

    def auc(columns, fit, val):
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X[np.ix_(fit, columns)], y[fit])
        return roc_auc_score(y[val], model.decision_function(X[np.ix_(val, columns)]))

    def private_pred(columns):
        return make_pipeline(StandardScaler(), LogisticRegression()).fit(X[:, columns], y).decision_function(
            Xp[:, columns])

    rows = np.arange(len(y))
    # naive: one 80/20 split; the learner gets one of many possible splits, so its validation error is the
    # root-mean-square miss over SINGLE_SPLITS of them, and its private score their mean
    naive_sets, naive_cv = [], []
    for split_seed in range(SINGLE_SPLITS):
        fit, val = train_test_split(rows, test_size=0.2, random_state=split_seed, stratify=y)
        kept, best = list(baseline), auc(baseline, fit, val)
        for m in markers:
            score = auc(kept + [m], fit, val)
            if score > best:
                kept, best = kept + [m], score
        naive_sets.append(kept)
        naive_cv.append(best)
    naive_preds = [private_pred(kept) for kept in naive_sets]
    naive_private = np.array([roc_auc_score(yp, p) for p in naive_preds])
    # careful: 5 x 5-fold repeated, the same folds for every candidate, a marker kept past KEEP_Z s.e.
    folds = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=5, random_state=0).split(X, y))

    def repeated(columns):
        return np.array([auc(columns, fit, val) for fit, val in folds])

    kept, scores = list(baseline), repeated(baseline)
    for m in markers:
        new = repeated(kept + [m])
        gain = new - scores
        if gain.mean() > KEEP_Z * gain.std(ddof=1) / np.sqrt(5):
            kept, scores = kept + [m], new
    careful_pred = private_pred(kept)
    # noise: paired bootstrap s.e. over the private rows of the careful score minus the naive learner's
    # expected one (the mean over its splits)
    rng = np.random.default_rng(0)
    diffs = []
    for _ in range(100):
        i = rng.integers(0, len(yp), len(yp))
        diffs.append(roc_auc_score(yp[i], careful_pred[i]) - np.mean([roc_auc_score(yp[i], p[i]) for p in naive_preds]))
    return Margin(
        "small-noisy", seed, "roc_auc",
        naive_cv=float(np.mean(naive_cv)), naive_private=float(naive_private.mean()),
        careful_cv=float(scores.mean()), careful_private=float(roc_auc_score(yp, careful_pred)),
        changes_pick=any(s != kept for s in naive_sets),
        noise=float(np.std(diffs, ddof=1)), greater_is_better=True,
        naive_rms_miss=float(np.sqrt(np.mean(np.square(np.array(naive_cv) - naive_private)))),
    )


# --- public-overfit: climbing the public board vs trusting 5-fold CV ------------------


CLIMB_SUBMISSIONS = 20
CLIMB_STEP = 0.25


def _row_log_loss(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def climb(z0: np.ndarray, y: np.ndarray, public: np.ndarray, n: int = CLIMB_SUBMISSIONS, step: float | None = None,
          seed: int = 0) -> list[np.ndarray]:
    """A learner's climb: each submission nudges the best so far (on the logit scale) and is kept when
    its public log loss is lower. Returns the logits of every submission, in order."""
    step = CLIMB_STEP if step is None else step
    rng = np.random.default_rng(seed)
    best, best_loss = z0, _row_log_loss(y[public], 1 / (1 + np.exp(-z0[public]))).mean()
    out = [z0]
    for _ in range(n - 1):
        candidate = best + step * rng.normal(size=len(z0))
        loss = _row_log_loss(y[public], 1 / (1 + np.exp(-candidate[public]))).mean()
        out.append(candidate)
        if loss < best_loss:
            best, best_loss = candidate, loss
    return out


def public_overfit(root, seed):
    train, test, private = load("public-overfit", root, seed)
    public = (test["Usage"] == "Public").to_numpy()

    def features(df):
        return df.drop(columns=[c for c in ("customer_id", "responded", "Usage") if c in df])

    def model():
        encode = ColumnTransformer([("onehot", OneHotEncoder(), ["region", "preferred_channel"])],
                                   remainder=StandardScaler())
        return make_pipeline(encode, LogisticRegression(max_iter=1000))

    X, y = features(train), train["responded"].to_numpy()
    yt = test["responded"].to_numpy()
    careful_cv = log_loss(y, oof_proba(model(), X, y, kfold()))
    p0 = np.clip(proba(model().fit(X, y), features(test)), 1e-6, 1 - 1e-6)
    z0 = np.log(p0 / (1 - p0))
    subs = climb(z0, yt, public, seed=seed)
    public_loss = [log_loss(yt[public], 1 / (1 + np.exp(-z[public]))) for z in subs]
    best = subs[int(np.argmin(public_loss))]  # the naive learner selects by public score
    p_naive = 1 / (1 + np.exp(-best))
    return Margin(
        "public-overfit", seed, "log_loss",
        naive_cv=float(min(public_loss)), naive_private=log_loss(yt[private], p_naive[private]),
        careful_cv=float(careful_cv), careful_private=log_loss(yt[private], p0[private]),
        changes_pick=True,
        noise=paired_noise(lambda a, b: -log_loss(a, b, labels=[0, 1]), yt[private], p_naive[private], p0[private]),
        greater_is_better=False,
    )


# --- particle-picking: an F1 threshold on held-out candidates vs F-beta on whole tomograms ---


@dataclass(frozen=True)
class Picking:
    """What each particle-picking learner did and scored (see :func:`picking_learners`)."""

    threshold_naive: float
    threshold_careful: float
    naive_cv: float  # F1 of held-out candidates at the naive threshold
    careful_cv: float  # F-beta of held-out whole training tomograms at the careful threshold
    naive_private: float
    careful_private: float
    every_candidate_private: float  # keeping every candidate, no model
    missed_share: float  # share of training particles without a candidate within the radius
    noise: float  # paired bootstrap s.e. over the private tomograms of careful minus naive


def _picking_counts(truth: pd.DataFrame, kept: pd.DataFrame, ids, radius: float) -> np.ndarray:
    """(TP, FP, FN) per id of ``ids`` (rows), points matched one-to-one within ``radius`` (the metric's matching)."""
    from scrimmage.metrics.points import max_matching

    cols = ["x", "y", "z"]
    t = {k: g[cols].to_numpy(float) for k, g in truth.dropna().groupby("tomogram_id")}
    p = {k: g[cols].to_numpy(float) for k, g in kept.groupby("tomogram_id")}
    out = np.zeros((len(ids), 3))
    for i, k in enumerate(ids):
        a, b = t.get(k, np.empty((0, 3))), p.get(k, np.empty((0, 3)))
        tp = max_matching(a, b, radius)
        out[i] = tp, len(b) - tp, len(a) - tp
    return out


def fbeta_of(counts: np.ndarray, beta: float) -> float:
    tp, fp, fn = counts.sum(axis=0)
    b2 = beta * beta
    return float((1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp))


def picking_learners(root, seed, n_rows: int | None = None) -> Picking:
    """Both particle-picking learners fit the same boosting on the training tomograms' candidates (a candidate
    is a ribosome when one lies within the radius). The naive one validates on held-out candidates (shuffled
    5-fold over rows) and keeps those above the threshold with the best F1; the careful one holds out whole
    tomograms (GroupKFold) and picks the threshold with the best F-beta of the competition (every ribosome of
    the held-out tomograms counted). Both are scored on the private tomograms."""
    from scipy.spatial import cKDTree
    from sklearn.metrics import precision_recall_curve

    from scrimmage.lessons.particle_picking import BETA, RADIUS

    folder = lessons.generate("particle-picking", Path(root) / f"particle-picking-{seed}",
                              n_rows=n_rows or lessons.DEFAULT_ROWS, seed=seed)
    candidates = pd.read_csv(folder / "candidates.csv")
    truth = pd.read_csv(folder / "train.csv")
    solution = pd.read_csv(folder / "solution.csv")
    is_test = candidates["tomogram_id"].isin(solution["tomogram_id"])
    train, test = candidates[~is_test].reset_index(drop=True), candidates[is_test].reset_index(drop=True)
    cols = [c for c in candidates.columns if c != "tomogram_id"]
    y = np.zeros(len(train), dtype=int)
    for key, index in train.groupby("tomogram_id").indices.items():
        points = truth.loc[truth["tomogram_id"] == key, ["x", "y", "z"]].to_numpy(float)
        if len(points):
            y[index] = cKDTree(points).query(train.loc[index, ["x", "y", "z"]].to_numpy(float))[0] <= RADIUS
    reach = {k: cKDTree(g[["x", "y", "z"]].to_numpy(float)) for k, g in train.groupby("tomogram_id")}
    missed = np.mean([k not in reach or reach[k].query(r)[0] > RADIUS
                      for k, r in zip(truth["tomogram_id"], truth[["x", "y", "z"]].to_numpy(float))])

    def model():
        return hgb_classifier(max_iter=100, learning_rate=0.1)

    # naive: held-out candidates, the threshold of the best F1
    oof = oof_proba(model(), train[cols], y, kfold())
    precision, recall, cuts = precision_recall_curve(y, oof)
    f1 = 2 * precision * recall / np.clip(precision + recall, 1e-12, None)
    best = int(np.argmax(f1[:-1]))
    naive_threshold, naive_cv = float(cuts[best]), float(f1[best])
    # careful: whole tomograms held out, the threshold of the best F-beta against all their ribosomes
    oof = oof_proba(model(), train[cols], y, GroupKFold(5), train["tomogram_id"])
    train_ids = train["tomogram_id"].unique()
    grid = np.round(np.arange(0.0, 0.5, 0.01), 2)
    cv = [fbeta_of(_picking_counts(truth, train[oof >= g], train_ids, RADIUS), BETA) for g in grid]
    careful_threshold, careful_cv = float(grid[int(np.argmax(cv))]), float(max(cv))

    p = proba(model().fit(train[cols], y), test[cols])
    private_ids = solution.loc[solution["Usage"] == "Private", "tomogram_id"].unique()
    counts = {name: _picking_counts(solution, test[p >= t], private_ids, RADIUS)
              for name, t in (("naive", naive_threshold), ("careful", careful_threshold), ("every", -1.0))}
    rng = np.random.default_rng(0)
    draws = [rng.integers(0, len(private_ids), len(private_ids)) for _ in range(200)]
    diffs = [fbeta_of(counts["careful"][i], BETA) - fbeta_of(counts["naive"][i], BETA) for i in draws]
    return Picking(naive_threshold, careful_threshold, naive_cv, careful_cv, fbeta_of(counts["naive"], BETA),
                   fbeta_of(counts["careful"], BETA), fbeta_of(counts["every"], BETA), float(missed),
                   float(np.std(diffs, ddof=1)))


def particle_picking(root, seed):
    m = picking_learners(root, seed)
    return Margin("particle-picking", seed, "point_fbeta", m.naive_cv, m.naive_private, m.careful_cv,
                  m.careful_private, m.threshold_naive != m.threshold_careful, m.noise, True)


MEASURES: dict[str, Callable[[Path, int], Margin]] = {
    "time-drift": time_drift,
    "group-leakage": group_leakage,
    "covariate-shift": covariate_shift,
    "leaky-feature": leaky_feature,
    "imbalance": imbalance,
    "high-cardinality": high_cardinality,
    "small-noisy": small_noisy,
    "public-overfit": public_overfit,
    "particle-picking": particle_picking,
}


def measure(trap: str, root: Path, seed: int) -> Margin:
    """Generate lesson ``trap`` with ``seed`` under ``root`` and measure both learners."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return MEASURES[trap](Path(root), seed)
