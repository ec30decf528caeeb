"""users: an e-mail address (from a class roster) and a suspension time

Revision ID: 0008_user_admin
Revises: 0012_community
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_user_admin"
down_revision = "0012_community"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(254)))
        batch.add_column(sa.Column("suspended_at", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("suspended_at")
        batch.drop_column("email")
