"""competitions: record the solution's real Public/Private/Ignored row counts in their settings
(``usage_rows``), so the public share shown is the real one; a data migration, no new column

Revision ID: 0009_usage_rows
Revises: 0008_user_admin
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0009_usage_rows"
down_revision = "0008_user_admin"
branch_labels = None
depends_on = None

_competitions = sa.table("competitions", sa.column("id", sa.Integer), sa.column("storage", sa.Text),
                         sa.column("settings", sa.JSON))


def _counts(storage: str) -> dict[str, int] | None:
    """The Usage counts of the competition's stored solution, or None when it is not there."""
    import polars as pl

    folder = Path(storage)
    path = folder.parent / ".internal" / folder.name / "solution.parquet"  # beside the served folder,
    if not path.is_file():
        path = folder / "solution.parquet"  # or inside it in older arenas
    if not path.is_file():
        return None
    usage = pl.read_parquet(path, columns=["Usage"])["Usage"]
    return {u: int((usage == u).sum()) for u in ("Public", "Private", "Ignored")}


def upgrade() -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(_competitions)).all():
        settings = dict(row.settings or {})
        if "usage_rows" in settings:
            continue
        counts = _counts(row.storage)
        if counts is None:
            continue
        settings["usage_rows"] = counts
        conn.execute(_competitions.update().where(_competitions.c.id == row.id).values(settings=settings))


def downgrade() -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(_competitions)).all():
        settings = dict(row.settings or {})
        if settings.pop("usage_rows", None) is not None:
            conn.execute(_competitions.update().where(_competitions.c.id == row.id).values(settings=settings))
