"""Lesson ``particle-picking``: a free-row detection competition scored by recall-heavy F-beta.

Story: a cryo-electron tomography lab wants every ribosome in its tomograms. A
template-matching detector has proposed candidate points in each tomogram (most
of them noise); the training tomograms come with the ribosomes an expert picked.
A submission lists any number of points per test tomogram (``rows = "free"``),
scored by ``point_fbeta`` with beta 4, as in Kaggle's CZII CryoET Object
Identification competition: a missed ribosome costs 16 times a false alarm.

Trap: the habit of detection work is to train a classifier on the candidates,
validate it on held-out candidates and keep those above the threshold with the
best F1 (or simply ``predict``, at 0.5). That validation scores the wrong thing
twice: F1 weighs precision like recall, and a candidate-level score never sees
the ribosomes the detector missed. Its estimate sits far above the leaderboard,
and its threshold throws away recall the metric pays for. Validating on whole
training tomograms (GroupKFold by tomogram) with the competition's own metric,
and choosing the threshold there, tracks the private score and beats it.

Proof (``tests/lessons/test_lessons_traps.py`` and ``test_lesson_margins.py``,
20,000 rows, gradient boosting): the F1 estimate on held-out candidates is above
the private F-beta by more than 0.07, the F-beta of held-out tomograms within 0.03
of it, and the F-beta threshold scores better on private by more than 0.03
(docs/lessons.md).

Rows are candidates: ``n_rows`` sets the number of tomograms (about 100
candidates each). Tomogram ``t`` draws from its own seeded stream, so the files
do not depend on how many tomograms are written at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from . import Trap
from ..tomlfile import dumps
from ._writer import CHUNK_ROWS, block_rng, check_args, params_rng

NAME = "particle-picking"
#: the tomogram box in ångström (x, y, z): 630 x 630 x 184 voxels of 10 Å
BOX = np.array([6300.0, 6300.0, 1840.0])
#: a predicted point within RADIUS Å of a ribosome's centre finds it
RADIUS = 60.0
BETA = 4.0
#: candidate rows per tomogram, on average (n_rows / this = the number of tomograms)
ROWS_PER_TOMOGRAM = 100
MIN_TOMOGRAMS = 10
TEST_SHARE = 0.4
PUBLIC_SHARE = 0.25
#: the most rows a submission may have per test tomogram, on average (every candidate fits)
MAX_ROWS_PER_ID = 1_000
#: the sample submission: each test tomogram's highest-scoring candidates
SAMPLE_PER_TOMOGRAM = 5

ID = "tomogram_id"
POINT = ("x", "y", "z")
FEATURES = ("score", "contrast", "size_a", "ice_thickness_nm")


@dataclass(frozen=True)
class PointsSpec:
    """What a free-row lesson's ``competition.toml`` and files hold, apart from its rows."""

    trap: str
    title: str
    metric: str
    id_column: str
    #: the point columns: the targets, one point per row
    coordinates: tuple[str, ...]
    #: the candidates' columns besides the id and the point
    features: tuple[str, ...]
    description: str
    data: str
    split: str
    tags: tuple[str, ...]
    reveal: str
    public_fraction: float = PUBLIC_SHARE
    extra: Mapping[str, Any] = field(default_factory=dict)


DESCRIPTION = f"""
## Find every ribosome

A cryo-electron tomography lab images frozen cells in 3-D (tomograms of
6,300 x 6,300 x 1,840 Å) and wants the position of **every ribosome** in them:
each one found is another particle for the structure they are averaging, and
an expert will glance over the picks anyway. A template-matching detector has
already proposed candidate points in every tomogram; most are noise (ice, gold
markers, other proteins), and it misses some ribosomes altogether, more often
in thick ice.

For the training tomograms you get the ribosomes an expert picked. For each
test tomogram, submit **any number of points**, one per row: `{ID},x,y,z`.
A tomogram with no ribosome needs no row.

Submissions are scored with `point_fbeta` (radius {RADIUS:g} Å, beta {BETA:g}):
in each tomogram your points are matched one-to-one to the true ribosomes at most
{RADIUS:g} Å apart; over all tomograms of the leaderboard,
F-beta = 17·TP / (17·TP + 16·FN + FP).

`candidates.csv` (every tomogram, training and test):

| column | meaning |
|---|---|
| `{ID}` | tomogram identifier |
| `x`, `y`, `z` | the candidate's position in Å |
| `score` | the detector's template-matching score |
| `contrast` | the candidate's contrast against its surroundings |
| `size_a` | the candidate's apparent diameter in Å |
| `ice_thickness_nm` | the tomogram's ice thickness (the same for all its candidates) |
"""

DATA = """
`candidates.csv` lists the detector's candidates in every tomogram, training and
test. `train.csv` gives the ribosomes of the training tomograms, one per row
(`tomogram_id,x,y,z`); `test.csv` lists the test tomograms, one per row. The
test tomograms are other tomograms than the training ones.
"""

REVEAL = f"""
## The trap: a threshold tuned for the wrong score

The leaderboard's F-beta with beta {BETA:g} weighs a missed ribosome 16 times
as much as a false alarm (`17·TP / (17·TP + 16·FN + FP)`), as in Kaggle's
CZII CryoET Object Identification competition: the lab wants every particle.

**Why a candidate-level F1 lied.** The usual first attempt trains a classifier
on the candidates (a candidate is a ribosome when one lies within {RADIUS:g} Å),
validates it on held-out candidates and keeps the candidates above the threshold
with the best F1, or simply calls `predict` (a threshold of 0.5). That number
measures something else twice over:

- F1 weighs precision like recall, so its best threshold drops every doubtful
  candidate; beta {BETA:g} would rather keep them: a false alarm costs 1, a
  missed ribosome 16. Kept at an F1 threshold, the submission loses recall that
  the leaderboard pays for, and scores no better than simply keeping every
  candidate.
- Held-out *candidates* never count the ribosomes the detector missed (no
  candidate, no false negative), so even the recall it shows is too high.

**What works.** Validate the way the leaderboard scores: hold out whole training
tomograms (GroupKFold by `tomogram_id`), predict their candidates out of fold,
and score the kept points with the competition's own metric against *all* their
ribosomes (`point_fbeta`, radius {RADIUS:g}, beta {BETA:g}). Choose the threshold
there: it lands far lower than F1's, the estimate tracks the private leaderboard,
and the private score is higher. The same holds for any detection metric: read
it, score your validation with it, tune the cut-off on it.
"""

SPEC = PointsSpec(
    trap=NAME,
    title="Lesson: find every ribosome (a threshold for the metric)",
    metric="point_fbeta",
    id_column=ID,
    coordinates=POINT,
    features=FEATURES,
    description=DESCRIPTION,
    data=DATA,
    split="group",
    tags=("lesson", NAME, "detection", "free-rows", "tabular", "microscopy", "metric-mismatch",
          "threshold-tuning", "group-k-fold"),
    reveal=REVEAL,
    extra={"rows": "free", "max_rows_per_id": MAX_ROWS_PER_ID, "metric_kwargs": {"radius": RADIUS, "beta": BETA}},
)


# --- the tomograms ------------------------------------------------------------------


def n_tomograms(n_rows: int) -> int:
    return max(MIN_TOMOGRAMS, int(round(n_rows / ROWS_PER_TOMOGRAM)))


def make_context(n_rows: int, seed: int) -> dict:
    """Which tomograms are test, and which test tomograms are Public: exact shares, drawn once."""
    n = n_tomograms(n_rows)
    rng = params_rng(NAME, seed)
    n_test = max(2, int(round(TEST_SHARE * n)))
    is_test = np.zeros(n, dtype=bool)
    is_test[rng.choice(n, n_test, replace=False)] = True
    test_index = np.flatnonzero(is_test)
    n_public = min(n_test - 1, max(1, int(round(PUBLIC_SHARE * n_test))))
    is_public = np.zeros(n, dtype=bool)
    is_public[rng.choice(test_index, n_public, replace=False)] = True
    return {"n": n, "is_test": is_test, "is_public": is_public}


def make_tomogram(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One tomogram: its ribosomes (k x 3) and its candidates (m x 7: x, y, z, then FEATURES)."""
    ice = rng.uniform(120.0, 320.0)
    thick = (ice - 120.0) / 200.0  # 0 (thin ice) .. 1 (thick)
    n_true = rng.poisson(35.0)
    margin = np.array([100.0, 100.0, 150.0])
    truth = margin + rng.random((n_true, 3)) * (BOX - 2 * margin)

    # the detector: finds a ribosome less often in thick ice, a little off its centre, sometimes twice
    found = rng.random(n_true) < 0.86 - 0.14 * thick
    hits = truth[found]
    twice = hits[rng.random(len(hits)) < 0.08]
    near = np.vstack([hits + rng.normal(0.0, 20.0, hits.shape), twice + rng.normal(0.0, 35.0, twice.shape)])
    k = len(near)
    real = np.column_stack([
        rng.normal(0.42 - 0.1 * thick, 0.09, k),   # score: weaker in thick ice
        rng.normal(1.0 - 0.25 * thick, 0.22, k),    # contrast
        rng.normal(280.0, 28.0, k),                 # size
    ])
    # noise: other proteins and ice (dim, any size) and contamination (bright, big, near the surfaces)
    n_noise = rng.poisson(50.0 + 30.0 * thick)
    dirt = rng.random(n_noise) < 0.15
    noise_xyz = rng.random((n_noise, 3)) * BOX
    surface = np.where(rng.random(n_noise) < 0.5, rng.uniform(0, 250, n_noise), BOX[2] - rng.uniform(0, 250, n_noise))
    noise_xyz[:, 2] = np.where(dirt, surface, noise_xyz[:, 2])
    noise = np.column_stack([
        np.where(dirt, rng.normal(0.45, 0.1, n_noise), rng.normal(0.27, 0.09, n_noise) - 0.03 * thick),
        np.where(dirt, rng.normal(1.8, 0.35, n_noise), rng.normal(0.75, 0.25, n_noise)),
        np.where(dirt, rng.normal(420.0, 90.0, n_noise), rng.lognormal(np.log(220.0), 0.3, n_noise)),
    ])
    rows = np.vstack([np.column_stack([near, real]), np.column_stack([noise_xyz, noise])])
    rows[:, :3] = np.clip(rows[:, :3], 0.0, BOX)
    rows = rows[rng.permutation(len(rows))]
    candidates = np.column_stack([rows, np.full(len(rows), ice)])
    return truth, candidates


# --- writing ----------------------------------------------------------------------------


#: decimals written per column
DECIMALS = {"x": 1, "y": 1, "z": 1, "score": 4, "contrast": 4, "size_a": 1, "ice_thickness_nm": 1}


def generate(dest: Path, n_rows: int, seed: int, *, chunk_rows: int = CHUNK_ROWS) -> dict[str, int]:
    """Write the bundle files into ``dest``; returns the row counts of candidates, train and test."""
    import polars as pl

    check_args(n_rows, seed)
    ctx = make_context(n_rows, seed)
    folder = Path(dest)
    folder.mkdir(parents=True, exist_ok=True)
    per_chunk = max(1, int(chunk_rows) // ROWS_PER_TOMOGRAM)
    headers = {"candidates": (ID, *POINT, *FEATURES), "train": (ID, *POINT), "test": (ID,),
               "solution": (ID, *POINT, "Usage"), "sample_submission": (ID, *POINT)}
    handles = {name: open(folder / f"{name}.csv", "wb") for name in headers}
    counts = dict.fromkeys(headers, 0)
    try:
        for name, columns in headers.items():
            handles[name].write((",".join(columns) + "\n").encode())
        for start in range(0, ctx["n"], per_chunk):
            _write_chunk(pl, handles, counts, ctx, seed, range(start, min(start + per_chunk, ctx["n"])))
    finally:
        for handle in handles.values():
            handle.close()
    (folder / "competition.toml").write_text(competition_toml(n_rows, counts, ctx), encoding="utf-8")
    return {"candidates": counts["candidates"], "train": counts["train"], "test": counts["test"]}


def _write_chunk(pl, handles, counts, ctx, seed: int, tomograms: range) -> None:
    """Draw the tomograms of ``tomograms`` and append their rows to the five files."""
    parts: dict[str, list[tuple[int, np.ndarray]]] = {name: [] for name in handles}
    for t in tomograms:
        truth, candidates = make_tomogram(block_rng(NAME, seed, t))
        parts["candidates"].append((t, candidates))
        if not ctx["is_test"][t]:
            parts["train"].append((t, truth))
            continue
        parts["test"].append((t, np.empty((1, 0))))
        parts["solution"].append((t, truth if len(truth) else np.full((1, 3), np.nan)))  # "nothing here"
        best = np.argsort(-candidates[:, 3], kind="stable")[:SAMPLE_PER_TOMOGRAM]
        parts["sample_submission"].append((t, candidates[best, :3]))
    columns = {"candidates": (*POINT, *FEATURES), "train": POINT, "test": (), "solution": POINT,
               "sample_submission": POINT}
    for name, rows in parts.items():
        frame = _frame(pl, rows, columns[name])
        if name == "solution":
            frame = frame.with_columns(pl.Series("Usage", np.where(ctx["is_public"][frame["t"].to_numpy()],
                                                                   "Public", "Private")))
        frame.drop("t").write_csv(handles[name], include_header=False)
        counts[name] += frame.height


def _frame(pl, rows: list[tuple[int, np.ndarray]], columns: tuple[str, ...]):
    """The rows of several tomograms: ``t`` (the tomogram), its id, then ``columns`` rounded (NaN written empty)."""
    t = np.repeat([i for i, _ in rows], [len(a) for _, a in rows]).astype(np.int64)
    values = np.vstack([a for _, a in rows]) if rows else np.empty((0, len(columns)))
    frame = pl.DataFrame({"t": t, **{c: np.round(values[:, i], DECIMALS[c]) for i, c in enumerate(columns)}})
    name = (pl.lit("TS_") + pl.col("t").cast(pl.String).str.zfill(6)).alias(ID)
    return frame.select("t", name, *columns).fill_nan(None)


def competition_toml(n_rows: int, counts: Mapping[str, int], ctx: dict) -> str:
    # never the seed: participants read this, and the seed rebuilds the answers
    n_test = int(ctx["is_test"].sum())
    source = (f"Generated by scrimmage's `{NAME}` lesson ({n_rows:,} rows asked: {ctx['n']:,} tomograms, "
              f"{counts['candidates']:,} candidates; {ctx['n'] - n_test:,} training tomograms with "
              f"{counts['train']:,} ribosomes, {n_test:,} test tomograms).")
    files = (
        "| file | rows | columns |\n|---|---|---|\n"
        f"| `candidates.csv` | {counts['candidates']:,} | `{ID}`, `x`, `y`, `z`, {', '.join(f'`{c}`' for c in FEATURES)} |\n"
        f"| `train.csv` | {counts['train']:,} | `{ID}`, `x`, `y`, `z`: the ribosomes of the training tomograms |\n"
        f"| `test.csv` | {counts['test']:,} | `{ID}` |\n"
        f"| `sample_submission.csv` | {counts['sample_submission']:,} | `{ID}`, `x`, `y`, `z` (any number of rows "
        "per tomogram) |\n\n"
        f"About {SPEC.public_fraction:.0%} of the test tomograms (all their ribosomes) are scored on the public "
        "leaderboard, the rest on the private one.\n"
    )
    return dumps({
        "title": SPEC.title,
        "metric": SPEC.metric,
        "id_column": SPEC.id_column,
        "targets": list(SPEC.coordinates),
        "split": SPEC.split,
        "tags": list(SPEC.tags),
        **dict(SPEC.extra),
        "description": SPEC.description.strip() + "\n",
        "data": SPEC.data.strip() + "\n\n" + files,
        "source": source,
        "license": "CC0-1.0",
        "reveal": SPEC.reveal.strip() + "\n",
    })


TRAP = Trap(
    name=NAME,
    title="Particle picking (metric mismatch)",
    summary="Any number of points per tomogram, scored by recall-heavy F-beta (beta 4): a threshold tuned for F1 "
    "on held-out candidates overestimates and loses; whole tomograms scored with the metric track the private "
    "leaderboard.",
    tags=SPEC.tags,
    right_split="group",
    naive_split="random",
    generate=generate,
)
