"""The experiment journal: every run on the saved folds, with what it needs to be trusted again.

A run records the model and its parameters, the code version (git commit and a
hash of the uncommitted changes of the working directory), the data fraction,
per-fold scores, fit and predict times, peak memory, and its out-of-fold and
test predictions (files under ``$SCRIMMAGE_HOME/coach/REF/USER/runs/``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import NotFoundError, ScrimmageError


@dataclass(frozen=True)
class Run:
    id: int
    name: str
    kind: str  # run | ladder | ensemble
    model: str = field(repr=False)
    params: dict = field(repr=False)
    code: dict = field(repr=False)
    frac: float
    seed: int
    n_rows: int
    metric: str
    fold_scores: list = field(repr=False)
    cv_mean: float | None
    cv_std: float | None
    fit_seconds: float | None
    predict_seconds: float | None
    peak_memory_mb: float | None
    folder: Path
    split_id: int
    created_at: dt.datetime
    submission_id: int | None = None
    public_score: float | None = None
    private_score: float | None = None
    extra: dict = field(default_factory=dict, repr=False)

    @property
    def oof(self) -> np.ndarray:
        """Out-of-fold predictions, one per training row (NaN where never validated)."""
        return np.load(self.folder / "oof.npy")

    @property
    def test(self) -> np.ndarray:
        """Test predictions (the mean over the fold models)."""
        return np.load(self.folder / "test.npy")

    @property
    def submission_path(self) -> Path:
        return self.folder / "submission.csv"

    @property
    def n_fits(self) -> int:
        return len(self.fold_scores)

    def __str__(self) -> str:
        cv = "no score" if self.cv_mean is None else f"{self.cv_mean:.5f} ± {self.cv_std or 0:.5f}"
        lb = "" if self.public_score is None else f", public {self.public_score:.5f}"
        lb += "" if self.private_score is None else f", private {self.private_score:.5f}"
        return (f"run {self.id} {self.name!r}: {self.metric} {cv} over {self.n_fits} folds"
                f"{'' if self.frac >= 1 else f' on {self.frac:.0%} of the rows'}{lb}; "
                f"fit {self.fit_seconds or 0:.2f} s, predict {self.predict_seconds or 0:.2f} s, "
                f"peak memory {self.peak_memory_mb or 0:.0f} MB")


def _run_of(row) -> Run:
    return Run(id=row.id, name=row.name, kind=row.kind, model=row.model, params=row.params, code=row.code,
               frac=row.frac, seed=row.seed, n_rows=row.n_rows, metric=row.metric, fold_scores=list(row.fold_scores),
               cv_mean=row.cv_mean, cv_std=row.cv_std, fit_seconds=row.fit_seconds,
               predict_seconds=row.predict_seconds, peak_memory_mb=row.peak_memory_mb, folder=Path(row.folder),
               split_id=row.split_id, created_at=row.created_at, submission_id=row.submission_id,
               extra=dict(row.extra or {}))


def runs(ws) -> list[Run]:
    """Every recorded run, oldest first, with the public (and once revealed, private) score of linked ones."""
    out = [_run_of(r) for r in ws.run_rows()]
    if any(r.submission_id for r in out):
        subs = {s.id: s for s in ws.arena.submissions(ws.ref)}
        out = [dataclasses.replace(r, public_score=subs[r.submission_id].public_score,
                                   private_score=subs[r.submission_id].private_score)
               if r.submission_id in subs else r for r in out]
    return out


def resolve(ws, run) -> Run:
    """A Run from a Run, an id or a name (the latest run of that name)."""
    all_runs = runs(ws)
    want = run.id if isinstance(run, Run) else run
    if isinstance(want, (int, np.integer)) or (isinstance(want, str) and want.isdigit()):
        found = [r for r in all_runs if r.id == int(want)]
    else:
        found = [r for r in all_runs if r.name == want][-1:]
    if not found:
        names = ", ".join(f"{r.id} {r.name}" for r in all_runs[-10:]) or "none yet"
        raise NotFoundError(f"no run {want!r} in {ws.ref!r}; recent runs: {names}")
    return found[0]


def model_name(model) -> str:
    steps = getattr(model, "steps", None)
    last = steps[-1][1] if steps else model
    return type(last).__name__


def _params(model) -> dict:
    if not hasattr(model, "get_params"):
        return {}
    out = {}
    for k, v in model.get_params(deep=True).items():
        if isinstance(v, (bool, int, float, str)) or v is None:
            out[k] = v
        elif hasattr(v, "get_params") or k.endswith(("steps", "transformers", "transformer_list")):
            continue  # nested estimators: their own parameters are listed under their prefix
        elif callable(v):
            out[k] = getattr(v, "__qualname__", type(v).__name__)
        else:
            out[k] = repr(v)[:200]
    return out


def record(ws, model, *, name: str | None = None, frac: float = 1.0, seed: int = 0, features=None, drop=(),
           n_jobs=None, threads: int | None = 1, kind: str = "run", notes: str = "", workdir=None,
           fitted=None, code: dict | None = None) -> Run:
    """Fit ``model`` on the saved folds and record the run (see :func:`scrimmage.coach.run`).

    ``fitted``: the folds already fitted with these rows and features (a ``_fitting.Fitted``), recorded as they are.
    ``code``: the :func:`code_version` of ``workdir`` when it was read already (by a caller recording several runs).
    """
    from ._fitting import fit_folds

    if not (hasattr(model, "fit") and (hasattr(model, "predict") or hasattr(model, "predict_proba"))):
        raise ScrimmageError(f"model must be a scikit-learn style estimator with fit and predict; got {type(model).__name__}")
    if isinstance(frac, bool) or not isinstance(frac, (int, float)) or not 0 < frac <= 1:
        raise ScrimmageError(f"frac must be a share of the training rows in (0, 1], got {frac!r}")
    folds = ws.folds()
    task = ws.task
    X, X_test = frames(ws, features, drop)
    y = task.y(ws.train)
    rows = folds.subset(frac, seed) if frac < 1 else None
    if fitted is None:
        fitted = fit_folds(model, X, y, X_test, folds, task, rows=rows, n_jobs=n_jobs, threads=threads)
    name = name or model_name(model)
    return save_run(ws, folds, fitted.oof, fitted.test, fitted.fold_scores, name=name, kind=kind,
                    model=repr(model)[:2000], params=_params(model), frac=float(frac), seed=seed,
                    fit_seconds=fitted.fit_seconds, predict_seconds=fitted.predict_seconds,
                    peak_memory_mb=fitted.peak_mb, workdir=workdir, code=code,
                    extra={"features": list(X.columns), "notes": notes, "n_jobs": n_jobs,
                           "fits": [{"repeat": f.repeat, "fold": f.fold, "fit_seconds": round(f.fit_seconds, 4),
                                     "predict_seconds": round(f.predict_seconds, 4), "peak_mb": round(f.peak_mb, 1),
                                     "n_train": f.n_train} for f in fitted.fits]})


def frames(ws, features=None, drop=()):
    cols = feature_columns(ws, features, drop)
    return ws.train[cols], ws.test[cols]


def feature_columns(ws, features=None, drop=()) -> list[str]:
    """The columns to fit on: ``features`` (default: every feature column) less ``drop``; refuses unknown ones."""
    cols = list(features) if features is not None else ws.feature_columns
    missing = [c for c in list(cols) + list(drop) if c not in ws.feature_columns]
    if missing:
        raise ScrimmageError(f"unknown feature columns: {', '.join(map(str, missing))}; "
                             f"the feature columns are: {', '.join(ws.feature_columns)}")
    cols = [c for c in cols if c not in set(drop)]
    if not cols:
        raise ScrimmageError("no feature columns left: features= and drop= leave nothing to fit on")
    return cols


def save_run(ws, folds, oof, test, fold_scores, *, name, kind, model="", params=None, frac=1.0, seed=0,
             fit_seconds=None, predict_seconds=None, peak_memory_mb=None, extra=None, workdir=None,
             code: dict | None = None) -> Run:
    valid = [s for s in fold_scores if s is not None]
    if not valid:
        raise ScrimmageError(
            f"no fold of run {name!r} could be scored (too few rows, or one class only, in every fold); "
            f"use a larger frac"
        )
    folder = ws.run_folder()
    np.save(folder / "oof.npy", oof)
    np.save(folder / "test.npy", test)
    ws.task.submission(ws.test[ws.task.id_column].to_numpy(), test).to_csv(folder / "submission.csv", index=False)
    code = code if code is not None else code_version(workdir)
    n_rows = int(np.count_nonzero(~np.isnan(oof if oof.ndim == 1 else oof[:, 0])))
    values = dict(split_id=folds.split_id, name=str(name)[:128], kind=kind, model=model, params=params or {},
                  code=code, frac=frac, seed=seed, n_rows=n_rows, metric=ws.task.metric.name,
                  fold_scores=list(fold_scores), cv_mean=float(np.mean(valid)),
                  cv_std=float(np.std(valid, ddof=1)) if len(valid) > 1 else 0.0, fit_seconds=fit_seconds,
                  predict_seconds=predict_seconds, peak_memory_mb=peak_memory_mb, folder=str(folder),
                  extra=extra or {})
    (folder / "run.json").write_text(json.dumps({k: v for k, v in values.items()}, default=str, indent=2))
    run_id = ws.add_run(**values)
    run = resolve(ws, run_id)
    from ._mlflow import export

    mlflow_id = export(ws, run, folds)
    if mlflow_id:
        run = dataclasses.replace(run, extra={**run.extra, "mlflow_run_id": mlflow_id})
    return run


def code_version(workdir=None) -> dict:
    """The git commit of ``workdir`` (default: the current directory) and a hash of its uncommitted changes."""
    workdir = Path(workdir or os.getcwd())
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}

    def git(*args) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=workdir, capture_output=True, timeout=20, env=env)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.decode(errors="replace") if out.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if top is None:
        return {"git": False, "workdir": str(workdir)}
    commit = (git("rev-parse", "HEAD") or "").strip() or None
    digest = hashlib.sha256()
    diff = git("diff", "HEAD", "--binary") if commit else git("diff", "--binary")
    digest.update((diff or "").encode())
    untracked = [p for p in (git("ls-files", "--others", "--exclude-standard", "-z") or "").split("\0") if p]
    root = Path(top.strip())
    for p in sorted(untracked):
        digest.update(p.encode())
        try:
            digest.update(hashlib.sha256((root / p).read_bytes()).digest())
        except OSError:
            pass
    dirty = bool((diff or "").strip() or untracked)
    return {"git": True, "workdir": str(workdir), "commit": commit, "dirty": dirty,
            "changes_sha256": digest.hexdigest() if dirty else None}


def submit(ws, run, message: str | None = None) -> Run:
    """Submit the run's test predictions to the arena and link the submission to the run."""
    run = resolve(ws, run)
    if run.submission_id is not None:
        raise ScrimmageError(f"run {run.id} {run.name!r} was submitted already (submission {run.submission_id}); "
                             f"record a new run to submit again")
    cv = "" if run.cv_mean is None else f" (CV {run.cv_mean:.5f} ± {run.cv_std or 0:.5f})"
    sub = ws.arena.submit(ws.ref, run.submission_path, message or f"coach run {run.id} {run.name}{cv}")
    ws.link_submission(run.id, sub.id)
    return dataclasses.replace(run, submission_id=sub.id, public_score=sub.public_score,
                               private_score=sub.private_score)
