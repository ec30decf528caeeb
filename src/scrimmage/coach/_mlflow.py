"""Optional export of coach runs to MLflow (``pip install 'scrimmage[mlflow]'``).

When ``MLFLOW_TRACKING_URI`` is set, every recorded run is also logged to MLflow
in the experiment ``scrimmage/REF``: its parameters, the score of every fold
(``fold_<metric>`` by step), the CV mean and spread, timings and peak memory,
and its files (out-of-fold and test predictions, submission) as artifacts.
"""

from __future__ import annotations

import os
import warnings


def enabled() -> bool:
    return bool(os.environ.get("MLFLOW_TRACKING_URI"))


def export(ws, run, folds) -> str | None:
    if not enabled():
        return None
    try:
        import mlflow
    except ImportError:
        warnings.warn("MLFLOW_TRACKING_URI is set but mlflow is not installed: "
                      "pip install 'scrimmage[mlflow]' to log coach runs to MLflow", stacklevel=3)
        return None
    mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
    mlflow.set_experiment(f"scrimmage/{ws.ref}")
    params = {f"model.{k}": str(v)[:250] for k, v in list(run.params.items())[:90]}
    params.update({"frac": run.frac, "seed": run.seed, "split": folds.kind, "split_id": run.split_id,
                   "kind": run.kind, "git_commit": run.code.get("commit") or "",
                   "git_dirty": run.code.get("dirty", False)})
    with mlflow.start_run(run_name=run.name) as active:
        mlflow.set_tags({"scrimmage.competition": ws.ref, "scrimmage.user": ws.user, "scrimmage.run_id": run.id})
        mlflow.log_params(params)
        for step, score in enumerate(run.fold_scores):
            if score is not None:
                mlflow.log_metric(f"fold_{run.metric}", score, step=step)
        summary = {f"cv_{run.metric}_mean": run.cv_mean, f"cv_{run.metric}_std": run.cv_std,
                   "fit_seconds": run.fit_seconds, "predict_seconds": run.predict_seconds,
                   "peak_memory_mb": run.peak_memory_mb}
        mlflow.log_metrics({k: float(v) for k, v in summary.items() if v is not None})
        mlflow.log_artifacts(str(run.folder))
        return active.info.run_id
