"""A generated free-row competition: particle picking (``scrimmage competitions generate particle-picking``).

Each image holds a few particles (none in some). A detector has proposed
candidate points in every image: near each particle (a little off) and elsewhere
(noise), each with an intensity; real particles tend to be brighter. Participants
learn from the training images, whose particles are known, which candidates to
keep and where to put them, then submit any number of points per test image
(``rows = "free"``), scored by ``point_fbeta`` (points matched within a radius).

Everything is drawn from one seed. Without ``seed`` a fresh secret one is drawn
and written nowhere, so nobody (the host included) can regenerate the answer
from the public files.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .errors import ConflictError

NAME = "particle-picking"
SIZE = 100.0  # images are SIZE x SIZE
RADIUS = 2.0  # a prediction within RADIUS of a particle finds it
TOML = f'''ref = "{{ref}}"
title = "Particle picking"
metric = "point_fbeta"
id_column = "id"
rows = "free"
max_rows_per_id = 50
metric_kwargs = {{ radius = {RADIUS}, beta = 2.0 }}
split_seed = {{split_seed}}
tags = ["free-rows", "detection", "generated"]
description = """
Find the particles in each test image. `candidates.csv` lists the points a detector
proposed in every image (training and test), with their `intensity`; most are noise.
`train.csv` gives the true particles of the training images. Submit any number of
rows per test image, one point per row (`id,x,y`); an image with no particle needs no
row (or one row with `x` and `y` empty).
"""
evaluation = """
`point_fbeta` with radius {RADIUS} and beta 2: in each image your points are matched
one-to-one to the true particles at most {RADIUS} apart, as many pairs as possible;
over all images of the part, F2 = 5·TP / (5·TP + 4·FN + FP). Recall weighs four times
precision: a missed particle costs more than a false alarm.
"""
'''


def generate(dest: str | Path, seed: int | None = None, n_images: int = 120, ref: str = NAME) -> Path:
    """Write the bundle of competition ``ref`` into the new folder ``dest`` (atomically) and return it."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ConflictError(f"{dest} already exists and is not an empty folder; choose another destination")
    rng = np.random.default_rng(secrets.randbits(64) if seed is None else seed)
    ids = [f"img_{i:04d}" for i in range(n_images)]
    n_train = n_images // 2
    truth, candidates = [], []
    for image in ids:
        points = rng.uniform(2, SIZE - 2, (rng.poisson(4), 2))
        truth.append((image, points))
        near = points + rng.normal(0, 0.8, points.shape)
        bright = rng.normal(0.7, 0.15, len(points))
        found = rng.random(len(points)) < 0.9  # the detector misses a few
        noise = rng.uniform(0, SIZE, (rng.poisson(10) + 1, 2))
        dim = rng.normal(0.4, 0.15, len(noise))
        rows = np.vstack([np.column_stack([near[found], bright[found]]), np.column_stack([noise, dim])])
        candidates.append((image, rows[rng.permutation(len(rows))]))
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
    try:
        tmp.chmod(0o755)
        _write(tmp / "candidates.csv", "id,x,y,intensity",
               (f"{i},{x:.2f},{y:.2f},{v:.3f}" for i, rows in candidates for x, y, v in rows))
        _write(tmp / "train.csv", "id,x,y", (f"{i},{x:.2f},{y:.2f}" for i, pts in truth[:n_train] for x, y in pts))
        _write(tmp / "test.csv", "id", ids[n_train:])
        _write(tmp / "solution.csv", "id,x,y", (line for i, pts in truth[n_train:]
                                                for line in ([f"{i},{x:.2f},{y:.2f}" for x, y in pts] or [f"{i},,"])))
        # the sample: each test image's brightest candidate
        _write(tmp / "sample_submission.csv", "id,x,y",
               (f"{i},{rows[rows[:, 2].argmax(), 0]:.2f},{rows[rows[:, 2].argmax(), 1]:.2f}" for i, rows in candidates[n_train:]))
        (tmp / "competition.toml").write_text(TOML.replace("{split_seed}", str(int(rng.integers(0, 2**31)))).replace("{ref}", ref),
                                              encoding="utf-8")
        if dest.exists():
            dest.rmdir()
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _write(path: Path, header: str, lines) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(header + "\n")
        for line in lines:
            fh.write(line + "\n")
