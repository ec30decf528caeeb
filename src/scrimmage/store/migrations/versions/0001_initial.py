"""users, competitions, teams, team members, submissions

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False, server_default=""),
        sa.Column("role", sa.String(16), nullable=False, server_default="participant"),
        sa.Column("password_hash", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "competitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ref", sa.String(80), nullable=False, unique=True),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("storage", sa.Text, nullable=False),
        sa.Column("host_user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("touched_at", sa.DateTime),
        sa.UniqueConstraint("competition_id", "name", name="uq_team_name"),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("joined_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("file_name", sa.String(256), nullable=False),
        sa.Column("stored_path", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("counts", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("late", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        sa.Column("host_error", sa.Text),
        sa.Column("public_score", sa.Float),
        sa.Column("private_score", sa.Float),
        sa.Column("ladder_accepted", sa.Boolean),
        sa.Column("selected", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("scored_at", sa.DateTime),
        sa.Column("scorer_host", sa.String(256)),
        sa.Column("scorer_pid", sa.Integer),
    )
    op.create_index("ix_submissions_competition_id", "submissions", ["competition_id"])
    op.create_index("ix_submissions_team_id", "submissions", ["team_id"])


def downgrade() -> None:
    for table in ("submissions", "team_members", "teams", "competitions", "users"):
        op.drop_table(table)
