"""Tiny competition bundles and submissions for tests (import: ``from bundles import write_bundle``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np


def write_bundle(folder: Path, n: int = 200, *, toml: str | None = None, seed: int = 0, usage: bool = True,
                 extra_toml: str = "") -> Path:
    """A small binary-classification bundle with ids like "000", "001", ... and a roc_auc metric."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    x = rng.normal(size=2 * n)
    y = (x + rng.normal(scale=1.0, size=2 * n) > 0).astype(int)
    ids = [f"{i:03d}" for i in range(2 * n)]
    with open(folder / "train.csv", "w") as fh:
        fh.write("id,x,target\n")
        for i in range(n):
            fh.write(f"{ids[i]},{x[i]:.4f},{y[i]}\n")
    with open(folder / "test.csv", "w") as fh:
        fh.write("id,x\n")
        for i in range(n, 2 * n):
            fh.write(f"{ids[i]},{x[i]:.4f}\n")
    with open(folder / "sample_submission.csv", "w") as fh:
        fh.write("id,target\n")
        for i in range(n, 2 * n):
            fh.write(f"{ids[i]},0.5\n")
    with open(folder / "solution.csv", "w") as fh:
        fh.write("id,target" + (",Usage" if usage else "") + "\n")
        for k, i in enumerate(range(n, 2 * n)):
            tail = ("," + ("Public" if k % 4 == 0 else "Private")) if usage else ""
            fh.write(f"{ids[i]},{y[i]}{tail}\n")
    if toml is None:
        toml = 'title = "Tiny"\nmetric = "roc_auc"\nid_column = "id"\n'
    (folder / "competition.toml").write_text(textwrap.dedent(toml) + extra_toml)
    return folder


def solution_targets(folder: Path) -> dict[str, int]:
    import csv

    with open(folder / "solution.csv") as fh:
        return {row["id"]: int(row["target"]) for row in csv.DictReader(fh)}


def write_predictions(path: Path, folder: Path, quality: float = 1.0, seed: int = 1) -> Path:
    """A submission mixing the true target (weight ``quality``) with noise."""
    rng = np.random.default_rng(seed)
    truth = solution_targets(folder)
    with open(path, "w") as fh:
        fh.write("id,target\n")
        for i, t in truth.items():
            fh.write(f"{i},{quality * t + (1 - quality) * rng.random():.6f}\n")
    return path
