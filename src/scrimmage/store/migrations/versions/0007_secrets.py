"""secrets: failed-login counters bumped atomically; exactly one first admin

Revision ID: 0007_secrets
Revises: 0013_notebooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_secrets"
down_revision = "0013_notebooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_limits",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_start", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("first_admin", sa.Boolean))
        batch.create_unique_constraint("uq_users_first_admin", ["first_admin"])
    # an arena that has its admin already: mark the earliest, so no later sign-up can be "first"
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("role", sa.String),
                     sa.column("password_hash", sa.Text), sa.column("first_admin", sa.Boolean))
    conn = op.get_bind()
    first = conn.execute(sa.select(sa.func.min(users.c.id)).where(users.c.role == "admin",
                                                                 users.c.password_hash.is_not(None))).scalar()
    if first is not None:
        conn.execute(sa.update(users).where(users.c.id == first).values(first_admin=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_first_admin", type_="unique")
        batch.drop_column("first_admin")
    op.drop_table("login_limits")
