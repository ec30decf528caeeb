"""The discussion's search: the database's own full-text index (SQLite's FTS5, PostgreSQL's tsvector).

Functions take an open connection (from ``Store.read()``); the service in
:mod:`scrimmage.community.discussion` checks the query and who may see what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, and_, func, literal_column, or_, select, text, true

from .schema import competitions, forum_posts, forum_topics, users

_WORD = re.compile(r"\w+", re.UNICODE)
#: A query's pieces, as PostgreSQL's ``websearch_to_tsquery`` reads them: a "quoted phrase" (the
#: closing quote may be missing), a minus (exclusion), or a run of other characters.
_PIECE = re.compile(r'"([^"]*)"?|(-)|([^\s"-][^\s"]*)')

#: PostgreSQL's English stop words (``english.stop``, which its 'english' configuration drops): on
#: SQLite a word of these alone is dropped too, so both databases find the same posts.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
herself it its itself they them their theirs themselves what which who whom this that these those am is
are was were be been being have has had having do does did doing a an the and but if or because as until
while of at by for with about against between into through during before after above below to from up
down in out on off over under again further then once here there when where why how all any both each
few more most other some such no nor not only own same so than too very s t can will just don should now
""".split())

#: The shortest last word that is also looked for as the start of a word on SQLite: a shorter
#: one would merge the posts of every word it starts (thousands of words for one letter).
MIN_PREFIX = 3

#: A search ranks the best matches among the newest this many matching posts: the work per
#: query stays bounded however common its words are (older matches need more specific words).
SEARCH_WINDOW = 2000


@dataclass(frozen=True)
class Term:
    """A word or a "quoted phrase" (its words, lower-cased), to find or (``excluded``) to avoid."""

    words: tuple[str, ...]
    excluded: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class Query:
    """A search in web-search syntax: alternatives (joined by OR), each a list of terms that must all hold.

    ``words`` are the different words the text had (stop words and repeats included: what the
    service limits); ``alternatives`` keep only what can match: no stop word alone, no repeated
    term, no alternative without a term to find.
    """

    alternatives: tuple[tuple[Term, ...], ...]
    words: frozenset[str]
    #: the text ends with a bare word to find, of MIN_PREFIX characters or more: on SQLite it may be
    #: the start of a word
    prefix: bool = False


def parse(text_: str) -> Query:
    """Read a search as ``websearch_to_tsquery`` does: words (all must match), "quoted phrases",
    OR between two alternatives (AND binds closer: ``a b OR c`` is ``(a b) OR c``) and ``-word`` /
    ``-"phrase"`` to exclude. Anything else is a separator; a phrase's or word's other characters
    (``well-known``) join its words into a phrase."""
    groups: list[list[Term]] = [[]]
    words: set[str] = set()
    minus, last = False, None
    for quoted, dash, bare in _PIECE.findall(text_):
        if dash:
            minus = True
            continue
        if bare.lower() == "or" and not minus:
            if groups[-1]:
                groups.append([])
            last = None
            continue
        found = tuple(w.lower() for w in _WORD.findall(quoted or bare))
        words.update(found)
        last = None
        if found and not all(w in STOP_WORDS for w in found):
            last = Term(found, minus, bool(quoted) or len(found) > 1)
            if last not in groups[-1]:
                groups[-1].append(last)
        minus = False
    alternatives: list[tuple[Term, ...]] = []
    for group in groups:
        if any(not t.excluded for t in group) and tuple(group) not in alternatives:
            alternatives.append(tuple(group))
    prefix = (last is not None and not last.quoted and not last.excluded and len(last.words[0]) >= MIN_PREFIX
              and bool(alternatives) and alternatives[-1][-1] == last)
    return Query(tuple(alternatives), frozenset(words), prefix)


def search(conn: Connection, query: str | Query, competition_id: int | None, everywhere: bool, limit: int):
    """Posts matching ``query`` by the database's own full-text index, best first.

    Hidden or deleted posts, and the posts of hidden or deleted topics, never match: they take
    no place in the ranking. ``query`` is web-search syntax (:func:`parse`), read once here for
    both databases: on SQLite its terms become FTS5 strings (the last word may be a prefix), on
    PostgreSQL the same terms go through ``websearch_to_tsquery``. A search with no term to find
    (only exclusions or stop words) finds nothing. Ranking (BM25 / ts_rank, a title match
    weighing four times a body match) runs over the newest ``SEARCH_WINDOW`` posts having the
    search's words; its phrases and exclusions narrow those down.
    """
    if isinstance(query, str):
        query = parse(query)
    if not query.alternatives:
        return []
    visible = and_(forum_posts.c.hidden.is_(False), forum_posts.c.deleted_at.is_(None),
                   forum_topics.c.hidden.is_(False), forum_topics.c.deleted_at.is_(None))
    columns = [forum_posts.c.id.label("post_id"), forum_posts.c.body, forum_posts.c.opening,
               forum_posts.c.created_at, forum_topics.c.id.label("topic_id"), forum_topics.c.title,
               users.c.name.label("author"), competitions.c.ref.label("competition")]
    hits = _sqlite_hits if conn.dialect.name == "sqlite" else _postgres_hits
    ranked = hits(conn, query, competition_id, everywhere, limit)
    if not ranked:
        return []
    order = {post_id: i for i, post_id in enumerate(ranked)}
    stmt = select(*columns).select_from(forum_posts).where(forum_posts.c.id.in_(ranked))
    stmt = (stmt.join(forum_topics, forum_topics.c.id == forum_posts.c.topic_id)
            .join(users, users.c.id == forum_posts.c.user_id)
            .outerjoin(competitions, competitions.c.id == forum_topics.c.competition_id)
            .where(visible))  # hidden since the ranking read (PostgreSQL reads each statement afresh)
    return sorted(conn.execute(stmt).all(), key=lambda r: order[r.post_id])


def websearch(query: Query) -> str:
    """``query`` written back in web-search syntax, each term quoted: what PostgreSQL reads."""
    return " OR ".join(" ".join(("-" if t.excluded else "") + '"' + " ".join(t.words) + '"' for t in group)
                       for group in query.alternatives)


def words_only(query: Query) -> Query:
    """The words ``query`` looks for, without its phrases and exclusions (stop words left out): a post
    ``query`` matches has them all. The window of a search is counted on these, so a phrase or an
    exclusion of common words checks the newest SEARCH_WINDOW posts with its words, not every one."""
    alternatives = []
    for i, group in enumerate(query.alternatives):
        words = [w for t in group if not t.excluded for w in t.words if w not in STOP_WORDS]
        if query.prefix and i == len(query.alternatives) - 1:  # its prefix stays last
            words.append(words.pop(len(words) - 1 - words[::-1].index(group[-1].words[0])))
        alternatives.append(tuple(Term((w,)) for w in dict.fromkeys(reversed(words)))[::-1])
    return Query(tuple(alternatives), query.words, query.prefix)


def _postgres_hits(conn: Connection, query: Query, competition_id: int | None, everywhere: bool,
                   n: int) -> list[int]:
    """Post ids of the best tsvector matches, best first, among the newest SEARCH_WINDOW visible posts
    with the query's words (:func:`words_only`).

    The posts carry their discussion, so the planner's choice is between reading the newest posts
    backwards until the window is full (a common word) and the GIN index (a rarer one); its
    statistics tell which (gathered here when it has none). Hidden and deleted posts, and the posts
    of hidden or deleted topics, are left out before the window is counted. Only ids leave the
    ranking query: the few shown are read by id afterwards.
    """
    _ensure_statistics(conn)
    tsq = func.websearch_to_tsquery(literal_column("'english'::regconfig"), websearch(query))
    loose = words_only(query)
    words = tsq if loose == query else func.websearch_to_tsquery(literal_column("'english'::regconfig"),
                                                                  websearch(loose))
    scope = true() if everywhere else (forum_posts.c.competition_id.is_(None) if competition_id is None
                                       else forum_posts.c.competition_id == competition_id)
    search_col = literal_column("forum_posts.search")
    # the few hidden or deleted topics (their partial index, 0016), hashed once: the plan of the
    # posts stays the planner's choice between the newest posts and the GIN index
    unlisted = select(forum_topics.c.id).where(or_(forum_topics.c.hidden, forum_topics.c.deleted_at.is_not(None)))
    window = (select(forum_posts.c.id, search_col.label("search"))
              .where(search_col.op("@@")(words), scope, func.querytree(tsq) != "T",
                     forum_posts.c.hidden.is_(False), forum_posts.c.deleted_at.is_(None),
                     forum_posts.c.topic_id.not_in(unlisted))
              .order_by(forum_posts.c.id.desc()).limit(SEARCH_WINDOW).subquery("window"))
    ranked = select(window.c.id)
    if loose != query:  # its phrases and exclusions, within the window
        ranked = ranked.where(window.c.search.op("@@")(tsq))
    ranked = ranked.order_by(func.ts_rank(window.c.search, tsq).desc(), window.c.id.desc()).limit(n)
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
        conn.execute(text("ANALYZE forum_posts, forum_topics"))
        known = True
    if known:
        _WITH_STATISTICS.add(database)


def _sqlite_hits(conn: Connection, query: Query, competition_id: int | None, everywhere: bool, n: int) -> list[int]:
    """Post ids of the best FTS5 matches, best first, among the newest SEARCH_WINDOW posts with the
    query's words (:func:`words_only`).

    The index holds visible posts of visible topics alone (its triggers, migration 0016), so
    every match it ranks can be shown.
    """
    where = "" if everywhere else f'scope : "{"site" if competition_id is None else f"c{competition_id}"}" AND '
    match = f"{where}{{title body}} : ({fts5(query)})"
    words = f"{where}{{title body}} : ({fts5(words_only(query))})"
    floor = conn.execute(text("SELECT rowid FROM forum_search WHERE forum_search MATCH :m "
                              "ORDER BY rowid DESC LIMIT 1 OFFSET :k"), {"m": words, "k": SEARCH_WINDOW - 1}).scalar()
    rows = conn.execute(text("SELECT rowid FROM forum_search WHERE forum_search MATCH :m AND rowid >= :floor "
                             "ORDER BY bm25(forum_search, 4.0, 1.0, 0.0), rowid DESC LIMIT :n"),
                        {"m": match, "floor": floor or 0, "n": n}).all()
    return [r[0] for r in rows]


def fts5(query: Query) -> str:
    """``query`` as an FTS5 expression: every word inside an FTS5 string, AND, NOT and OR between them."""
    def string(term: Term, last: bool) -> str:
        return '"' + " ".join(term.words) + '"' + ("*" if last and query.prefix else "")

    alternatives = []
    for i, group in enumerate(query.alternatives):
        final = i == len(query.alternatives) - 1
        found = [string(t, final and j == len(group) - 1) for j, t in enumerate(group) if not t.excluded]
        expr = "(" + " AND ".join(found) + ")"
        for t in group:
            if t.excluded:
                expr = f"({expr} NOT {string(t, False)})"
        alternatives.append(expr)
    return " OR ".join(alternatives)
