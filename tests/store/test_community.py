"""The discussion's queries on the database itself: the search's plan on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from scrimmage.store import Store, utcnow
from scrimmage.store import community as q


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
            hits = q.search(conn, "boosting", None, False, 5)
            conn.execute(text("SELECT count(*) FROM forum_posts WHERE user_id = :u"), {"u": user}).scalar()
        assert len(hits) == 5 and hits[0].title == "Boosting"
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        assert not [s for s in prepared if "ts_rank" in s], prepared
        assert [s for s in prepared if "FROM forum_posts WHERE user_id" in s], prepared  # prepares the rest
        assert conn.execute(text("SHOW jit")).scalar() == "off"
    store.engine.dispose()
