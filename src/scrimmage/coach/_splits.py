"""The split advisor: look at train and test, recommend a validation split, write the folds.

The rules, in order (the first that applies wins):

1. **time**: a date column orders the test rows after the training rows;
2. **group** (or **stratified-group** when a class is rare): a column repeats
   within train and its test values are unseen, so the leaderboard scores new
   groups;
3. **adversarial**: a classifier tells train from test (AUC >= 0.6), or tells
   them apart beyond noise through a column that alone predicts the target
   very well (a leak's signature): folds are scored on the training rows that
   look most like the test set;
4. **repeated**: fewer than 2,000 training rows: K-fold repeated over reshuffled folds;
5. **stratified**: the rarest class is under 5 % of the rows;
6. **random**: a shuffled K-fold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import ScrimmageError
from ._folds import KINDS, Folds, assign

ADVERSARIAL_AUC = 0.6
#: single-column strength (binary: AUC; regression: |Spearman|) that makes a shifted column a leak suspect
LEAK_STRENGTH = {"binary": 0.8, "regression": 0.9}
SMALL_ROWS = 2_000
#: a repeated split repeats K-fold until about this many rows were validated (3 to 10 times)
REPEATED_ROWS = 2_500
RARE_SHARE = 0.05
#: share of training rows scored in an adversarial split (the most test-like)
TEST_LIKE_SHARE = 0.15
#: a group column: test rows whose value was seen in train below this share
UNSEEN_GROUPS = 0.1
#: a group column: at least this many training rows per value, and this many values
#: (a column whose values hardly repeat is an identifier or free text, not groups)
GROUP_ROWS_PER_VALUE = 1.5
GROUP_MIN_VALUES = 20


@dataclass
class SplitAdvice:
    ref: str
    split: str
    reason: str
    n_folds: int
    repeats: int
    n_train: int
    n_test: int
    facts: list[str] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    shared: list[dict] = field(default_factory=list)
    classes: dict | None = None
    adversarial_auc: float | None = None
    separating: list[tuple[str, float]] = field(default_factory=list)
    leak: str | None = None
    split_id: int | None = None
    folds: Folds | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("folds", None)
        out["separating"] = [list(t) for t in self.separating]
        return out

    def __str__(self) -> str:
        lines = [f"Recommended split for {self.ref}: {self.split}"
                 + (f" ({self.repeats} x {self.n_folds}-fold)" if self.repeats > 1 else f" ({self.n_folds} folds)"),
                 "", self.reason, ""]
        lines += [f"- {f}" for f in self.facts]
        if self.split_id is not None:
            lines += ["", f"Folds saved (split {self.split_id}); every coach run now uses them."]
        return "\n".join(lines)


def advise(ws, *, n_folds: int = 5, seed: int = 0, split: str | None = None, group: str | None = None,
           date: str | None = None, save: bool = True) -> SplitAdvice:
    from ._adversarial import adversarial
    from ._features import kinds

    if split is not None and split not in KINDS:
        raise ScrimmageError(f"unknown split {split!r}; choose one of: {', '.join(KINDS)}")
    if not isinstance(n_folds, int) or n_folds < 2:
        raise ScrimmageError(f"n_folds must be a whole number of at least 2, got {n_folds!r}")
    train, test, task = ws.train, ws.test, ws.task
    features = ws.feature_columns
    for name, col in (("group", group), ("date", date)):
        if col is not None and col not in features:
            raise ScrimmageError(f"{name}={col!r} is not a column of both train and test; columns: {', '.join(features)}")
    cols = kinds(train, features)
    n, m = len(train), len(test)
    facts = [f"{n:,} training rows, {m:,} test rows, {len(features)} feature columns."]

    # time, in any form (ISO dates, years, year + month or quarter, epoch seconds, periods) -----------
    from ._time import panel_entity, time_columns

    dates, times = [], {}
    for t in time_columns(train, test, features, cols.dates, only=date):
        a, b = t.train, t.test
        if np.isnan(a).all() or np.isnan(b).all():
            continue
        after = float(np.nanmean(b > np.nanmax(a))) if t.form != "date" else float(np.nanmean(b >= np.nanmax(a)))
        inside = float(np.nanmean((b >= np.nanmin(a)) & (b <= np.nanmax(a))))
        if t.columns[0] not in cols.dates and date is None and after < 0.5:
            continue  # a number that merely looks like a time: not worth a word
        d = {"column": t.columns[0], "columns": list(t.columns), "form": t.form,
             "train_from": t.show(np.nanmin(a)), "train_to": t.show(np.nanmax(a)),
             "test_from": t.show(np.nanmin(b)), "test_to": t.show(np.nanmax(b)), "test_after_share": round(after, 4),
             "test_inside_share": round(inside, 4), "unit": t.unit,
             "train_span_days": float(np.nanmax(a) - np.nanmin(a)), "test_span_days": float(np.nanmax(b) - np.nanmin(b))}
        times[t.columns[0]] = t
        dates.append(d)
        where = ("after the training period" if after >= 0.95 else
                 "inside the training period" if inside >= 0.95 else "partly inside, partly after the training period")
        label = {"date": "Date column", "datetime": "Date-time column", "year": "Year column",
                 "epoch": "Time stamp (seconds since 1970)"}.get(t.form, f"Time ({t.form})")
        facts.append(f"{label} {t.name}: train {d['train_from']} to {d['train_to']}, test {d['test_from']} to "
                     f"{d['test_to']}: the test rows lie {where}.")
    time_col = next((d for d in dates if d["test_after_share"] >= 0.95), None)
    entity = None
    if time_col is not None:
        t = times[time_col["column"]]
        candidates = [c for c in features if c not in t.columns and c not in cols.dates
                      and (train[c].dtype.kind in "iuO" or str(train[c].dtype) in ("str", "string", "category"))]
        entity = panel_entity(train, test, t, candidates)
        if entity is not None:
            time_col["entity"] = entity
            facts.append(f"A panel: each {entity} appears in several {t.unit} of train and again, later, in test.")

    # groups -----------------------------------------------------------------------
    groups, shared = [], []
    for c in features:
        if c in cols.dates or c in {x for d in dates for x in d["columns"]} or c == entity \
                or (group is not None and c != group):
            continue
        values = train[c]
        if not (values.dtype.kind in "iuO" or str(values.dtype) in ("str", "string", "category")):
            continue
        k = values.nunique(dropna=True)
        if k < max(GROUP_MIN_VALUES, 2 * n_folds) or k > n / GROUP_ROWS_PER_VALUE:
            if group != c:
                continue
        seen = float(test[c].isin(set(values.dropna().unique())).mean())
        info = {"column": c, "train_values": int(k), "rows_per_value": round(n / max(k, 1), 2),
                "test_seen_share": round(seen, 4)}
        if seen < UNSEEN_GROUPS or group == c:
            groups.append(info)
            facts.append(f"{c} repeats within train ({info['rows_per_value']:.1f} rows per value, {k:,} values) "
                         f"and {1 - seen:.0%} of test rows have a value never seen in train: a group column.")
        elif c in cols.many or c in cols.categories:
            shared.append(info)
            facts.append(f"{c}: {k:,} values, shared with test ({seen:.0%} of test rows have a value seen in train).")

    # classes ----------------------------------------------------------------------
    classes, rare = None, None
    if task.is_classification:
        counts = train[task.target].astype(str).value_counts()
        classes = {str(k): round(v / n, 4) for k, v in counts.items()}
        rare = (str(counts.index[-1]), float(counts.iloc[-1] / n), int(counts.iloc[-1]))
        facts.append("Class balance: " + ", ".join(f"{k} {v:.1%}" for k, v in list(classes.items())[:6])
                     + (" ..." if len(classes) > 6 else "") + ".")

    # adversarial validation --------------------------------------------------------
    skip = {x for d in dates for x in d["columns"]} | {g["column"] for g in groups} | ({entity} - {None})
    adv_cols = type(cols)(*(tuple(c for c in part if c not in skip) for part in
                            (cols.numeric, cols.categories, cols.many, cols.dates)))
    adv = adversarial(train, test, adv_cols, seed=seed)
    top = ", ".join(f"{c} ({s:.2f})" for c, s in adv.features[:3])
    facts.append(f"Adversarial validation (train vs test classifier, out of fold): AUC {adv.auc:.3f}"
                 + (f"; the columns that separate most on their own: {top}" if top else "")
                 + (f" (dates and group columns left out)" if skip else "") + ".")

    # a column that differs between train and test and predicts the target very well alone
    leak = None
    if adv.differs and task.kind in ("binary", "regression"):
        from ._adversarial import target_strength

        y = task.encoded(train[task.target])
        for c, sep in adv.features[:3]:
            strength = target_strength(train[c], y, task.kind, seed)
            if sep > 0.52 and strength is not None and strength >= LEAK_STRENGTH[task.kind]:
                leak = (c, sep, strength)
                facts.append(f"{c} both differs between train and test (separation {sep:.2f}) and predicts the "
                             f"target alone in train ({'AUC' if task.kind == 'binary' else '|Spearman|'} "
                             f"{strength:.2f}): the signature of a leak.")
                break

    # decide ---------------------------------------------------------------------------
    stratify = rare is not None and rare[1] < RARE_SHARE
    repeats = 1
    if True:
        if time_col is not None:
            kind = "time"
        elif groups:
            kind = "stratified-group" if stratify else "group"
        elif adv.auc >= ADVERSARIAL_AUC or leak is not None:
            kind = "adversarial"
        elif n < SMALL_ROWS:
            kind = "repeated"
        elif stratify:
            kind = "stratified"
        else:
            kind = "random"
    auto, kind = kind, split or kind
    if kind in ("group", "stratified-group") and not groups:
        raise ScrimmageError(f"a {kind} split needs a group column: none was found; name one with group=COLUMN")
    if kind in ("stratified", "stratified-group") and not task.is_classification:
        raise ScrimmageError(f"a {kind} split needs a class target; {ws.ref!r} is a regression task")
    if kind == "time" and not dates:
        raise ScrimmageError("a time split needs a date column: none was found; name one with date=COLUMN")
    if date is not None and not dates:
        raise ScrimmageError(f"date={date!r} holds neither dates nor whole numbers; name a column of ISO dates, "
                             f"years, epoch seconds or periods")
    if kind == "repeated":
        repeats = int(np.clip(np.ceil(REPEATED_ROWS / max(n, 1)), 3, 10))
    k = n_folds
    if kind == "time":
        d = time_col or dates[0]
        ratio = d["train_span_days"] / max(d["test_span_days"], 1.0)
        k = int(np.clip(np.round(ratio) - 1, 2, n_folds))

    # folds ------------------------------------------------------------------------------
    strata = train[task.target].astype(str).to_numpy() if task.is_classification else None
    use_strata = strata if (stratify or kind in ("stratified", "stratified-group") or
                            (kind in ("repeated", "adversarial") and task.is_classification)) else None
    gcol = groups[0]["column"] if groups else None
    order = None
    if kind == "time":
        order = times[(time_col or dates[0])["column"]].train
        order = np.where(np.isnan(order), np.nanmin(order), order)
    fold = assign("stratified" if kind in ("stratified", "adversarial", "repeated") and use_strata is not None
                  else ("random" if kind in ("adversarial", "repeated") else kind),
                  k, seed, y_strata=use_strata, groups=train[gcol].astype(str).to_numpy() if gcol else None,
                  order=order, repeats=repeats, n=n)
    scored = np.ones(n, dtype=bool)
    if kind == "adversarial":
        cut = np.quantile(adv.test_likeness, 1 - TEST_LIKE_SHARE)
        scored = adv.test_likeness >= cut
    folds = Folds(kind, fold, scored, adv.test_likeness, train[task.id_column].to_numpy(), seed)
    reason = _reason(kind, k, repeats, n, time_col or (dates[0] if dates else None), groups, rare, adv, leak)
    if kind != auto:
        reason = (f"You chose a {kind} split; from the data the coach would recommend {auto} "
                  f"(`advise_split` without split=). " + reason)
    advice = SplitAdvice(ws.ref, kind, reason, k, repeats, n, m, facts, dates, groups, shared, classes,
                         round(adv.auc, 4), adv.features[:10], leak=leak[0] if leak else None)
    if save:
        folds = ws.save_folds(folds, advice.to_dict())
        advice.split_id = folds.split_id
    advice.folds = folds
    return advice


def _reason(kind, k, repeats, n, date, groups, rare, adv, leak=None) -> str:
    if kind == "time":
        name = " + ".join(date.get("columns", [date["column"]]))
        unit = date.get("unit", "days")
        text = (f"The test rows come after the training rows in time ({name}: train ends {date['train_to']}, "
                f"test runs {date['test_from']} to {date['test_to']}). A shuffled K-fold lets the model peek at the "
                f"{unit} around each validation row and only asks it to interpolate; the leaderboard asks it to "
                f"predict the future. So validate the same way: train on the past and validate on the next "
                f"stretch ({k} forward folds, each about as long as the test period; the earliest stretch is only "
                f"ever trained on).")
        if date.get("entity"):
            text += (f" This is a panel: every {date['entity']} appears in many {unit}. Each fold validates every "
                     f"{date['entity']} on whole {unit} later than all it was trained on, as the leaderboard does; "
                     f"compute any per-{date['entity']} feature (lags, running means) from earlier {unit} only.")
        return text
    if kind in ("group", "stratified-group"):
        g = groups[0]
        text = (f"{g['column']} repeats within train (about {g['rows_per_value']:.1f} rows each) and "
                f"{1 - g['test_seen_share']:.0%} of the test rows belong to {g['column']} values never seen in "
                f"train: the leaderboard scores new groups. A plain K-fold puts rows of one group on both sides, "
                f"so the model is rewarded for recognising groups it will never see again. Keep every "
                f"{g['column']} on one side of each fold (GroupKFold).")
        if kind == "stratified-group":
            text += (f" The class {rare[0]!r} is rare ({rare[1]:.1%}), so the folds are also stratified "
                     f"(StratifiedGroupKFold).")
        return text
    if kind == "adversarial":
        top = ", ".join(c for c, _ in adv.features[:3])
        if leak is not None and adv.auc < ADVERSARIAL_AUC:
            return (f"Train and test differ a little (adversarial AUC {adv.auc:.2f}, above chance beyond noise), "
                    f"and the column that differs most, {leak[0]}, predicts the target on its own suspiciously well "
                    f"in train. That is how a leak looks: a value recorded after the outcome in train, but not in "
                    f"test. Would you know {leak[0]} at prediction time, computed the same way? If not, drop it; a "
                    f"K-fold with it would promise a score the leaderboard will not give. The folds are a {k}-fold "
                    f"scored on the {TEST_LIKE_SHARE:.0%} of training rows that look most like the test set.")
        return (f"A classifier tells the training rows from the test rows (out-of-fold AUC {adv.auc:.2f}): the test "
                f"set is not like the training set, so a plain K-fold measures the wrong thing. The columns that "
                f"differ most are {top}. First ask of each: would I know this value at prediction time, computed "
                f"the same way? If not, it is a leak: drop it. Then trust scores measured where the test set "
                f"lives: the folds are a {k}-fold, but each fold is scored only on the {TEST_LIKE_SHARE:.0%} of "
                f"training rows that look most like the test set.")
    if kind == "repeated":
        return (f"Only {n:,} training rows: one K-fold's scores swing with the luck of the split, often by more "
                f"than the gap between two models. Each run is repeated over {repeats} differently shuffled "
                f"{k}-folds ({repeats * k} fits), and runs are compared on exactly the same folds."
                + (" The folds are stratified by class." if rare is not None else ""))
    if kind == "stratified":
        return (f"The class {rare[0]!r} is rare: {rare[1]:.1%} of the rows ({rare[2]:,}). Plain folds could hold "
                f"very few of them and the score would swing from fold to fold (or be undefined). Stratified folds "
                f"keep its share the same in every fold. Train and test look alike (adversarial AUC "
                f"{adv.auc:.2f}), so nothing else is needed.")
    if kind == "random":
        return (f"Train and test look alike (adversarial AUC {adv.auc:.2f}), no date puts the test set after train, "
                f"no group of rows is unseen in test, and {n:,} rows are enough"
                + (", with no rare class" if rare is not None else "")
                + f": a shuffled {k}-fold measures what the leaderboard measures.")
    return f"Split chosen by you: {kind}."
