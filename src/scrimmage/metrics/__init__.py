"""Metrics by name, each following Kaggle's metric contract.

>>> from scrimmage import metrics
>>> m = metrics.get("roc_auc")
>>> m.greater_is_better
True
"""

from ._base import INPUT_KINDS, Metric, call_kwargs, get, names, register
from ._constant import best_constant
from ._directions import greater_is_better

__all__ = ["INPUT_KINDS", "Metric", "best_constant", "call_kwargs", "get", "greater_is_better", "names", "register"]
