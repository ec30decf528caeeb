"""The CLI in Kaggle's vocabulary: tables, --csv, one line per problem on stderr, exit codes."""

import csv
import io
import json
import subprocess
import sys

import pytest

from bundles import write_bundle, write_predictions
from cliutil import run


@pytest.fixture
def created(capsys, bundle):
    code, out, _ = run(capsys, "competitions", "create", str(bundle))
    assert code == 0, out
    return bundle


def test_create_and_list(capsys, created):
    code, out, _ = run(capsys, "c", "list", "--csv")
    assert code == 0
    rows = {r["ref"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["tiny"]["metric"], rows["tiny"]["teamCount"], rows["tiny"]["userHasEntered"]) == ("roc_auc", "0", "False")
    assert "titanic" in rows
    code, out, _ = run(capsys, "c", "list", "--csv", "--tag", "time-split")
    refs = [r["ref"] for r in csv.DictReader(io.StringIO(out))]
    assert "nyc-flight-delays" in refs and "titanic" not in refs and "tiny" not in refs
    code, out, _ = run(capsys, "c", "list", "--csv", "-s", "Tiny")
    assert [r["ref"] for r in csv.DictReader(io.StringIO(out))] == ["tiny"]


def test_files_and_download(capsys, created, tmp_path):
    code, out, _ = run(capsys, "competitions", "files", "tiny", "--csv")
    assert [r["name"] for r in csv.DictReader(io.StringIO(out))] == ["sample_submission.csv", "test.csv", "train.csv"]
    code, out, _ = run(capsys, "competitions", "download", "tiny", "-p", str(tmp_path / "data"))
    assert code == 0 and "train.csv" in out
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["sample_submission.csv", "test.csv", "train.csv"]
    code, _, err = run(capsys, "competitions", "download", "tiny", "-f", "solution.csv", "-p", str(tmp_path / "x"))
    assert code == 1
    assert err == "error: no public file 'solution.csv'; the files are: sample_submission.csv, test.csv, train.csv\n"


def test_submit_submissions_leaderboard(capsys, created, tmp_path):
    sub = write_predictions(tmp_path / "sub.csv", created, quality=0.3)
    code, out, err = run(capsys, "c", "submit", "tiny", "-f", str(sub), "-m", "baseline")
    assert code == 0, err
    assert out.startswith("Successfully submitted to tiny (submission 1)\nPublic score: 0.")
    assert out.endswith("\n4 of 5 submissions left today (UTC)\n")
    code, out, _ = run(capsys, "c", "submissions", "tiny", "--csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["fileName"], row["description"], row["status"], row["privateScore"]) == ("sub.csv", "baseline", "complete", "")
    code, out, _ = run(capsys, "c", "leaderboard", "tiny", "--csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["rank"], row["teamName"]) == ("1", "alice")
    assert len(row["score"].split(".")[1]) == 5  # Kaggle shows 5 decimals
    code, out, _ = run(capsys, "c", "leaderboard", "tiny")
    assert "public leaderboard" in out and "alice" in out


def test_rejected_submission_prints_every_problem(capsys, created, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,target\n200,abc\n200,0.5\n")
    code, out, err = run(capsys, "c", "submit", "tiny", "-f", str(bad), "-m", "bad")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "error: submission rejected: 4 problem(s) found",
        "  - column 'target' must hold numbers; 1 row(s) do not, e.g. id 200: 'abc'",
        "  - 1 id(s) appear more than once (2 rows), e.g. '200'",
        "  - 199 id(s) of the test set are missing, e.g. '201', '202', '203', '204', '205'",
        "  - the file has 2 rows; expected 200, one per test id",
    ]
    code, out, _ = run(capsys, "c", "submissions", "tiny", "--csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["status"] == (
        "error: column 'target' must hold numbers; 1 row(s) do not, e.g. id 200: 'abc'; "
        "1 id(s) appear more than once (2 rows), e.g. '200'; "
        "199 id(s) of the test set are missing, e.g. '201', '202', '203', '204', '205'; "
        "the file has 2 rows; expected 200, one per test id")
    code, out, _ = run(capsys, "c", "submissions", "tiny")
    assert code == 0
    assert out.splitlines()[-5:] == [
        "Submission 1 (bad.csv) was rejected; every problem:",
        "  - column 'target' must hold numbers; 1 row(s) do not, e.g. id 200: 'abc'",
        "  - 1 id(s) appear more than once (2 rows), e.g. '200'",
        "  - 199 id(s) of the test set are missing, e.g. '201', '202', '203', '204', '205'",
        "  - the file has 2 rows; expected 200, one per test id",
    ]
    good = write_predictions(tmp_path / "good.csv", created, quality=0.3)
    code, out, _ = run(capsys, "c", "submit", "tiny", "-f", str(good), "-m", "good")
    assert "5 of 5" not in out and out.endswith("\n4 of 5 submissions left today (UTC)\n")  # the rejected one is free


def test_private_leaderboard_after_close(capsys, created, tmp_path):
    run(capsys, "c", "submit", "tiny", "-f", str(write_predictions(tmp_path / "s.csv", created, 0.3)), "-m", "x")
    code, _, err = run(capsys, "c", "leaderboard", "tiny", "--private")
    # the host has a team in it, so before the reveal they see it as every participant does
    assert (code, err) == (1, "error: the private leaderboard of 'tiny' is hidden until the competition closes; "
                              "you have a team in it, so you see it as every participant does\n")
    code, out, _ = run(capsys, "c", "close", "tiny")
    assert out.startswith("Closed tiny; the private leaderboard is revealed")
    code, out, _ = run(capsys, "c", "leaderboard", "tiny", "--private")
    assert "private leaderboard" in out and "Shake-up:" in out
    code, out, _ = run(capsys, "c", "leaderboard", "tiny", "--private", "--csv")
    assert list(csv.DictReader(io.StringIO(out)))[0]["publicRank"] == "1"


STRONG_BELOW_SIMPLE = """
[[reference_scores]]
name = "simple"
public = 0.60532
private = 0.6
[[reference_scores]]
name = "strong"
public = 0.53685
private = 0.7
"""


def test_the_medal_legend_says_where_the_bars_are(capsys, tmp_path):
    """lesson-imbalance's references: the strong model below the simple one on public, above it on private."""
    folder = write_bundle(tmp_path / "refs", extra_toml=STRONG_BELOW_SIMPLE)
    assert run(capsys, "c", "create", str(folder))[0] == 0
    run(capsys, "c", "submit", "refs", "-f", str(write_predictions(tmp_path / "s.csv", folder, 0.3)), "-m", "x")
    code, out, _ = run(capsys, "c", "leaderboard", "refs")
    assert out.splitlines()[-1] == ("Medals by reference (fewer than 20 teams): no reference beats the simple model, "
                                    "so the bars meet: gold beats it, and with it every reference; there is no "
                                    "silver or bronze.")
    run(capsys, "c", "close", "refs")
    code, out, _ = run(capsys, "c", "leaderboard", "refs", "--private")
    assert ("Medals by reference (fewer than 20 teams): bronze beats the simple model, silver is halfway from there "
            "to the strong model, gold beats every reference.") in out.splitlines()


def test_select_and_default_competition(capsys, created, tmp_path):
    run(capsys, "c", "submit", "tiny", "-f", str(write_predictions(tmp_path / "s.csv", created)), "-m", "x")
    code, out, _ = run(capsys, "config", "set", "competition", "tiny")
    assert code == 0
    code, out, _ = run(capsys, "c", "select", "1")
    assert out == "Submission 1 selected for the private leaderboard\n"
    code, out, _ = run(capsys, "c", "select", "tiny", "1", "--unselect")
    assert out == "Submission 1 unselected for the private leaderboard\n"
    code, out, _ = run(capsys, "c", "submissions")  # REF from the config
    assert code == 0 and "s.csv" in out


def test_missing_file_and_unknown_competition(capsys, created):
    code, _, err = run(capsys, "c", "submit", "tiny", "-f", "/nope.csv", "-m", "x")
    assert (code, err) == (1, "error: no file at /nope.csv: give the path of your submission CSV\n")
    code, _, err = run(capsys, "c", "files", "titanik")
    assert code == 1 and err.startswith("error: no competition 'titanik'; known competitions:")


def test_bad_bundle_lists_problems(capsys, tmp_path):
    folder = write_bundle(tmp_path / "b", toml='title = "T"\nmetric = "nope"\nid_column = "id"\n')
    code, _, err = run(capsys, "c", "create", str(folder))
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"error: {folder} is not a valid competition bundle"
    assert lines[1].startswith("  - unknown metric 'nope'; valid metrics: accuracy, average_precision,")


def test_score_command_prints_json(capsys, tmp_path, bundle):
    sub = write_predictions(tmp_path / "s.csv", bundle, 0.3)
    code, out, err = run(capsys, "score", "--solution", str(bundle / "solution.csv"), "--submission", str(sub),
                         "--metric", "roc_auc")
    assert code == 0, err
    got = json.loads(out)
    assert set(got) == {"public", "private"} and 0.5 < got["public"] <= 1


def test_score_command_with_metric_file(capsys, tmp_path, bundle):
    metric = tmp_path / "m.py"
    metric.write_text("def score(solution, submission, row_id_column_name):\n    return float(len(solution))\n")
    sub = write_predictions(tmp_path / "s.csv", bundle)
    code, out, _ = run(capsys, "score", "--solution", str(bundle / "solution.csv"), "--submission", str(sub),
                       "--metric-file", str(metric))
    assert json.loads(out) == {"public": 50.0, "private": 150.0}


def test_score_command_errors(capsys, tmp_path, bundle):
    code, _, err = run(capsys, "score", "--solution", str(bundle / "solution.csv"), "--submission", str(bundle / "test.csv"))
    assert (code, err) == (1, "error: give exactly one of --metric NAME or --metric-file FILE\n")
    code, _, err = run(capsys, "score", "--solution", str(bundle / "solution.csv"), "--submission", "/nope", "--metric", "mae")
    assert (code, err) == (1, "error: no file at /nope\n")
    code, _, err = run(capsys, "score", "--solution", str(bundle / "solution.csv"), "--submission",
                       str(bundle / "test.csv"), "--metric", "auc")
    assert code == 1 and err.startswith("error: unknown metric 'auc'; choose one of: accuracy,")


def test_no_traceback_without_debug():
    proc = subprocess.run([sys.executable, "-m", "scrimmage", "c", "files", "nope"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: no competition 'nope'")
    proc = subprocess.run([sys.executable, "-m", "scrimmage", "--debug", "c", "files", "nope"], capture_output=True, text=True)
    assert "Traceback" in proc.stderr


def test_config_set_view_and_bad_key(capsys, monkeypatch):
    code, out, _ = run(capsys, "config", "set", "user", "bob")
    assert code == 0
    code, out, _ = run(capsys, "config", "view")
    assert "alice" in out and "$SCRIMMAGE_USER" in out  # the environment wins over the file
    monkeypatch.delenv("SCRIMMAGE_USER")
    code, out, _ = run(capsys, "config", "view")
    assert "bob" in out and "config file" in out
    code, _, err = run(capsys, "config", "set", "colour", "red")
    assert err == ("error: unknown setting 'colour'; valid settings: user, competition, database_url, server, token, "
                   "bwrap, trust_host_code, team_storage_mb, server_storage_mb, storage_url, trusted_proxies\n")


def test_metrics_command_lists_all(capsys):
    from scrimmage import metrics

    code, out, _ = run(capsys, "metrics")
    assert code == 0
    for name in metrics.names():
        assert name in out


def test_create_prints_every_problem_of_a_bundle(capsys, tmp_path):
    folder = write_bundle(tmp_path / "b", n=10, toml='title = "T"\nmetric = "auc"\n')
    with open(folder / "sample_submission.csv", "a") as fh:
        fh.write("999,0.5\n")
    code, out, err = run(capsys, "competitions", "create", str(folder))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"error: {folder} is not a valid competition bundle"
    assert lines[1] == ("  - missing key 'id_column' in competition.toml (sample_submission.csv's first column is 'id': "
                        "add id_column = \"id\")")
    assert lines[2].startswith("  - unknown metric 'auc'; valid metrics: accuracy,")
    assert lines[3:] == ["  - 1 id(s) in sample_submission.csv are not in test.csv, e.g. 999",
                         "  - 1 id(s) in sample_submission.csv are not in solution.csv, e.g. 999"]


def test_config_trust_host_code_takes_true_or_false(capsys):
    code, _, err = run(capsys, "config", "set", "trust_host_code", "maybe")
    assert (code, err) == (1, "error: setting trust_host_code must be true or false, got 'maybe'\n")
    code, _, _ = run(capsys, "config", "set", "trust_host_code", "true")
    from scrimmage.config import Settings

    assert code == 0 and Settings.load().trust_host_code is True
