"""Every bad submission is reported with every problem at once; the texts are pinned."""

import numpy as np

from submission_files import IDS, problems, solution, write
from scrimmage.solution import assign_usage
from scrimmage.submissions import check_and_align


def test_good_file_aligns_in_solution_order(tmp_path):
    shuffled = "id,target\n010,0.2\n008,0.9\n007,0.1\n009,0.8\n"
    aligned = check_and_align(write(tmp_path, shuffled), solution(), "score")
    assert aligned.y_pred.tolist() == [0.1, 0.9, 0.8, 0.2]
    assert aligned.frame["id"].to_list() == IDS


def test_id_problems_all_at_once(tmp_path):
    text = "id,target\n007,0.1\n007,0.2\n7,0.5\n009,0.8\n011,0.3\n"
    assert problems(tmp_path, text) == [
        "1 id(s) appear more than once (2 rows), e.g. '007'",
        "2 id(s) of the test set are missing, e.g. '008', '010'",
        "2 id(s) are not in the test set, e.g. '7', '011' (ids are compared as text, exactly as written in test.csv)",
        "the file has 5 rows; expected 4, one per test id",
    ]


def test_wrong_row_count_only(tmp_path):
    assert problems(tmp_path, "id,target\n007,0.1\n008,0.9\n009,0.8\n") == [
        "1 id(s) of the test set are missing, e.g. '010'",
        "the file has 3 rows; expected 4, one per test id",
    ]


def test_empty_id(tmp_path):
    found = problems(tmp_path, "id,target\n007,0.1\n,0.9\n009,0.8\n010,0.2\n")
    assert found[0] == "1 row(s) have an empty id"


def test_bad_values_all_reported(tmp_path):
    text = "id,target\n007,\n008,nan\n009,inf\n010,abc\n"
    assert problems(tmp_path, text) == [
        "column 'target' must hold numbers; 1 row(s) do not, e.g. id 010: 'abc'",
        "column 'target' has 1 empty value(s), e.g. at id '007'",
        "column 'target' has 1 NaN value(s), e.g. at id '008'",
        "column 'target' has 1 infinite value(s), e.g. at id '009'",
    ]


def test_probabilities_outside_range(tmp_path):
    assert problems(tmp_path, "id,target\n007,1.5\n008,-0.1\n009,0.8\n010,0.2\n", kind="probability") == [
        "column 'target' has 2 value(s) outside [0, 1], e.g. at id '007', '008'"
    ]


def test_rows_not_summing_to_one(tmp_path):
    sol = solution(targets=("label",), predictions=("a", "b"), values=["a", "b", "b", "a"])
    text = "id,a,b\n007,0.5,0.5\n008,0.3,0.3\n009,0.2,0.8\n010,0.9,0.2\n"
    assert problems(tmp_path, text, sol=sol, kind="probability") == [
        "2 row(s) have probabilities that do not sum to 1 across a, b, e.g. at id '008', '010'"
    ]


def test_text_labels_and_numeric_labels(tmp_path):
    sol = solution(values=["cat", "dog", "dog", "cat"])
    aligned = check_and_align(write(tmp_path, "id,target\n007,cat\n008,dog\n009,cat\n010,cat\n"), sol, "label")
    assert aligned.y_pred.tolist() == ["cat", "dog", "cat", "cat"]
    assert problems(tmp_path, "id,target\n007,1\n008,yes\n009,0\n010,0\n", kind="label") == [
        "column 'target' must hold numbers; 1 row(s) do not, e.g. id 008: 'yes'"
    ]


def test_messages_never_contain_solution_values(tmp_path):
    sol = solution(values=[123456, 654321, 111111, 999999])
    found = problems(tmp_path, "id,target\n007,x\n008,1\n", sol=sol, kind="number")
    text = "\n".join(found)
    for secret in ("123456", "654321", "111111", "999999"):
        assert secret not in text


def test_assign_usage_is_seeded_and_sized():
    a = assign_usage(1000, 0.25, seed=3)
    assert (a == "Public").sum() == 250
    assert np.array_equal(a, assign_usage(1000, 0.25, seed=3))
    assert not np.array_equal(a, assign_usage(1000, 0.25, seed=4))
    assert sorted(assign_usage(2, 0.1, 0).tolist()) == ["Private", "Public"]
