"""metric_file and metric_files: canonical names inside the bundle, hidden from participants."""

import pytest

from bundles import write_bundle
from scrimmage.bundle import load_bundle
from scrimmage.errors import BundleError

METRIC = "def score(solution, submission, row_id_column_name):\n    return 1.0\n"


def bundle(tmp_path, toml: str):
    folder = write_bundle(tmp_path / "b", n=20, extra_toml="greater_is_better = true\nmetric_timeout = 300\n" + toml)
    (folder / "metric.py").write_text(METRIC)
    (folder / "helper.py").write_text("X = 1\n")
    return folder


def test_spellings_of_a_hidden_file_are_one_name(tmp_path):
    b = load_bundle(bundle(tmp_path, 'metric_file = "./metric.py"\nmetric_files = ["sub/../helper.py"]\n'))
    assert (b.metric_file, b.metric_files) == ("metric.py", ("helper.py",))
    assert b.public_files == ("sample_submission.csv", "test.csv", "train.csv")


def test_the_first_of_metric_files_is_the_metric_without_metric_file(tmp_path):
    b = load_bundle(bundle(tmp_path, 'metric_files = ["metric.py", "helper.py"]\n'))
    assert (b.metric_file, b.metric_files) == ("metric.py", ("metric.py", "helper.py"))
    assert "helper.py" not in b.public_files and "metric.py" not in b.public_files


@pytest.mark.parametrize("toml, problem", [
    ('metric_file = "metric.py"\nmetric_files = ["../outside.py"]\n',
     "metric_files: '../outside.py' points outside the bundle folder; keep metric files inside it"),
    ('metric_file = "metric.py"\nmetric_files = ["/etc/passwd"]\n',
     "metric_files: '/etc/passwd' must be a path inside the bundle folder, like \"metric.py\""),
    ('metric_file = "metric.py"\nmetric_files = ["nope.json"]\n', "metric_files 'nope.json' not found in the bundle"),
    ('metric_file = "metric.py"\nmetric_files = ["./solution.csv"]\n',
     "metric_files './solution.csv' is a file every bundle has; name your own metric files"),
    ('metric_file = "metric.py"\nmetric_files = [1]\n', "metric_files must be a list of strings"),
    ('metric_file = "helper.txt"\n', "metric_file 'helper.txt' not found in the bundle"),
])
def test_bad_metric_files_are_reported(tmp_path, toml, problem):
    with pytest.raises(BundleError) as info:
        load_bundle(bundle(tmp_path, toml))
    assert info.value.problems == [problem]


def test_a_metric_file_must_be_python(tmp_path):
    folder = bundle(tmp_path, 'metric_file = "weights.json"\n')
    (folder / "weights.json").write_text("{}")
    with pytest.raises(BundleError) as info:
        load_bundle(folder)
    assert info.value.problems == ["metric_file 'weights.json' must be a Python file (.py) with a score function"]
