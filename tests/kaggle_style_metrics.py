"""Metric files written the way Kaggle publishes its metrics, to Kaggle's contract, for the tests.

Each entry: the files of the bundle's metric (name -> text), competition.toml lines, and how the
test data is shaped. They import ``kaggle_metric_utilities``, import their own helpers, take extra
typed keyword arguments, read a weights column and raise participant- and host-visible errors.
"""

WEIGHTED_RMSE = '''
"""Weighted root mean squared error."""
import numpy as np
import pandas as pd
import pandas.api.types
import sklearn.metrics

import kaggle_metric_utilities


class ParticipantVisibleError(Exception):
    pass


def score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str,
          weights_column_name: str | None = None, squared: bool = False) -> float:
    del solution[row_id_column_name]
    del submission[row_id_column_name]
    sample_weight = None
    if weights_column_name:
        if weights_column_name not in solution.columns:
            raise ValueError(f"The solution weights column {weights_column_name} is not found")
        sample_weight = solution.pop(weights_column_name).values
    for col in submission.columns:
        if not pandas.api.types.is_numeric_dtype(submission[col]):
            raise ParticipantVisibleError(f"Submission column {col} must be a number")
    error = kaggle_metric_utilities.safe_call_score(
        sklearn.metrics.mean_squared_error, solution.values, submission.values, sample_weight=sample_weight)
    return float(error if squared else np.sqrt(error))
'''

LOG_LOSS = '''
"""Multi-class log loss over one-hot solution columns, probabilities clipped by a helper."""
import numpy as np
import pandas as pd

import kaggle_metric_utilities
from . import clipping


def score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str,
          epsilon: float = 1e-15) -> float:
    del solution[row_id_column_name]
    del submission[row_id_column_name]
    missing = [c for c in solution.columns if c not in submission.columns]
    if missing:
        raise kaggle_metric_utilities.ParticipantVisibleError(f"Missing submission column {missing[0]}")
    submission = submission[solution.columns]
    kaggle_metric_utilities.verify_valid_probabilities(submission, "submission")
    probabilities = clipping.clip(submission.values, epsilon)
    return float(-(solution.values * np.log(probabilities)).sum(axis=1).mean())
'''

CLIPPING = '''
import numpy as np


def clip(values, epsilon):
    clipped = np.clip(values, epsilon, 1 - epsilon)
    return clipped / clipped.sum(axis=1, keepdims=True)
'''

LABEL_ACCURACY = '''
"""Accuracy of text labels, with the solution's codes mapped by a hidden label map."""
import json

import pandas as pd

import kaggle_metric_utilities
import labels


def score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str,
          label_map: str = "hidden/labels.json") -> float:
    with open(label_map) as fh:
        names = json.load(fh)
    truth = solution["target"].astype(str)
    unknown = sorted(set(truth) - set(names))
    if unknown:
        raise kaggle_metric_utilities.HostVisibleError(f"{label_map} has no name for the codes {unknown}")
    guesses = labels.normalise(submission["target"])
    bad = sorted(set(guesses) - set(names.values()))
    if bad:
        raise kaggle_metric_utilities.ParticipantVisibleError(
            f"unknown labels in the submission: {bad[:3]}; use {sorted(names.values())}")
    return float((truth.map(names).values == guesses.values).mean())
'''

LABELS = '''
def normalise(series):
    return series.astype(str).str.strip().str.lower()
'''

OWN_HELPER_COPY = '''
"""Mean absolute error, through the bundle's own copy of Kaggle's helper module."""
import pandas as pd
import sklearn.metrics

import kaggle_metric_utilities


def score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str, scale: int = 1) -> float:
    value = kaggle_metric_utilities.safe_call_score(
        sklearn.metrics.mean_absolute_error, solution["target"].values, submission["target"].values)
    return float(value * scale * kaggle_metric_utilities.BUNDLE_COPY_FACTOR)
'''

OWN_HELPER_MODULE = '''
"""The host's own copy: the competition's metric must use this one, not scrimmage's."""
BUNDLE_COPY_FACTOR = 10


class ParticipantVisibleError(Exception):
    pass


def safe_call_score(metric_function, solution, submission, **kwargs):
    return metric_function(solution, submission, **kwargs)
'''

RMSLE = '''
"""Root mean squared logarithmic error; an unplanned error may still reach the participant."""
import warnings

import numpy as np
import pandas as pd

import kaggle_metric_utilities


def _rmsle(y_true, y_pred, *, cap: float):
    if (y_pred < 0).any():
        raise ValueError("predictions must not be negative")
    if (y_pred > cap).any():
        raise ValueError(f"a prediction is above {cap}, which no answer is")
    return float(np.sqrt(np.mean((np.log1p(y_pred) - np.log1p(y_true)) ** 2)))


def score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str, cap: float = 10.0) -> float:
    if (submission["target"] == 0).all():
        warnings.warn("every prediction of this submission is zero")
    return kaggle_metric_utilities.safe_call_score(
        _rmsle, solution["target"].values.astype(float), submission["target"].values.astype(float), cap=cap)
'''

#: name -> (metric files, competition.toml lines, greater_is_better)
METRICS = {
    "weighted-rmse": ({"metric.py": WEIGHTED_RMSE},
                      'metric_file = "./metric.py"\n[metric_kwargs]\nweights_column_name = "weight"\nsquared = false\n',
                      False),
    "log-loss": ({"metric.py": LOG_LOSS, "clipping.py": CLIPPING},
                 'metric_files = ["metric.py", "clipping.py"]\n[metric_kwargs]\nepsilon = 1e-6\n', False),
    "label-accuracy": ({"metric.py": LABEL_ACCURACY, "hidden/labels.py": LABELS, "hidden/labels.json": '{"0": "no", "1": "yes"}'},
                       'metric_file = "metric.py"\n', True),
    "own-helper-copy": ({"metric.py": OWN_HELPER_COPY, "kaggle_metric_utilities.py": OWN_HELPER_MODULE},
                        'metric_file = "metric.py"\nmetric_files = ["kaggle_metric_utilities.py"]\n[metric_kwargs]\nscale = 2\n',
                        False),
    "rmsle": ({"hidden/rmsle.py": RMSLE}, 'metric_file = "hidden/rmsle.py"\n', False),
}
