"""Aligning a submission whose rows are in another order than the solution's."""

import numpy as np
import polars as pl
import pytest

from scrimmage.errors import SubmissionError
from scrimmage.solution import Solution
from scrimmage.submissions import _match, check_and_align

N = 3000


def solution(ids):
    rng = np.random.default_rng(1)
    return Solution("id", ("target",), ("target",), pl.DataFrame({
        "id": ids, "target": rng.integers(0, 2, len(ids)),
        "Usage": np.where(rng.random(len(ids)) < 0.25, "Public", "Private"),
    }))


def text_ids(n=N):
    return [f"{i * 7919 % 100_003:06d}" if i % 3 else f"row-{i}" for i in range(n)]


def write(tmp_path, ids, values):
    path = tmp_path / "sub.csv"
    path.write_text("id,target\n" + "".join(f"{i},{v}\n" for i, v in zip(ids, values)))
    return path


def test_match_finds_the_row_of_every_id():
    ids = text_ids()
    perm = np.random.default_rng(0).permutation(N)
    file_ids = pl.Series([ids[i] for i in perm])
    order = _match(file_ids, pl.Series(ids))
    assert order is not None
    assert file_ids.gather(order).to_list() == ids


@pytest.mark.parametrize("change", ["missing", "unknown", "repeated"])
def test_match_gives_up_unless_the_file_holds_each_id_once(change):
    ids = text_ids()
    file_ids = list(reversed(ids))
    if change == "missing":
        file_ids[5] = file_ids[6]  # one id twice, another missing
    elif change == "unknown":
        file_ids[5] = "not-an-id"
    else:
        file_ids[-1] = file_ids[0]
    assert _match(pl.Series(file_ids), pl.Series(ids)) is None


def test_shuffled_file_aligns_in_solution_order(tmp_path):
    ids = text_ids()
    sol = solution(ids)
    values = np.round(np.random.default_rng(2).random(N), 6)
    perm = np.random.default_rng(3).permutation(N)
    aligned = check_and_align(write(tmp_path, [ids[i] for i in perm], values[perm]), sol, "score")
    assert aligned.y_pred.tolist() == values.tolist()
    assert aligned.frame["id"].to_list() == ids
    assert aligned.frame["target"].to_list() == values.tolist()
    assert aligned.frame.columns == ["id", "target"]


def test_value_problems_name_ids_in_solution_order(tmp_path):
    ids = text_ids()
    values = [0.5] * N
    for k in (10, 20, 30, 40, 50, 60, 70):
        values[k] = "nan"
    in_order = write(tmp_path, ids, values)
    with pytest.raises(SubmissionError) as expected:
        check_and_align(in_order, solution(ids), "score")
    perm = np.random.default_rng(4).permutation(N)
    shuffled = write(tmp_path, [ids[i] for i in perm], [values[i] for i in perm])
    with pytest.raises(SubmissionError) as found:
        check_and_align(shuffled, solution(ids), "score")
    assert found.value.problems == expected.value.problems == [
        "column 'target' has 7 NaN value(s), e.g. at id '079190', '058377', 'row-30', '016751', '095941'"
    ]


def test_a_solution_id_written_twice_is_still_reported(tmp_path):
    ids = text_ids(10)
    ids[3] = ids[7]
    with pytest.raises(SubmissionError) as info:
        check_and_align(write(tmp_path, list(reversed(ids)), [0.5] * 10), solution(ids), "score")
    assert any("appear more than once" in p for p in info.value.problems)


def test_file_in_order_at_first_then_shuffled_aligns(tmp_path):
    """The first rows in solution order must not pass for the whole file being in order."""
    ids = text_ids()
    values = np.round(np.random.default_rng(5).random(N), 6)
    head = 500  # far more rows than any prefix a quick check would look at
    perm = np.concatenate([np.arange(head), head + np.random.default_rng(6).permutation(N - head)])
    aligned = check_and_align(write(tmp_path, [ids[i] for i in perm], values[perm]), solution(ids), "score")
    assert aligned.y_pred.tolist() == values.tolist()
    assert aligned.frame["id"].to_list() == ids
    assert aligned.frame["target"].to_list() == values.tolist()


def test_file_shuffled_only_in_its_last_two_rows_aligns(tmp_path):
    ids = text_ids()
    values = np.round(np.random.default_rng(7).random(N), 6)
    perm = np.concatenate([np.arange(N - 2), [N - 1, N - 2]])
    aligned = check_and_align(write(tmp_path, [ids[i] for i in perm], values[perm]), solution(ids), "score")
    assert aligned.y_pred.tolist() == values.tolist()


# -- ids that are plain integers: matched through one array indexed by the number ----------------


def test_integer_ids_shuffled_align_in_solution_order(tmp_path):
    from scrimmage.submissions import _match_integers

    ids = [str(i) for i in range(N)]
    perm = np.random.default_rng(4).permutation(N)
    file_ids = pl.Series([ids[i] for i in perm])
    order = _match_integers(file_ids, pl.Series(ids))
    assert order is not None and file_ids.gather(order).to_list() == ids
    values = np.round(np.random.default_rng(5).random(N), 6)
    aligned = check_and_align(write(tmp_path, file_ids.to_list(), values[perm]), solution(ids), "score")
    assert aligned.y_pred.tolist() == values.tolist()


@pytest.mark.parametrize("written", ["007", "+7", " 7", "7.0", "-7"])
def test_integer_ids_are_still_compared_as_text(tmp_path, written):
    from scrimmage.submissions import _match_integers

    ids = [str(i) for i in range(20)]
    file_ids = list(reversed(ids))
    file_ids[file_ids.index("7")] = written
    assert _match_integers(pl.Series(file_ids), pl.Series(ids)) is None
    with pytest.raises(SubmissionError) as info:
        check_and_align(write(tmp_path, file_ids, [0.5] * 20), solution(ids), "score")
    assert info.value.problems == ["1 id(s) of the test set are missing, e.g. '7'",
                                   f"1 id(s) are not in the test set, e.g. {written!r} "
                                   "(ids are compared as text, exactly as written in test.csv)"]


@pytest.mark.parametrize("change", ["missing", "unknown", "repeated", "sparse"])
def test_integer_match_gives_up_unless_the_file_holds_each_id_once(change):
    from scrimmage.submissions import _match_integers

    ids = [str(i) for i in range(50)]
    file_ids = list(reversed(ids))
    if change == "missing":
        file_ids[5] = file_ids[6]
    elif change == "unknown":
        file_ids[5] = "50"
    elif change == "repeated":
        file_ids[-1] = file_ids[0]
    else:  # numbers far above the row count: the hashed match takes them
        ids = [str(i * 1_000_003) for i in range(50)]
        file_ids = list(reversed(ids))
        assert _match(pl.Series(file_ids), pl.Series(ids)) is not None
    assert _match_integers(pl.Series(file_ids), pl.Series(ids)) is None
