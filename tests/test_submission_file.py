"""Reading a submission file: encodings, compression, header, parsing; every problem at once, the texts pinned."""

import gzip
import zipfile

import pytest

from submission_files import GOOD, problems, solution, write
from scrimmage.submissions import check_and_align


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


@pytest.mark.parametrize("text, kind", [
    ("<!DOCTYPE html>\n<html><body>Titanic</body></html>\n", "a web page (HTML or XML; was a page saved instead of the file?)"),
    ("  <html lang='en'>\n</html>\n", "a web page (HTML or XML; was a page saved instead of the file?)"),
    ('{"cells": [], "metadata": {}}\n', "JSON (a notebook or a JSON export?)"),
    ('[{"id": "007", "target": 0.1}]\n', "JSON (a notebook or a JSON export?)"),
])
def test_a_file_plainly_not_csv_is_named(tmp_path, text, kind):
    assert problems(tmp_path, text) == [f"the file is {kind}, not CSV: submit a CSV with the header of "
                                        "sample_submission.csv (id, target), e.g. written by pandas' to_csv(path, index=False)"]


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
