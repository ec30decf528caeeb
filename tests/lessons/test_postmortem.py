"""The learner's own post-mortem of a closed lesson: their submissions, their validation, the trap's measure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scrimmage import coach, lessons
from scrimmage.errors import ForbiddenError, SubmissionError
from scrimmage.arena import Arena


def _submit(arena, ref, tmp_path, values, name, message):
    sample = pd.read_csv(arena.storage(ref) / "sample_submission.csv")
    sample.iloc[:, 1] = values
    path = tmp_path / f"{name}.csv"
    sample.to_csv(path, index=False)
    return arena.submit(ref, path, message)


def test_public_overfit_shows_the_learners_climb_next_to_the_ladder(tmp_path, home):
    arena = Arena()
    lessons.create(arena, "public-overfit", n_rows=4_000, seed=0, references=False)
    ref = "lesson-public-overfit"
    with pytest.raises(ForbiddenError, match="is revealed when it closes"):
        lessons.postmortem(arena, ref)
    rng = np.random.default_rng(0)
    solution = pd.read_csv(arena.storage(ref) / "solution.csv")
    base = np.clip(0.3 + 0.2 * (solution["responded"].to_numpy() - 0.3) + rng.normal(0, 0.05, len(solution)), 0.02, 0.98)
    subs = [_submit(arena, ref, tmp_path, np.clip(base + rng.normal(0, 0.1, len(base)), 0.02, 0.98), f"s{i}", f"nudge {i}")
            for i in range(5)]
    arena.close(ref)
    pm = lessons.postmortem(arena, ref)
    assert pm.ladder and [ln.submission_id for ln in pm.lines] == [s.id for s in subs]
    assert all(ln.shown is not None and ln.private is not None for ln in pm.lines)
    text = str(pm)
    assert "Ladder" in text.splitlines()[1]
    assert any(n.startswith("Your climb over 5 submissions: your best public score improved on your first by ")
               for n in pm.notes), pm.notes
    assert any(n.startswith("The Ladder showed ") for n in pm.notes)
    assert any(n.startswith("Chosen by public score, your submission ") for n in pm.notes)
    assert any("The coach recorded no validation of yours here. This lesson's right validation is `random`" in n
               for n in pm.notes)


def test_the_learners_coach_validation_is_named_against_the_right_one(tmp_path, home):
    arena = Arena()
    lessons.create(arena, "imbalance", n_rows=3_000, seed=0, references=False)
    ref = "lesson-imbalance"
    coach.advise_split(ref, split="random")
    ladder = coach.ladder(ref)
    (tmp_path / "bad.csv").write_text("id,x\n1,2\n")
    with pytest.raises(SubmissionError):  # rejected: it takes submission id 1, and no line of the post-mortem
        arena.submit(ref, tmp_path / "bad.csv", "wrong columns")
    submitted = [coach.submit(r.run, message=f"rung {i}") for i, r in enumerate(ladder.rungs[1:3], start=1)]
    assert [r.submission_id for r in submitted] == [2, 3]
    arena.close(ref)
    pm = lessons.postmortem(arena, ref)
    assert pm.validation == "random"
    assert {ln.submission_id for ln in pm.lines if ln.cv is not None} == {r.submission_id for r in submitted}
    assert ("Your validation, as the coach recorded it: a `random` split, not the one this lesson proves right "
            "(`stratified`).") in pm.notes
    # every note names a submission by its id, as `scrimmage competitions submissions` lists it, and description
    group, linear = pm.lines
    assert linear.public > group.public and linear.cv > group.cv and linear.private > group.private
    assert pm.notes[:2] == [
        f"Chosen by public score, your submission 3 'rung 2' scored {linear.private:.5f} on private; your best on "
        f"private was submission 3 'rung 2' ({linear.private:.5f}).",
        f"Chosen by your CV (random split), submission 3 'rung 2' scored {linear.private:.5f} on private."]
    assert str(pm).splitlines()[1:4] == [
        "      id    public   private        CV  description",
        f"       2 {group.public:>9.5f} {group.private:>9.5f} {group.cv:>9.5f}  rung 1",
        f"       3 {linear.public:>9.5f} {linear.private:>9.5f} {linear.cv:>9.5f}  rung 2"]
    assert any(n.startswith("Your CV missed the private score by ") for n in pm.notes)


def test_small_noisy_shows_how_far_single_splits_of_the_learners_data_scatter(tmp_path, home):
    from click.testing import CliRunner

    from scrimmage.cli import _register, cli

    arena = Arena()
    lessons.create(arena, "small-noisy", n_rows=2_000, seed=0, references=False)
    ref = "lesson-small-noisy"
    _submit(arena, ref, tmp_path, 0.5, "flat", "constant")
    arena.close(ref)
    pm = lessons.postmortem(arena, ref)
    scatter = next(n for n in pm.notes if n.startswith("On your own training data, a logistic regression on the 12 "
                                                        "measurements scored "))
    low, high = (float(v) for v in scatter.split("between ")[1].split(" AUC")[0].split(" and "))
    spread = float(scatter.split("agreed within ")[1].split(" ")[0])
    assert high - low > 2 * spread  # single splits scatter far more than repeated CVs
    selection = next(n for n in pm.notes if n.startswith("Going through the 150 blood markers and keeping each one "))
    kept = int(selection.split("kept ")[1].split(" ")[0])
    reported = float(selection.split("reported ")[1].split(" ")[0])
    honest = float(selection.split("the models it picked scored ")[1].split(",")[0])
    alone = float(selection.split("measurements alone ")[1].split(". ")[0])
    assert kept > 10 and reported > honest + 0.05 and alone > honest, selection  # the split's luck, selected
    _register()
    out = CliRunner().invoke(cli, ["competitions", "leaderboard", ref, "--private"], catch_exceptions=False)
    assert out.exit_code == 0 and "Your post-mortem" in out.output and "On your own training data" in out.output


def test_particle_picking_shows_what_each_submission_found(tmp_path, home):
    arena = Arena()
    lessons.create(arena, "particle-picking", n_rows=3_000, seed=0, references=False)
    ref = "lesson-particle-picking"
    folder = arena.storage(ref)
    candidates = pd.read_csv(folder / "candidates.csv")
    test = pd.read_csv(folder / "test.csv")
    mine = candidates[candidates["tomogram_id"].isin(test["tomogram_id"])]
    for name, cut in (("strict", 0.4), ("loose", 0.2)):
        mine[mine["score"] >= cut][["tomogram_id", "x", "y", "z"]].to_csv(tmp_path / f"{name}.csv", index=False)
        arena.submit(ref, tmp_path / f"{name}.csv", f"score >= {cut}")
    arena.close(ref)
    pm = lessons.postmortem(arena, ref)
    assert [ln.description for ln in pm.lines] == ["score >= 0.4", "score >= 0.2"]
    assert ("This lesson's right validation is `group` (whole ids held out, scored with the competition's metric); "
            "the habit it punishes is `random`.") in pm.notes
    found = next(n for n in pm.notes if n.startswith("What your submissions found on the private tomograms"))
    measured = []
    for sub, part in zip(pm.lines, found.split("kept): ", 1)[1].split(". With")[0].split("; ")):
        named = f"submission {sub.submission_id} '{sub.description}': "
        assert part.startswith(named), part
        per_id, recall, precision = part[len(named):].split(", ")
        measured.append((float(per_id.split()[0]), float(recall.split()[1]), float(precision.split()[1])))
    (per, recall, precision), (per2, recall2, precision2) = measured
    assert per2 > per and recall2 > recall and precision2 < precision  # keeping more finds more, less precisely
    assert pm.lines[1].private > pm.lines[0].private  # and beta 4 pays for the recall
    for (_, r, p), line in zip(measured, pm.lines):  # F-beta from them is the private score
        assert 17 * p * r / (16 * p + r) == pytest.approx(line.private, abs=0.003)
