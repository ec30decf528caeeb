"""The discussion's search: the database's own full-text index (SQLite's FTS5, PostgreSQL's tsvector).

Functions take an open connection (from ``Store.read()``); the service in
:mod:`scrimmage.community.discussion` checks the query and who may see what.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, and_, func, literal_column, select, text, true

from .schema import competitions, forum_posts, forum_topics, users

_WORD = re.compile(r"\w+", re.UNICODE)

#: A search ranks the best matches among the newest this many matching posts: the work per
#: query stays bounded however common its words are (older matches need more specific words).
SEARCH_WINDOW = 2000


def search(conn: Connection, query: str, competition_id: int | None, everywhere: bool, limit: int):
    """Posts matching ``query`` by the database's own full-text index, best first.

    Hidden or deleted posts and topics never match. ``query`` is free text: on SQLite its
    words are quoted for FTS5 (every word must match; the last may be a prefix), on
    PostgreSQL it goes through ``websearch_to_tsquery``. Ranking (BM25 / ts_rank, a title
    match weighing four times a body match) runs over the newest ``SEARCH_WINDOW`` matches.
    """
    visible = and_(forum_posts.c.hidden.is_(False), forum_posts.c.deleted_at.is_(None),
                   forum_topics.c.hidden.is_(False), forum_topics.c.deleted_at.is_(None))
    columns = [forum_posts.c.id.label("post_id"), forum_posts.c.body, forum_posts.c.opening,
               forum_posts.c.created_at, forum_topics.c.id.label("topic_id"), forum_topics.c.title,
               users.c.name.label("author"), competitions.c.ref.label("competition")]
    hits = _sqlite_hits if conn.dialect.name == "sqlite" else _postgres_hits
    ranked = hits(conn, query, competition_id, everywhere, limit * 3)
    if not ranked:
        return []
    order = {post_id: i for i, post_id in enumerate(ranked)}
    stmt = select(*columns).select_from(forum_posts).where(forum_posts.c.id.in_(ranked))
    stmt = (stmt.join(forum_topics, forum_topics.c.id == forum_posts.c.topic_id)
            .join(users, users.c.id == forum_posts.c.user_id)
            .outerjoin(competitions, competitions.c.id == forum_topics.c.competition_id)
            .where(visible))
    rows = sorted(conn.execute(stmt).all(), key=lambda r: order[r.post_id])
    return rows[:limit]


def _postgres_hits(conn: Connection, query: str, competition_id: int | None, everywhere: bool,
                   n: int) -> list[int]:
    """Post ids of the best tsvector matches, best first, among the newest SEARCH_WINDOW matches.

    One table is read (the posts carry their discussion), so the planner's choice is between
    reading the newest posts backwards until the window is full (a common word) and the GIN
    index (a rarer one); its statistics tell which (gathered here when it has none). Only ids
    leave the ranking query: the few shown are read by id afterwards.
    """
    _ensure_statistics(conn)
    tsq = func.websearch_to_tsquery("english", query)
    scope = true() if everywhere else (forum_posts.c.competition_id.is_(None) if competition_id is None
                                       else forum_posts.c.competition_id == competition_id)
    search_col = literal_column("forum_posts.search")
    window = (select(forum_posts.c.id, search_col.label("search"))
              .where(search_col.op("@@")(tsq), scope)
              .order_by(forum_posts.c.id.desc()).limit(SEARCH_WINDOW).subquery("window"))
    ranked = (select(window.c.id).order_by(func.ts_rank(window.c.search, tsq).desc(), window.c.id.desc())
              .limit(n))
    # planned for this query's words every time: a plan prepared once (psycopg prepares a
    # statement run five times) would read every match of a common word through the index
    driver = conn.connection.driver_connection
    if not hasattr(driver, "prepare_threshold"):  # a driver that never prepares
        return list(conn.execute(ranked).scalars())
    threshold, driver.prepare_threshold = driver.prepare_threshold, None
    try:
        return list(conn.execute(ranked).scalars())
    finally:
        driver.prepare_threshold = threshold


#: The PostgreSQL databases whose planner this process has seen statistics of the posts for.
_WITH_STATISTICS: set[str] = set()


def _ensure_statistics(conn: Connection) -> None:
    """Gather the planner's statistics of the posts when it has none (posts just imported or restored).

    Without them the planner guesses every word rare and reads all the matches of a common one
    through the index; autovacuum gathers them too, but only some time after such writes.
    """
    database = conn.engine.url.render_as_string(hide_password=True)
    if database in _WITH_STATISTICS:
        return
    known = conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema() "
                              "AND tablename = 'forum_posts' AND attname = 'search')")).scalar()
    if not known and conn.execute(select(forum_posts.c.id).limit(1)).first() is not None:
        conn.execute(text("ANALYZE forum_posts"))
        known = True
    if known:
        _WITH_STATISTICS.add(database)


def _sqlite_hits(conn: Connection, query: str, competition_id: int | None, everywhere: bool, n: int) -> list[int]:
    """Post ids of the best FTS5 matches, best first, among the newest SEARCH_WINDOW matches."""
    words = _WORD.findall(query)
    if not words:
        return []
    terms = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
    match = f"{{title body}} : ({terms.strip()})"
    if not everywhere:
        match = f'scope : "{"site" if competition_id is None else f"c{competition_id}"}" AND {match}'
    floor = conn.execute(text("SELECT rowid FROM forum_search WHERE forum_search MATCH :m "
                              "ORDER BY rowid DESC LIMIT 1 OFFSET :k"), {"m": match, "k": SEARCH_WINDOW - 1}).scalar()
    rows = conn.execute(text("SELECT rowid FROM forum_search WHERE forum_search MATCH :m AND rowid >= :floor "
                             "ORDER BY bm25(forum_search, 4.0, 1.0, 0.0), rowid DESC LIMIT :n"),
                        {"m": match, "floor": floor or 0, "n": n}).all()
    return [r[0] for r in rows]
