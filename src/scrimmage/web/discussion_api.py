"""The discussion under /api/discussion/: topics, replies, votes, reports, moderation, search, what's new.

Reading needs no token (as the pages); writing needs ``Authorization: Bearer TOKEN``.
``competition`` selects a competition's discussion; without it, the site forum.
"""

from __future__ import annotations


from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ..community import discussion as d
from ..community import records
from .deps import RowId, arena, optional_api_user, require_api_user
from .schemas import Done, UtcDateTime, Votes, out_of, user_name

router = APIRouter(prefix="/api/discussion", tags=["discussion"])
ERRORS = {s: {"description": text} for s, text in (
    (400, "bad input: the envelope lists every problem"), (401, "no or bad token"), (403, "not allowed"),
    (404, "no such competition, topic or post"), (409, "already done (voted, reported, deleted)"),
    (429, "posting too fast"))}


class TopicOut(BaseModel):
    id: int
    competition: str | None
    title: str
    author: str
    created_at: UtcDateTime
    last_post_at: UtcDateTime
    replies: int
    votes: int
    pinned: bool
    locked: bool
    hidden: bool


class PostOut(BaseModel):
    id: int
    topic_id: int
    author: str
    body: str | None = Field(description="markdown; null when deleted")
    votes: int
    created_at: UtcDateTime
    edited_at: UtcDateTime | None
    opening: bool
    hidden: bool
    deleted: bool
    voted: bool


class TopicList(BaseModel):
    topics: list[TopicOut]
    total: int
    page: int


class ThreadOut(BaseModel):
    topic: TopicOut
    posts: list[PostOut]
    can_moderate: bool
    can_reply: bool


class EditOut(BaseModel):
    editor: str
    edited_at: UtcDateTime
    title: str | None
    body: str


class HitOut(BaseModel):
    topic_id: int
    post_id: int
    competition: str | None
    title: str
    author: str
    excerpt: str
    created_at: UtcDateTime


class NewOut(BaseModel):
    kind: str
    topic_id: int
    post_id: int
    competition: str | None
    title: str
    author: str
    at: UtcDateTime
    excerpt: str


class ReportOut(BaseModel):
    id: int
    post_id: int
    topic_id: int
    competition: str | None
    title: str
    author: str
    reporter: str
    reason: str
    created_at: UtcDateTime
    hidden: bool


class NewTopic(BaseModel):
    competition: str | None = Field(None, max_length=96)
    title: str = Field(max_length=10 * d.MAX_TITLE)
    body: str = Field(max_length=2 * d.MAX_BODY)


class Body(BaseModel):
    body: str = Field(max_length=2 * d.MAX_BODY)
    title: str | None = Field(None, max_length=10 * d.MAX_TITLE)


class Reason(BaseModel):
    reason: str = Field(max_length=10 * d.MAX_REASON)


class TopicFlags(BaseModel):
    pinned: bool | None = None
    locked: bool | None = None
    hidden: bool | None = None


class PostFlags(BaseModel):
    hidden: bool


@router.get("/topics", response_model=TopicList, responses=ERRORS, summary="A discussion's topics, pinned first")
def topics(request: Request, competition: str | None = None, sort: str = "active", page: int = Query(1, ge=1, le=100_000),
           user=Depends(optional_api_user)):
    found, total = arena(request).discussion.topics(competition, user_name(user), sort, page)
    return TopicList(topics=[out_of(TopicOut, t) for t in found], total=total, page=page)


@router.post("/topics", status_code=201, response_model=ThreadOut, responses=ERRORS, summary="Open a topic")
def create(request: Request, body: NewTopic, user=Depends(require_api_user)):
    thread = arena(request).discussion.create_topic(body.competition, user.name, body.title, body.body)
    return _thread(thread)


@router.get("/topics/{topic_id}", response_model=ThreadOut, responses=ERRORS, summary="A topic and its posts")
def thread(request: Request, topic_id: RowId, user=Depends(optional_api_user)):
    return _thread(arena(request).discussion.thread(topic_id, user_name(user)))


@router.post("/topics/{topic_id}/replies", status_code=201, response_model=PostOut, responses=ERRORS,
             summary="Reply to a topic")
def reply(request: Request, topic_id: RowId, body: Body, user=Depends(require_api_user)):
    return out_of(PostOut, arena(request).discussion.reply(topic_id, user.name, body.body))


@router.post("/topics/{topic_id}/moderate", response_model=TopicOut, responses=ERRORS,
             summary="Pin, lock or hide a topic (host, admin)")
def moderate_topic(request: Request, topic_id: RowId, flags: TopicFlags, user=Depends(require_api_user)):
    topic = arena(request).discussion.moderate_topic(topic_id, user.name, **flags.model_dump())
    return out_of(TopicOut, topic)


@router.patch("/posts/{post_id}", response_model=PostOut, responses=ERRORS,
              summary="Edit your post (the text before is kept in its history)")
def edit(request: Request, post_id: RowId, body: Body, user=Depends(require_api_user)):
    return out_of(PostOut, arena(request).discussion.edit(post_id, user.name, body.body, body.title))


@router.delete("/posts/{post_id}", response_model=Done, responses=ERRORS, summary="Delete your post")
def delete(request: Request, post_id: RowId, user=Depends(require_api_user)):
    arena(request).discussion.delete(post_id, user.name)
    return Done()


@router.get("/posts/{post_id}/history", response_model=list[EditOut], responses=ERRORS,
            summary="A post's texts before each edit, newest first")
def history(request: Request, post_id: RowId, user=Depends(optional_api_user)):
    return [out_of(EditOut, e) for e in arena(request).discussion.history(post_id, user_name(user))]


@router.post("/posts/{post_id}/vote", response_model=Votes, responses=ERRORS, summary="Upvote a post")
def vote(request: Request, post_id: RowId, user=Depends(require_api_user)):
    return Votes(votes=arena(request).discussion.vote(post_id, user.name))


@router.delete("/posts/{post_id}/vote", response_model=Votes, responses=ERRORS, summary="Take your upvote back")
def unvote(request: Request, post_id: RowId, user=Depends(require_api_user)):
    return Votes(votes=arena(request).discussion.vote(post_id, user.name, up=False))


@router.post("/posts/{post_id}/report", response_model=Done, responses=ERRORS, summary="Report a post to the host")
def report(request: Request, post_id: RowId, body: Reason, user=Depends(require_api_user)):
    arena(request).discussion.report(post_id, user.name, body.reason)
    return Done()


@router.post("/posts/{post_id}/moderate", response_model=Done, responses=ERRORS,
             summary="Hide or show a post (host, admin)")
def moderate_post(request: Request, post_id: RowId, flags: PostFlags, user=Depends(require_api_user)):
    arena(request).discussion.moderate_post(post_id, user.name, flags.hidden)
    return Done()


@router.get("/reports", response_model=list[ReportOut], responses=ERRORS,
            summary="Reported posts not yet dealt with (host: their competition; admin: all)")
def reports(request: Request, competition: str | None = None, user=Depends(require_api_user)):
    return [out_of(ReportOut, r) for r in arena(request).discussion.reports(competition, user.name)]


@router.get("/search", response_model=list[HitOut], responses=ERRORS,
            summary="Full-text search over titles and posts")
def search(request: Request, q: str, competition: str | None = None, everywhere: bool = False,
           limit: int = Query(20, ge=1, le=100), user=Depends(optional_api_user)):
    hits = arena(request).discussion.search(q, user_name(user), competition, everywhere, limit)
    return [out_of(HitOut, h) for h in hits]


@router.get("/new", response_model=list[NewOut], responses=ERRORS,
            summary="What changed since your last visit (and mark it seen)")
def whats_new(request: Request, competition: str | None = None, mark: bool = True, user=Depends(require_api_user)):
    return [out_of(NewOut, n) for n in arena(request).discussion.whats_new(user.name, competition, mark)]


def _thread(thread: records.Thread) -> ThreadOut:
    return ThreadOut(topic=out_of(TopicOut, thread.topic), posts=[out_of(PostOut, p) for p in thread.posts],
                     can_moderate=thread.can_moderate, can_reply=thread.can_reply)
