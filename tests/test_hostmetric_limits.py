"""Host metric files run in a separate process with a time limit; their errors reach the host only."""

import textwrap

import pytest

from bundles import write_bundle, write_predictions
from scrimmage import hosting
from scrimmage.errors import BundleError, ScoringError
from scrimmage.scoring import GENERIC
from scrimmage.arena import Arena

METRIC = '''
import time

class ParticipantVisibleError(Exception):
    pass

def score(solution, submission, row_id_column_name):
    value = float(submission["target"].iloc[0])
    if value == 0.25:
        time.sleep(3600)
    if value == 0.5:
        raise ValueError("secret host detail")
    if value == 0.75:
        raise ParticipantVisibleError("predictions must not be 0.75")
    return float(abs(solution["target"].values - submission["target"].values).mean())
'''


#: A generous limit where the metric must finish (a loaded machine starts Python slowly), and a short one
#: where it never can (it sleeps an hour): no outcome depends on how fast the machine is.
SAFE_TIMEOUT, SHORT_TIMEOUT = 300, 3


def host(tmp_path, ref: str, timeout: int) -> Arena:
    folder = write_bundle(tmp_path / ref, extra_toml=f'metric_file = "metric.py"\ngreater_is_better = false\n'
                                                     f'metric_timeout = {timeout}\n')
    (folder / "metric.py").write_text(METRIC)
    arena = Arena()
    arena.create_competition(folder, host="hoster")
    return arena


@pytest.fixture
def arena(tmp_path):
    return host(tmp_path, "hm", SAFE_TIMEOUT)


def constant(tmp_path, value, ref="hm"):
    lines = (tmp_path / ref / "sample_submission.csv").read_text().splitlines()
    path = tmp_path / f"c{value}.csv"
    path.write_text("\n".join([lines[0]] + [f"{line.split(',')[0]},{value}" for line in lines[1:]]) + "\n")
    return path


def test_metric_file_scores_in_a_subprocess(arena, tmp_path):
    sub = arena.submit("hm", write_predictions(tmp_path / "s.csv", tmp_path / "hm", 1.0), "good", user="ada")
    assert sub.status == "complete" and sub.public_score == pytest.approx(0.0)


def test_slow_metric_is_stopped_and_only_the_host_sees_why(tmp_path):
    arena = host(tmp_path, "slow", SHORT_TIMEOUT)
    with pytest.raises(ScoringError) as info:
        arena.submit("slow", constant(tmp_path, 0.25, "slow"), "slow", user="ada")
    assert info.value.message == GENERIC
    [mine] = arena.submissions("slow", user="ada")
    assert mine.error == GENERIC and "took longer" not in str(mine)
    [seen] = hosting.submissions(arena, "slow", "hoster")
    assert "metric_file metric.py took longer than 3 s (metric_timeout) per split and was stopped" in seen.host_error


def test_metric_errors_host_only_or_participant_visible(arena, tmp_path):
    with pytest.raises(ScoringError, match=f"^{GENERIC}$"):
        arena.submit("hm", constant(tmp_path, 0.5), "boom", user="ada")
    with pytest.raises(ScoringError, match="^predictions must not be 0.75$"):
        arena.submit("hm", constant(tmp_path, 0.75), "visible", user="ada")
    host_view = {s.submission.description: s.host_error for s in hosting.submissions(arena, "hm", "hoster")}
    assert "ValueError: secret host detail" in host_view["boom"]
    assert all("secret host detail" not in (s.error or "") for s in arena.submissions("hm", user="ada"))


def test_metric_file_that_hangs_on_import_is_rejected(tmp_path):
    folder = write_bundle(tmp_path / "hang", extra_toml='metric_file = "metric.py"\ngreater_is_better = true\nmetric_timeout = 2\n')
    (folder / "metric.py").write_text(textwrap.dedent("""
        import time
        time.sleep(3600)
        def score(solution, submission, row_id_column_name):
            return 1.0
    """))
    with pytest.raises(BundleError) as info:
        Arena().create_competition(folder)
    assert info.value.problems == ["metric_file metric.py took longer than 2 s (metric_timeout) and was stopped while importing"]


@pytest.mark.parametrize("value, problem", [("0", "metric_timeout must be positive (seconds), got 0"),
                                            ("601", "metric_timeout must be at most 600 seconds, got 601")])
def test_metric_timeout_must_be_positive_and_at_most_ten_minutes(tmp_path, value, problem):
    from scrimmage.bundle import load_bundle

    folder = write_bundle(tmp_path / "t", extra_toml=f"metric_timeout = {value}\n")
    with pytest.raises(BundleError) as info:
        load_bundle(folder)
    assert info.value.problems == [problem]


@pytest.mark.parametrize("body, detail", [
    ("import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)",
     "metric_file metric.py stopped without an answer (killed by SIGKILL) (it may have gone over a resource limit: "
     "memory, processes, CPU time, file size)"),
    ("print('almost done')\n    import os\n    os._exit(3)",
     "metric_file metric.py stopped without an answer (exit status 3) (it may have gone over a resource limit: "
     "memory, processes, CPU time, file size); its last output: almost done\n"),
    ("return 'high'", "score returned str, not a number"),
])
def test_a_metric_that_dies_or_answers_nonsense_is_reported_to_the_host(tmp_path, body, detail):
    folder = write_bundle(tmp_path / "odd", extra_toml='metric_file = "metric.py"\ngreater_is_better = false\n'
                                                    f'metric_timeout = {SAFE_TIMEOUT}\n')
    (folder / "metric.py").write_text(f"def score(solution, submission, row_id_column_name):\n    {body}\n")
    arena = Arena()
    arena.create_competition(folder, host="hoster")
    with pytest.raises(ScoringError) as info:
        arena.submit("odd", write_predictions(tmp_path / "s.csv", folder, 1.0), "x", user="ada")
    assert (info.value.message, info.value.host_detail) == (GENERIC, detail)
