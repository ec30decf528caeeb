"""forum_posts.competition_id (the topic's, NULL for the site forum) with an index on (competition_id, id),
so a search reads one discussion's newest posts without joining the topics; on PostgreSQL the GIN
index of the posts' text is kept without a pending list (``fastupdate = off``), so a search never
scans a list of unindexed recent posts

Revision ID: 0015_post_scope
Revises: 0014_storage_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_post_scope"
down_revision = "0014_storage_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (no table copy on SQLite, whose FTS triggers stay as they are); a copy of the
    # topic's, so no foreign key of its own: the post goes with its topic
    op.add_column("forum_posts", sa.Column("competition_id", sa.Integer))
    op.execute("UPDATE forum_posts SET competition_id = "
               "(SELECT competition_id FROM forum_topics WHERE forum_topics.id = forum_posts.topic_id)")
    op.create_index("ix_forum_posts_scope", "forum_posts", ["competition_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_forum_posts_search SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('ix_forum_posts_search')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_forum_posts_search RESET (fastupdate)")
    op.drop_index("ix_forum_posts_scope", "forum_posts")
    op.execute("ALTER TABLE forum_posts DROP COLUMN competition_id")  # no table copy on SQLite either
