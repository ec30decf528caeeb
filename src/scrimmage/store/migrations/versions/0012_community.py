"""community: profiles (public or not), discussion topics and posts (with edit history, votes, reports, visits),
full-text search by the database itself (SQLite FTS5, PostgreSQL tsvector + GIN)

Revision ID: 0012_community
Revises: 0004_leaderboard
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_community"
down_revision = "0004_leaderboard"
branch_labels = None
depends_on = None

#: SQLite: an FTS5 index over each post's text (and its topic's title on the opening post),
#: kept by triggers so no code path can forget it. Hidden and deleted posts leave the index.
SQLITE_FTS = [
    # scope: "c<competition id>" or "site", so a search within one discussion is part of the match
    "CREATE VIRTUAL TABLE forum_search USING fts5(title, body, scope, tokenize='porter unicode61')",
    """CREATE TRIGGER forum_posts_ai AFTER INSERT ON forum_posts
       WHEN new.deleted_at IS NULL AND new.hidden = 0 BEGIN
         INSERT INTO forum_search(rowid, title, body, scope) SELECT new.id, new.search_title, new.body,
           coalesce('c' || competition_id, 'site') FROM forum_topics WHERE id = new.topic_id;
       END""",
    """CREATE TRIGGER forum_posts_au AFTER UPDATE OF body, search_title, hidden, deleted_at ON forum_posts BEGIN
         DELETE FROM forum_search WHERE rowid = old.id;
         INSERT INTO forum_search(rowid, title, body, scope) SELECT new.id, new.search_title, new.body,
           coalesce('c' || competition_id, 'site') FROM forum_topics
           WHERE id = new.topic_id AND new.deleted_at IS NULL AND new.hidden = 0;
       END""",
    """CREATE TRIGGER forum_posts_ad AFTER DELETE ON forum_posts BEGIN
         DELETE FROM forum_search WHERE rowid = old.id;
       END""",
]


def upgrade() -> None:
    op.create_table(
        "forum_topics",
        sa.Column("id", sa.Integer, primary_key=True),
        # NULL: the site-wide forum
        sa.Column("competition_id", sa.Integer, sa.ForeignKey("competitions.id", ondelete="CASCADE")),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_post_at", sa.DateTime, nullable=False),
        sa.Column("reply_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("pinned", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("deleted_at", sa.DateTime),
    )
    op.create_index("ix_forum_topics_board", "forum_topics", ["competition_id", "last_post_at"])
    op.create_table(
        "forum_posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("topic_id", sa.Integer, sa.ForeignKey("forum_topics.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("opening", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("search_title", sa.String(200), nullable=False, server_default=""),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("votes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("edited_at", sa.DateTime),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("deleted_at", sa.DateTime),
    )
    op.create_index("ix_forum_posts_topic", "forum_posts", ["topic_id", "created_at"])
    op.create_index("ix_forum_posts_user", "forum_posts", ["user_id", "created_at"])
    op.create_table(
        "forum_post_edits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("edited_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "forum_votes",
        sa.Column("post_id", sa.Integer, sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "forum_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("resolved_at", sa.DateTime),
        sa.UniqueConstraint("post_id", "user_id", name="uq_forum_report"),
    )
    op.create_table(
        "forum_visits",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scope", sa.String(96), primary_key=True),  # a competition ref, or "" for the whole site
        sa.Column("seen_at", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("users") as batch:
        # a learner's profile page is readable by everyone only when they make it public
        batch.add_column(sa.Column("profile_public", sa.Boolean, nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        op.execute("""ALTER TABLE forum_posts ADD COLUMN search tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('english', coalesce(search_title, '')), 'A')
                        || setweight(to_tsvector('english', body), 'B')) STORED""")
        op.execute("CREATE INDEX ix_forum_posts_search ON forum_posts USING GIN (search)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS forum_search")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("profile_public")
    for table in ("forum_visits", "forum_reports", "forum_votes", "forum_post_edits", "forum_posts", "forum_topics"):
        op.drop_table(table)
