import pytest

from bundles import write_bundle
from scrimmage import metrics
from scrimmage.bundle import load_bundle
from scrimmage.errors import BundleError, NotFoundError


def problems_of(folder):
    with pytest.raises(BundleError) as info:
        load_bundle(folder)
    return info.value.problems


def test_minimal_toml_gets_every_default(tmp_path):
    folder = write_bundle(tmp_path / "breast-cancer", usage=False)
    b = load_bundle(folder)
    assert b.ref == "breast-cancer"
    assert b.targets == ("target",)
    assert b.prediction_columns == ("target",)
    assert (b.public_fraction, b.daily_limit, b.final_selections, b.deadline) == (0.25, 5, 2, None)
    assert b.leaderboard == "kaggle"
    assert not b.has_usage
    assert b.public_files == ("sample_submission.csv", "test.csv", "train.csv")


def test_optional_keys_are_read(tmp_path):
    folder = write_bundle(tmp_path / "x", extra_toml='ref = "custom"\ndeadline = 2030-01-02T03:04:05Z\n'
                          'daily_limit = 3\nleaderboard = "ladder"\ntags = ["tabular"]\n')
    (folder / "weather.csv").write_text("a\n1\n")
    b = load_bundle(folder)
    assert (b.ref, b.daily_limit, b.leaderboard, b.tags) == ("custom", 3, "ladder", ("tabular",))
    assert b.deadline.isoformat() == "2030-01-02T03:04:05+00:00"
    assert "weather.csv" in b.public_files and "solution.csv" not in b.public_files


def test_missing_folder():
    with pytest.raises(NotFoundError, match="no competition folder at /nope"):
        load_bundle("/nope")


def test_every_problem_is_listed_at_once(tmp_path):
    folder = write_bundle(tmp_path / "bad", toml='title = "T"\nmetric = "auc"\nid_column = "id"\nmetrc = 1\n')
    (folder / "train.csv").unlink()
    with open(folder / "sample_submission.csv", "a") as fh:
        fh.write("999,0.5\n")
    found = problems_of(folder)
    assert "missing file train.csv" in found
    assert any(p.startswith("unknown key 'metrc' in competition.toml; valid keys: title, metric,") for p in found)
    assert any(p.startswith("unknown metric 'auc'; valid metrics: accuracy,") for p in found)
    assert "1 id(s) in sample_submission.csv are not in solution.csv, e.g. 999" in found
    assert "missing file train.csv" in found


def test_missing_id_column_hides_no_other_problem(tmp_path):
    """A missing id_column, a bad metric name and id mismatches: all listed at once."""
    folder = write_bundle(tmp_path / "b", n=10, toml='title = "T"\nmetric = "auc"\ndaily_limit = "five"\n')
    with open(folder / "sample_submission.csv", "a") as fh:
        fh.write("999,0.5\n")
    assert problems_of(folder) == [
        "missing key 'id_column' in competition.toml (sample_submission.csv's first column is 'id': "
        "add id_column = \"id\")",
        "key 'daily_limit' in competition.toml must be an integer, got 'five'",
        "unknown metric 'auc'; valid metrics: " + ", ".join(metrics.names()),
        "1 id(s) in sample_submission.csv are not in test.csv, e.g. 999",
        "1 id(s) in sample_submission.csv are not in solution.csv, e.g. 999",
    ]


def test_bad_toml_names_the_line(tmp_path):
    folder = write_bundle(tmp_path / "b", toml='title = "T"\nmetric = roc_auc\n')
    found = problems_of(folder)
    assert len(found) == 1
    assert found[0].startswith("competition.toml is not valid TOML: Invalid value (at line 2, column 10)")


def test_missing_required_keys_and_wrong_types(tmp_path):
    folder = write_bundle(tmp_path / "b", toml='title = 3\ndaily_limit = "five"\n')
    found = problems_of(folder)
    assert "missing key 'metric' in competition.toml" in found
    assert "missing key 'id_column' in competition.toml (sample_submission.csv's first column is 'id': " \
           "add id_column = \"id\")" in found
    assert "key 'title' in competition.toml must be a string, got 3" in found
    assert "key 'daily_limit' in competition.toml must be an integer, got 'five'" in found


def test_bad_values(tmp_path):
    folder = write_bundle(tmp_path / "b", extra_toml='public_fraction = 1.5\nleaderboard = "best"\nref = "Bad Ref"\n')
    found = problems_of(folder)
    assert "public_fraction must be between 0 and 1 (exclusive), got 1.5" in found
    assert "leaderboard must be \"kaggle\" or \"ladder\", got 'best'" in found
    assert "ref 'Bad Ref' must be lowercase letters, digits and '-' (at most 80)" in found


def test_id_problems(tmp_path):
    folder = write_bundle(tmp_path / "b", n=10)
    lines = (folder / "test.csv").read_text().splitlines()
    (folder / "test.csv").write_text("\n".join(lines + [lines[1]]) + "\n")  # duplicate id 010
    (folder / "solution.csv").write_text((folder / "solution.csv").read_text().replace("019,", "19,"))
    found = problems_of(folder)
    assert "test.csv has 2 rows with duplicate ids, e.g. 010" in found
    assert "1 id(s) in sample_submission.csv are not in solution.csv, e.g. 019" in found
    assert "1 id(s) in solution.csv are not in sample_submission.csv, e.g. 19" in found


def test_missing_id_column_and_target(tmp_path):
    folder = write_bundle(tmp_path / "b", extra_toml='targets = ["label"]\n')
    (folder / "test.csv").write_text("key,x\n1,2\n")
    found = problems_of(folder)
    assert "test.csv has no id column 'id' (columns: key, x)" in found
    assert "target column 'label' is missing from solution.csv" in found


def test_metric_file_does_not_go_with_the_ladder(tmp_path):
    folder = write_bundle(tmp_path / "b", extra_toml='metric_file = "metric.py"\ngreater_is_better = true\n'
                                                     'leaderboard = "ladder"\n')
    (folder / "metric.py").write_text("def score(solution, submission, row_id_column_name):\n    return 1.0\n")
    assert problems_of(folder) == [
        'metric_file does not go with leaderboard = "ladder" (the Ladder rescores the public rows hundreds of times '
        'per submission); use a built-in metric or leaderboard = "kaggle"']


def test_usage_values(tmp_path):
    folder = write_bundle(tmp_path / "b", n=8)
    text = (folder / "solution.csv").read_text().replace("Public", "Private")
    (folder / "solution.csv").write_text(text.replace("009,0,Private", "009,0,public").replace("009,1,Private", "009,1,public"))
    found = problems_of(folder)
    assert "solution.csv column Usage has 1 values other than Public, Private, Ignored: 'public'" in found
    assert "solution.csv has no Public row (Usage); a competition needs both" in found


def test_metric_file_needs_direction_and_score(tmp_path):
    folder = write_bundle(tmp_path / "b", extra_toml='metric_file = "metric.py"\n')
    (folder / "metric.py").write_text("def scor(solution, submission, row_id_column_name):\n    return 1.0\n")
    found = problems_of(folder)
    assert "metric_file needs greater_is_better = true or false" in found
    folder = write_bundle(tmp_path / "c", extra_toml='metric_file = "metric.py"\ngreater_is_better = true\n')
    (folder / "metric.py").write_text("def scor(solution, submission, row_id_column_name):\n    return 1.0\n")
    assert problems_of(folder) == ["metric_file metric.py must define score(solution, submission, row_id_column_name)"]
    (folder / "metric.py").write_text("import not_a_module\n")
    assert problems_of(folder) == [
        "metric_file metric.py failed to import: ModuleNotFoundError: No module named 'not_a_module'"
    ]
    (folder / "metric.py").write_text("def score(sol, sub, row_id_column_name):\n    return 1.0\n")
    assert problems_of(folder) == [
        "metric_file metric.py: score's first arguments must be solution, submission, row_id_column_name; "
        "got sol, sub, row_id_column_name"
    ]
    (folder / "metric.py").write_text("def score(solution, submission, row_id_column_name):\n    return 1.0\n")
    assert load_bundle(folder).metric_file == "metric.py"
    assert "metric.py" not in load_bundle(folder).public_files
