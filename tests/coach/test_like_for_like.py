"""Gains compared like for like: blends beside their members, and `compare` on any pair of runs."""

from __future__ import annotations

import pytest

from coach_bundles import make_bundle
from scrimmage import coach
from scrimmage.coach._like_for_like import BASIS, fold_scores, mean_score
from scrimmage.errors import ScrimmageError


@pytest.fixture
def repeated(tmp_path, arena):
    """A small binary competition on repeated folds, its ladder and a blend of it."""
    ref = arena.create_competition(make_bundle(tmp_path / "small", "binary", n=600)).ref
    advice = coach.advise_split(ref)
    assert advice.split == "repeated" and advice.repeats >= 3
    ladder = coach.ladder(ref)
    blend = coach.ensemble(method="weighted")
    return ref, ladder, blend


def test_a_blend_on_repeated_folds_is_compared_with_its_members_on_the_same_basis(repeated):
    ref, ladder, blend = repeated
    ws = coach.use(ref)
    y, folds = ws.task.y(ws.train), ws.folds()
    best = blend.best_single
    # the member's score is the blend's basis (averaged predictions, first repeat's folds), not its recorded CV
    same_basis = mean_score(fold_scores(ws.task, y, best.oof, folds))
    assert blend.best_single_score == pytest.approx(same_basis, abs=1e-12)
    assert blend.best_single_score != pytest.approx(best.cv_mean, abs=1e-9)
    honest = blend.by_method("weighted").honest
    assert blend.gain == pytest.approx(honest - same_basis)
    text = str(blend)
    assert "on the blend's folds (recorded CV" in text and "like for like" in text
    assert blend.run.extra["best_single"] == best.id
    assert blend.run.extra["member_scores"][str(best.id)] == pytest.approx(same_basis)


def test_compare_handles_a_blend_beside_a_repeated_cv_run(repeated):
    ref, ladder, blend = repeated
    member = blend.best_single
    assert member.n_fits != blend.run.n_fits  # 5 x repeats against 5: the shapes that used to clash
    result = coach.compare(member.id, blend.run.id)
    assert result.basis == BASIS and result.n == 5
    assert f"compared on {BASIS}" in str(result)
    # two runs fitted alike keep their own fold scores
    other = next(r.run for r in ladder.rungs if r.run.id != member.id and r.run.name != "ladder: constant")
    same = coach.compare(member.id, other.id)
    assert same.basis == "the runs' own fold scores" and same.n == member.n_fits


def test_compare_says_why_not_for_a_run_against_itself(repeated):
    ref, ladder, blend = repeated
    with pytest.raises(ScrimmageError) as err:
        coach.compare(blend.run.id, blend.run.id)
    assert str(err.value) == (f"run {blend.run.id} {blend.run.name!r} is compared with itself; name two different runs")


def test_runs_on_different_folds_are_not_listed_side_by_side_without_a_word(tmp_path, arena):
    from click.testing import CliRunner

    from scrimmage.cli import _register, cli

    _register()

    ref = arena.create_competition(make_bundle(tmp_path / "b", "binary")).ref
    coach.advise_split(ref, split="random")
    coach.ladder(ref)
    coach.advise_split(ref, split="stratified")
    coach.ladder(ref)
    out = CliRunner().invoke(cli, ["coach", "runs", ref], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "These runs used 2 different fold assignments (splits 1, 2): a CV is comparable only with CVs of the " \
           "same split." in out.output
