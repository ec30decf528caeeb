"""The Arena on the real SQLite and PostgreSQL: create, submit, limits, selection, reveal."""

import datetime as dt
import os

import pytest
from sklearn.metrics import roc_auc_score

from bundles import solution_targets, write_bundle, write_predictions
from scrimmage.errors import (
    ConflictError,
    ForbiddenError,
    LimitError,
    NotFoundError,
    ScoringError,
    ScrimmageError,
    SubmissionError,
)
from scrimmage.arena import Arena


@pytest.fixture
def arena(db_url):
    return Arena()


@pytest.fixture
def comp(arena, bundle):
    return arena.create_competition(bundle)


def expected_scores(folder, path):
    import csv

    truth = solution_targets(folder)
    with open(folder / "solution.csv") as fh:
        usage = {r["id"]: r["Usage"] for r in csv.DictReader(fh)}
    with open(path) as fh:
        pred = {r["id"]: float(r["target"]) for r in csv.DictReader(fh)}
    out = {}
    for u in ("Public", "Private"):
        ids = [i for i in truth if usage[i] == u]
        out[u] = roc_auc_score([truth[i] for i in ids], [pred[i] for i in ids])
    return out


def test_create_list_files_download(arena, comp, bundle, tmp_path):
    assert comp.ref == "tiny" and comp.metric == "roc_auc" and comp.greater_is_better
    listed = {c.ref: c for c in arena.list_competitions()}
    assert listed["tiny"].built and not listed["titanic"].built  # the catalogue is listed, built on first use
    assert [p.name for p in arena.files("tiny")] == ["sample_submission.csv", "test.csv", "train.csv"]
    got = arena.download("tiny", tmp_path / "dl")
    assert sorted(p.name for p in got) == ["sample_submission.csv", "test.csv", "train.csv"]
    assert (tmp_path / "dl" / "train.csv").read_bytes() == (bundle / "train.csv").read_bytes()
    assert not (tmp_path / "dl" / "solution.csv").exists()
    with pytest.raises(ConflictError, match="a competition 'tiny' exists already; set another ref in competition.toml"):
        arena.create_competition(bundle)


def test_unknown_competition_lists_known(arena, comp):
    with pytest.raises(NotFoundError, match="no competition 'nope'; known competitions: ames-house-prices, .*, tiny, titanic"):
        arena.competition("nope")


def test_catalogue_competition_is_built_on_first_use(arena, home):
    comp = arena.competition("titanic")
    assert comp.metric == "roc_auc" and "binary-classification" in comp.tags
    assert (home / "catalog" / "titanic" / "competition.toml").exists()
    assert arena.competition("titanic").created_at == comp.created_at  # cached, not rebuilt
    with pytest.raises(ForbiddenError, match="only the host of 'titanic' can do this"):
        arena.close("titanic")


def test_no_ref_and_no_default(arena):
    with pytest.raises(ScrimmageError, match="no competition given: pass REF, or set a default with "
                                             "`scrimmage config set competition REF`"):
        arena.competition(None)


def test_submit_scores_public_and_hides_private(arena, comp, bundle, tmp_path):
    path = write_predictions(tmp_path / "sub.csv", bundle, quality=0.3)
    sub = arena.submit("tiny", path, "first")
    want = expected_scores(bundle, path)
    assert sub.status == "complete"
    assert sub.public_score == pytest.approx(want["Public"])
    assert sub.private_score is None  # hidden until the competition closes
    board = arena.leaderboard("tiny")
    assert [(r.rank, r.team_name, r.score) for r in board.rows] == [(1, "alice", pytest.approx(want["Public"]))]
    with pytest.raises(ForbiddenError, match="the private leaderboard of 'tiny' is hidden until the competition closes"):
        arena.leaderboard("tiny", private=True, user="bob")
    arena.close("tiny")
    [after] = arena.submissions("tiny")
    assert after.private_score == pytest.approx(want["Private"])
    private = arena.leaderboard("tiny", private=True, user="bob")
    assert private.rows[0].score == pytest.approx(want["Private"])


def test_rejected_file_is_kept_listed_and_free(arena, comp, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,target\n999,0.5\n")
    with pytest.raises(SubmissionError) as info:
        arena.submit("tiny", bad, "oops")
    assert "1 id(s) are not in the test set" in str(info.value)
    [sub] = arena.submissions("tiny")
    assert sub.status == "error" and "200 id(s) of the test set are missing" in sub.error
    assert arena.objects.read_bytes(sub.stored_path) == b"id,target\n999,0.5\n"
    assert arena.leaderboard("tiny").rows == []


def test_daily_limit_is_exact_and_errors_do_not_count(arena, bundle, tmp_path):
    write_bundle(tmp_path / "lim", extra_toml="daily_limit = 2\n")
    arena.create_competition(tmp_path / "lim")
    good = write_predictions(tmp_path / "good.csv", bundle)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,target\n")
    for _ in range(3):
        with pytest.raises(SubmissionError):
            arena.submit("lim", bad)
    arena.submit("lim", good)
    arena.submit("lim", good)
    with pytest.raises(LimitError, match="daily submission limit reached: 2 scored submissions per team per UTC day"):
        arena.submit("lim", good)
    subs = arena.submissions("lim")
    assert [s.status for s in subs] == ["error", "complete", "complete", "error", "error", "error"]
    assert subs[0].error.startswith("daily submission limit reached")
    arena.submit("lim", good, user="bob")  # another team has its own limit


def test_final_selection_rules(arena, comp, bundle, tmp_path):
    ids = [arena.submit("tiny", write_predictions(tmp_path / f"s{q}.csv", bundle, quality=q), f"q={q}").id
           for q in (0.2, 0.5, 0.8)]
    arena.select("tiny", ids[0])
    arena.select("tiny", ids[1])
    with pytest.raises(LimitError, match=r"you have already selected 2 of 2 final submissions \(\d+, \d+\); "
                                         r"unselect one first"):
        arena.select("tiny", ids[2])
    arena.select("tiny", ids[1], unselect=True)
    arena.select("tiny", ids[2])
    with pytest.raises(NotFoundError, match="no submission .* of yours in 'tiny'"):
        arena.select("tiny", ids[2], user="bob")
    arena.close("tiny")
    board = arena.leaderboard("tiny", private=True)
    subs = {s.id: s for s in arena.submissions("tiny")}
    assert board.rows[0].score == max(subs[ids[0]].private_score, subs[ids[2]].private_score)
    with pytest.raises(LimitError, match="'tiny' is closed; final selections can no longer change"):
        arena.select("tiny", ids[1])


def test_only_the_host_closes(arena, comp):
    with pytest.raises(ForbiddenError, match="only the host of 'tiny' can do this"):
        arena.close("tiny", user="mallory")


def test_late_submissions_are_scored_not_ranked(arena, bundle, tmp_path):
    write_bundle(tmp_path / "past", extra_toml="deadline = 2020-01-01T00:00:00Z\n")
    arena.create_competition(tmp_path / "past")
    sub = arena.submit("past", write_predictions(tmp_path / "s.csv", bundle))
    assert sub.late and sub.private_score is not None
    assert arena.leaderboard("past").rows == []


def test_many_teams_rank_and_medals(arena, comp, bundle, tmp_path):
    for k, q in enumerate([0.05, 0.1, 0.2, 0.3, 0.4]):  # below 0.5: no perfect AUC, no ties
        arena.submit("tiny", write_predictions(tmp_path / f"{k}.csv", bundle, quality=q, seed=k), user=f"user{k}")
    board = arena.leaderboard("tiny")
    scores = {f"user{k}": arena.submissions("tiny", user=f"user{k}")[0].public_score for k in range(5)}
    assert [r.team_name for r in board.rows] == sorted(scores, key=scores.get, reverse=True)
    assert [r.rank for r in board.rows] == [1, 2, 3, 4, 5]
    arena.close("tiny")
    private = arena.leaderboard("tiny", private=True)
    assert [r.medal for r in private.rows] == ["silver", "bronze", None, None, None]  # 5 teams: no gold
    assert private.shake_up.teams == 5


def test_ladder_mode_ignores_tiny_gains(arena, bundle, tmp_path):
    write_bundle(tmp_path / "lad", n=400, extra_toml='leaderboard = "ladder"\ndaily_limit = 20\nmetric = "mae"\n',
                 toml='title = "Ladder"\nid_column = "id"\n')
    arena.create_competition(tmp_path / "lad")
    first = arena.submit("lad", write_predictions(tmp_path / "a.csv", tmp_path / "lad", quality=0.5, seed=1))
    same = arena.submit("lad", write_predictions(tmp_path / "b.csv", tmp_path / "lad", quality=0.5, seed=2))
    assert same.public_score == first.public_score  # not accepted: it shows the Ladder score, not its raw one
    # not beyond the noise: the board keeps the first (were every submission accepted, it would show the last)
    assert [(r.submission_id, r.score) for r in arena.leaderboard("lad").rows] == [(first.id, first.public_score)]
    better = arena.submit("lad", write_predictions(tmp_path / "c.csv", tmp_path / "lad", quality=0.95, seed=3))
    board = arena.leaderboard("lad")
    assert board.rows[0].submission_id == better.id
    assert board.rows[0].score == pytest.approx(better.public_score)
    worse = arena.submit("lad", write_predictions(tmp_path / "d.csv", tmp_path / "lad", quality=0.6, seed=4))
    assert worse.public_score == better.public_score  # mae: clearly worse, not accepted: the Ladder score shows
    assert [r.submission_id for r in arena.leaderboard("lad").rows] == [better.id]


def test_host_metric_file_errors(arena, tmp_path, bundle):
    folder = write_bundle(tmp_path / "host", extra_toml='metric_file = "metric.py"\ngreater_is_better = true\n')
    (folder / "metric.py").write_text(
        "import pandas as pd\n"
        "class ParticipantVisibleError(Exception):\n    pass\n"
        "def score(solution: pd.DataFrame, submission: pd.DataFrame, row_id_column_name: str) -> float:\n"
        "    if (submission['target'] > 0.99).any():\n"
        "        raise ParticipantVisibleError('predictions above 0.99 are not allowed here')\n"
        "    if (submission['target'] < 0.01).any():\n"
        "        raise ValueError('secret detail: ' + str(solution['target'].sum()))\n"
        "    assert 'Usage' not in solution.columns\n"
        "    return float((solution['target'] * submission['target']).mean())\n"
    )
    arena.create_competition(folder)
    ok = tmp_path / "ok.csv"
    ok.write_text("id,target\n" + "".join(f"{i},0.5\n" for i in solution_targets(folder)))
    assert arena.submit("host", ok).public_score > 0
    high = tmp_path / "high.csv"
    high.write_text(ok.read_text().replace("0.5\n", "1.0\n", 1))
    with pytest.raises(ScoringError, match="predictions above 0.99 are not allowed here"):
        arena.submit("host", high)
    low = tmp_path / "low.csv"
    low.write_text(ok.read_text().replace("0.5\n", "0.0\n", 1))
    with pytest.raises(ScoringError) as info:
        arena.submit("host", low)
    assert info.value.message == "scoring error: the metric failed on this submission; the host can see the details"
    assert "secret detail" in info.value.host_detail
    failed = arena.submissions("host")[0]
    assert failed.status == "error" and "secret" not in failed.error


def test_interrupted_scoring_is_marked_failed(arena, comp, bundle, tmp_path):
    """kill -9 during scoring: the next start marks the submission failed, file kept."""
    import signal
    import subprocess
    import sys
    import time

    folder = write_bundle(tmp_path / "slow", extra_toml='metric_file = "metric.py"\ngreater_is_better = true\n')
    (folder / "metric.py").write_text(
        "import time\n"
        "def score(solution, submission, row_id_column_name):\n    time.sleep(3600)\n    return 1.0\n")
    arena.create_competition(folder)
    sub_path = write_predictions(tmp_path / "s.csv", folder)
    proc = subprocess.Popen([sys.executable, "-m", "scrimmage", "competitions", "submit", "slow", "-f", str(sub_path),
                             "-m", "slow one"], env=dict(os.environ))
    deadline = time.time() + 600  # a safety net only: it is pending long before on any machine
    while time.time() < deadline:
        subs = arena.submissions("slow")
        if subs and subs[0].status == "pending":
            break
        time.sleep(0.1)
    assert subs and subs[0].status == "pending"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = Arena()  # the next start
    [sub] = again.submissions("slow")
    assert sub.status == "error"
    assert sub.error.startswith("scoring was interrupted (the scoring process stopped before it finished)")
    assert again.objects.read_bytes(sub.stored_path) == sub_path.read_bytes()
    assert not any(s.status == "pending" for s in again.submissions("slow"))


def test_user_names_are_checked(db_url, monkeypatch):
    monkeypatch.setenv("SCRIMMAGE_USER", "bad name!")
    with pytest.raises(ScrimmageError, match="user name 'bad name!' is not valid"):
        Arena()


def test_deadline_in_the_future_keeps_private_hidden(arena, tmp_path, bundle):
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_bundle(tmp_path / "fut", extra_toml=f"deadline = {future}\n")
    comp = arena.create_competition(tmp_path / "fut")
    assert not comp.closed
    sub = arena.submit("fut", write_predictions(tmp_path / "s.csv", bundle))
    assert sub.private_score is None and not sub.late
