"""A user's record in the discussion, for profiles: posts and their votes; whether the profile is public.

Functions take an open connection (from ``Store.read()`` or ``Store.write()``); the service in
:mod:`scrimmage.community.profiles` decides who may see what.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from .schema import competitions, forum_posts, forum_topics, users


def post_stats(conn: Connection, user_id: int) -> dict:
    row = conn.execute(select(func.count(), func.coalesce(func.sum(forum_posts.c.votes), 0))
                       .where(forum_posts.c.user_id == user_id, forum_posts.c.deleted_at.is_(None),
                              forum_posts.c.hidden.is_(False))).first()
    return {"posts": row[0], "votes": int(row[1])}


def top_posts(conn: Connection, user_id: int, limit: int):
    return conn.execute(
        select(forum_posts.c.id.label("post_id"), forum_posts.c.votes, forum_posts.c.opening,
               forum_posts.c.created_at, forum_topics.c.id.label("topic_id"), forum_topics.c.title,
               competitions.c.ref.label("competition"))
        .join(forum_topics, forum_topics.c.id == forum_posts.c.topic_id)
        .outerjoin(competitions, competitions.c.id == forum_topics.c.competition_id)
        .where(forum_posts.c.user_id == user_id, forum_posts.c.deleted_at.is_(None), forum_posts.c.hidden.is_(False),
               forum_topics.c.hidden.is_(False), forum_topics.c.deleted_at.is_(None))
        .order_by(forum_posts.c.votes.desc(), forum_posts.c.created_at.desc()).limit(limit)).all()


def post_vote_counts(conn: Connection, user_id: int) -> list[int]:
    """The votes of each of the user's visible posts that has any (for discussion medals)."""
    return [r[0] for r in conn.execute(select(forum_posts.c.votes).where(
        forum_posts.c.user_id == user_id, forum_posts.c.votes > 0, forum_posts.c.deleted_at.is_(None),
        forum_posts.c.hidden.is_(False)))]


def set_profile_public(conn: Connection, name: str, public: bool) -> None:
    conn.execute(update(users).where(users.c.name == name).values(profile_public=public))
