"""The metric directions known without loading the metric modules equal the registry's."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scrimmage import metrics
from scrimmage.errors import NotFoundError
from scrimmage.metrics._directions import GREATER_IS_BETTER


def test_every_builtin_metric_has_its_registry_direction():
    registered = {name: metrics.get(name).greater_is_better for name in metrics.names()}
    assert GREATER_IS_BETTER == registered, (
        "scrimmage/metrics/_directions.py GREATER_IS_BETTER differs from the registry: "
        "add or correct the entries so that it lists every built-in metric with its direction"
    )


@pytest.mark.parametrize("name", ["roc_auc", "rmse", "log_loss", "map_at_k"])
def test_greater_is_better_answers_like_the_metric(name):
    assert metrics.greater_is_better(name) is metrics.get(name).greater_is_better


def test_an_unknown_metric_names_the_valid_ones():
    with pytest.raises(NotFoundError, match="unknown metric 'nope'; choose one of: accuracy"):
        metrics.greater_is_better("nope")


def test_the_direction_needs_no_numpy():
    code = ("import sys; from scrimmage import metrics; metrics.greater_is_better('roc_auc'); "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr
