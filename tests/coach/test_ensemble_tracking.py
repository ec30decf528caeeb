"""Blending (Caruana ensemble selection, weights, ranks, stacking, nested CV) and CV-vs-leaderboard tracking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from scrimmage import coach, lessons
from scrimmage.coach import _blend
from scrimmage.coach._tracking import WARNING, Point, _judge
from scrimmage.errors import ScrimmageError


def mse(y):
    return lambda p: float(np.mean((p - y) ** 2))


def test_caruana_picks_the_best_and_keeps_the_best_prefix():
    rng = np.random.default_rng(0)
    y = rng.normal(size=2000)
    good = y + rng.normal(scale=0.5, size=2000)
    bad = y + rng.normal(scale=3.0, size=2000)
    worse = y + 5.0  # biased: never helps
    w, trajectory = _blend.caruana(np.stack([bad, good, worse]), mse(y), rounds=25, init=1)
    assert w[1] == w.max() and w[2] == 0
    assert len(trajectory) == 26 and min(trajectory) <= trajectory[0]
    assert w.sum() == pytest.approx(1)


def test_caruana_blends_complementary_members():
    rng = np.random.default_rng(1)
    y = rng.normal(size=4000)
    a = y + rng.normal(scale=1.0, size=4000)
    b = y + rng.normal(scale=1.0, size=4000)  # independent errors: the average halves the variance
    w, _ = _blend.caruana(np.stack([a, b]), mse(y), init=2)
    assert abs(w[0] - 0.5) <= 0.15


def test_caruana_ties_go_to_members_already_chosen():
    y = np.array([0.0, 1.0, 2.0, 3.0])
    same = np.stack([y + 1, y + 1, y + 1])  # identical members: every step is a tie
    w, _ = _blend.caruana(same, mse(y), rounds=5, init=1)
    assert w.tolist() == [1.0, 0.0, 0.0]


def test_caruana_renormalises_multiclass_blends():
    y = np.eye(3)[[0, 1, 2, 0]]
    p = np.stack([np.full((4, 3), 0.5), y * 0.9 + 0.05])  # the first member's rows sum to 1.5
    seen = []
    _blend.caruana(p, lambda q: seen.append(q.sum(axis=1)) or float(np.mean((q - y) ** 2)), rounds=3, init=2)
    assert all(np.allclose(s, 1) for s in seen)


def test_weights_fit_prefers_the_better_member():
    rng = np.random.default_rng(2)
    y = rng.normal(size=3000)
    w = _blend.weights_fit(np.stack([y + rng.normal(scale=0.3, size=3000), y + rng.normal(scale=2, size=3000)]), mse(y))
    assert w[0] > 0.8 and w.sum() == pytest.approx(1) and (w >= 0).all()


def models():
    def pipe(C, cols):
        return make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["c"]),
                                                     ("passthrough", cols)), LogisticRegression(C=C))
    return [pipe(1.0, ["x", "z"]), pipe(0.01, ["x"]), pipe(1.0, ["z"])]


def test_ensemble_of_recorded_runs(comp):
    runs = [coach.run(m, name=f"m{i}") for i, m in enumerate(models())]
    result = coach.ensemble()
    assert [r.id for r in result.members] == [r.id for r in runs]
    methods = {m.method: m for m in result.methods}
    assert set(methods) == {"weighted", "rank", "caruana", "stacking"}
    for m in methods.values():
        assert m.honest is not None and len(m.fold_scores) == 5
    assert result.chosen == max(methods.values(), key=lambda m: m.honest).method
    blend = result.run
    assert blend.kind == "ensemble" and blend.fold_scores == methods[result.chosen].fold_scores
    assert blend.cv_mean == pytest.approx(methods[result.chosen].honest)
    sub = pd.read_csv(blend.submission_path)
    assert list(sub.columns) == ["id", "y"] and len(sub) == 600
    assert "<- chosen" in str(result) and "honest (nested CV)" in str(result)
    caruana = coach.ensemble([runs[0].id, "m1", "m2"], method="caruana")
    assert caruana.chosen == "caruana" and caruana.by_method("caruana").weights
    sent = coach.submit(caruana.run)
    assert sent.public_score is not None


def test_ensemble_refuses_mixed_folds_and_bad_input(comp):
    a = coach.run(models()[0], name="a")
    b = coach.run(models()[1], name="b", frac=0.5)
    with pytest.raises(ScrimmageError, match="^the runs used different rows \\(different frac or seed\\); an ensemble "
                       "needs every member on the same rows: use runs made with the same frac and seed$"):
        coach.ensemble([a.id, b.id])
    coach.advise_split(comp, split="random", seed=7)
    c = coach.run(models()[1], name="c")
    with pytest.raises(ScrimmageError, match=f"^the runs used different folds \\(splits {a.split_id}, {c.split_id}\\); "
                       "an ensemble needs every member on the same folds: rerun the older runs on the current folds$"):
        coach.ensemble([a.id, c.id])
    with pytest.raises(ScrimmageError, match="^an ensemble needs at least two runs on the current folds with frac=1; "
                       "1 found: record more with coach.run or coach.ladder$"):
        coach.ensemble()
    with pytest.raises(ScrimmageError, match="^an ensemble needs at least two different runs$"):
        coach.ensemble([c.id, c.id])
    with pytest.raises(ScrimmageError, match="^unknown ensemble method 'vote'; choose best or one of: weighted, rank, "
                       "caruana, stacking$"):
        coach.ensemble(method="vote")


def test_rank_average_is_refused_for_calibrated_metrics(tmp_path, arena):
    from coach_bundles import make_bundle

    ref = arena.create_competition(make_bundle(tmp_path / "reg", "regression")).ref
    coach.advise_split(ref, split="random")
    coach.ladder()
    with pytest.raises(ScrimmageError, match="^method 'rank' does not apply here: rank averaging suits order-only "
                       "metrics; rmse needs calibrated values$"):
        coach.ensemble(method="rank")


def point(cv, public, band=0.01, i=1):
    return Point(i, f"r{i}", i, cv, 0.0, public, None, band)


def test_judge_warns_when_cv_does_not_track():
    class T:
        greater = True

    msgs, ok = _judge(T, [point(0.90, 0.80, i=1), point(0.88, 0.79, i=2)], None)
    assert ok is False and msgs[-1] == (f"Warning: {WARNING}. (Reason: the public scores sit beyond the noise band "
                                        "on one side of the CV.)")
    assert msgs[0].startswith("The public scores are worse than the CV by 0.")
    msgs, ok = _judge(T, [point(0.90, 0.895, i=1), point(0.85, 0.853, i=2), point(0.80, 0.79, i=3),
                          point(0.75, 0.748, i=4)], 1.0)
    assert ok is True and msgs[-1] == ("Your validation tracks the leaderboard. (Reason: the public scores agree "
                                       "with the CV within the noise band, in order.)")
    msgs, ok = _judge(T, [point(0.90, 0.80, 0.05, 1), point(0.85, 0.85, 0.05, 2), point(0.80, 0.9, 0.05, 3),
                          point(0.75, 0.95, 0.05, 4)], -1.0)
    assert ok is False and "Better CV does not mean better public score: rank correlation -1.00 over 4" in msgs[1]
    assert msgs[-1].endswith("(Reason: better CV does not go with better public scores.)")


def test_judge_gives_one_verdict_when_the_public_board_cannot_tell_runs_apart():
    """Public scores closer than their noise band: their order is noise, so it never also says 'revisit'."""
    class T:
        greater = True

    pts = [point(0.77, 0.781, 0.03, 1), point(0.79, 0.780, 0.03, 2), point(0.78, 0.779, 0.03, 3),
           point(0.80, 0.778, 0.03, 4)]
    msgs, ok = _judge(T, pts, -1.0)
    assert ok is None
    assert msgs[-1] == ("Verdict: the public leaderboard cannot tell these runs apart; go by the CV. (Reason: the "
                        "public scores agree with the CV within the noise band.)")
    assert not any(WARNING in m for m in msgs) and not any("Better CV" in m for m in msgs)


def test_judge_never_says_go_by_the_cv_when_the_cv_is_far_off():
    """A leak: CV far above every public score, public scores close together. The verdict is the warning."""
    class T:
        greater = True

    pts = [point(0.99, 0.63, 0.02, 1), point(0.985, 0.632, 0.02, 2), point(0.98, 0.631, 0.02, 3)]
    msgs, ok = _judge(T, pts, None)
    assert ok is False
    assert sum(("Verdict" in m) or ("Warning" in m) or ("tracks the leaderboard." in m) for m in msgs) == 1
    assert msgs[-1].startswith(f"Warning: {WARNING}.") and "go by the CV" not in " ".join(msgs)


def test_tracking_and_post_mortem_on_a_drifting_lesson(tmp_path, arena):
    """Time drift validated with a shuffled K-fold: the coach says the CV does not track."""
    arena.create_competition(lessons.generate("time-drift", tmp_path / "td", n_rows=3000, ref="td"))
    coach.advise_split("td", split="random")
    ladder = coach.ladder()
    for rung in ladder.rungs[1:]:
        coach.submit(rung.run)
    tracking = coach.track()
    assert len(tracking.points) == 3 and tracking.n_public > 100
    assert all(p.band > 0 for p in tracking.points)
    assert tracking.tracks is False and tracking.messages[-1].startswith(f"Warning: {WARNING}.")
    assert tracking.postmortem == []
    arena.close("td", user="alice")
    after = coach.track()
    assert after.spearman_private is not None and after.postmortem
    assert after.postmortem[0].startswith("Best private score: run ")
    assert "CV vs leaderboard on td" in str(after)


def test_noise_band_shrinks_with_a_bigger_public_split():
    from scrimmage.coach._tracking import noise_band

    class T:
        def score(self, y, p):
            return float(np.sqrt(np.mean((y - p) ** 2)))

    rng = np.random.default_rng(0)
    y = rng.normal(size=5000)
    p = y + rng.normal(size=5000)
    scored = np.ones(5000, bool)
    small, big = noise_band(T(), y, p, scored, 100, 300), noise_band(T(), y, p, scored, 2500, 300)
    assert small > 3 * big > 0
