"""The best constant prediction of a number for a metric: what a baseline predicts for every row."""

from __future__ import annotations

#: Metrics of absolute errors, whose best constant is the median.
MEDIAN_METRICS = ("mae", "median_ae", "mape", "smape")


def best_constant(y, metric_name: str, metric_kwargs: dict | None = None) -> tuple[float, str]:
    """(value, what it is) of the constant that scores best on ``y`` for ``metric_name``.

    The median for absolute errors, the ``alpha`` quantile for pinball, the geometric
    mean of ``1 + y`` minus 1 for RMSLE, else the mean (squared errors).

    >>> best_constant([1.0, 2.0, 10.0], "mae")
    (2.0, 'the training median')
    >>> best_constant([1.0, 2.0, 3.0], "rmse")
    (2.0, 'the training mean')
    """
    import numpy as np

    y = np.asarray(y, dtype=np.float64)
    if metric_name == "rmsle":
        return float(np.expm1(np.mean(np.log1p(np.clip(y, 0, None))))), "the geometric mean of 1 + target, minus 1"
    if metric_name == "pinball":
        alpha = float((metric_kwargs or {}).get("alpha", 0.5))
        return float(np.quantile(y, alpha)), f"the training {alpha:g} quantile"
    if metric_name in MEDIAN_METRICS:
        return float(np.median(y)), "the training median"
    return float(np.mean(y)), "the training mean"
