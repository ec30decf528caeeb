"""Every lesson rewards the careful learner on the private leaderboard (two seeds, default size).

For each lesson, independent naive and careful pipelines (``margin_pipelines.py``,
plain scikit-learn) are fitted on the generated train set and scored on the
private rows of the solution. The test asserts, per seed:

(a) the naive validation misses its private score by at least 3 times as much as
    the careful one;
(b) the careful learner never scores worse on private than the naive one, and
    wherever the two end with different models it scores better by more than the
    paired bootstrap standard error of the difference.

``benchmarks/lesson_margins.py`` runs the same pipelines on five seeds and prints
the table of docs/lessons.md.
"""

from __future__ import annotations

import pytest

from margin_pipelines import MEASURES, measure

SEEDS = (0, 1)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("trap", list(MEASURES))
def test_careful_validation_tracks_private_and_never_loses_to_naive(trap, seed, tmp_path):
    m = measure(trap, tmp_path, seed)
    assert m.naive_gap >= 3 * m.careful_gap, m.as_dict()
    assert m.margin >= 0, m.as_dict()
    if m.changes_pick:
        assert m.margin > m.noise, m.as_dict()
