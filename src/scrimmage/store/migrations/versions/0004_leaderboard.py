"""leaderboards: an index holding all their per-team aggregate reads, a version to cache them by;
an index to find a user's teams

Revision ID: 0004_leaderboard
Revises: 0003_coach
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_leaderboard"
down_revision = "0003_coach"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submissions_board", "submissions",
                    ["competition_id", "status", "late", "team_id", "public_score", "created_at"])
    with op.batch_alter_table("competitions") as batch:
        batch.add_column(sa.Column("board_version", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_team_members_user_id", "team_members", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_team_members_user_id", table_name="team_members")
    with op.batch_alter_table("competitions") as batch:
        batch.drop_column("board_version")
    op.drop_index("ix_submissions_board", table_name="submissions")
