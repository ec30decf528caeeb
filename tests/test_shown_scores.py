"""On a Ladder competition every face shows the Ladder score until the close; raw public scores after it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bundles import write_bundle, write_predictions
from scrimmage import lessons
from scrimmage.errors import ForbiddenError
from scrimmage.arena import Arena
from scrimmage.shown_scores import shown_public_scores

LADDER = 'title = "Ladder"\nmetric = "roc_auc"\nid_column = "id"\nleaderboard = "ladder"\ndaily_limit = 20\n'


def _cli(*args):
    from scrimmage.cli import _register, cli

    _register()
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def climbed(tmp_path, home):
    """A Ladder competition hosted by 'hal' where alice made four submissions; returns (arena, subs oldest first)."""
    arena = Arena()
    folder = write_bundle(tmp_path / "ladder", n=400, toml=LADDER)
    arena.create_competition(folder, host="hal")
    subs = []
    for quality, seed in ((0.15, 1), (0.0, 2), (0.151, 3), (0.6, 4)):
        path = write_predictions(tmp_path / f"s{seed}.csv", folder, quality, seed=seed)
        subs.append(arena.submit("ladder", path, f"q{quality}", user="alice"))
    return arena, subs


def test_every_submission_shows_the_ladder_score_until_the_close(climbed):
    arena, subs = climbed
    first, worse, nudge, best = subs
    # the submit output: a worse file shows the team's Ladder score, not its own raw public score
    assert worse.public_score == first.public_score
    assert nudge.public_score == first.public_score
    assert best.public_score > first.public_score
    listed = {s.id: s.public_score for s in arena.submissions("ladder", user="alice")}
    assert listed == {s.id: s.public_score for s in subs}
    assert arena.submission("ladder", worse.id, user="alice").public_score == first.public_score
    out = _cli("competitions", "submissions", "ladder", "--csv")
    assert out.exit_code == 0
    shown = [line.split(",")[5] for line in out.output.strip().splitlines()[1:]]
    assert len(set(shown)) == 2  # two Ladder levels, never the raw scores of the rejected files
    arena.close("ladder", user="hal")
    after = {s.id: s.public_score for s in arena.submissions("ladder", user="alice")}
    assert after[worse.id] < after[first.id]  # the raw public score, now that the competition is closed
    assert after[nudge.id] != after[first.id]


def test_shown_scores_follow_the_last_accepted_submission():
    import datetime as dt
    from types import SimpleNamespace as Row

    t = dt.datetime(2026, 1, 1)
    rows = [Row(id=4, created_at=t + dt.timedelta(3), status="complete", public_score=0.95, ladder_accepted=True),
            Row(id=1, created_at=t, status="complete", public_score=0.7, ladder_accepted=True),
            Row(id=2, created_at=t + dt.timedelta(1), status="complete", public_score=0.72, ladder_accepted=False),
            Row(id=3, created_at=t + dt.timedelta(2), status="error", public_score=None, ladder_accepted=None)]
    assert shown_public_scores(rows) == {1: 0.7, 2: 0.7, 3: None, 4: 0.95}


def test_a_lessons_host_cannot_read_private_scores_before_closing_it(tmp_path, home):
    arena = Arena()
    lessons.create(arena, "imbalance", n_rows=2_000, seed=0, references=False)
    with pytest.raises(ForbiddenError) as err:
        arena.leaderboard("lesson-imbalance", private=True)
    assert str(err.value) == (
        "the private leaderboard of 'lesson-imbalance' is hidden until the competition closes; you host this lesson "
        "and learn from it, so its private scores stay hidden from you too: close it with `scrimmage competitions "
        "close lesson-imbalance` when you are done, to see them and the post-mortem")
    arena.close("lesson-imbalance")
    assert arena.leaderboard("lesson-imbalance", private=True).private
