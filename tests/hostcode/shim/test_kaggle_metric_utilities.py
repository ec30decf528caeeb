"""scrimmage's kaggle_metric_utilities behaves as Kaggle documents its helpers."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from scrimmage.hostmetric import SHIM


@pytest.fixture(scope="module")
def kmu():
    spec = importlib.util.spec_from_file_location("kaggle_metric_utilities", SHIM / "kaggle_metric_utilities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_treat_as_participant_error_is_cautious(kmu):
    numeric = pd.DataFrame({"id": [1, 2], "target": [0.5, 1.5]})
    assert kmu.treat_as_participant_error("Input contains NaN.", numeric)
    assert not kmu.treat_as_participant_error("value 1.5 is wrong", numeric)  # digits may be solution values
    assert not kmu.treat_as_participant_error("no digits here", pd.DataFrame({"label": ["cat", "dog"]}))
    flags = pd.DataFrame({"target": [True, False]})
    assert not kmu.treat_as_participant_error("expected True", flags)
    assert kmu.treat_as_participant_error("shapes differ", flags)
    assert kmu.treat_as_participant_error("shapes differ", np.array([1.0, 2.0]))
    assert not kmu.treat_as_participant_error("shapes differ", np.array(["a", "b"]))


def test_safe_call_score_keeps_or_judges_visibility(kmu):
    solution = np.array([0.0, 1.0])

    def fails(error):
        def fn(solution, submission, **kwargs):
            raise error
        return fn

    assert kmu.safe_call_score(lambda s, p, power: float(((s - p) ** power).sum()), solution, solution + 1, power=2) == 2.0
    with pytest.raises(kmu.ParticipantVisibleError, match="^no positive label$"):
        kmu.safe_call_score(fails(ValueError("no positive label")), solution, solution)
    with pytest.raises(ValueError, match="^row 7 is wrong$"):
        kmu.safe_call_score(fails(ValueError("row 7 is wrong")), solution, solution)

    class HostVisibleError(Exception):  # a metric file's own class of that name
        pass

    with pytest.raises(kmu.HostVisibleError, match="^weights missing$"):
        kmu.safe_call_score(fails(HostVisibleError("weights missing")), solution, solution)


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"a": ["x", "y"]}), "All target values in submission must be numeric"),
    (pd.DataFrame({"a": [-0.1, 1.1]}), "All target values in submission must be at least zero"),
    (pd.DataFrame({"a": [0.5, 1.5], "b": [0.5, 0.0]}), "All target values in submission must be no greater than one"),
    (pd.DataFrame({"a": [0.5, 0.2], "b": [0.5, 0.2]}), "Target values in submission do not add to one within all rows"),
])
def test_verify_valid_probabilities(kmu, frame, message):
    with pytest.raises(kmu.ParticipantVisibleError) as info:
        kmu.verify_valid_probabilities(frame, "submission")
    assert str(info.value) == message
    kmu.verify_valid_probabilities(pd.DataFrame({"a": [0.25, 1.0], "b": [0.75, 0.0]}), "submission")
