"""Small competitions of each task kind for the coach tests (import: ``from coach_bundles import make_bundle``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd


def make_bundle(folder: Path, kind: str = "binary", n: int = 600, seed: int = 0, *, metric: str | None = None,
                extra_train: dict | None = None, extra_test: dict | None = None, ref: str | None = None) -> Path:
    """A small bundle: ``binary`` (roc_auc), ``regression`` (rmse), ``multiclass`` (log_loss, one column per
    class) or ``label`` (accuracy); features x (signal), z (noise), c (category); ids "r0000", ..."""
    rng = np.random.default_rng(seed)
    m = 2 * n
    x, z = rng.normal(size=m), rng.normal(size=m)
    c = rng.choice(list("abcd"), size=m)
    signal = x + 0.5 * (c == "a")
    if kind == "regression":
        y = np.round(3 * signal + rng.normal(scale=1.0, size=m), 3)
    elif kind in ("multiclass", "label"):
        y = np.digitize(signal + rng.normal(scale=0.7, size=m), [-0.6, 0.6])
        y = np.array(["low", "mid", "high"])[y]
    else:
        y = (signal + rng.normal(size=m) > 0).astype(int)
    ids = np.array([f"r{i:04d}" for i in range(m)])
    frame = pd.DataFrame({"id": ids, "x": np.round(x, 4), "z": np.round(z, 4), "c": c})
    train, test = frame.iloc[:n].copy(), frame.iloc[n:].copy()
    for k, v in (extra_train or {}).items():
        train[k] = v
    for k, v in (extra_test or {}).items():
        test[k] = v
    train["y"] = y[:n]
    folder.mkdir(parents=True, exist_ok=True)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    usage = np.where(np.arange(n) % 4 == 0, "Public", "Private")
    if kind == "multiclass":
        classes = ["high", "low", "mid"]
        sol = pd.DataFrame({"id": ids[n:], "y": y[n:], "Usage": usage})
        sample = pd.DataFrame({"id": ids[n:], **{k: 1 / 3 for k in classes}})
        metric = metric or "log_loss"
    else:
        sol = pd.DataFrame({"id": ids[n:], "y": y[n:], "Usage": usage})
        sample = pd.DataFrame({"id": ids[n:], "y": 0.5 if kind == "binary" else (0.0 if kind == "regression" else "mid")})
        metric = metric or {"binary": "roc_auc", "regression": "rmse", "label": "accuracy"}[kind]
    sol.to_csv(folder / "solution.csv", index=False)
    sample.to_csv(folder / "sample_submission.csv", index=False)
    toml = f'title = "Coach {kind}"\nmetric = "{metric}"\nid_column = "id"\ndaily_limit = 50\n'
    if ref:
        toml = f'ref = "{ref}"\n' + toml
    (folder / "competition.toml").write_text(textwrap.dedent(toml))
    return folder
