"""The queries of rescoring (see ``scrimmage.rescoring``): jobs, staged results, the one applying transaction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from .schema import competitions, rescore_jobs, score_history, submissions

#: Errors that are refusals, not scoring results: never rescored.
REFUSED_PREFIX = "daily submission limit reached"


def _rescorable(competition_id: int):
    s = submissions
    return and_(s.c.competition_id == competition_id,
                or_(s.c.status == "complete",
                    and_(s.c.status == "error", or_(s.c.error.is_(None), ~s.c.error.startswith(REFUSED_PREFIX)))))


def running_job(conn: Connection, competition_id: int):
    """The competition's unfinished job (interrupted, or running elsewhere), or None."""
    return conn.execute(select(rescore_jobs).where(rescore_jobs.c.competition_id == competition_id,
                                                   rescore_jobs.c.state == "running")).first()


def start_job(conn: Connection, competition_id: int, user: str, reason: str, now: dt.datetime) -> int:
    total = conn.execute(select(func.count()).select_from(submissions).where(_rescorable(competition_id))).scalar_one()
    return conn.execute(insert(rescore_jobs).values(
        competition_id=competition_id, started_by=user, reason=reason, started_at=now, state="running", total=total,
    )).inserted_primary_key[0]


def job(conn: Connection, job_id: int):
    return conn.execute(select(rescore_jobs).where(rescore_jobs.c.id == job_id)).first()


def next_batch(conn: Connection, competition_id: int, after: int, size: int):
    """The next ``size`` submissions to rescore, by id, after submission ``after``."""
    s = submissions
    q = (select(s.c.id, s.c.stored_path, s.c.status, s.c.public_score, s.c.private_score, s.c.error)
         .where(_rescorable(competition_id), s.c.id > after).order_by(s.c.id).limit(size))
    return conn.execute(q).all()


def stage(conn: Connection, job_id: int, rows: list[dict], after: int, cursor: int) -> bool:
    """Keep a batch's results and move the job's cursor from ``after`` past it (in the caller's
    transaction: all or nothing). False when the cursor had moved: another process rescored the batch."""
    moved = conn.execute(update(rescore_jobs).where(rescore_jobs.c.id == job_id, rescore_jobs.c.cursor == after,
                                                    rescore_jobs.c.state == "running")
                         .values(cursor=cursor, done=rescore_jobs.c.done + len(rows))).rowcount
    if moved and rows:
        conn.execute(insert(score_history), [{"job_id": job_id, **r} for r in rows])
    return bool(moved)


def claim(conn: Connection, job_id: int, now: dt.datetime) -> bool:
    """Mark the job done (first thing of the applying transaction); False when it was done already."""
    return bool(conn.execute(update(rescore_jobs).where(rescore_jobs.c.id == job_id, rescore_jobs.c.state == "running")
                             .values(state="done", finished_at=now)).rowcount)


def apply(conn: Connection, job_id: int, competition_id: int, now: dt.datetime) -> tuple[int, int]:
    """Write every staged result of the job to its submission, in the caller's transaction; (changed, now failing).

    A submission scored anew takes its new status and scores. One that was scored
    and now fails keeps its old scores (and stays on the leaderboard); the host sees
    the new error in its host-only detail. One that failed and fails again shows the
    new error.
    """
    h, s = score_history, submissions
    mine = and_(h.c.job_id == job_id, h.c.submission_id == s.c.id)
    new = lambda col: select(col).where(mine).scalar_subquery()  # noqa: E731
    staged = lambda *cond: s.c.id.in_(select(h.c.submission_id).where(h.c.job_id == job_id, *cond))  # noqa: E731
    conn.execute(update(s).where(staged(h.c.new_status == "complete"))
                 .values(status="complete", public_score=new(h.c.new_public), private_score=new(h.c.new_private),
                         error=None, host_error=None, scored_at=now))
    conn.execute(update(s).where(staged(h.c.new_status == "error", h.c.old_status == "complete"))
                 .values(host_error=new(h.c.host_note)))
    conn.execute(update(s).where(staged(h.c.new_status == "error", h.c.old_status == "error"))
                 .values(error=new(h.c.new_error), host_error=new(h.c.host_note), scored_at=now))
    changed = conn.execute(select(func.count()).where(h.c.job_id == job_id, h.c.changed.is_(True))).scalar_one()
    failing = conn.execute(select(func.count()).where(h.c.job_id == job_id, h.c.new_status == "error",
                                                      h.c.old_status == "complete")).scalar_one()
    return changed, failing


def record(conn: Connection, job_id: int, **counts) -> None:
    """Note the job's counts (``changed_scores``, ``changed_ranks``, ``now_failing``)."""
    conn.execute(update(rescore_jobs).where(rescore_jobs.c.id == job_id).values(**counts))


def jobs_of(conn: Connection, ref: str):
    """The competition's rescoring jobs, newest first."""
    q = (select(rescore_jobs).join(competitions, competitions.c.id == rescore_jobs.c.competition_id)
         .where(competitions.c.ref == ref).order_by(rescore_jobs.c.id.desc()))
    return conn.execute(q).all()


def history_of(conn: Connection, sub_id: int):
    """Every rescoring of submission ``sub_id``: old and new results, who, when and why; oldest first."""
    h, j = score_history, rescore_jobs
    q = (select(h, j.c.started_by, j.c.reason, j.c.started_at, j.c.finished_at, j.c.state)
         .join(j, j.c.id == h.c.job_id).where(h.c.submission_id == sub_id).order_by(h.c.id))
    return conn.execute(q).all()


__all__ = ["REFUSED_PREFIX", "apply", "claim", "history_of", "job", "jobs_of", "next_batch", "record",
           "running_job", "stage", "start_job"]
