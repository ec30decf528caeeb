"""The discussion's search on the database itself: its plan and statistics on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from scrimmage.store import Store, utcnow
from scrimmage.store import community as q
from scrimmage.store import forum_search


def test_a_postgres_search_is_planned_for_its_own_words(postgres_url):
    """psycopg prepares a statement run five times, and PostgreSQL may then keep one plan for every
    query: for a common word that plan reads every match through the index. The search's ranking
    statement is never prepared; the connection prepares others as before."""
    store = Store(postgres_url)
    with store.write() as conn:
        user = store.ensure_user(conn, "pat")
        topic, _ = q.add_topic(conn, None, user, "Boosting", "gradient boosting trees", utcnow())
        for i in range(30):
            q.add_reply(conn, topic, user, f"boosting reply {i} with trees" if i % 2 else f"reply {i}", utcnow())
    with store.read() as conn:
        for _ in range(8):
            hits = forum_search.search(conn, "boosting", None, False, 5)
            conn.execute(text("SELECT count(*) FROM forum_posts WHERE user_id = :u"), {"u": user}).scalar()
        assert len(hits) == 5 and hits[0].title == "Boosting"
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        assert not [s for s in prepared if "ts_rank" in s], prepared
        assert [s for s in prepared if "FROM forum_posts WHERE user_id" in s], prepared  # prepares the rest
        assert conn.execute(text("SHOW jit")).scalar() == "off"
    store.engine.dispose()


def test_a_postgres_search_gathers_the_planners_statistics_when_it_has_none(postgres_url):
    """Posts just imported or restored have no statistics until autovacuum runs; without them the
    planner reads every match of a common word through the index. The first search gathers them."""
    store = Store(postgres_url)
    known = ("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'forum_posts' "
             "AND attname = 'search'")
    with store.read() as conn:
        assert forum_search.search(conn, "boosting", None, False, 5) == []  # no posts: nothing to gather
        assert conn.execute(text(known)).scalar() == 0
    with store.write() as conn:
        user = store.ensure_user(conn, "pat")
        q.add_topic(conn, None, user, "Boosting", "gradient boosting trees", utcnow())
    with store.read() as conn:
        assert conn.execute(text(known)).scalar() == 0
        assert [h.title for h in forum_search.search(conn, "boosting", None, False, 5)] == ["Boosting"]
        assert conn.execute(text(known)).scalar() == 1
    store.engine.dispose()
