"""coach: fold assignments and recorded runs

Revision ID: 0003_coach
Revises: 0002_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_coach"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_splits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("n_folds", sa.Integer, nullable=False),
        sa.Column("repeats", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("fold_hash", sa.String(64), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("advice", sa.JSON, nullable=False),
    )
    op.create_index("ix_coach_splits_competition_id", "coach_splits", ["competition_id"])
    op.create_table(
        "coach_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("split_id", sa.Integer, sa.ForeignKey("coach_splits.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("model", sa.Text, nullable=False, server_default=""),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("code", sa.JSON, nullable=False),
        sa.Column("frac", sa.Float, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("n_rows", sa.Integer, nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("fold_scores", sa.JSON, nullable=False),
        sa.Column("cv_mean", sa.Float),
        sa.Column("cv_std", sa.Float),
        sa.Column("fit_seconds", sa.Float),
        sa.Column("predict_seconds", sa.Float),
        sa.Column("peak_memory_mb", sa.Float),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id")),
        sa.Column("extra", sa.JSON, nullable=False),
    )
    op.create_index("ix_coach_runs_competition_id", "coach_runs", ["competition_id"])


def downgrade() -> None:
    op.drop_index("ix_coach_runs_competition_id", "coach_runs")
    op.drop_table("coach_runs")
    op.drop_index("ix_coach_splits_competition_id", "coach_splits")
    op.drop_table("coach_splits")
