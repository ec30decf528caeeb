"""Discussion queries: topics, posts, votes, reports, visits (the search is in :mod:`.forum_search`).

Functions take an open connection (from ``Store.read()`` or ``Store.write()``); the
service in :mod:`scrimmage.community.discussion` decides who may do what.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from . import votes as upvotes
from .schema import (
    competitions,
    forum_post_edits,
    forum_posts,
    forum_reports,
    forum_topics,
    forum_visits,
    forum_votes,
    submissions,
    team_members,
    teams,
    users,
)


# people and places ------------------------------------------------------------------
def user(conn: Connection, name: str):
    return conn.execute(select(users).where(users.c.name == name)).first()


def competition(conn: Connection, ref: str):
    return conn.execute(select(competitions.c.id, competitions.c.ref, competitions.c.host_user_id,
                               competitions.c.closed_at, competitions.c.settings)
                        .where(competitions.c.ref == ref)).first()


def competition_ref(conn: Connection, competition_id: int | None) -> str | None:
    if competition_id is None:
        return None
    return conn.execute(select(competitions.c.ref).where(competitions.c.id == competition_id)).scalar()


def competition_host(conn: Connection, competition_id: int) -> int | None:
    return conn.execute(select(competitions.c.host_user_id).where(competitions.c.id == competition_id)).scalar()


def lock_user(conn: Connection, user_id: int) -> None:
    """Serialise one user's writes (PostgreSQL row lock; SQLite's write transactions are serial already)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())


def posts_since(conn: Connection, user_id: int, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many posts the user wrote since ``since``, and the oldest of them."""
    row = conn.execute(select(func.count(), func.min(forum_posts.c.created_at))
                       .where(forum_posts.c.user_id == user_id, forum_posts.c.created_at >= since)).first()
    return row[0], row[1]


def moderated_competitions(conn: Connection, user_id: int, everything: bool) -> list[tuple[int, str]]:
    """(id, ref) of the competitions a user moderates: those they host, or all of them (an admin)."""
    query = select(competitions.c.id, competitions.c.ref)
    if not everything:
        query = query.where(competitions.c.host_user_id == user_id)
    return [(r.id, r.ref) for r in conn.execute(query.order_by(competitions.c.id))]


def edits_since(conn: Connection, user_id: int, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many edits the user made to their posts since ``since``, and the oldest of them
    (through their posts' index: only an author edits a post)."""
    theirs = select(forum_posts.c.id).where(forum_posts.c.user_id == user_id)
    row = conn.execute(select(func.count(), func.min(forum_post_edits.c.edited_at))
                       .where(forum_post_edits.c.post_id.in_(theirs), forum_post_edits.c.edited_at >= since)).first()
    return row[0], row[1]


def private_scores(conn: Connection, competition_id: int) -> list[float]:
    return [r[0] for r in conn.execute(select(submissions.c.private_score).where(
        submissions.c.competition_id == competition_id, submissions.c.private_score.is_not(None)))]


# topics and posts ----------------------------------------------------------------------
def add_topic(conn: Connection, competition_id: int | None, user_id: int, title: str, body: str,
              now: dt.datetime) -> tuple[int, int]:
    topic_id = conn.execute(insert(forum_topics).values(
        competition_id=competition_id, user_id=user_id, title=title, created_at=now, last_post_at=now,
    )).inserted_primary_key[0]
    post_id = conn.execute(insert(forum_posts).values(
        topic_id=topic_id, competition_id=competition_id, user_id=user_id, opening=True, search_title=title,
        body=body, created_at=now,
    )).inserted_primary_key[0]
    return topic_id, post_id


def add_reply(conn: Connection, topic_id: int, user_id: int, body: str, now: dt.datetime) -> int:
    scope = select(forum_topics.c.competition_id).where(forum_topics.c.id == topic_id).scalar_subquery()
    post_id = conn.execute(insert(forum_posts).values(
        topic_id=topic_id, competition_id=scope, user_id=user_id, body=body, created_at=now,
    )).inserted_primary_key[0]
    conn.execute(update(forum_topics).where(forum_topics.c.id == topic_id)
                 .values(last_post_at=now, reply_count=forum_topics.c.reply_count + 1))
    return post_id


def _topic_query():
    opening = forum_posts.alias("opening")
    return (select(forum_topics, users.c.name.label("author"), competitions.c.ref.label("competition"),
                   opening.c.id.label("opening_id"), opening.c.votes.label("votes"))
            .join(users, users.c.id == forum_topics.c.user_id)
            .outerjoin(competitions, competitions.c.id == forum_topics.c.competition_id)
            .join(opening, and_(opening.c.topic_id == forum_topics.c.id, opening.c.opening.is_(True))))


def topic(conn: Connection, topic_id: int):
    return conn.execute(_topic_query().where(forum_topics.c.id == topic_id)).first()


SORTS = {
    "active": lambda q: q.order_by(forum_topics.c.last_post_at.desc(), forum_topics.c.id.desc()),
    "new": lambda q: q.order_by(forum_topics.c.created_at.desc(), forum_topics.c.id.desc()),
    "votes": None,  # by the opening post's votes: set in topics()
}


def topics(conn: Connection, competition_id: int | None, sort: str, include_hidden: bool, limit: int, offset: int):
    query = _topic_query()
    scope = (forum_topics.c.competition_id.is_(None) if competition_id is None
             else forum_topics.c.competition_id == competition_id)
    query = query.where(scope, forum_topics.c.deleted_at.is_(None))
    if not include_hidden:
        query = query.where(forum_topics.c.hidden.is_(False))
    query = query.order_by(forum_topics.c.pinned.desc())
    if sort == "votes":
        votes = query.selected_columns.votes
        query = query.order_by(votes.desc(), forum_topics.c.last_post_at.desc(), forum_topics.c.id.desc())
    else:
        query = SORTS[sort](query)
    return conn.execute(query.limit(limit).offset(offset)).all()


def count_topics(conn: Connection, competition_id: int | None, include_hidden: bool) -> int:
    scope = (forum_topics.c.competition_id.is_(None) if competition_id is None
             else forum_topics.c.competition_id == competition_id)
    query = select(func.count()).select_from(forum_topics).where(scope, forum_topics.c.deleted_at.is_(None))
    if not include_hidden:
        query = query.where(forum_topics.c.hidden.is_(False))
    return conn.execute(query).scalar()


def _post_query(viewer_id: int | None):
    voted = (select(forum_votes.c.post_id).where(forum_votes.c.post_id == forum_posts.c.id,
                                                 forum_votes.c.user_id == viewer_id).exists()
             if viewer_id is not None else literal(False))
    return (select(forum_posts, users.c.name.label("author"), voted.label("voted"))
            .join(users, users.c.id == forum_posts.c.user_id))


def posts(conn: Connection, topic_id: int, viewer_id: int | None, limit: int, offset: int):
    return conn.execute(_post_query(viewer_id).where(forum_posts.c.topic_id == topic_id)
                        .order_by(forum_posts.c.created_at, forum_posts.c.id).limit(limit).offset(offset)).all()


def post(conn: Connection, post_id: int, viewer_id: int | None = None):
    return conn.execute(_post_query(viewer_id).where(forum_posts.c.id == post_id)).first()


def edit_post(conn: Connection, post_row, user_id: int, body: str, title: str | None, now: dt.datetime) -> None:
    """Keep the text before the edit in the history, then change it (and the topic's title on an opening post)."""
    old_title = None
    if title is not None:
        old_title = conn.execute(select(forum_topics.c.title).where(forum_topics.c.id == post_row.topic_id)).scalar()
    conn.execute(insert(forum_post_edits).values(post_id=post_row.id, user_id=user_id, title=old_title,
                                                 body=post_row.body, edited_at=now))
    values = {"body": body, "edited_at": now}
    if title is not None:
        values["search_title"] = title
        conn.execute(update(forum_topics).where(forum_topics.c.id == post_row.topic_id).values(title=title))
    conn.execute(update(forum_posts).where(forum_posts.c.id == post_row.id).values(**values))


def edits(conn: Connection, post_id: int):
    return conn.execute(select(forum_post_edits, users.c.name.label("editor"))
                        .join(users, users.c.id == forum_post_edits.c.user_id)
                        .where(forum_post_edits.c.post_id == post_id)
                        .order_by(forum_post_edits.c.edited_at.desc(), forum_post_edits.c.id.desc())).all()


def set_post(conn: Connection, post_id: int, **values) -> None:
    conn.execute(update(forum_posts).where(forum_posts.c.id == post_id).values(**values))


def set_topic(conn: Connection, topic_id: int, **values) -> None:
    conn.execute(update(forum_topics).where(forum_topics.c.id == topic_id).values(**values))


# votes and reports ----------------------------------------------------------------------
def vote(conn: Connection, post_id: int, user_id: int, now: dt.datetime) -> bool:
    """Add the user's upvote; False when it was there already."""
    return upvotes.vote(conn, forum_votes, "post_id", forum_posts, post_id, user_id, now)


def unvote(conn: Connection, post_id: int, user_id: int) -> bool:
    return upvotes.unvote(conn, forum_votes, "post_id", forum_posts, post_id, user_id)


def report(conn: Connection, post_id: int, user_id: int, reason: str, now: dt.datetime) -> bool:
    try:
        with conn.begin_nested():
            conn.execute(insert(forum_reports).values(post_id=post_id, user_id=user_id, reason=reason,
                                                      created_at=now))
    except IntegrityError:
        return False
    return True


def open_reports(conn: Connection, competition_id: int | None, everywhere: bool):
    reporter = users.alias("reporter")
    query = (select(forum_reports.c.id, forum_reports.c.reason, forum_reports.c.created_at,
                    reporter.c.name.label("reporter"), forum_posts.c.id.label("post_id"),
                    forum_posts.c.topic_id, forum_posts.c.body, forum_posts.c.hidden,
                    users.c.name.label("author"), forum_topics.c.title, competitions.c.ref.label("competition"))
             .join(forum_posts, forum_posts.c.id == forum_reports.c.post_id)
             .join(forum_topics, forum_topics.c.id == forum_posts.c.topic_id)
             .join(users, users.c.id == forum_posts.c.user_id)
             .join(reporter, reporter.c.id == forum_reports.c.user_id)
             .outerjoin(competitions, competitions.c.id == forum_topics.c.competition_id)
             .where(forum_reports.c.resolved_at.is_(None)))
    if not everywhere:
        query = query.where(forum_topics.c.competition_id == competition_id)
    return conn.execute(query.order_by(forum_reports.c.created_at)).all()


def resolve_reports(conn: Connection, post_id: int, now: dt.datetime) -> None:
    conn.execute(update(forum_reports).where(forum_reports.c.post_id == post_id,
                                             forum_reports.c.resolved_at.is_(None)).values(resolved_at=now))


# what's new --------------------------------------------------------------------------------
def seen(conn: Connection, user_id: int) -> dict[str, dt.datetime]:
    return {r.scope: r.seen_at for r in conn.execute(select(forum_visits).where(forum_visits.c.user_id == user_id))}


def mark_seen(conn: Connection, user_id: int, scope: str, now: dt.datetime) -> None:
    done = conn.execute(update(forum_visits).where(forum_visits.c.user_id == user_id, forum_visits.c.scope == scope)
                        .values(seen_at=now)).rowcount
    if not done:
        try:
            with conn.begin_nested():
                conn.execute(insert(forum_visits).values(user_id=user_id, scope=scope, seen_at=now))
        except IntegrityError:  # a concurrent visit recorded it
            conn.execute(update(forum_visits).where(forum_visits.c.user_id == user_id,
                                                    forum_visits.c.scope == scope).values(seen_at=now))


def joined(conn: Connection, user_id: int) -> dict[int, tuple[str, dt.datetime]]:
    """The competitions the user is in: id -> (ref, joined_at)."""
    rows = conn.execute(select(competitions.c.id, competitions.c.ref, team_members.c.joined_at)
                        .join(teams, teams.c.competition_id == competitions.c.id)
                        .join(team_members, team_members.c.team_id == teams.c.id)
                        .where(team_members.c.user_id == user_id)).all()
    return {r.id: (r.ref, r.joined_at) for r in rows}


def involved(conn: Connection, user_id: int) -> dict[int, str]:
    """The competitions whose discussion concerns the user beyond the ones they joined: those
    they host, and those whose discussion they posted in."""
    hosted = conn.execute(select(competitions.c.id, competitions.c.ref)
                          .where(competitions.c.host_user_id == user_id)).all()
    posted = conn.execute(select(competitions.c.id, competitions.c.ref).distinct()
                          .join(forum_topics, forum_topics.c.competition_id == competitions.c.id)
                          .join(forum_posts, forum_posts.c.topic_id == forum_topics.c.id)
                          .where(forum_posts.c.user_id == user_id)).all()
    return {r.id: r.ref for r in [*hosted, *posted]}


def new_posts(conn: Connection, user_id: int, since_by_competition: dict[int | None, dt.datetime], limit: int):
    """Visible posts by others after each competition's ``since`` (None: the site forum), newest first,
    with whether the user had posted in the topic before (a reply to them)."""
    if not since_by_competition:
        return []
    earlier = forum_posts.alias("earlier")
    mine = (select(earlier.c.id).where(earlier.c.topic_id == forum_posts.c.topic_id, earlier.c.user_id == user_id,
                                       earlier.c.created_at < forum_posts.c.created_at)
            .correlate(forum_posts).exists())
    windows = [and_(forum_topics.c.competition_id.is_(None) if cid is None else forum_topics.c.competition_id == cid,
                    forum_posts.c.created_at > since) for cid, since in since_by_competition.items()]
    stmt = (select(forum_posts.c.id.label("post_id"), forum_posts.c.opening, forum_posts.c.created_at,
                   forum_posts.c.body, forum_topics.c.id.label("topic_id"), forum_topics.c.title,
                   users.c.name.label("author"), competitions.c.ref.label("competition"), mine.label("replied_to_me"))
            .join(forum_topics, forum_topics.c.id == forum_posts.c.topic_id)
            .join(users, users.c.id == forum_posts.c.user_id)
            .outerjoin(competitions, competitions.c.id == forum_topics.c.competition_id)
            .where(or_(*windows), forum_posts.c.user_id != user_id,
                   forum_posts.c.hidden.is_(False), forum_posts.c.deleted_at.is_(None),
                   forum_topics.c.hidden.is_(False), forum_topics.c.deleted_at.is_(None))
            .order_by(forum_posts.c.created_at.desc(), forum_posts.c.id.desc()).limit(limit))
    return conn.execute(stmt).all()


def recent(conn: Connection, competition_id: int | None, limit: int):
    """The newest visible posts of one discussion (for its feed)."""
    scope = (forum_topics.c.competition_id.is_(None) if competition_id is None
             else forum_topics.c.competition_id == competition_id)
    return conn.execute(
        select(forum_posts.c.id.label("post_id"), forum_posts.c.opening, forum_posts.c.body,
               forum_posts.c.created_at, forum_posts.c.edited_at, forum_topics.c.id.label("topic_id"),
               forum_topics.c.title, users.c.name.label("author"))
        .join(forum_topics, forum_topics.c.id == forum_posts.c.topic_id)
        .join(users, users.c.id == forum_posts.c.user_id)
        .where(scope, forum_posts.c.hidden.is_(False), forum_posts.c.deleted_at.is_(None),
               forum_topics.c.hidden.is_(False), forum_topics.c.deleted_at.is_(None))
        .order_by(forum_posts.c.created_at.desc(), forum_posts.c.id.desc()).limit(limit)).all()
