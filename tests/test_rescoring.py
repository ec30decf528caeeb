"""Rescoring every submission after the host fixes the solution or the metric: SQLite and PostgreSQL, kill -9."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from bundles import write_bundle, write_predictions
from scrimmage.errors import ForbiddenError
from scrimmage.rescoring import rescore
from scrimmage.arena import Arena
from scrimmage.store import rescores
from scrimmage.store.schema import competitions


@pytest.fixture
def arena(db_url):
    return Arena()


def flip_labels(arena, ref: str) -> None:
    """The host's fix, made in the kept bundle: every label of solution.csv was the wrong way round."""
    key = f"{arena.storage_key(ref)}/solution.csv"
    edited = arena.settings.home.parent / "edited-solution.csv"
    edited.write_bytes(arena.objects.read_bytes(key))
    flip_labels_in(edited)
    arena.objects.put_file(key, edited)


def board(arena, ref, private=False):
    return [(r.team_name, r.score) for r in arena.leaderboard(ref, private=private, user="alice").rows]


def version(arena, ref) -> int:
    with arena.store.read() as conn:
        return conn.execute(select(competitions.c.board_version).where(competitions.c.ref == ref)).scalar_one()


def test_rescore_applies_new_scores_at_once_keeps_history_and_reports(arena, tmp_path):
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)  # hosted by alice
    good = arena.submit("tiny", write_predictions(tmp_path / "g.csv", folder, 0.6), "good", user="bob")
    worse = arena.submit("tiny", write_predictions(tmp_path / "w.csv", folder, 0.2, seed=3), "worse", user="carol")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,target\n000,0.5\n")
    with pytest.raises(Exception):
        arena.submit("tiny", bad, "bad", user="dave")
    assert [t for t, _ in board(arena, "tiny")] == ["bob", "carol"]
    old_version = version(arena, "tiny")

    flip_labels(arena, "tiny")
    with pytest.raises(ForbiddenError, match="only the host of 'tiny' can rescore it"):
        rescore(arena, "tiny", user="bob")
    seen = []
    report = rescore(arena, "tiny", reason="labels were flipped", on_progress=lambda d, t: seen.append((d, t)), batch=2)

    # AUC on flipped labels is 1 - AUC: the order reverses, on both boards
    assert board(arena, "tiny") == [("carol", pytest.approx(1 - worse.public_score)),
                                    ("bob", pytest.approx(1 - good.public_score))]
    assert [t for t, _ in board(arena, "tiny", private=True)] == ["carol", "bob"]
    assert (report.rescored, report.changed_scores, report.now_failing) == (3, 2, 0)  # the rejected file stays rejected
    assert (report.public_ranks_changed, report.private_ranks_changed) == (2, 2)
    assert report.summary() == ("Rescored 3 submission(s) of tiny: 2 score(s) changed, 4 rank(s) changed (2 public, "
                                "2 private), 0 now fail (they keep their old scores)")
    assert seen[0] == (0, 3) and seen[-1] == (3, 3) and len(seen) == 3  # batches of 2: 0, 2, 3
    assert version(arena, "tiny") == old_version + 1  # the boards changed once, at the end

    with arena.store.read() as conn:
        [h] = rescores.history_of(conn, good.id)
        [job] = rescores.jobs_of(conn, "tiny")
    assert (h.old_status, h.old_public, h.new_status) == ("complete", good.public_score, "complete")
    assert h.new_public == pytest.approx(1 - good.public_score) and h.changed
    assert (h.started_by, h.reason, h.state) == ("alice", "labels were flipped", "done")
    assert (job.total, job.done, job.changed_scores, job.changed_ranks, job.now_failing) == (3, 3, 2, 4, 0)


def test_a_submission_that_now_fails_keeps_its_old_score_and_the_host_sees_the_error(arena, tmp_path):
    folder = write_bundle(tmp_path / "host", n=40, extra_toml='metric_file = "metric.py"\ngreater_is_better = false\n')
    (folder / "metric.py").write_text(
        "def score(solution, submission, row_id_column_name):\n"
        "    return float(((solution['target'] - submission['target']) ** 2).mean())\n")
    arena.create_competition(folder)
    high = tmp_path / "high.csv"
    high.write_text("id,target\n" + "".join(f"{i:03d},0.95\n" for i in range(40, 80)))
    half = tmp_path / "half.csv"
    half.write_text("id,target\n" + "".join(f"{i:03d},0.5\n" for i in range(40, 80)))
    fine = arena.submit("host", half, "ok", user="bob")
    loud = arena.submit("host", high, "high", user="carol")
    arena.objects.put_bytes(f"{arena.storage_key('host')}/metric.py", (
        "class ParticipantVisibleError(Exception):\n    pass\n"
        "def score(solution, submission, row_id_column_name):\n"
        "    if submission['target'].max() > 0.9:\n"
        "        raise ParticipantVisibleError('predictions above 0.9 are not allowed')\n"
        "    return float(((solution['target'] - submission['target']) ** 2).mean())\n").encode())

    report = rescore(arena, "host", reason="new rule")
    assert (report.rescored, report.now_failing) == (2, 1)
    [carol] = arena.submissions("host", user="carol")
    assert (carol.status, carol.public_score) == ("complete", loud.public_score)  # old score kept, still on the board
    assert ("carol", loud.public_score) in board(arena, "host")
    from scrimmage import hosting

    [h] = [s for s in hosting.submissions(arena, "host", "alice") if s.submission.id == loud.id]
    assert h.host_error.startswith("rescored ") and "by alice (new rule): now fails: predictions above 0.9 are " \
                                                     "not allowed" in h.host_error
    assert arena.submissions("host", user="bob")[0].public_score == fine.public_score


def test_rescore_killed_halfway_leaves_the_boards_whole_and_a_rerun_finishes(arena, tmp_path, monkeypatch):
    """A real SIGKILL while rescoring: the leaderboards keep every old score; the next run finishes the job."""
    folder = write_bundle(tmp_path / "slow", n=40, extra_toml='metric_file = "metric.py"\ngreater_is_better = false\n')
    (folder / "metric.py").write_text(
        "import time\n"
        "def score(solution, submission, row_id_column_name):\n"
        "    time.sleep(0.5)\n"
        "    return float(((solution['target'] - submission['target']) ** 2).mean())\n")
    arena.create_competition(folder)
    users = ["bob", "carol", "dave", "erin"]
    for k, user in enumerate(users):
        arena.submit("slow", write_predictions(tmp_path / f"{user}.csv", folder, 0.2 * k, seed=k), user, user=user)
    old_public, old_private = board(arena, "slow"), board(arena, "slow", private=True)
    flip_labels(arena, "slow")

    proc = subprocess.Popen([sys.executable, "-m", "scrimmage", "competitions", "rescore", "slow", "--reason", "fix",
                             "--batch-size", "1", "-q"], env=dict(os.environ), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120  # a safety net only
    while True:
        with arena.store.read() as conn:
            job = rescores.running_job(conn, arena.store.competition(conn, "slow").id)
        if job is not None and job.done >= 2:
            break
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    assert board(arena, "slow") == old_public  # halfway: nothing shows yet
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with arena.store.read() as conn:
        job = rescores.job(conn, job.id)
    assert job.state == "running" and 2 <= job.done < len(users)
    again = Arena()  # a fresh process's view
    assert board(again, "slow") == old_public and board(again, "slow", private=True) == old_private

    out = subprocess.run([sys.executable, "-m", "scrimmage", "competitions", "rescore", "slow", "-q"],
                         env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Finished the rescore alice started (fix) and that was interrupted." in out.stdout
    assert f"Rescored {len(users)} submission(s) of slow: {len(users)} score(s) changed" in out.stdout
    fresh = Arena()
    new_public = board(fresh, "slow")
    assert sorted(s for _, s in new_public) != sorted(s for _, s in old_public)
    for sub in (s for u in users for s in fresh.submissions("slow", user=u)):
        with fresh.store.read() as conn:
            assert len(rescores.history_of(conn, sub.id)) == 1  # each rescored once, none twice
    with fresh.store.read() as conn:
        [job] = rescores.jobs_of(conn, "slow")
    assert (job.state, job.done, job.total) == ("done", len(users), len(users))


def test_a_fixed_solution_is_checked_with_the_bundle_before_anything_changes(arena, tmp_path):
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)
    sub = arena.submit("tiny", write_predictions(tmp_path / "g.csv", folder, 0.6), "good", user="bob")
    kept = arena.objects.read_bytes(f"{arena.storage_key('tiny')}/solution.csv")
    short = tmp_path / "short.csv"
    short.write_text("\n".join(kept.decode().splitlines()[:-1]) + "\n")  # the last test id lost
    from scrimmage.errors import BundleError

    with pytest.raises(BundleError) as info:
        rescore(arena, "tiny", files={"solution.csv": short})
    assert info.value.message == "with the new solution.csv the competition's bundle is not valid; nothing was changed"
    assert info.value.problems == ["1 id(s) in sample_submission.csv are not in solution.csv, e.g. 399"]
    assert arena.objects.read_bytes(f"{arena.storage_key('tiny')}/solution.csv") == kept  # nothing changed
    with arena.store.read() as conn:
        assert rescores.jobs_of(conn, "tiny") == []
    with pytest.raises(BundleError, match="only solution.csv and the metric file can be replaced"):
        rescore(arena, "tiny", files={"train.csv": short})

    fixed = tmp_path / "fixed.csv"
    fixed.write_bytes(kept)
    flip_labels_in(fixed)
    out = subprocess.run([sys.executable, "-m", "scrimmage", "competitions", "rescore", "tiny", "--solution", str(fixed),
                          "--reason", "flipped", "-q"], env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ("Rescored 1 submission(s) of tiny: 1 score(s) changed, 0 rank(s) changed "
                                  "(0 public, 0 private), 0 now fail (they keep their old scores)")
    assert arena.objects.read_bytes(f"{arena.storage_key('tiny')}/solution.csv") == fixed.read_bytes()
    assert arena.submissions("tiny", user="bob")[0].public_score == pytest.approx(1 - sub.public_score)
    out = subprocess.run([sys.executable, "-m", "scrimmage", "competitions", "rescore", "tiny", "--metric-file",
                          str(fixed)], env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and "this competition has no metric file; it uses a built-in metric" in out.stderr


def flip_labels_in(path) -> None:
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "target": str(1 - int(row["target"]))})


def test_a_failure_inside_the_applying_transaction_changes_nothing_and_a_rerun_applies(arena, tmp_path, monkeypatch):
    """The results are written to the submissions in one transaction: it commits whole or not at all."""
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)
    for k, user in enumerate(["bob", "carol", "dave"]):
        arena.submit("tiny", write_predictions(tmp_path / f"{user}.csv", folder, 0.3 * k, seed=k), user, user=user)
    old = board(arena, "tiny")
    flip_labels(arena, "tiny")
    real_apply = rescores.apply

    def apply_then_die(conn, *args):
        real_apply(conn, *args)  # every submission updated inside the transaction ...
        raise SystemExit("killed")  # ... which then never commits

    monkeypatch.setattr(rescores, "apply", apply_then_die)
    with pytest.raises(SystemExit):
        rescore(arena, "tiny", reason="fix", batch=1)
    assert board(Arena(), "tiny") == old
    with arena.store.read() as conn:
        [job] = rescores.jobs_of(conn, "tiny")
    assert (job.state, job.done) == ("running", 3)  # staged whole, applied not at all

    monkeypatch.setattr(rescores, "apply", real_apply)
    report = rescore(arena, "tiny")
    assert report.resumed and report.rescored == 3 and report.changed_scores == 3
    assert [s for _, s in board(Arena(), "tiny")] != [s for _, s in old]
