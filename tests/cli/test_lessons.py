"""`scrimmage lessons` end to end: list, create (generate, references, register), show,
the catalogue beside the real datasets, the post-mortem after the close, and every
error message word for word."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import s3

from bundles import write_bundle
from cliutil import run
from scrimmage.arena import Arena

TRAPS = ["time-drift", "group-leakage", "covariate-shift", "leaky-feature", "imbalance", "high-cardinality",
         "small-noisy", "public-overfit", "particle-picking"]


def rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


def test_create_end_to_end(capsys, home, tmp_path):
    code, out, _ = run(capsys, "lessons", "list", "--csv")
    assert code == 0
    assert [(r["trap"], r["created"]) for r in rows(out)] == [(t, "") for t in TRAPS]

    code, out, err = run(capsys, "lessons", "create", "group-leakage", "--rows", "2000", "--seed", "1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == ("Created lesson lesson-group-leakage: Lesson: blood sugar at the next check-up "
                        "(group leakage) (metric roc_auc, higher is better)")
    assert lines[1].startswith("Reference scores to beat (public): constant baseline 0.50000, simple model 0.")
    assert lines[2:] == [
        "Read the story:       scrimmage lessons show lesson-group-leakage",
        "Download the data:    scrimmage competitions download lesson-group-leakage -p lesson-group-leakage",
        "You host it: `scrimmage competitions close lesson-group-leakage` ends it and reveals the private "
        "leaderboard and the post-mortem.",
    ]
    assert err.splitlines() == [
        "Generating 2,000 rows of the group-leakage lesson (seed 1)...",
        "Fitting and scoring the reference pipeline: constant",
        "Fitting and scoring the reference pipeline: simple",
        "Fitting and scoring the reference pipeline: strong",
        "Note: with --seed 1 anyone who knows the seed can rebuild this lesson's answers (solution.csv); "
        "keep it to yourself, or leave --seed out for a secret random one.",
    ]
    comp = Arena().competition("lesson-group-leakage")
    assert [r["name"] for r in comp.settings["reference_scores"]] == ["constant", "simple", "strong"]
    assert "(2,000 rows" in comp.settings["source"] and "seed" not in comp.settings["source"]
    assert [p.name for p in (home / "lessons").iterdir()] == []  # the staging folder is gone

    code, out, _ = run(capsys, "lessons", "list", "--csv")
    assert rows(out)[1]["created"] == "lesson-group-leakage"
    code, out, _ = run(capsys, "competitions", "download", "lesson-group-leakage", "-p", str(tmp_path / "data"), "-q")
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["sample_submission.csv", "test.csv", "train.csv"]

    # another seed under another name; the catalogue lists both beside the real datasets
    code, out, err = run(capsys, "lessons", "create", "group-leakage", "--rows", "1000", "--seed", "2",
                         "--ref", "clinic-2", "--no-references")
    assert code == 0 and out.splitlines()[1] == "Read the story:       scrimmage lessons show clinic-2"
    assert err.splitlines()[0] == "Generating 1,000 rows of the group-leakage lesson (seed 2)..."
    code, out, _ = run(capsys, "lessons", "list", "--csv")
    assert rows(out)[1]["created"] == "clinic-2 lesson-group-leakage"


def test_lessons_sit_beside_the_catalogue(capsys):
    code, out, _ = run(capsys, "competitions", "list", "--csv", "--tag", "lesson")
    listed = rows(out)
    assert [r["ref"] for r in listed] == sorted(f"lesson-{t}" for t in TRAPS)
    imbalance = next(r for r in listed if r["ref"] == "lesson-imbalance")
    assert imbalance["tags"].split()[:2] == ["lesson", "imbalance"] and imbalance["metric"] == "average_precision"
    code, out, _ = run(capsys, "competitions", "list", "--csv", "--tag", "group-leakage")
    assert [r["ref"] for r in rows(out)] == ["lesson-group-leakage"]
    code, out, _ = run(capsys, "competitions", "list", "--csv")
    refs = [r["ref"] for r in rows(out)]
    assert "titanic" in refs and "lesson-time-drift" in refs
    # listed, not created: using it says how to create it
    code, out, err = run(capsys, "competitions", "download", "lesson-imbalance")
    assert code == 1 and out.strip() == ""  # (the progress bar's blank line)
    assert err == ("error: the lesson 'lesson-imbalance' is not created yet: create it with "
                   "`scrimmage lessons create imbalance` (you host it, so you can close it and read the "
                   "post-mortem)\n")


@pytest.mark.parametrize("args, message", [
    (["imbalanse"], "error: unknown lesson trap 'imbalanse'; choose one of: time-drift, group-leakage, "
                    "covariate-shift, leaky-feature, imbalance, high-cardinality, small-noisy, public-overfit, particle-picking\n"),
    (["imbalance", "--rows", "10"], "error: cannot generate the lesson\n"
                                    "  - n_rows must be a whole number of at least 1,000, got 10\n"),
    (["imbalance", "--seed", "-1"], "error: cannot generate the lesson\n  - seed must be a whole number >= 0, got -1\n"),
    (["imbalance", "--ref", "Bad Ref"], "error: invalid ref 'Bad Ref': use at most 80 lowercase letters, digits "
                                        "and '-', starting with a letter or digit\n"),
    (["imbalance", "--ref", "a" * 81], f"error: invalid ref '{'a' * 81}': use at most 80 lowercase letters, digits "
                                       "and '-', starting with a letter or digit\n"),
    (["imbalance", "--ref", "titanic"], "error: a competition 'titanic' exists already; choose another name "
                                        "with --ref NAME\n"),
])
def test_create_errors(capsys, home, args, message):
    code, out, err = run(capsys, "lessons", "create", *args)
    assert (code, out, err) == (1, "", message)
    assert not (home / "lessons").exists() or [p.name for p in (home / "lessons").iterdir()] == []


def test_a_taken_ref_and_show_errors(capsys, tmp_path):
    code, _, err = run(capsys, "lessons", "create", "small-noisy", "--rows", "1000", "--no-references")
    assert code == 0, err
    code, out, err = run(capsys, "lessons", "create", "small-noisy", "--rows", "1000")
    assert (code, out, err) == (1, "", "error: a competition 'lesson-small-noisy' exists already; choose another "
                                       "name with --ref NAME\n")
    run(capsys, "competitions", "create", str(write_bundle(tmp_path / "tiny")))
    code, out, err = run(capsys, "lessons", "show", "tiny")
    assert (code, out, err) == (1, "", "error: 'tiny' is not a lesson; the lessons are listed by "
                                       "`scrimmage lessons list`\n")


def _submission(folder: Path, good: str) -> pd.DataFrame:
    """Predictions right on the ``good`` rows (Public or Private) and reversed on the others."""
    sol = pd.read_csv(folder / "solution.csv", dtype={"visit_id": str})
    y = sol["hba1c_above_target"].astype(float)
    score = (y if good == "Public" else 1 - y).where(sol["Usage"] == "Public", 1 - y if good == "Public" else y)
    return pd.DataFrame({"visit_id": sol["visit_id"], "hba1c_above_target": score * 0.8 + 0.1})


def test_post_mortem_after_the_close(capsys, home, tmp_path, monkeypatch):
    code, _, err = run(capsys, "lessons", "create", "group-leakage", "--rows", "2000")
    assert code == 0, err
    arena = Arena()
    folder = arena.storage("lesson-group-leakage")
    reveal = "## The trap: the same patient on both sides of the fold"

    code, out, _ = run(capsys, "lessons", "show", "lesson-group-leakage")
    assert out.startswith("Lesson: blood sugar at the next check-up (group leakage)   (lesson-group-leakage, "
                          "metric roc_auc)\n\n## Blood sugar at the next check-up\n")
    assert reveal not in out and "## Reference scores\n\n- constant baseline: public 0.50000; predicts" in out
    assert out.endswith("The post-mortem is revealed when the competition closes: scrimmage competitions close "
                        "lesson-group-leakage (its host)\n")
    assert reveal not in arena.competition("lesson-group-leakage").description

    # alice climbs the public leaderboard, bob is right where it counts
    for user, good in (("alice", "Public"), ("bob", "Private")):
        monkeypatch.setenv("SCRIMMAGE_USER", user)
        path = tmp_path / f"{user}.csv"
        _submission(folder, good).to_csv(path, index=False)
        code, _, err = run(capsys, "competitions", "submit", "lesson-group-leakage", "-f", str(path), "-m", good)
        assert code == 0, err
    code, out, err = run(capsys, "competitions", "close", "lesson-group-leakage")
    assert (code, err) == (1, "error: only the host of 'lesson-group-leakage' can do this\n")
    monkeypatch.setenv("SCRIMMAGE_USER", "alice")
    code, out, _ = run(capsys, "competitions", "close", "lesson-group-leakage")
    assert code == 0

    assert reveal in arena.competition("lesson-group-leakage").description
    code, out, _ = run(capsys, "lessons", "show", "lesson-group-leakage")
    assert reveal in out and "The post-mortem is revealed" not in out and "(private 0." in out
    # the post-mortem ends the story: after the data and the reference scores
    ending = arena.competition("lesson-group-leakage").settings["reveal"].strip()
    assert out.endswith("\n\n" + ending + "\n") and out.count(reveal) == 1
    assert out.index("## Data\n") < out.index("## Reference scores\n") < out.index(reveal)

    code, out, _ = run(capsys, "competitions", "leaderboard", "lesson-group-leakage", "--private", "--csv")
    board = rows(out)
    teams = [r for r in board if r["rank"]]
    assert [(r["teamName"], r["publicRank"], r["rank"], r["move"]) for r in teams] == [
        ("bob", "2", "1", "+1"), ("alice", "1", "2", "-1")]
    refs = [r for r in board if not r["rank"]]
    assert sorted(r["teamName"] for r in refs) == [
        "reference: constant baseline", "reference: simple model", "reference: strong model"]
    assert [float(r["score"]) for r in refs] == sorted((float(r["score"]) for r in refs), reverse=True)
    assert board[0]["teamName"] == "bob" and board[0]["medal"] == "gold"
    assert board[0]["byReference"] == "gold: beats the strong model"
    assert board[-1]["teamName"] == "alice" and board[-1]["byReference"] == "does not beat the constant baseline"
    code, out, _ = run(capsys, "competitions", "leaderboard", "lesson-group-leakage", "--private")
    assert "move" in out and "Shake-up:" in out
    assert out.split("Post-mortem\n", 1)[1].startswith(reveal)
    # the public leaderboard keeps its ranks, references interleaved by public score
    code, out, _ = run(capsys, "competitions", "leaderboard", "lesson-group-leakage", "--csv")
    public = rows(out)
    assert [r["teamName"] for r in public][0] == "alice" and public[0]["rank"] == "1"
    assert public[-1]["teamName"] == "bob" and public[-1]["rank"] == "2"


def test_two_homes_make_different_lessons_unless_given_a_seed(capsys, tmp_path, monkeypatch):
    """A participant who runs the same command at home cannot rebuild a lesson's answers: the seed is secret."""
    solutions = []
    for i, seed in enumerate([None, None, "7", "7"]):
        home = tmp_path / f"home{i}"
        monkeypatch.setenv("SCRIMMAGE_HOME", str(home))
        if s3.KIND == "s3":
            s3.use_s3(monkeypatch)  # each home its own store
        args = ["lessons", "create", "imbalance", "--rows", "1000", "--no-references"]
        code, _, err = run(capsys, *args, *(["--seed", seed] if seed else []))
        assert code == 0, err
        kept = Arena().objects
        [solution] = [o.key for o in kept.list("competitions") if o.key.count("/") == 2 and o.name == "solution.csv"]
        solutions.append(kept.read_bytes(solution))
    assert solutions[0] != solutions[1]  # secret seeds: two homes, two lessons
    assert solutions[2] == solutions[3]  # an explicit seed rebuilds the same answers (and says so)


def test_particle_picking_end_to_end(capsys, home, tmp_path):
    """The free-row lesson through the CLI: create, read, download, submit any number of points per tomogram,
    the leaderboard among the references, the close and the post-mortem."""
    code, out, err = run(capsys, "lessons", "create", "particle-picking", "--rows", "4000", "--seed", "1")
    assert code == 0, err
    assert out.splitlines()[0] == ("Created lesson lesson-particle-picking: Lesson: find every ribosome (a threshold "
                                   "for the metric) (metric point_fbeta, higher is better)")
    assert out.splitlines()[1].startswith("Reference scores to beat (public): constant baseline 0.")
    assert err.splitlines()[0] == "Generating 4,000 rows of the particle-picking lesson (seed 1)..."
    code, out, _ = run(capsys, "lessons", "list", "--csv")
    assert rows(out)[-1]["trap"] == "particle-picking" and rows(out)[-1]["created"] == "lesson-particle-picking"
    code, out, _ = run(capsys, "lessons", "show", "lesson-particle-picking")
    assert "## Find every ribosome" in out and "| `candidates.csv` |" in out and "## The trap" not in out
    data = tmp_path / "data"
    code, _, err = run(capsys, "competitions", "download", "lesson-particle-picking", "-p", str(data), "-q")
    assert code == 0, err
    assert sorted(p.name for p in data.iterdir()) == ["candidates.csv", "sample_submission.csv", "test.csv",
                                                       "train.csv"]
    candidates, test = pd.read_csv(data / "candidates.csv"), pd.read_csv(data / "test.csv")
    mine = candidates[candidates["tomogram_id"].isin(test["tomogram_id"])]
    path = tmp_path / "picks.csv"
    mine[mine["score"] >= 0.25][["tomogram_id", "x", "y", "z"]].to_csv(path, index=False)
    assert pd.read_csv(path).groupby("tomogram_id").size().max() > 1  # several rows per tomogram
    code, out, err = run(capsys, "competitions", "submit", "lesson-particle-picking", "-f", str(path), "-m", "score")
    assert code == 0, err
    public = float(out.split("Public score: ")[1].split()[0])
    assert 0.3 < public < 1
    code, out, _ = run(capsys, "competitions", "leaderboard", "lesson-particle-picking", "--csv")
    board = rows(out)
    assert [r["teamName"] for r in board if r["rank"]] == ["alice"]
    assert sorted(r["teamName"] for r in board if not r["rank"]) == [
        "reference: constant baseline", "reference: simple model", "reference: strong model"]
    code, out, _ = run(capsys, "competitions", "close", "lesson-particle-picking")
    assert code == 0
    code, out, _ = run(capsys, "competitions", "leaderboard", "lesson-particle-picking", "--private")
    post = out.split("Post-mortem\n", 1)[1]
    assert post.startswith("## The trap: a threshold tuned for the wrong score")
    assert "What your submissions found on the private tomograms" in post and " kept): submission 1 'score': " in post
    code, out, _ = run(capsys, "lessons", "show", "lesson-particle-picking")
    assert "## The trap: a threshold tuned for the wrong score" in out and "(private 0." in out
