import datetime as dt

import numpy as np
import pytest
from scipy.stats import spearmanr

from scrimmage import leaderboard as lb

T0 = dt.datetime(2026, 1, 1)


def entry(sub_id, team, public, private=None, minutes=0, selected=False, accepted=None):
    return lb.Entry(sub_id, team, f"team{team}", T0 + dt.timedelta(minutes=minutes), public, private, selected, accepted)


def test_public_best_per_team_and_direction():
    entries = [entry(1, 1, 0.70), entry(2, 1, 0.80, minutes=1), entry(3, 2, 0.75), entry(4, 2, 0.60, minutes=2)]
    rows = lb.public_leaderboard(entries, greater=True)
    assert [(r.rank, r.team_id, r.score, r.submission_id, r.entries) for r in rows] == [
        (1, 1, 0.80, 2, 2), (2, 2, 0.75, 3, 2)
    ]
    rows = lb.public_leaderboard(entries, greater=False)
    assert [(r.team_id, r.score) for r in rows] == [(2, 0.60), (1, 0.70)]


def test_ties_go_to_the_earlier_submission():
    entries = [entry(1, 1, 0.9, minutes=5), entry(2, 2, 0.9, minutes=3), entry(3, 1, 0.9, minutes=1)]
    rows = lb.public_leaderboard(entries, greater=True)
    # team 1 reached 0.9 first (minute 1), so it ranks above team 2 (minute 3)
    assert [(r.team_id, r.submission_id) for r in rows] == [(1, 3), (2, 2)]


def test_final_selection_auto_picks_best_public():
    subs = [entry(1, 1, 0.5, 0.9), entry(2, 1, 0.8, 0.1, minutes=1), entry(3, 1, 0.7, 0.2, minutes=2)]
    assert [e.submission_id for e in lb.final_submissions(subs, 2, greater=True)] == [2, 3]
    chosen = [entry(1, 1, 0.5, 0.9, selected=True), entry(2, 1, 0.8, 0.1, minutes=1)]
    assert [e.submission_id for e in lb.final_submissions(chosen, 2, greater=True)] == [1]


def test_private_leaderboard_uses_final_submissions_only():
    entries = [
        entry(1, 1, 0.90, 0.60), entry(2, 1, 0.50, 0.99, minutes=1),  # best private never selected
        entry(3, 2, 0.80, 0.70),
    ]
    rows = lb.private_leaderboard(entries, greater=True, n_final=1)
    assert [(r.team_id, r.score, r.public_rank) for r in rows] == [(2, 0.70, 2), (1, 0.60, 1)]
    entries[1] = entry(2, 1, 0.50, 0.99, minutes=1, selected=True)
    rows = lb.private_leaderboard(entries, greater=True, n_final=1)
    assert [(r.team_id, r.score) for r in rows] == [(1, 0.99), (2, 0.70)]


@pytest.mark.parametrize("n, cutoffs", [
    (5, {"gold": 0, "silver": 1, "bronze": 2}),
    (99, {"gold": 9, "silver": 19, "bronze": 39}),
    (100, {"gold": 10, "silver": 20, "bronze": 40}),
    (249, {"gold": 10, "silver": 49, "bronze": 99}),
    (250, {"gold": 10, "silver": 50, "bronze": 100}),
    (999, {"gold": 11, "silver": 50, "bronze": 100}),
    (1000, {"gold": 12, "silver": 50, "bronze": 100}),
    (5000, {"gold": 20, "silver": 250, "bronze": 500}),
])
def test_medal_cutoffs_follow_kaggle_progression(n, cutoffs):
    assert lb.medal_cutoffs(n) == cutoffs


def test_medal_of_a_rank():
    assert [lb.medal(r, 10) for r in (1, 2, 3, 4, 5)] == ["gold", "silver", "bronze", "bronze", None]


def test_shake_up_against_scipy():
    rng = np.random.default_rng(0)
    n = 50
    public = rng.permutation(n) + 1
    rows = [lb.Row(rank=i + 1, team_id=i, team_name="", score=0.0, submission_id=i, submission_date=T0, entries=1,
                   public_rank=int(public[i])) for i in range(n)]
    s = lb.shake_up(rows)
    private = np.arange(1, n + 1)
    assert s.teams == n
    assert s.mean_shift == pytest.approx(np.mean(np.abs(public - private)) / n)
    assert s.top_shift == pytest.approx(np.mean(np.abs(public[:5] - private[:5])) / n)
    assert s.spearman == pytest.approx(spearmanr(public, private).statistic)


def test_no_shake_up_when_rankings_agree():
    rows = [lb.Row(i, i, "", 0.0, i, T0, 1, public_rank=i) for i in range(1, 6)]
    s = lb.shake_up(rows)
    assert (s.mean_shift, s.spearman) == (0.0, pytest.approx(1.0))


def test_ladder_accepts_only_real_improvements():
    rng = np.random.default_rng(1)
    base = rng.random(2000)
    assert lb.ladder_accepts(base, None)
    assert lb.ladder_accepts(base * 0.8, base)  # clearly better on every row
    noise = base + rng.normal(scale=0.05, size=base.size)
    tiny = noise - 0.0001  # mean slightly lower, but well inside one standard error
    assert not lb.ladder_accepts(tiny, base)
    assert not lb.ladder_accepts(base + 0.01, base)


def test_ladder_reference_formula():
    new, best = np.array([0.1, 0.2, 0.3, 0.1]), np.array([0.3, 0.3, 0.3, 0.3])
    d = new - best
    assert lb.ladder_accepts(new, best) == (d.mean() < -d.std(ddof=1) / 2)


def test_ladder_ladder_mode_shows_last_accepted():
    entries = [entry(1, 1, 0.70, accepted=True), entry(2, 1, 0.71, minutes=1, accepted=False),
               entry(3, 1, 0.80, minutes=2, accepted=True), entry(4, 1, 0.81, minutes=3, accepted=False)]
    rows = lb.public_leaderboard(entries, greater=True, mode="ladder")
    assert [(r.score, r.submission_id) for r in rows] == [(0.80, 3)]


def test_bootstrap_ladder_for_auc():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 1000)
    best = y + rng.normal(scale=1.0, size=1000)
    much_better = y + rng.normal(scale=0.3, size=1000)
    jitter = best + rng.normal(scale=0.01, size=1000)
    assert lb.ladder_accepts_bootstrap(roc_auc_score, y, much_better, best, greater=True, n_boot=100)
    assert not lb.ladder_accepts_bootstrap(roc_auc_score, y, jitter, best, greater=True, n_boot=100)
