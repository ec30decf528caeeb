"""Kaggle's metric helper module, as metric files published by Kaggle import it.

Written for scrimmage from the documented behaviour of Kaggle's helpers, so that a metric file
beginning ``import kaggle_metric_utilities`` runs unchanged. A bundle that ships its own
``kaggle_metric_utilities.py`` uses that copy instead (bundle files come first on ``sys.path``).

- ``ParticipantVisibleError``: its message is shown to the participant who submitted.
- ``HostVisibleError``: its message is shown to the host only (so is any other exception).
- ``treat_as_participant_error(message, solution)``: whether an unplanned error message is
  unlikely to reveal the solution (numeric solution, no digits in the message; no "true"/"false"
  when the solution holds booleans), so it may be shown to the participant.
- ``safe_call_score(fn, solution, submission, **kwargs)``: ``fn(solution, submission, **kwargs)``,
  with an error re-raised as participant-visible when it is one already or passes that test.
- ``verify_valid_probabilities(df, df_name)``: every value numeric, within [0, 1], rows adding to one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class ParticipantVisibleError(Exception):
    """An error whose message the participant may read."""


class HostVisibleError(Exception):
    """An error whose message only the host may read."""


def _kinds(solution) -> tuple[bool, bool]:
    """(every column numeric, some column boolean); booleans count as numeric."""
    if isinstance(solution, pd.DataFrame):
        dtypes = list(solution.dtypes)
    elif isinstance(solution, pd.Series):
        dtypes = [solution.dtype]
    else:
        dtypes = [np.asarray(solution).dtype]
    numeric = all(pd.api.types.is_numeric_dtype(d) or pd.api.types.is_bool_dtype(d) for d in dtypes)
    return numeric, any(pd.api.types.is_bool_dtype(d) for d in dtypes)


def treat_as_participant_error(error_message: str, solution) -> bool:
    """True when ``error_message`` can be shown to participants without revealing ``solution``.

    Deliberately cautious: a text solution, or any digit in the message, keeps the error with the host.
    """
    numeric, has_bools = _kinds(solution)
    if not numeric:
        return False
    if any(ch.isnumeric() for ch in error_message):
        return False
    lowered = error_message.lower()
    return not (has_bools and ("true" in lowered or "false" in lowered))


def safe_call_score(metric_function, solution, submission, **metric_func_kwargs):
    """Call ``metric_function``; errors it raises keep their visibility, others are judged by
    :func:`treat_as_participant_error`."""
    try:
        return metric_function(solution, submission, **metric_func_kwargs)
    except Exception as err:
        message = str(err)
        kind = type(err).__name__
        if kind == "ParticipantVisibleError":
            raise ParticipantVisibleError(message) from err
        if kind == "HostVisibleError":
            raise HostVisibleError(message) from err
        if treat_as_participant_error(message, solution):
            raise ParticipantVisibleError(message) from err
        raise


def verify_valid_probabilities(df: pd.DataFrame, df_name: str) -> None:
    """Raise ParticipantVisibleError unless ``df`` (target columns only, no id) holds probabilities:
    numbers within [0, 1] whose rows each add up to one."""
    if not all(pd.api.types.is_numeric_dtype(d) for d in df.dtypes):
        raise ParticipantVisibleError(f"All target values in {df_name} must be numeric")
    values = df.to_numpy(dtype=np.float64)
    if values.size and np.nanmin(values) < 0:
        raise ParticipantVisibleError(f"All target values in {df_name} must be at least zero")
    if values.size and np.nanmax(values) > 1:
        raise ParticipantVisibleError(f"All target values in {df_name} must be no greater than one")
    if not np.allclose(values.sum(axis=1), 1):
        raise ParticipantVisibleError(f"Target values in {df_name} do not add to one within all rows")


__all__ = ["ParticipantVisibleError", "HostVisibleError", "treat_as_participant_error", "safe_call_score",
           "verify_valid_probabilities"]
