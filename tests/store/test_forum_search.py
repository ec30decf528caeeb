"""The discussion's search on the database itself: the query's syntax, SQLite's index kept in step with
what is visible, the plan and statistics on PostgreSQL."""

from __future__ import annotations

import re

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


def test_user_text_only_ever_reaches_fts5_inside_its_strings():
    """Whatever the search, FTS5 sees quoted strings of words and its own operators between them."""
    for odd in ('NEAR(" OR * ^ -"x', "AND OR NOT model", 'a "b c" -d OR e f* g:h', "'; drop table forum_posts; --",
                '-"x y" z OR "w', "{title} : x", "col:word ^start", 'a""b "" "\\" c'):
        query = forum_search.parse(odd)
        expression = forum_search.fts5(query)
        outside = re.sub(r'"[^"]*"\*?', "S", expression)
        assert re.fullmatch(r"(?:[()S ]|AND|NOT|OR)*", outside), (odd, expression)
        assert all(re.fullmatch(r"\w+", w) for t in sum(query.alternatives, ()) for w in t.words), (odd, expression)
    assert forum_search.fts5(forum_search.parse('a "b c" -d OR e f* g:h kit')) == (
        '(("b c") NOT "d") OR ("e" AND "f" AND "g h" AND "kit"*)')
    # the last word may be a prefix on SQLite, from 3 characters (one letter would merge thousands of words)
    assert [forum_search.fts5(forum_search.parse(q)) for q in ("boosting lea", "boosting le", "lea -x", '"lea"')] == [
        '("boosting" AND "lea"*)', '("boosting" AND "le")', '(("lea") NOT "x")', '("lea")']


def _index(conn) -> set[int]:
    return set(conn.execute(text("SELECT rowid FROM forum_search")).scalars())


def test_sqlite_index_holds_the_visible_posts_of_visible_topics(tmp_path):
    """Hiding or deleting a topic takes all its posts out of the FTS5 index, showing it puts back the visible
    ones; so a hidden topic's replies never take a place in a search's ranking."""
    store = Store(f"sqlite:///{tmp_path / 'forum.db'}")
    with store.write() as conn:
        user = store.ensure_user(conn, "pat")
        topic, opening = q.add_topic(conn, None, user, "Spam", "spamword", utcnow())
        replies = [q.add_reply(conn, topic, user, "spamword reply", utcnow()) for _ in range(3)]
        q.set_post(conn, replies[0], hidden=True)
    with store.write() as conn:
        assert _index(conn) == {opening, replies[1], replies[2]}
        q.set_topic(conn, topic, hidden=True)
        assert _index(conn) == set()
        q.add_reply(conn, topic, user, "spamword late", utcnow())
        q.set_post(conn, replies[1], body="spamword edited")
        assert _index(conn) == set()
        q.set_topic(conn, topic, hidden=False)
        assert _index(conn) - {opening} == {replies[1], replies[2], replies[2] + 1}
        q.set_topic(conn, topic, deleted_at=utcnow())
        assert _index(conn) == set()
    store.engine.dispose()


def test_sqlite_upgrade_takes_hidden_topics_replies_out_of_the_index(tmp_path):
    """Before 0016 hiding a topic left its replies in the index: the upgrade takes them out."""
    from alembic import command
    from alembic.config import Config

    from scrimmage.store import MIGRATIONS, make_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0015_post_scope")
        conn.execute(text("INSERT INTO users (name, created_at) VALUES ('pat', CURRENT_TIMESTAMP)"))
        for tid, hidden in ((1, 1), (2, 0)):
            conn.execute(text("INSERT INTO forum_topics (id, user_id, title, created_at, last_post_at, hidden) "
                              "VALUES (:t, 1, 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)"), {"t": tid})
            for pid in (tid * 10, tid * 10 + 1):
                conn.execute(text("INSERT INTO forum_posts (id, topic_id, user_id, body, created_at) "
                                  "VALUES (:p, :t, 1, 'spamword', CURRENT_TIMESTAMP)"), {"p": pid, "t": tid})
            conn.execute(text("UPDATE forum_topics SET hidden = :h WHERE id = :t"), {"h": hidden, "t": tid})
        conn.execute(text("UPDATE forum_posts SET hidden = 1 WHERE id = 10"))  # as moderate_topic did
        assert _index(conn) == {11, 20, 21}
    engine.dispose()
    store = Store(url)
    with store.read() as conn:
        assert _index(conn) == {20, 21}
    store.engine.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:  # and back: the triggers 0012 made
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0015_post_scope")
        triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    engine.dispose()
    assert sorted(name for name, _ in triggers) == ["forum_posts_ad", "forum_posts_ai", "forum_posts_au"]
    assert "forum_topics WHERE id = new.topic_id;" in dict(triggers)["forum_posts_ai"]


def test_our_stop_words_are_postgres_english_stop_words(postgres_url):
    """SQLite drops the words PostgreSQL's 'english' configuration drops, so both find the same posts."""
    store = Store(postgres_url)
    with store.read() as conn:
        kept = conn.execute(text("SELECT w FROM unnest(CAST(:words AS text[])) AS w WHERE to_tsvector('english', w) <> ''"),
                            {"words": sorted(forum_search.STOP_WORDS)}).scalars().all()
        assert kept == []
        assert conn.execute(text("SELECT to_tsvector('english', 'model data')")).scalar() != ""
    store.engine.dispose()
