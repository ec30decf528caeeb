"""rescoring: jobs that rescore every submission of a competition, and each submission's old scores

Revision ID: 0010_rescoring
Revises: 0007_secrets
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_rescoring"
down_revision = "0007_secrets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rescore_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cursor", sa.Integer, nullable=False, server_default="0"),
        sa.Column("changed_scores", sa.Integer),
        sa.Column("changed_ranks", sa.Integer),
        sa.Column("now_failing", sa.Integer),
    )
    op.create_table(
        "score_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.Integer, sa.ForeignKey("rescore_jobs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("old_status", sa.String(16), nullable=False),
        sa.Column("old_public", sa.Float),
        sa.Column("old_private", sa.Float),
        sa.Column("old_error", sa.Text),
        sa.Column("new_status", sa.String(16), nullable=False),
        sa.Column("new_public", sa.Float),
        sa.Column("new_private", sa.Float),
        sa.Column("new_error", sa.Text),
        sa.Column("host_note", sa.Text),
        sa.Column("changed", sa.Boolean, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("score_history")
    op.drop_table("rescore_jobs")
