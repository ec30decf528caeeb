"""The coach's tables, on the store's ``metadata`` (migration ``0003_coach``), and their queries.

* ``coach_splits``: one row per fold assignment written by the split advisor;
  the folds themselves live in a CSV file under ``$SCRIMMAGE_HOME/coach``.
* ``coach_runs``: one row per recorded run (a learner's model, a ladder rung or
  a blend), its scores, timings, code version and prediction files, and the
  submission it was sent as.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Integer, String, Table, Text, insert, select, update

from .schema import competition_column, created_column, id_column, metadata, user_column

coach_splits = Table(
    "coach_splits",
    metadata,
    id_column(),
    competition_column(),
    user_column(),
    created_column(),
    Column("kind", String(32), nullable=False),
    Column("n_folds", Integer, nullable=False),
    Column("repeats", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("fold_hash", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("advice", JSON, nullable=False),
)

coach_runs = Table(
    "coach_runs",
    metadata,
    id_column(),
    competition_column(),
    user_column(),
    Column("split_id", Integer, ForeignKey("coach_splits.id"), nullable=False),
    created_column(),
    Column("name", String(128), nullable=False),
    Column("kind", String(16), nullable=False),  # run | ladder | ensemble
    Column("model", Text, nullable=False, server_default=""),
    Column("params", JSON, nullable=False),
    Column("code", JSON, nullable=False),
    Column("frac", Float, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("metric", String(64), nullable=False),
    Column("fold_scores", JSON, nullable=False),
    Column("cv_mean", Float),
    Column("cv_std", Float),
    Column("fit_seconds", Float),
    Column("predict_seconds", Float),
    Column("peak_memory_mb", Float),
    Column("folder", Text, nullable=False),
    Column("submission_id", Integer, ForeignKey("submissions.id")),
    Column("extra", JSON, nullable=False),
)


def add_split(conn, competition_id: int, user_id: int, **values) -> int:
    """Record a fold assignment; its id."""
    return conn.execute(insert(coach_splits).values(competition_id=competition_id, user_id=user_id,
                                                    **values)).inserted_primary_key[0]


def split_row(conn, competition_id: int, user_id: int, split_id: int | None = None):
    """The user's fold assignment ``split_id``, or their latest one (None when there is none)."""
    q = select(coach_splits).where(coach_splits.c.competition_id == competition_id, coach_splits.c.user_id == user_id)
    q = q.where(coach_splits.c.id == split_id) if split_id is not None else q.order_by(coach_splits.c.id.desc())
    return conn.execute(q.limit(1)).first()


def add_run(conn, competition_id: int, user_id: int, **values) -> int:
    """Record a run; its id."""
    return conn.execute(insert(coach_runs).values(competition_id=competition_id, user_id=user_id,
                                                  **values)).inserted_primary_key[0]


def link_submission(conn, run_id: int, submission_id: int) -> None:
    conn.execute(update(coach_runs).where(coach_runs.c.id == run_id).values(submission_id=submission_id))


def run_rows(conn, competition_id: int, user_id: int) -> list:
    """The user's runs on a competition, oldest first."""
    return conn.execute(select(coach_runs).where(coach_runs.c.competition_id == competition_id,
                                                 coach_runs.c.user_id == user_id).order_by(coach_runs.c.id)).all()
