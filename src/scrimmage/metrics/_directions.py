"""Which way each built-in metric points, known without loading the metrics themselves.

Listing competitions needs only a metric's direction; loading the metric modules
brings numpy. A test keeps :data:`GREATER_IS_BETTER` equal to the registry.
"""

from __future__ import annotations

#: Built-in metric name -> True when a higher score is better.
GREATER_IS_BETTER: dict[str, bool] = {
    "accuracy": True, "average_precision": True, "balanced_accuracy": True, "brier": False, "f1": True,
    "f1_macro": True, "f1_micro": True, "f1_weighted": True, "fbeta": True, "log_loss": False, "mae": False,
    "map_at_k": True, "mape": False, "mcc": True, "mcrmse": False, "median_ae": False, "mse": False,
    "ndcg_at_k": True, "pinball": False, "point_fbeta": True, "precision": True, "quadratic_weighted_kappa": True, "r2": True,
    "recall": True, "rmse": False, "rmsle": False, "roc_auc": True, "roc_auc_ovr": True, "smape": False,
}


def greater_is_better(name: str) -> bool:
    """True when a higher ``name`` score is better; a metric not listed here is looked up in the registry."""
    if name in GREATER_IS_BETTER:
        return GREATER_IS_BETTER[name]
    from ._base import get

    return get(name).greater_is_better
