"""competitions.storage and submissions.stored_path hold storage keys (``competitions/REF``,
``submissions/REF/FILE``), relative to the arena's store, instead of absolute paths under one
server's home: the records then hold on every replica and on every kind of store

Revision ID: 0014_storage_keys
Revises: 0010_rescoring
"""

from pathlib import PurePath

import sqlalchemy as sa
from alembic import op

revision = "0014_storage_keys"
down_revision = "0010_rescoring"
branch_labels = None
depends_on = None

_competitions = sa.table("competitions", sa.column("id", sa.Integer), sa.column("storage", sa.Text))
_submissions = sa.table("submissions", sa.column("id", sa.Integer), sa.column("stored_path", sa.Text))


def key(path: str, top: str, depth: int) -> str:
    """The key of an absolute ``path`` under a folder named ``top`` (``depth`` parts from it), else ``path``."""
    parts = PurePath(path).parts
    if not PurePath(path).is_absolute() or len(parts) < depth + 1 or parts[-depth - 1] != top:
        return path  # a key already, or a path the arena did not write: check-files lists it if it is gone
    return "/".join((top, *parts[-depth:]))


def _rewrite(table, column: str, top: str, depth: int) -> None:
    conn = op.get_bind()
    col = table.c[column]
    for row in conn.execute(sa.select(table.c.id, col).where(col.like("/%"))).all():
        new = key(row[1], top, depth)
        if new != row[1]:
            conn.execute(table.update().where(table.c.id == row.id).values({column: new}))


def upgrade() -> None:
    _rewrite(_competitions, "storage", "competitions", 1)
    _rewrite(_submissions, "stored_path", "submissions", 2)


def downgrade() -> None:
    """Keys back to absolute paths under SCRIMMAGE_HOME (the home whose database this is)."""
    from scrimmage.config import home

    conn = op.get_bind()
    root = home()
    for table, column in ((_competitions, "storage"), (_submissions, "stored_path")):
        col = table.c[column]
        for row in conn.execute(sa.select(table.c.id, col).where(~col.like("/%"))).all():
            conn.execute(table.update().where(table.c.id == row.id).values({column: str(root / row[1])}))
