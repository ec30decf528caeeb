"""Free-row competitions (rows = "free"): bundle checks, submission checks, scoring by id, through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from scrimmage import lessons, metrics
from scrimmage.bundle import load_bundle
from scrimmage.errors import BundleError, SubmissionError
from scrimmage.arena import Arena

TOML = 'title = "Points"\nmetric = "point_fbeta"\nid_column = "id"\nrows = "free"\n'
#: per image: its Usage and its true points (b has none)
TRUTH = {"a": ("Public", [(0, 0), (10, 10)]), "b": ("Public", []), "c": ("Private", [(5, 5)]),
         "d": ("Private", [(1, 1), (2, 2), (50, 50)])}


def write_points(folder, toml=TOML, truth=TRUTH, usage=True):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "competition.toml").write_text(toml)
    (folder / "train.csv").write_text("id,x,y\nt1,3,4\n")
    (folder / "test.csv").write_text("id\n" + "".join(f"{i}\n" for i in truth))
    (folder / "sample_submission.csv").write_text("id,x,y\n" + "".join(f"{i},0,0\n" for i in truth))
    lines = []
    for i, (part, pts) in truth.items():
        tail = f",{part}" if usage else ""
        lines += [f"{i},{x},{y}{tail}" for x, y in pts] or [f"{i},,{tail}"]
    (folder / "solution.csv").write_text("id,x,y" + (",Usage" if usage else "") + "\n" + "\n".join(lines) + "\n")
    return folder


def problems_of(folder) -> list[str]:
    with pytest.raises(BundleError) as info:
        load_bundle(folder)
    return info.value.problems


@pytest.mark.parametrize("toml, problem", [
    (TOML.replace('"free"', '"many"'), 'rows must be "one" (one row per test id) or "free" (any number), got \'many\''),
    (TOML.replace("point_fbeta", "roc_auc"), 'rows = "free" needs a metric that scores free rows (point_fbeta) or a '
                                             "metric_file; 'roc_auc' needs one row per test id"),
    (TOML.replace('rows = "free"\n', ""), "metric 'point_fbeta' scores any number of rows per id: set rows = \"free\""),
    (TOML + 'leaderboard = "ladder"\n', 'rows = "free" does not go with leaderboard = "ladder" (it needs one row per '
                                        "test id)"),
])
def test_bundle_checks_name_the_problem(tmp_path, toml, problem):
    assert problem in problems_of(write_points(tmp_path / "p", toml))


def test_usage_goes_by_id(tmp_path):
    folder = write_points(tmp_path / "p")
    text = (folder / "solution.csv").read_text().replace("a,10,10,Public", "a,10,10,Private")
    (folder / "solution.csv").write_text(text)
    assert problems_of(folder) == [
        "solution.csv gives 1 id(s) rows of different Usage, e.g. a; under rows = \"free\" Public and Private go by "
        "id: give every row of an id the same Usage"]
    assert load_bundle(write_points(tmp_path / "ok")).rows == "free"  # several rows per id are fine


@pytest.fixture
def arena(db_url):
    return Arena()


def test_scores_take_every_row_of_each_part_by_id(arena, tmp_path):
    arena.create_competition(write_points(tmp_path / "points"))
    sub = tmp_path / "sub.csv"
    # a: one hit, one miss; b: a false alarm; c: nothing (a "nothing here" row); d: two hits, a duplicate
    sub.write_text("id,x,y\na,0.5,0\na,30,30\nb,7,7\nc,,\nd,1,1\nd,2,2.5\nd,2,2\n")
    got = arena.submit("points", sub, "mixed")
    m = metrics.get("point_fbeta")
    rows = lambda keep, data: np.array([r for r in data if r[0] in keep], dtype=object).reshape(-1, 3)  # noqa: E731
    truth = [(i, x, y) for i, (_, pts) in TRUTH.items() for x, y in pts]
    pred = [("a", 0.5, 0), ("a", 30, 30), ("b", 7, 7), ("d", 1, 1), ("d", 2, 2.5), ("d", 2, 2)]
    assert got.public_score == pytest.approx(m.compute(rows({"a", "b"}, truth), rows({"a", "b"}, pred)))
    assert got.public_score == pytest.approx(2 * 1 / (2 * 1 + 1 + 2))  # TP 1, FN 1, FP 2
    closed = arena.close("points")
    [sub_info] = arena.submissions("points")
    assert sub_info.private_score == pytest.approx(m.compute(rows({"c", "d"}, truth), rows({"c", "d"}, pred)))
    assert closed.closed


def test_every_problem_of_a_free_row_submission_at_once(arena, tmp_path):
    arena.create_competition(write_points(tmp_path / "points", TOML + "max_rows_per_id = 2\n"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,x,z\n" + "a,1,1\n" * 9)
    with pytest.raises(SubmissionError) as info:
        arena.submit("points", bad)
    assert info.value.problems == ["the header must have the columns of sample_submission.csv: id, x, y; missing: y; "
                                   "unexpected: z", "the file has 9 rows; at most 8 are allowed (2 per test id on average)"]
    bad.write_text("id,x,y\n" + "a,1,1\n" * 8 + "e,1,1\n,2,2\nb,3,\n")
    with pytest.raises(SubmissionError) as info:
        arena.submit("points", bad)
    assert info.value.problems == [
        "the file has 11 rows; at most 8 are allowed (2 per test id on average)",
        "1 row(s) have an empty id",
        "1 id(s) are not in the test set, e.g. e (ids are compared as text, exactly as written in test.csv)",
        "1 row(s) have some prediction columns empty and others filled, e.g. id b; fill them all, or leave them all "
        "empty for an id with nothing",
    ]
    bad.write_text("id,x,y\na,one,1\n")
    with pytest.raises(SubmissionError) as info:
        arena.submit("points", bad)
    assert info.value.problems == ["column 'x' must hold numbers; 1 row(s) do not, e.g. id a: 'one'"]
    empty = tmp_path / "empty.csv"
    empty.write_text("id,x,y\n")  # no rows at all: nothing found anywhere
    assert arena.submit("points", empty).public_score == 0.0
    big = tmp_path / "big.csv"
    big.write_text("id,x,y\n" + "a,1,1\n" * 200_000)
    arena.create_competition(write_points(tmp_path / "small", TOML.replace('title', 'ref = "small"\ntitle')
                                          + "submission_limit_mb = 1\n"))
    with pytest.raises(SubmissionError) as info:
        arena.submit("small", big)
    assert info.value.problems[0].startswith("the file is 1.2 MB, over this competition's 1 MB limit")


def test_a_host_metric_file_gets_every_row_of_the_part(arena, tmp_path):
    toml = TOML.replace('metric = "point_fbeta"', 'metric = "rows"\nmetric_file = "metric.py"\ngreater_is_better = true')
    folder = write_points(tmp_path / "rows", toml)
    (folder / "metric.py").write_text(
        "def score(solution, submission, row_id_column_name):\n"
        "    # rows of the submission per solution row, as a checkable number\n"
        "    return len(submission) * 1000 + len(solution)\n")
    arena.create_competition(folder)
    sub = tmp_path / "s.csv"
    sub.write_text("id,x,y\na,1,1\na,2,2\na,3,3\nd,1,1\n")
    got = arena.submit("rows", sub)
    assert got.public_score == 3 * 1000 + 3  # a's three rows; the solution's a (2) and b (1, "nothing here")


def test_the_generated_competition_through_the_cli(tmp_path):
    env = dict(os.environ)
    run = lambda *args: subprocess.run([sys.executable, "-m", "scrimmage", *args], env=env, capture_output=True,  # noqa: E731
                                       text=True, timeout=300)
    out = run("competitions", "generate", "particle-picking", str(tmp_path / "pp"), "--rows", "2000", "--seed", "7",
              "--ref", "particle-picking")
    assert out.returncode == 0, out.stderr
    assert out.stdout == (f"Wrote the particle-picking lesson's bundle to {tmp_path / 'pp'}; create it with: "
                          f"scrimmage competitions create {tmp_path / 'pp'}\n")
    assert out.stderr.startswith("Note: with --seed 7 anyone who knows the seed can rebuild this lesson's answers")
    again = lessons.generate("particle-picking", tmp_path / "pp2", n_rows=2000, seed=7)
    for name in ("train.csv", "test.csv", "candidates.csv", "solution.csv", "sample_submission.csv"):
        assert (again / name).read_bytes() == (tmp_path / "pp" / name).read_bytes()  # one seed, one bundle
    out = run("competitions", "generate", "particle-picking", str(tmp_path / "pp3"), "--rows", "2000")
    assert out.returncode == 0 and out.stderr == "", out.stderr  # without a seed: a fresh secret one, no note
    assert (tmp_path / "pp3" / "solution.csv").read_bytes() != (tmp_path / "pp" / "solution.csv").read_bytes()
    out = run("competitions", "generate", "particle-picking", str(tmp_path / "pp"))
    assert out.returncode == 1 and "already exists and is not an empty folder" in out.stderr
    out = run("competitions", "generate", "nope", str(tmp_path / "pp4"))
    assert out.returncode == 1 and out.stderr.startswith("error: unknown lesson trap 'nope'; choose one of: time-drift")
    out = run("competitions", "create", str(tmp_path / "pp"))
    assert out.returncode == 0, out.stderr
    out = run("competitions", "files", "particle-picking", "--csv")
    assert "solution.csv" not in out.stdout and "candidates.csv" in out.stdout
    answers = tmp_path / "answers.csv"
    lines = (tmp_path / "pp" / "solution.csv").read_text().splitlines()
    answers.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in lines))  # without Usage
    out = run("competitions", "submit", "particle-picking", "-f", str(answers), "-m", "all")
    assert out.returncode == 0 and "Public score: 1.00000" in out.stdout, out.stdout + out.stderr
    out = run("competitions", "submit", "particle-picking", "-f", str(tmp_path / "pp" / "sample_submission.csv"),
              "-m", "sample")
    assert out.returncode == 0, out.stderr
    bad = tmp_path / "bad.csv"
    training = (tmp_path / "pp" / "train.csv").read_text().splitlines()[1].split(",")[0]
    bad.write_text(f"tomogram_id,x,y,z\n{training},1,2,3\n")  # a training tomogram
    out = run("competitions", "submit", "particle-picking", "-f", str(bad), "-m", "bad")
    assert out.returncode == 1
    assert f"  - 1 id(s) are not in the test set, e.g. {training}" in out.stderr
