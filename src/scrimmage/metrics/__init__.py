"""Metrics by name, each following Kaggle's metric contract.

>>> from scrimmage import metrics
>>> m = metrics.get("roc_auc")
>>> m.greater_is_better
True
"""

from ._base import INPUT_KINDS, Metric, get, names, register
from ._directions import greater_is_better

__all__ = ["INPUT_KINDS", "Metric", "get", "greater_is_better", "names", "register"]
