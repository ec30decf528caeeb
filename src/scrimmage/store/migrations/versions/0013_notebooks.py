"""notebooks: shared notebooks and scripts per competition, their versions (files under the arena's home),
upvotes and comments

Revision ID: 0013_notebooks
Revises: 0009_usage_rows
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_notebooks"
down_revision = "0009_usage_rows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notebooks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="SET NULL")),
        sa.Column("copied_from", sa.Integer, sa.ForeignKey("notebooks.id", ondelete="SET NULL")),
        sa.Column("highlighted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("votes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("user_id", "slug", name="uq_notebook_slug"),
    )
    op.create_index("ix_notebooks_competition", "notebooks", ["competition_id", "updated_at"])
    op.create_table(
        "notebook_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("notebook_id", sa.Integer, sa.ForeignKey("notebooks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("rendered_path", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("cells", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("notebook_id", "number", name="uq_notebook_version"),
    )
    op.create_table(
        "notebook_votes",
        sa.Column("notebook_id", sa.Integer, sa.ForeignKey("notebooks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "notebook_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("notebook_id", sa.Integer, sa.ForeignKey("notebooks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime),
    )
    op.create_index("ix_notebook_comments_notebook", "notebook_comments", ["notebook_id", "created_at"])
    op.create_index("ix_notebook_comments_user", "notebook_comments", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_table("notebook_comments")
    op.drop_table("notebook_votes")
    op.drop_table("notebook_versions")
    op.drop_table("notebooks")
