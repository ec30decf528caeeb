"""Leakage and sanity checks that need no test labels.

Each :class:`Finding` says what was seen, what it means and what to do.
Severities: ``leak`` (fix before trusting any score), ``warning`` (look at it),
``info`` (worth knowing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SEVERITIES = ("leak", "warning", "info")
#: single-column strength (binary: AUC, regression: |Spearman|) that is too good to be true,
#: and the lower strength that is suspicious when the column is also distributed differently in test
SUSPICIOUS = {"binary": 0.9, "regression": 0.98}
SUSPICIOUS_SHIFTED = {"binary": 0.8, "regression": 0.95}
NEAR_CONSTANT = 0.995


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    columns: tuple[str, ...]
    what: str
    means: str
    todo: str

    def __str__(self) -> str:
        return f"[{self.severity}] {self.check}: {self.what}\n  What it means: {self.means}\n  What to do: {self.todo}"


@dataclass(frozen=True)
class Checks:
    ref: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def leaks(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "leak"]

    def about(self, column: str) -> list[Finding]:
        return [f for f in self.findings if column in f.columns]

    def __str__(self) -> str:
        if not self.findings:
            return f"Checks on {self.ref}: nothing suspicious found."
        counts = ", ".join(f"{sum(f.severity == s for f in self.findings)} {s}" for s in SEVERITIES)
        return f"Checks on {self.ref}: {counts}\n\n" + "\n\n".join(str(f) for f in self.findings)


def run_checks(ws) -> Checks:
    from ._features import kinds

    train, test, task = ws.train, ws.test, ws.task
    features = ws.feature_columns
    cols = kinds(train, features)
    found: list[Finding] = []
    found += _target_in_test(ws)
    found += _target_copies(ws, features)
    found += _strong_single_columns(ws, features, cols)
    found += _constant(train, test, features)
    found += _new_categories(train, test, cols, _saved_split(ws))
    found += _duplicates(ws, features, cols)
    found += _ids(ws)
    found += _dates(train, test, cols)
    found += _missing_shift(train, test, features)
    found.sort(key=lambda f: SEVERITIES.index(f.severity))
    return Checks(ws.ref, found)


def _target_in_test(ws):
    t = ws.task.target
    if t in ws.test.columns:
        return [Finding("target in test", "leak", (t,), f"test.csv has the target column {t!r}.",
                        "The answer is in the test file: any score on this competition is meaningless.",
                        "Tell the host; do not use the column.")]
    return []


def _target_copies(ws, features):
    train, task = ws.train, ws.task
    y = train[task.target]
    out = []
    for c in features:
        x = train[c]
        if task.kind == "regression" and x.dtype.kind in "biuf":
            ok = x.notna() & y.notna()
            if ok.sum() > 2 and x[ok].nunique() > 1 and abs(np.corrcoef(x[ok], y[ok])[0, 1]) >= 0.999:
                out.append(Finding("target in features", "leak", (c,),
                                   f"{c} is a copy (or a rescaling) of the target {task.target!r}.",
                                   "The model would learn to read the answer; the leaderboard will not have it "
                                   "(or it does, and the competition is broken).",
                                   f"Drop {c} (features=/drop= in coach.run)."))
        elif task.kind != "regression":
            k = x.nunique(dropna=True)
            if 2 <= k <= len(x) / 2:
                per = y.groupby(x.astype(str)).nunique()
                if per.max() == 1 and y.nunique() > 1:
                    out.append(Finding("target in features", "leak", (c,),
                                       f"every value of {c} goes with exactly one class of {task.target!r}.",
                                       "The column encodes the target: a model reads the answer from it.",
                                       f"Drop {c}, unless you can explain why it is known before the outcome."))
    return out


def _strong_single_columns(ws, features, cols):
    from ._adversarial import category_separation, separation_auc, target_strength
    from ._features import to_days

    train, test, task = ws.train, ws.test, ws.task
    if task.kind not in ("binary", "regression"):
        return []
    y = task.encoded(train[task.target])
    out = []
    word = "AUC" if task.kind == "binary" else "|Spearman|"
    for c in features:
        if (c in cols.categories or c in cols.many) and _unseen_share(train[c], test[c]) > 0.9:
            continue  # a group column: "new categories in test" tells its story
        values = to_days(train[[c]])[c] if c in cols.dates else train[c]
        strength = target_strength(values, y, task.kind)
        if strength is None or strength < SUSPICIOUS_SHIFTED[task.kind]:
            continue
        if c in cols.categories or c in cols.many:
            sep = category_separation(train[c].to_numpy(), test[c].to_numpy())
        else:
            b = to_days(test[[c]])[c] if c in cols.dates else test[c]
            sep = separation_auc(np.asarray(values, dtype=float), np.asarray(b, dtype=float))
        shifted = sep >= 0.53
        if strength >= SUSPICIOUS[task.kind] or shifted:
            out.append(Finding(
                "suspiciously strong column", "leak" if shifted else "warning", (c,),
                f"{c} alone predicts the target in train with {word} {strength:.2f}"
                + (f", and its values differ between train and test (separation {sep:.2f})." if shifted else "."),
                "A single column this strong is rare in real data; often it was recorded after the outcome "
                "(a leak)" + ("; that it looks different in test is the typical sign: in test it no longer "
                              "carries the answer." if shifted else "."),
                f"Ask whether {c} would be known at prediction time, computed the same way. If not, drop it and "
                f"compare the runs with and without it (coach.compare)."))
    return out


def _unseen_share(a, b) -> float:
    seen = set(a.dropna().astype(str).unique())
    return float((~b.dropna().astype(str).isin(seen)).sum() / max(len(b), 1))


def _constant(train, test, features):
    out = []
    for c in features:
        counts = train[c].value_counts(dropna=False)
        top = counts.iloc[0] / len(train) if len(counts) else 1.0
        if len(counts) <= 1:
            differs = test[c].nunique(dropna=False) > 1
            out.append(Finding("constant column", "warning" if differs else "info", (c,),
                               f"{c} has one value in train" + (" but several in test." if differs else "."),
                               "It carries no information for a model trained on train."
                               + (" Test rows with other values are outside everything the model saw." if differs else ""),
                               f"Drop {c}."))
        elif top >= NEAR_CONSTANT:
            out.append(Finding("near-constant column", "info", (c,),
                               f"{c}: {top:.1%} of the training rows share one value ({counts.index[0]!r}).",
                               "Few rows can learn from it; trees may split on a handful of rows (noise).",
                               f"Keep it only if the rare values matter (check the ladder with and without {c})."))
    return out


def _saved_split(ws) -> str | None:
    """The kind of the learner's saved folds (``coach advise``), if any."""
    row = ws.split_row()
    return row.kind if row is not None else None


def _new_categories(train, test, cols, split: str | None = None):
    from ._splits import GROUP_MIN_VALUES, GROUP_ROWS_PER_VALUE

    out = []
    for c in cols.categories + cols.many:
        seen = set(train[c].dropna().astype(str).unique())
        unseen = ~test[c].dropna().astype(str).isin(seen)
        share = float(unseen.sum() / max(len(test), 1))
        if share == 0:
            continue
        n_new = test[c].dropna().astype(str)[unseen].nunique()
        k, n = len(seen), int(train[c].notna().sum())
        what = f"{share:.0%} of test rows have a value of {c} never seen in train ({n_new:,} new values)."
        if share > 0.9 and k > n / GROUP_ROWS_PER_VALUE:
            # the split advisor's criterion too: values that hardly repeat are no groups to keep together
            out.append(Finding("new categories in test", "info", (c,), what,
                               f"{c} hardly repeats within train ({k:,} values in {n:,} rows): it is an identifier "
                               f"or free text (like a name), not groups, so the split needs no groups for it; "
                               f"a model learns nothing from a value it saw once.",
                               f"Do not feed {c} itself to the model; extract what generalises from it (a title, "
                               f"a prefix, a length), or drop it."))
        elif share > 0.9:
            todo = f"Validate with groups (the split advisor's group split) and do not feed {c} itself to the model."
            if k < GROUP_MIN_VALUES:
                todo += (f" With only {k} values, too few for a group K-fold, the split advisor does not split by it; "
                         f"force it with `coach advise --split group --group {c}` and fewer folds.")
            elif split is not None and split not in ("group", "stratified-group"):
                todo += (f" Your saved folds are a {split} split, which does not keep the rows of one {c} together: "
                         f"rerun `coach advise --split group --group {c}`.")
            out.append(Finding("new categories in test", "warning", (c,), what,
                               f"{c} identifies groups (customers, patients, sites) and the test set is made of new "
                               f"ones: what a model learns about a given {c} is useless on the leaderboard.", todo))
        else:
            out.append(Finding("new categories in test", "warning" if share >= 0.05 else "info", (c,),
                               f"{share:.1%} of test rows have a value of {c} never seen in train ({n_new:,} new values).",
                               "The model has no learned value for them.",
                               "Encoders must cope: OneHotEncoder(handle_unknown='ignore'), or TargetEncoder "
                               "(unknown values get the overall mean); group rare values together."))
    return out


def _duplicates(ws, features, cols):
    import pandas as pd

    train, test, task = ws.train, ws.test, ws.task
    if not features:
        return []
    out = []
    h_train = pd.util.hash_pandas_object(train[features], index=False)
    h_test = pd.util.hash_pandas_object(test[features], index=False)
    dup = h_test.isin(set(h_train.to_numpy()))
    share = float(dup.mean()) if len(test) else 0.0
    continuous = any(train[c].dtype.kind == "f" and train[c].nunique() > 0.5 * len(train) for c in cols.numeric)
    if share > 0:
        out.append(Finding("train/test duplicate rows", "warning" if continuous and share >= 0.01 else "info",
                           tuple(features), f"{int(dup.sum()):,} test rows ({share:.1%}) have exactly the features of "
                           f"a training row.",
                           "If the rows are the same entity, their training target is a near-perfect prediction "
                           "(a lookup beats any model, and the leaderboard rewards it)"
                           + ("; with columns this fine-grained, exact matches are unlikely by chance."
                              if continuous else "; with few, coarse columns such matches also happen by chance."),
                           "Check whether the matched rows' training targets predict their test rows; make your "
                           "validation contain such matches in the same share, or the CV will not track."))
    frame = pd.DataFrame({"h": h_train.to_numpy(), "y": train[task.target].astype(str).to_numpy()})
    conflict = frame.groupby("h")["y"].nunique()
    n_conf = int((conflict > 1).sum())
    if n_conf and task.is_classification:
        out.append(Finding("conflicting duplicate labels", "info", tuple(features),
                           f"{n_conf:,} groups of identical training rows carry different targets.",
                           "Label noise, or the features miss what decides the target: no model can be perfect.",
                           "Expect a ceiling on the score; prefer robust models and repeated CV."))
    return out


def _ids(ws):
    from ._adversarial import target_strength

    train, test, task = ws.train, ws.test, ws.task
    idc = task.id_column
    out = []
    both = set(train[idc].astype(str)) & set(test[idc].astype(str))
    if both:
        out.append(Finding("ids in both train and test", "warning", (idc,),
                           f"{len(both):,} ids appear in both train.csv and test.csv.",
                           "The same row (or entity) is on both sides: its training target can be copied.",
                           "Find out why; validate so that such rows are handled the way the test set has them."))
    if train[idc].dtype.kind in "iuf" and task.kind in ("binary", "regression"):
        s = target_strength(train[idc], task.encoded(train[task.target]), task.kind)
        if s is not None and s >= (0.6 if task.kind == "binary" else 0.3):
            out.append(Finding("row order predicts the target", "warning", (idc,),
                               f"the id {idc} predicts the target in train ({'AUC' if task.kind == 'binary' else '|Spearman|'} "
                               f"{s:.2f}).",
                               "Rows were numbered in an order related to the target (time, a sorted export).",
                               f"Do not use {idc} as a feature unless the test ids continue the same order; if the "
                               f"order is time, validate with a time split."))
    return out


def _dates(train, test, cols):
    from ._features import to_days

    out = []
    for c in cols.dates:
        a, b = to_days(train[[c]])[c].to_numpy(), to_days(test[[c]])[c].to_numpy()
        if np.isnan(a).all() or np.isnan(b).all():
            continue
        inside = float(np.nanmean((b >= np.nanmin(a)) & (b <= np.nanmax(a))))
        after = float(np.nanmean(b > np.nanmax(a)))
        if inside > 0.5:
            out.append(Finding("dates overlap", "info", (c,),
                               f"{inside:.0%} of test rows fall inside the training period of {c}.",
                               "Train and test were drawn from the same period: a random split is consistent with "
                               "that, but features built from later rows (future averages, next events) leak.",
                               "Build features only from the past of each row."))
        elif after > 0.5:
            out.append(Finding("test after train", "info", (c,),
                               f"{after:.0%} of test rows are dated after the last training date of {c}.",
                               "The leaderboard asks for a forecast; the relation may drift.",
                               "Validate with a time split (the split advisor writes one); favour recent data."))
    return out


def _missing_shift(train, test, features):
    out = []
    for c in features:
        a, b = float(train[c].isna().mean()), float(test[c].isna().mean())
        if abs(a - b) >= 0.1:
            out.append(Finding("missing values differ", "warning", (c,),
                               f"{c} is missing in {a:.0%} of training rows but {b:.0%} of test rows.",
                               "Missingness changed between the two: a model that learned from 'missing' will "
                               "misread the test rows.", f"Find out why; consider not using the missingness of {c}."))
    return out
