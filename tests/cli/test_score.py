"""``scrimmage score``: a free-row file (any number of rows per id) is scored as the arena scores it."""

import json

import pytest

from bundles import write_predictions
from cliutil import run
from scrimmage import lessons
from scrimmage.arena import Arena


@pytest.fixture(scope="module")
def picking(tmp_path_factory):
    """A real particle-picking bundle: solution and sample submission hold several rows per tomogram."""
    return lessons.generate("particle-picking", tmp_path_factory.mktemp("pp") / "pp", n_rows=2000, seed=7)


def kwargs():
    return ["--kwarg", "radius=60", "--kwarg", "beta=4"]  # the lesson's metric_kwargs


def test_a_free_row_file_scores_as_the_arena_scores_it(capsys, picking):
    sample = picking / "sample_submission.csv"
    code, out, err = run(capsys, "score", "--solution", str(picking / "solution.csv"), "--submission", str(sample),
                         "--metric", "point_fbeta", *kwargs())
    assert code == 0, err
    got = json.loads(out)
    arena = Arena()
    comp = arena.create_competition(picking, host="hal")
    sub = arena.submit(comp.ref, sample, "sample", user="pat")
    assert sub.status == "complete", sub.error
    arena.close(comp.ref, user="hal")
    sub = arena.submission(comp.ref, sub.id, user="pat")
    assert got == {"public": pytest.approx(sub.public_score), "private": pytest.approx(sub.private_score)}
    assert 0 <= got["public"] < 1


def test_the_solution_itself_scores_one_without_usage_split_by_tomogram(capsys, picking, tmp_path):
    lines = (picking / "solution.csv").read_text().splitlines()
    answers = tmp_path / "answers.csv"
    answers.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in lines))  # every ribosome, no Usage
    code, out, err = run(capsys, "score", "--solution", str(answers), "--submission", str(answers),
                         "--metric", "point_fbeta", *kwargs())
    assert code == 0, err
    assert json.loads(out) == {"public": 1.0, "private": 1.0}


def test_a_free_row_file_gets_the_free_row_checks(capsys, picking, tmp_path):
    training = (picking / "train.csv").read_text().splitlines()[1].split(",")[0]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"tomogram_id,x,y,z\n{training},1,2,3\n{training},4,5,6\n")
    code, _, err = run(capsys, "score", "--solution", str(picking / "solution.csv"), "--submission", str(bad),
                       "--metric", "point_fbeta", *kwargs())
    assert code == 1
    assert err.splitlines() == ["error: submission rejected: 1 problem(s) found",
                                f"  - 1 id(s) are not in the test set, e.g. {training} "
                                "(ids are compared as text, exactly as written in test.csv)"]


def test_a_solution_whose_rows_of_one_id_differ_in_usage_is_refused(capsys, picking, tmp_path):
    lines = (picking / "solution.csv").read_text().splitlines()
    first = lines[1].split(",")[0]
    second = next(i for i, line in enumerate(lines) if i > 1 and line.startswith(first + ","))
    flip = {"Public": "Private", "Private": "Public"}
    head, usage = lines[second].rsplit(",", 1)
    lines[second] = f"{head},{flip[usage]}"
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("\n".join(lines) + "\n")
    code, _, err = run(capsys, "score", "--solution", str(mixed), "--submission", str(picking / "sample_submission.csv"),
                       "--metric", "point_fbeta", *kwargs())
    assert (code, err) == (1, f"error: solution.csv gives 1 id(s) rows of different Usage, e.g. {first}; "
                              'under rows = "free" Public and Private go by id: give every row of an id the same Usage\n')


def test_an_ordinary_metric_still_refuses_repeated_ids(capsys, bundle, tmp_path):
    sub = write_predictions(tmp_path / "s.csv", bundle, 0.3)
    rows = sub.read_text().splitlines()
    sub.write_text("\n".join([*rows, rows[1]]) + "\n")  # one id twice
    code, _, err = run(capsys, "score", "--solution", str(bundle / "solution.csv"), "--submission", str(sub),
                       "--metric", "roc_auc")
    assert code == 1
    first = rows[1].split(",")[0]
    assert f"  - 1 id(s) appear more than once (2 rows), e.g. '{first}'" in err.splitlines()
