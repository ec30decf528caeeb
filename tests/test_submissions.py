"""Every bad submission is reported with every problem at once; the texts are pinned."""

import gzip
import zipfile

import numpy as np
import polars as pl
import pytest

from scrimmage.errors import SubmissionError
from scrimmage.solution import Solution, assign_usage
from scrimmage.submissions import check_and_align

IDS = ["007", "008", "009", "010"]


def solution(targets=("target",), predictions=None, values=None):
    data = {"id": IDS}
    for t in targets:
        data[t] = values if values is not None else [0, 1, 1, 0]
    data["Usage"] = ["Public", "Private", "Private", "Private"]
    return Solution("id", tuple(targets), tuple(predictions or targets), pl.DataFrame(data))


def write(tmp_path, text: str | bytes, name="sub.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def problems(tmp_path, text, sol=None, kind="score", name="sub.csv", limit_mb=500):
    with pytest.raises(SubmissionError) as info:
        check_and_align(write(tmp_path, text, name), sol or solution(), kind, limit_mb)
    assert info.value.message == f"submission rejected: {len(info.value.problems)} problem(s) found"
    return info.value.problems


GOOD = "id,target\n007,0.1\n008,0.9\n009,0.8\n010,0.2\n"


def test_good_file_aligns_in_solution_order(tmp_path):
    shuffled = "id,target\n010,0.2\n008,0.9\n007,0.1\n009,0.8\n"
    aligned = check_and_align(write(tmp_path, shuffled), solution(), "score")
    assert aligned.y_pred.tolist() == [0.1, 0.9, 0.8, 0.2]
    assert aligned.frame["id"].to_list() == IDS


@pytest.mark.parametrize("variant", ["bom", "crlf", "quoted", "gz", "zip", "spaces"])
def test_accepted_encodings(tmp_path, variant):
    data = GOOD.encode()
    name = "sub.csv"
    if variant == "bom":
        data = b"\xef\xbb\xbf" + data
    elif variant == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif variant == "quoted":
        data = b'"id","target"\n"007","0.1"\n"008",0.9\n009,"0.8"\n"010",0.2\n'
    elif variant == "gz":
        data, name = gzip.compress(data), "sub.csv.gz"
    elif variant == "zip":
        path = tmp_path / "sub.zip"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("predictions.csv", data)
        data, name = path.read_bytes(), "sub.zip"
    elif variant == "spaces":
        data = b"id,target\n007, 0.1\n008,0.9 \n009,0.8\n010,0.2\n"
    aligned = check_and_align(write(tmp_path, data, name), solution(), "score")
    assert aligned.y_pred.tolist() == [0.1, 0.9, 0.8, 0.2]


def test_not_utf8(tmp_path):
    assert problems(tmp_path, b"id,target\n007,\xff\xfe\n") == [
        "the file is not UTF-8 text (invalid byte at position 14); save it as UTF-8"
    ]


def test_binary(tmp_path):
    assert problems(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00") == [
        "the file is not a CSV text file (it holds binary data); save your predictions as CSV"
    ]


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty(tmp_path, text):
    assert problems(tmp_path, text) == ["the file is empty: it needs a header line and one row per test id"]


def test_header_mismatch(tmp_path):
    assert problems(tmp_path, "id,prediction\n007,1\n008,1\n009,1\n010,1\n") == [
        "the header must have the columns of sample_submission.csv: id, target; missing: target; unexpected: prediction"
    ]
    assert problems(tmp_path, "id,prediction\n007,1\n") == [
        "the header must have the columns of sample_submission.csv: id, target; missing: target; unexpected: prediction",
        "3 id(s) of the test set are missing, e.g. '008', '009', '010'",
        "the file has 1 rows; expected 4, one per test id",
    ]


@pytest.mark.parametrize("sep, name", [(";", "semicolons (;)"), ("\t", "tabs"), ("|", "vertical bars (|)")])
def test_other_separator_gets_a_hint_naming_it(tmp_path, sep, name):
    text = GOOD.replace(",", sep).replace("0.", "0," if sep == ";" else "0.")  # a European spreadsheet's decimals too
    header = f"id{sep}target"
    assert problems(tmp_path, text) == [
        f"the header must have the columns of sample_submission.csv: id, target; missing: id, target; "
        f"unexpected: {header}; the file seems to be separated by {name}, not commas: save it as comma-separated "
        "CSV (in pandas: to_csv(path, index=False) without sep=)"
    ]


def test_header_is_case_and_name_exact_but_order_free(tmp_path):
    assert problems(tmp_path, "ID,target\n007,1\n") == [
        "the header must have the columns of sample_submission.csv: id, target; missing: id; unexpected: ID"
    ]
    aligned = check_and_align(write(tmp_path, "target,id\n0.1,007\n0.9,008\n0.8,009\n0.2,010\n"), solution(), "score")
    assert aligned.y_pred.tolist() == [0.1, 0.9, 0.8, 0.2]


def test_repeated_header(tmp_path):
    assert problems(tmp_path, "id,target,target\n007,1,1\n") == [
        "the header repeats column(s) 'target'; each column must appear once"
    ]


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


def test_size_limit(tmp_path):
    assert problems(tmp_path, GOOD, limit_mb=0.00001) == [
        "the file is 0.0 MB, over this competition's 1e-05 MB limit; write fewer decimals or compress it as .csv.gz or .zip"
    ]


def test_ragged_line(tmp_path):
    assert problems(tmp_path, "id,target\n007,0.1\n008,0.9,3\n009,0.8\n010,0.2\n") == [
        "line 3 has 3 fields, but the header has 2"
    ]


def test_zip_with_two_files(tmp_path):
    path = tmp_path / "sub.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", GOOD)
        zf.writestr("b.csv", GOOD)
    assert problems(tmp_path, path.read_bytes(), name="sub.zip") == [
        "the zip archive holds 2 files; it must hold exactly one CSV file"
    ]


def test_broken_gzip(tmp_path):
    assert problems(tmp_path, b"\x1f\x8b\x08\x00garbage", name="x.csv.gz")[0].startswith(
        "the file looks gzip-compressed but cannot be decompressed"
    )


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
