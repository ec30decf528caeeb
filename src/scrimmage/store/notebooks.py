"""Shared-notebook queries: notebooks, their versions, upvotes and comments.

Functions take an open connection; :mod:`scrimmage.community.notebooks` decides who may do what.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, case, func, insert, literal, or_, select, update

from . import votes as upvotes
from .schema import (
    competitions,
    notebook_comments,
    notebook_versions,
    notebook_votes,
    notebooks,
    submissions,
    team_members,
    teams,
    users,
)

SORTS = ("votes", "score", "recent")


def _columns(viewer_id: int | None):
    origin = notebooks.alias("origin")
    origin_user = users.alias("origin_user")
    comments = (select(func.count()).where(notebook_comments.c.notebook_id == notebooks.c.id,
                                           notebook_comments.c.deleted_at.is_(None)).scalar_subquery())
    voted = (select(func.count()).where(notebook_votes.c.notebook_id == notebooks.c.id,
                                        notebook_votes.c.user_id == (viewer_id or -1)).scalar_subquery())
    copied = (select(origin_user.c.name + literal("/") + origin.c.slug)
              .select_from(origin.join(origin_user, origin_user.c.id == origin.c.user_id))
              .where(origin.c.id == notebooks.c.copied_from).scalar_subquery())
    return [notebooks, users.c.name.label("owner"), competitions.c.ref.label("competition"),
            competitions.c.closed_at.label("competition_closed_at"),
            submissions.c.public_score, submissions.c.private_score, comments.label("comments"),
            voted.label("voted"), copied.label("copied_from_ref")]


def _base(viewer_id: int | None):
    return (select(*_columns(viewer_id))
            .select_from(notebooks.join(users, users.c.id == notebooks.c.user_id)
                         .join(competitions, competitions.c.id == notebooks.c.competition_id)
                         .outerjoin(submissions, submissions.c.id == notebooks.c.submission_id)))


def notebook(conn: Connection, owner: str, slug: str, viewer_id: int | None = None):
    return conn.execute(_base(viewer_id).where(users.c.name == owner, notebooks.c.slug == slug)).first()


def notebook_by_id(conn: Connection, notebook_id: int, viewer_id: int | None = None):
    return conn.execute(_base(viewer_id).where(notebooks.c.id == notebook_id)).first()


def listing(conn: Connection, competition_id: int | None, viewer_id: int | None, participant_in: list[int],
            teammates: dict[int, list[int]], admin: bool, sort: str, greater: bool, owner_id: int | None,
            limit: int, offset: int):
    """The notebooks ``viewer_id`` may see (of one competition, or all), in ``sort`` order.

    ``participant_in``: the competitions the viewer takes part in or hosts; ``teammates``: per competition,
    the users on the viewer's team (the viewer included)."""
    query = _base(viewer_id)
    if competition_id is not None:
        query = query.where(notebooks.c.competition_id == competition_id)
    if owner_id is not None:
        query = query.where(notebooks.c.user_id == owner_id)
    if not admin:
        seen = [notebooks.c.visibility == "public"]
        if viewer_id is not None:
            seen.append(notebooks.c.user_id == viewer_id)
        if participant_in:
            seen.append(and_(notebooks.c.visibility == "competition", notebooks.c.competition_id.in_(participant_in)))
        for cid, mates in teammates.items():
            seen.append(and_(notebooks.c.visibility == "private", notebooks.c.competition_id == cid,
                             notebooks.c.user_id.in_(mates)))
        query = query.where(or_(*seen))
    order = [notebooks.c.highlighted.desc()]
    if sort == "votes":
        order += [notebooks.c.votes.desc(), notebooks.c.updated_at.desc()]
    elif sort == "score":
        score = submissions.c.public_score
        order += [case((score.is_(None), 1), else_=0), score.desc() if greater else score.asc(),
                  notebooks.c.votes.desc()]
    else:
        order += [notebooks.c.updated_at.desc()]
    return conn.execute(query.order_by(*order, notebooks.c.id.desc()).limit(limit).offset(offset)).all()


def team_of(conn: Connection, competition_id: int, user_id: int) -> list[int]:
    """The users on ``user_id``'s team in the competition (just the user without a team)."""
    team = (select(team_members.c.team_id).join(teams, teams.c.id == team_members.c.team_id)
            .where(teams.c.competition_id == competition_id, team_members.c.user_id == user_id)).scalar_subquery()
    mates = [r[0] for r in conn.execute(select(team_members.c.user_id).where(team_members.c.team_id == team))]
    return sorted(set(mates) | {user_id})


def participations(conn: Connection, user_id: int) -> dict[int, list[int]]:
    """Per competition the user has a team in: the team's members."""
    mine = select(team_members.c.team_id).where(team_members.c.user_id == user_id)
    rows = conn.execute(select(teams.c.competition_id, team_members.c.user_id)
                        .join(team_members, team_members.c.team_id == teams.c.id)
                        .where(teams.c.id.in_(mine))).all()
    out: dict[int, list[int]] = {}
    for cid, uid in rows:
        out.setdefault(cid, []).append(uid)
    return out


def hosted(conn: Connection, user_id: int) -> list[int]:
    return [r[0] for r in conn.execute(select(competitions.c.id).where(competitions.c.host_user_id == user_id))]


def team_submission(conn: Connection, submission_id: int, competition_id: int, user_id: int):
    """The submission if it is one of the user's team's in this competition."""
    mates = team_of(conn, competition_id, user_id)
    team = select(team_members.c.team_id).join(teams, teams.c.id == team_members.c.team_id).where(
        teams.c.competition_id == competition_id, team_members.c.user_id == user_id)
    return conn.execute(select(submissions).where(
        submissions.c.id == submission_id, submissions.c.competition_id == competition_id,
        or_(submissions.c.team_id.in_(team), submissions.c.user_id.in_(mates)))).first()


# writing ---------------------------------------------------------------------------------
def add_notebook(conn: Connection, competition_id: int, user_id: int, slug: str, title: str, kind: str,
                 visibility: str, now: dt.datetime, copied_from: int | None = None) -> int:
    return conn.execute(insert(notebooks).values(
        competition_id=competition_id, user_id=user_id, slug=slug, title=title, kind=kind, visibility=visibility,
        copied_from=copied_from, created_at=now, updated_at=now)).inserted_primary_key[0]


def lock_notebook(conn: Connection, notebook_id: int) -> int:
    """The latest version number, with the row locked for the new version (PostgreSQL)."""
    query = select(notebooks.c.version).where(notebooks.c.id == notebook_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).scalar_one()


def add_version(conn: Connection, notebook_id: int, number: int, now: dt.datetime, **values) -> None:
    conn.execute(insert(notebook_versions).values(notebook_id=notebook_id, number=number, created_at=now, **values))
    conn.execute(update(notebooks).where(notebooks.c.id == notebook_id).values(version=number, updated_at=now))


def set_notebook(conn: Connection, notebook_id: int, **values) -> None:
    if values:
        conn.execute(update(notebooks).where(notebooks.c.id == notebook_id).values(**values))


def versions(conn: Connection, notebook_id: int):
    return conn.execute(select(notebook_versions).where(notebook_versions.c.notebook_id == notebook_id)
                        .order_by(notebook_versions.c.number.desc())).all()


def version(conn: Connection, notebook_id: int, number: int):
    return conn.execute(select(notebook_versions).where(notebook_versions.c.notebook_id == notebook_id,
                                                        notebook_versions.c.number == number)).first()


def slug_taken(conn: Connection, user_id: int, slug: str) -> bool:
    return conn.execute(select(notebooks.c.id).where(notebooks.c.user_id == user_id, notebooks.c.slug == slug)
                        ).first() is not None


def vote(conn: Connection, notebook_id: int, user_id: int, now: dt.datetime) -> bool:
    """Add the user's upvote; False when it was there already."""
    return upvotes.vote(conn, notebook_votes, "notebook_id", notebooks, notebook_id, user_id, now)


def unvote(conn: Connection, notebook_id: int, user_id: int) -> bool:
    return upvotes.unvote(conn, notebook_votes, "notebook_id", notebooks, notebook_id, user_id)


def votes_of(conn: Connection, notebook_id: int) -> int:
    return conn.execute(select(notebooks.c.votes).where(notebooks.c.id == notebook_id)).scalar_one()


def comments(conn: Connection, notebook_id: int):
    return conn.execute(select(notebook_comments, users.c.name.label("author"))
                        .join(users, users.c.id == notebook_comments.c.user_id)
                        .where(notebook_comments.c.notebook_id == notebook_id)
                        .order_by(notebook_comments.c.created_at, notebook_comments.c.id)).all()


def comment(conn: Connection, comment_id: int):
    return conn.execute(select(notebook_comments, users.c.name.label("author"))
                        .join(users, users.c.id == notebook_comments.c.user_id)
                        .where(notebook_comments.c.id == comment_id)).first()


def add_comment(conn: Connection, notebook_id: int, user_id: int, body: str, now: dt.datetime) -> int:
    return conn.execute(insert(notebook_comments).values(notebook_id=notebook_id, user_id=user_id, body=body,
                                                         created_at=now)).inserted_primary_key[0]


def delete_comment(conn: Connection, comment_id: int, now: dt.datetime) -> None:
    conn.execute(update(notebook_comments).where(notebook_comments.c.id == comment_id).values(deleted_at=now))


def comments_since(conn: Connection, user_id: int, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    row = conn.execute(select(func.count(), func.min(notebook_comments.c.created_at))
                       .where(notebook_comments.c.user_id == user_id, notebook_comments.c.created_at >= since)).first()
    return row[0], row[1]


def medal_votes(conn: Connection, user_id: int) -> list[int]:
    """The upvotes of each notebook a user shared beyond their team (those earn medals)."""
    return [r[0] for r in conn.execute(select(notebooks.c.votes).where(notebooks.c.user_id == user_id,
                                                                        notebooks.c.visibility != "private"))]


