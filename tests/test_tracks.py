"""Learning tracks: listed, shown with the learner's progress read from real submissions,
and followed end to end from the CLI (create -> download -> submit -> tracks show)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from cliutil import run
from scrimmage import catalog, lessons, metrics, tracks
from scrimmage.references import beaten, from_settings, pipelines
from scrimmage.arena import Arena


def rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


def test_every_track_goes_from_real_data_through_lessons_to_real_data():
    assert tracks.names() == ["tabular-classification", "regression", "validation", "categories"]
    taught = set()
    for track in tracks.tracks():
        assert not track.steps[-1].trap, "a track ends by applying the technique on real data"
        assert any(s.trap for s in track.steps)
        for step in track.steps:
            assert step.goal in ("simple", "strong")
            if step.trap:
                lessons.get(step.trap)
                taught.add(step.trap)
            else:
                assert catalog.reference_scores(step.competition), f"{step.competition} ships reference scores"
    assert taught == set(lessons.names()), "every trap is on some track"
    assert [s.label for s in tracks.get("tabular-classification").steps] == [
        "titanic", "lesson imbalance", "lesson group-leakage", "nyc-flight-delays"]


def test_unknown_track(capsys):
    code, out, err = run(capsys, "tracks", "show", "deep-learning")
    assert (code, out) == (1, "")
    assert err == ("error: unknown track 'deep-learning'; choose one of: tabular-classification, regression, "
                   "validation, categories\n")


def test_tracks_list(capsys):
    code, out, _ = run(capsys, "tracks", "list", "--csv")
    assert code == 0
    listed = rows(out)
    assert [(r["name"], r["done"]) for r in listed] == [
        ("tabular-classification", "0/4"), ("regression", "0/4"), ("validation", "0/8"), ("categories", "0/3")]
    assert listed[0]["steps"] == "titanic -> lesson imbalance -> lesson group-leakage -> nyc-flight-delays"
    code, out, _ = run(capsys, "tracks")  # the group alone lists them too
    assert code == 0 and "tabular-classification" in out and "Follow one: scrimmage tracks show NAME" in out


def _predict(folder: Path, name: str, out: Path) -> Path:
    """A learner's submission: one of scrimmage's reference recipes, fitted on the downloaded train.csv."""
    s = Arena().competition(folder.name).settings
    bundle = SimpleNamespace(id_column=s["id_column"], targets=s["targets"], metric_kwargs=s["metric_kwargs"],
                             prediction_columns=s["prediction_columns"])
    task = pipelines.task_of(bundle, metrics.get(s["metric"]))
    train = pipelines.read_train(folder / "train.csv", bundle.id_column)
    model = pipelines.fit(name, task, train, pipelines._features(folder, task, train))
    pipelines._write_predictions(model, folder, task, out)
    return out


def test_progress_is_read_from_real_submissions(tmp_path):
    arena = Arena()
    track = tracks.get("tabular-classification")
    before = tracks.progress(arena, track)
    assert [(p.ref, p.created, p.submissions, p.done) for p in before] == [
        ("titanic", True, 0, False), (None, False, 0, False), (None, False, 0, False),
        ("nyc-flight-delays", True, 0, False)]
    assert before[0].goal_score == catalog.reference_scores("titanic")[1]["public"]
    assert before[1].next_command() == "scrimmage lessons create imbalance"
    assert before[0].next_command() == "scrimmage competitions download titanic -p titanic"

    data = tmp_path / "titanic"
    arena.download("titanic", data)  # built on first use
    arena.submit("titanic", data / "sample_submission.csv", "a constant")
    [step] = tracks.progress(arena, track)[:1]
    assert (step.best, step.submissions, step.beaten, step.done) == (0.5, 1, [], False)  # a tie beats nothing
    assert step.next_command().startswith("scrimmage competitions submit titanic -f submission.csv -m MESSAGE   "
                                          "(beat the simple model: 0.")

    arena.submit("titanic", _predict(data, "strong", tmp_path / "strong.csv"), "boosting")
    [step] = tracks.progress(arena, track)[:1]
    refs = {r["name"]: r["public"] for r in catalog.reference_scores("titanic")}
    assert step.best == refs["strong"]  # the same recipe on the same split: the same score
    assert (step.submissions, step.beaten, step.done, step.next_command()) == (2, ["constant", "simple"], True, "")


def test_a_lesson_step_counts_any_lesson_of_its_trap():
    arena = Arena()
    lessons.create(arena, "imbalance", n_rows=1_000, ref="fraud-small", references=False)
    step = tracks.progress(arena, tracks.get("tabular-classification"))[1]
    assert (step.ref, step.created, step.references) == ("fraud-small", True, [])
    assert step.next_command() == "scrimmage competitions download fraud-small -p fraud-small"


def test_follow_a_track_end_to_end_from_the_cli(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "tracks", "show", "tabular-classification")
    assert code == 0
    assert out.splitlines()[-1] == "Next (step 1, titanic): scrimmage competitions download titanic -p titanic"

    # step 1: a real dataset, reproduce (here: beat) the simple model
    code, _, err = run(capsys, "competitions", "download", "titanic", "-p", "titanic", "-q")
    assert code == 0, err
    sub = _predict(Path("titanic"), "strong", tmp_path / "titanic-sub.csv")
    code, out, err = run(capsys, "competitions", "submit", "titanic", "-f", str(sub), "-m", "gradient boosting")
    assert code == 0, err
    code, out, _ = run(capsys, "competitions", "leaderboard", "titanic", "--csv")
    board = rows(out)
    assert [r["teamName"] for r in board] == ["alice", "reference: strong model", "reference: simple model",
                                              "reference: constant baseline"]
    assert board[0]["byReference"] == "silver: beats the simple model"  # a tie with the strong model is not gold

    code, out, _ = run(capsys, "tracks", "show", "tabular-classification", "--csv")
    steps = rows(out)
    assert [(s["competition"], s["submissions"], s["beaten"], s["done"]) for s in steps] == [
        ("titanic", "1", "constant, simple", "yes"),
        ("(not created: lesson imbalance)", "0", "", "no"),
        ("(not created: lesson group-leakage)", "0", "", "no"),
        ("nyc-flight-delays", "0", "", "no"),
    ]
    code, out, _ = run(capsys, "tracks", "show", "tabular-classification")
    assert out.splitlines()[-1] == "Next (step 2, lesson imbalance): scrimmage lessons create imbalance"

    # step 2: the lesson, created as the track says
    code, out, err = run(capsys, "lessons", "create", "imbalance", "--rows", "5000")
    assert code == 0, err
    code, out, _ = run(capsys, "tracks", "show", "tabular-classification")
    assert out.splitlines()[-1] == ("Next (step 2, lesson imbalance): scrimmage competitions download "
                                    "lesson-imbalance -p lesson-imbalance")
    code, _, err = run(capsys, "competitions", "download", "lesson-imbalance", "-p", "lesson-imbalance", "-q")
    assert code == 0, err
    sub = _predict(Path("lesson-imbalance"), "simple", tmp_path / "fraud-sub.csv")
    code, out, err = run(capsys, "competitions", "submit", "lesson-imbalance", "-f", str(sub), "-m", "logistic")
    assert code == 0, err
    code, out, _ = run(capsys, "tracks", "show", "tabular-classification", "--csv")
    step = rows(out)[1]
    refs = {r["name"]: r["public"] for r in Arena().competition("lesson-imbalance").settings["reference_scores"]}
    assert (step["competition"], step["submissions"]) == ("lesson-imbalance", "1")
    assert float(step["bestScore"]) == pytest.approx(refs["simple"], abs=1e-5)  # reproduced the simple model
    [mine] = Arena().submissions("lesson-imbalance")
    assert mine.public_score == refs["simple"]  # the same recipe on the same files: the same score
    expected = beaten(mine.public_score, from_settings(Arena().competition("lesson-imbalance").settings), True)
    assert "constant" in expected and "simple" not in expected  # a tie is not a win: beat it next
    assert step["beaten"] == ", ".join(expected) and step["done"] == "no"
    code, out, _ = run(capsys, "tracks", "show", "tabular-classification")
    assert out.splitlines()[-1].startswith("Next (step 2, lesson imbalance): scrimmage competitions submit "
                                           "lesson-imbalance -f submission.csv -m MESSAGE   (beat the simple model: ")
    code, out, _ = run(capsys, "tracks", "list", "--csv")
    assert rows(out)[0]["done"] == "1/4"
