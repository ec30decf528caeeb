"""Rescore every submission of a competition after its host fixed the solution or the metric.

``rescore(arena, ref, user)`` works in three steps:

1. it rebuilds the competition's prepared solution from its ``solution.csv``
   (the host's fixed file) and starts a job (or takes up the one a killed run left);
2. it rescores the submissions in batches of :data:`BATCH` by id (bounded memory),
   keeping each result beside the old one in ``score_history``, one transaction per
   batch that also moves the job's cursor: leaderboards do not change yet;
3. in one transaction it writes every result to the submissions, marks the job done
   and bumps the leaderboards' version once: a leaderboard shows all old or all new
   scores, never half of each.

Killed at any point (``kill -9``), a rerun goes on from the cursor, or applies what
was staged. A submission that scored before and now fails keeps its old scores (and
its place), and the host sees the new error beside it. Every old result stays in
``score_history`` with who rescored, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .competition_files import replace_files
from .errors import ConflictError, ForbiddenError, ScoringError, SubmissionError
from .store import rescores, utcnow

#: Submissions rescored (and held in memory) per transaction.
BATCH = 200


@dataclass(frozen=True)
class RescoreReport:
    ref: str
    job_id: int
    started_by: str
    reason: str
    resumed: bool
    rescored: int
    changed_scores: int
    now_failing: int
    public_ranks_changed: int
    private_ranks_changed: int

    @property
    def ranks_changed(self) -> int:
        return self.public_ranks_changed + self.private_ranks_changed

    def summary(self) -> str:
        return (f"Rescored {self.rescored} submission(s) of {self.ref}: {self.changed_scores} score(s) changed, "
                f"{self.ranks_changed} rank(s) changed ({self.public_ranks_changed} public, "
                f"{self.private_ranks_changed} private), {self.now_failing} now fail (they keep their old scores)")


def rescore(arena, ref: str | None, user: str | None = None, reason: str = "",
            on_progress: Callable[[int, int], None] | None = None, batch: int = BATCH,
            files: dict[str, Path] | None = None) -> RescoreReport:
    """Rescore every scored (or failed) submission of ``ref``; only its host (or an admin) may.

    ``files`` (kept name -> new file: ``solution.csv``, the metric file) replace the kept
    bundle's files first, once the bundle with them passes its checks.
    """
    comp = arena.competition(ref)
    user = user or arena.settings.user
    if not arena.is_host(comp, user):
        raise ForbiddenError(f"only the host of {comp.ref!r} can rescore it")
    with arena.store.read() as conn:
        comp_id = arena.store.competition(conn, comp.ref).id
        left = rescores.running_job(conn, comp_id)
    if files and left is not None:
        raise ConflictError(f"an interrupted rescore of {comp.ref!r} must finish first: rescore it without new files, "
                            "then again with them")
    if files:
        replace_files(arena.objects, arena.storage_key(comp.ref), files, comp.settings.get("metric_file"))
    if left is None:
        arena.refresh_solution(comp.ref)  # the host's fixed solution.csv; a bad one stops here, nothing changed
        with arena.store.write() as conn:
            job_id = rescores.start_job(conn, comp_id, user, reason, utcnow())
    else:
        job_id = left.id
    comp = arena.competition(comp.ref)
    storage = arena.storage_key(comp.ref)
    with arena.store.read() as conn:
        job = rescores.job(conn, job_id)
    done = job.done
    if on_progress:
        on_progress(done, job.total)
    while True:
        with arena.store.read() as conn:
            after = rescores.job(conn, job_id).cursor
            rows = rescores.next_batch(conn, comp_id, after, batch)
        if not rows:
            break
        results = [_rescore_one(arena, comp, storage, row, job.started_by, job.reason) for row in rows]
        with arena.store.write() as conn:
            if not rescores.stage(conn, job_id, results, after, rows[-1].id):
                raise ConflictError(f"another rescore of {comp.ref!r} is running; wait for it to finish")
        done += len(rows)
        if on_progress:
            on_progress(done, max(job.total, done))
    before = _ranks(arena, comp.ref, user)
    with arena.store.write() as conn:
        if not rescores.claim(conn, job_id, utcnow()):
            raise ConflictError(f"another rescore of {comp.ref!r} finished this job meanwhile")
        changed, failing = rescores.apply(conn, job_id, comp_id, utcnow())
        arena.store.bump_board(conn, comp_id)  # once, last: the competition row is locked last
    after_ranks = _ranks(arena, comp.ref, user)
    public = _moved(before[0], after_ranks[0])
    private = _moved(before[1], after_ranks[1])
    with arena.store.write() as conn:
        rescores.record(conn, job_id, changed_scores=changed, changed_ranks=public + private, now_failing=failing)
    return RescoreReport(comp.ref, job_id, job.started_by, job.reason, left is not None, done, changed, failing,
                         public, private)


def _rescore_one(arena, comp, storage: str, row, user: str, reason: str) -> dict:
    old = {"old_status": row.status, "old_public": row.public_score, "old_private": row.private_score,
           "old_error": row.error}
    detail = None
    try:
        try:
            path = arena.objects.local_path(row.stored_path)
        except FileNotFoundError:
            name = row.stored_path.rsplit("/", 1)[-1]
            raise SubmissionError("the submitted file is missing from the arena's store", [
                f"the submitted file is missing from the arena's store ({name})"]) from None
        scores, *_ = arena.score_stored(comp, path, storage)
    except SubmissionError as exc:
        new = {"new_status": "error", "new_public": None, "new_private": None,
               "new_error": "\n".join(exc.problems) or exc.message}
    except ScoringError as exc:
        new = {"new_status": "error", "new_public": None, "new_private": None, "new_error": exc.message}
        detail = exc.host_detail
    else:
        new = {"new_status": "complete", "new_public": scores.public, "new_private": scores.private, "new_error": None}
    note = None
    if new["new_status"] == "error":
        why = f" ({reason})" if reason else ""
        note = f"rescored {utcnow():%Y-%m-%d %H:%M} UTC by {user}{why}: now fails: {new['new_error']}"
        if detail:
            note += f"\n{detail}"
    changed = (new["new_status"] != row.status or new["new_public"] != row.public_score
               or new["new_private"] != row.private_score)
    return {"submission_id": row.id, **old, **new, "host_note": note, "changed": changed}


def _ranks(arena, ref: str, user: str) -> tuple[dict, dict]:
    """Each team's rank on the public and on the private leaderboard (the host sees both)."""
    return tuple({r.team_id: r.rank for r in arena.leaderboard(ref, private=private, user=user).rows}
                 for private in (False, True))


def _moved(before: dict, after: dict) -> int:
    return sum(1 for team in set(before) | set(after) if before.get(team) != after.get(team))


def history(arena, ref: str | None, user: str | None = None) -> list:
    """The competition's rescoring jobs, newest first (host only)."""
    comp = arena.competition(ref, full=False)
    if not arena.is_host(comp, user or arena.settings.user):
        raise ForbiddenError(f"only the host of {comp.ref!r} can see its rescoring history")
    with arena.store.read() as conn:
        return rescores.jobs_of(conn, comp.ref)
