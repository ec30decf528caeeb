"""Regression metrics, on numpy arrays only (no scikit-learn, no pandas).

``y_true`` and ``y_pred`` are 1-d, or 2-d (rows, target columns). With several
columns a metric is computed per column and averaged, like scikit-learn's
``multioutput="uniform_average"`` (so ``rmse`` over several columns is the
mean column-wise RMSE). ``mape`` and ``smape`` are percentages.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParticipantVisibleError
from ._base import Metric, check_lengths, finite, numeric_predictions, register, require_rows


def _pair(name: str, y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    """Both sides as float arrays of shape (rows, columns)."""
    true = np.asarray(y_true, dtype=np.float64)
    pred = numeric_predictions(name, y_pred).astype(np.float64, copy=False)
    check_lengths(true, pred)
    if true.ndim == 1:
        true = true[:, None]
    if pred.ndim == 1:
        pred = pred[:, None]
    if true.shape != pred.shape:
        raise ValueError(f"y_true has shape {true.shape} but y_pred has {pred.shape}")
    require_rows(name, len(true))
    if not np.all(np.isfinite(true)):
        raise ValueError(f"{name} needs finite true values")
    return true, pred


def _rows(loss: np.ndarray) -> np.ndarray:
    """Per-row loss: the mean over target columns."""
    return loss.mean(axis=1)


def abs_error(y_true, y_pred, **_) -> np.ndarray:
    true, pred = _pair("mae", y_true, y_pred)
    return _rows(np.abs(pred - true))


def squared_error(y_true, y_pred, **_) -> np.ndarray:
    true, pred = _pair("mse", y_true, y_pred)
    return _rows((pred - true) ** 2)


def mae(y_true, y_pred) -> float:
    return finite("mae", abs_error(y_true, y_pred).mean())


def mse(y_true, y_pred) -> float:
    return finite("mse", squared_error(y_true, y_pred).mean())


def _column_rmse(name: str, true: np.ndarray, pred: np.ndarray) -> float:
    return finite(name, np.mean(np.sqrt(np.mean((pred - true) ** 2, axis=0))))


def rmse(y_true, y_pred) -> float:
    return _column_rmse("rmse", *_pair("rmse", y_true, y_pred))


def mcrmse(y_true, y_pred) -> float:
    return _column_rmse("mcrmse", *_pair("mcrmse", y_true, y_pred))


def _logs(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    true, pred = _pair("rmsle", y_true, y_pred)
    if np.any(true < 0):
        raise ValueError("rmsle needs true values of 0 or more")
    negative = int(np.count_nonzero(np.any(pred < 0, axis=1)))
    if negative:
        raise ParticipantVisibleError(
            f"rmsle needs predictions of 0 or more; {negative} rows are negative"
        )
    return np.log1p(true), np.log1p(pred)


def squared_log_error(y_true, y_pred, **_) -> np.ndarray:
    true, pred = _logs(y_true, y_pred)
    return _rows((pred - true) ** 2)


def rmsle(y_true, y_pred) -> float:
    return _column_rmse("rmsle", *_logs(y_true, y_pred))


def percentage_error(y_true, y_pred, **_) -> np.ndarray:
    true, pred = _pair("mape", y_true, y_pred)
    error = np.abs(pred - true)
    if np.any((true == 0) & (error != 0)):
        raise ParticipantVisibleError(
            "mape is undefined here: some true values are 0 and their predictions are not; "
            "the competition needs another metric"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(error == 0, 0.0, error / np.abs(true))
    return _rows(100.0 * share)


def mape(y_true, y_pred) -> float:
    return finite("mape", percentage_error(y_true, y_pred).mean())


def symmetric_percentage_error(y_true, y_pred, **_) -> np.ndarray:
    true, pred = _pair("smape", y_true, y_pred)
    error = np.abs(pred - true)
    scale = (np.abs(true) + np.abs(pred)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(scale == 0, 0.0, error / scale)  # 0/0 counts as 0
    return _rows(100.0 * share)


def smape(y_true, y_pred) -> float:
    return finite("smape", symmetric_percentage_error(y_true, y_pred).mean())


def r2(y_true, y_pred) -> float:
    true, pred = _pair("r2", y_true, y_pred)
    if len(true) < 2:
        raise ParticipantVisibleError("r2 needs at least 2 rows to score")
    residual = np.sum((true - pred) ** 2, axis=0)
    total = np.sum((true - true.mean(axis=0)) ** 2, axis=0)
    # scikit-learn's force_finite: a constant column scores 1 if predicted exactly, else 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(total == 0, np.where(residual == 0, 1.0, 0.0), 1 - residual / total)
    return finite("r2", scores.mean())


def median_ae(y_true, y_pred) -> float:
    true, pred = _pair("median_ae", y_true, y_pred)
    return finite("median_ae", np.mean(np.median(np.abs(pred - true), axis=0)))


def pinball_rows(y_true, y_pred, *, alpha=0.5) -> np.ndarray:
    if not 0 <= alpha <= 1:
        raise ValueError(f"pinball needs 0 <= alpha <= 1; got {alpha!r}")
    true, pred = _pair("pinball", y_true, y_pred)
    diff = true - pred
    return _rows(np.where(diff >= 0, alpha * diff, (alpha - 1) * diff))


def pinball(y_true, y_pred, *, alpha=0.5) -> float:
    return finite("pinball", pinball_rows(y_true, y_pred, alpha=alpha).mean())


_NUMBER = "one number per row and target column"

for _metric in [
    Metric("mae", False, "number", f"Mean absolute error; lower is better; {_NUMBER}.",
           mae, per_row_loss=abs_error),
    Metric("mse", False, "number", f"Mean squared error; lower is better; {_NUMBER}.",
           mse, per_row_loss=squared_error),
    Metric("rmse", False, "number",
           f"Root mean squared error (mean over target columns); lower is better; {_NUMBER}.",
           rmse, per_row_loss=squared_error),
    Metric("rmsle", False, "number",
           f"Root mean squared error of log(1 + value); lower is better; {_NUMBER}, 0 or more.",
           rmsle, per_row_loss=squared_log_error),
    Metric("mape", False, "number",
           f"Mean absolute percentage error, in percent; lower is better; {_NUMBER}.",
           mape, per_row_loss=percentage_error),
    Metric("smape", False, "number",
           "Symmetric mean absolute percentage error, in percent (0 to 200); "
           f"lower is better; {_NUMBER}.",
           smape, per_row_loss=symmetric_percentage_error),
    Metric("r2", True, "number",
           f"Coefficient of determination (1 is perfect); higher is better; {_NUMBER}.",
           r2, per_row_loss=squared_error),
    Metric("median_ae", False, "number", f"Median absolute error; lower is better; {_NUMBER}.",
           median_ae),
    Metric("pinball", False, "number",
           f"Mean pinball (quantile) loss at quantile alpha; lower is better; {_NUMBER}.",
           pinball, defaults={"alpha": 0.5}, per_row_loss=pinball_rows),
    Metric("mcrmse", False, "number",
           f"Mean column-wise root mean squared error; lower is better; {_NUMBER}.", mcrmse),
]:
    register(_metric)
