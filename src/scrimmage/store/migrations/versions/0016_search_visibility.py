"""SQLite: the full-text index keeps the visible posts of visible topics alone. Hiding or deleting a
topic takes all its posts out of ``forum_search`` (not only its opening post), showing it again puts
back those that are visible, and a post written into a hidden topic stays out; the posts of topics
hidden or deleted before this revision leave the index. So hidden spam never takes a place in the
ranking of a search. PostgreSQL's ranking query leaves out the posts of hidden or deleted topics
itself: a partial index lists those topics, so reading them stays cheap however many topics there are.

Revision ID: 0016_search_visibility
Revises: 0015_post_scope
"""

from alembic import op

revision = "0016_search_visibility"
down_revision = "0015_post_scope"
branch_labels = None
depends_on = None

#: A post's row of the index, written only when the post and its topic are both visible.
_INDEX_POST = """INSERT INTO forum_search(rowid, title, body, scope) SELECT new.id, new.search_title, new.body,
           coalesce('c' || competition_id, 'site') FROM forum_topics
           WHERE id = new.topic_id AND hidden = 0 AND deleted_at IS NULL
             AND new.hidden = 0 AND new.deleted_at IS NULL;"""

TRIGGERS = [
    f"""CREATE TRIGGER forum_posts_ai AFTER INSERT ON forum_posts BEGIN
         {_INDEX_POST}
       END""",
    f"""CREATE TRIGGER forum_posts_au AFTER UPDATE OF body, search_title, hidden, deleted_at ON forum_posts BEGIN
         DELETE FROM forum_search WHERE rowid = old.id;
         {_INDEX_POST}
       END""",
    """CREATE TRIGGER forum_topics_au AFTER UPDATE OF hidden, deleted_at ON forum_topics
       WHEN old.hidden IS NOT new.hidden OR old.deleted_at IS NOT new.deleted_at BEGIN
         DELETE FROM forum_search WHERE rowid IN (SELECT id FROM forum_posts WHERE topic_id = new.id);
         INSERT INTO forum_search(rowid, title, body, scope) SELECT id, search_title, body,
           coalesce('c' || new.competition_id, 'site') FROM forum_posts
           WHERE topic_id = new.id AND hidden = 0 AND deleted_at IS NULL
             AND new.hidden = 0 AND new.deleted_at IS NULL;
       END""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_forum_topics_unlisted ON forum_topics (id) WHERE hidden OR deleted_at IS NOT NULL")
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("forum_posts_ai", "forum_posts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute("""DELETE FROM forum_search WHERE rowid IN (
                    SELECT forum_posts.id FROM forum_posts JOIN forum_topics ON forum_topics.id = forum_posts.topic_id
                    WHERE forum_topics.hidden = 1 OR forum_topics.deleted_at IS NOT NULL)""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_forum_topics_unlisted")
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("forum_topics_au", "forum_posts_ai", "forum_posts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in _community().SQLITE_FTS:  # the post triggers as 0012_community made them
        if "forum_posts_ai" in statement or "forum_posts_au" in statement:
            op.execute(statement)


def _community():
    """The module of migration 0012_community (its file name is no module name)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_0012_community", Path(__file__).with_name("0012_community.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
