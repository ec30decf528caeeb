"""The notebook API: scrimmage.competition(ref) -> load, submit, submissions, leaderboard."""

import pandas as pd
import pytest

import scrimmage
from scrimmage.errors import SubmissionError
from scrimmage.arena import Arena


@pytest.fixture
def comp(bundle):
    Arena().create_competition(bundle)
    return scrimmage.competition("tiny")


def test_load_and_sample(comp):
    train, test = comp.load()
    assert list(train.columns) == ["id", "x", "target"] and len(train) == 200
    assert list(test.columns) == ["id", "x"] and len(test) == 200
    assert list(comp.sample_submission().columns) == ["id", "target"]
    assert repr(comp) == "<Competition 'tiny': Tiny (roc_auc)>"


def test_submit_dataframe_and_tables(comp):
    train, test = comp.load()
    sub = pd.DataFrame({"id": test["id"], "target": test["x"]})
    result = comp.submit(sub, message="x as score")
    assert result["status"] == "complete" and 0.5 < result["public"] <= 1 and result["private"] is None
    table = comp.submissions()
    assert list(table["description"]) == ["x as score"]
    board = comp.leaderboard()
    assert list(board.columns) == ["rank", "teamId", "teamName", "submissionDate", "score", "entries"]
    assert board.loc[0, "teamName"] == "alice"


def test_bad_dataframe_raises_with_every_problem(comp):
    bad = pd.DataFrame({"id": ["200", "200"], "target": [0.5, None]})
    with pytest.raises(SubmissionError) as info:
        comp.submit(bad, message="bad")
    assert info.value.problems == [
        "1 id(s) appear more than once (2 rows), e.g. '200'",
        "199 id(s) of the test set are missing, e.g. '201', '202', '203', '204', '205'",
        "the file has 2 rows; expected 200, one per test id",
        "column 'target' has 1 empty value(s), e.g. at id '200'",
    ]
    assert comp.submissions().loc[0, "status"] == "error"


def test_ids_keep_their_leading_zeros(tmp_path):
    from bundles import write_bundle

    Arena().create_competition(write_bundle(tmp_path / "zeros", n=50))  # ids 000 ... 099
    train, test = scrimmage.competition("zeros").load()
    assert train["id"].iloc[7] == "007" and test["id"].iloc[0] == "050"
    train, _ = scrimmage.competition("titanic").load()
    assert train["id"].dtype.kind == "i"  # plain integers stay integers


def test_unknown_file(comp):
    with pytest.raises(FileNotFoundError, match="tiny has no public file 'solution.csv'"):
        comp.path("solution.csv")


@pytest.mark.parametrize("kind", ["series", "array", "list"])
def test_submit_predictions_alone_in_test_order(comp, kind):
    import numpy as np

    _, test = comp.load()
    frame = comp.submit(pd.DataFrame({"id": test["id"], "target": test["x"]}), message="frame")
    values = {"series": test["x"], "array": test["x"].to_numpy(), "list": test["x"].tolist()}[kind]
    alone = comp.submit(values, message=kind)
    assert alone["status"] == "complete" and alone["public"] == frame["public"]
    assert np.isclose(comp.submit(test["x"].rename("anything").reset_index(drop=True) * 2)["public"], frame["public"])


def test_submit_a_polars_frame(comp):
    import polars as pl

    _, test = comp.load()
    result = comp.submit(pl.DataFrame({"id": test["id"].astype(str).tolist(), "target": test["x"].tolist()}))
    assert result["status"] == "complete"
    assert result["public"] == comp.submit(test["x"])["public"]


@pytest.mark.parametrize("value, message", [
    ([0.5] * 3, "the predictions have 3 rows but test.csv has 200: give a DataFrame with the columns id, target "
                "(like sample_submission.csv), a file path, or one prediction per row of test.csv in its order "
                "(a Series, numpy array or list)"),
    ([[0.5, 0.5]] * 200, "the predictions have shape 200x2; 'tiny' needs 200x1 (target): give a DataFrame"),
    (0.5, "cannot submit a float: give a DataFrame with the columns id, target"),
    ({"a": 1}, "cannot submit a dict: give a DataFrame with the columns id, target"),
])
def test_submit_says_what_it_needs(comp, value, message):
    with pytest.raises(SubmissionError) as info:
        comp.submit(value)
    assert info.value.message.startswith(message)
    assert comp.submissions().empty  # nothing was sent
