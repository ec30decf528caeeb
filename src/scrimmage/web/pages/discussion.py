"""Discussion pages: a competition's Discussion tab, the site forum, topics, what's new, feeds."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ...errors import ScrimmageError
from ..deps import RowId, arena, csrf_guard, page, require_viewer, viewer
from ..headers import shows_posts
from .competitions import comp_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


def _go(path: str, notice: str):
    sep = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{sep}notice={quote(notice)}", status_code=303)


def _name(request: Request) -> str | None:
    user = viewer(request)
    return user.name if user else None


def _render(request: Request, ref: str | None, template: str, status: int = 200, **context):
    """A discussion page: inside the competition's tabs, or on its own for the site forum."""
    if ref:
        response = comp_page(request, ref, "discussion", template, dref=ref, **context)
        response.status_code = status
        return response
    return page(request, template, status=status, dref=None, **context)


def _list(request: Request, ref: str | None, sort: str = "active", pg: int = 1, q: str = "", status: int = 200,
          **context):
    disc = arena(request).discussion
    name = _name(request)
    hits = disc.search(q, name, ref) if q.strip() else None
    topics, total = disc.topics(ref, name, sort, pg)
    return _render(request, ref, "discussion.html", status, topics=topics, total=total, sort=sort, pg=pg, q=q,
                   hits=hits, **context)


def _forum_action(request: Request, ref: str | None, action, back: str, notice: str, **form):
    require_viewer(request)
    try:
        action()
    except ScrimmageError as exc:
        return _list(request, ref, status=exc.status, error=exc, **form)
    return _go(back, notice)


@router.get("/c/{ref}/discussion")
def comp_discussion(request: Request, ref: str, sort: str = "active", page: int = 1, q: str = ""):
    return _list(request, ref, sort, page, q)


@router.get("/discussion")
def site_discussion(request: Request, sort: str = "active", page: int = 1, q: str = ""):
    return _list(request, None, sort, page, q)


def _create(request: Request, ref: str | None, title: str, body: str):
    user = require_viewer(request)
    try:
        thread = arena(request).discussion.create_topic(ref, user.name, title, body)
    except ScrimmageError as exc:
        return _list(request, ref, status=exc.status, error=exc, title=title, body=body)
    return _go(f"/discussion/{thread.topic.id}", "Topic posted.")


@router.post("/c/{ref}/discussion")
def comp_create(request: Request, ref: str, title: str = Form(""), body: str = Form("")):
    return _create(request, ref, title, body)


@router.post("/discussion")
def site_create(request: Request, title: str = Form(""), body: str = Form("")):
    return _create(request, None, title, body)


def _thread_page(request: Request, topic_id: int, status: int = 200, **context):
    disc = arena(request).discussion
    thread = disc.thread(topic_id, _name(request))
    return shows_posts(_render(request, thread.topic.competition, "topic.html", status, thread=thread, **context))


@router.get("/discussion/{topic_id:int}")
def show(request: Request, topic_id: RowId):
    return _thread_page(request, topic_id)


def _on_thread(request: Request, topic_id: int, action, notice: str, anchor: str = "", **context):
    require_viewer(request)
    try:
        action()
    except ScrimmageError as exc:
        return _thread_page(request, topic_id, exc.status, error=exc, **context)
    return _go(f"/discussion/{topic_id}", notice) if not anchor else RedirectResponse(
        f"/discussion/{topic_id}?notice={quote(notice)}#{anchor}", status_code=303)


@router.post("/discussion/{topic_id:int}/reply")
def reply(request: Request, topic_id: RowId, body: str = Form("")):
    user = require_viewer(request)
    return _on_thread(request, topic_id, lambda: arena(request).discussion.reply(topic_id, user.name, body),
                      "Reply posted.", reply_body=body)


@router.post("/discussion/{topic_id:int}/moderate")
def moderate(request: Request, topic_id: RowId, action: str = Form("")):
    user = require_viewer(request)
    flags = {"pin": {"pinned": True}, "unpin": {"pinned": False}, "lock": {"locked": True},
             "unlock": {"locked": False}, "hide": {"hidden": True}, "show": {"hidden": False}}.get(action, {})
    return _on_thread(request, topic_id,
                      lambda: arena(request).discussion.moderate_topic(topic_id, user.name, **flags),
                      f"Topic {action or 'unchanged'}." if flags else "Nothing changed.")


def _post_topic(request: Request, post_id: int) -> int:
    """The topic of a post the viewer can see (404 otherwise)."""
    return arena(request).discussion.topic_of(post_id, _name(request))


@router.post("/discussion/posts/{post_id:int}/vote")
def vote(request: Request, post_id: RowId, action: str = Form("up")):
    user = require_viewer(request)
    topic_id = _post_topic(request, post_id)
    return _on_thread(request, topic_id, lambda: arena(request).discussion.vote(post_id, user.name, action != "down"),
                      "Upvote taken back." if action == "down" else "Upvoted.", f"post-{post_id}")


@router.post("/discussion/posts/{post_id:int}/report")
def report(request: Request, post_id: RowId, reason: str = Form("")):
    user = require_viewer(request)
    topic_id = _post_topic(request, post_id)
    return _on_thread(request, topic_id, lambda: arena(request).discussion.report(post_id, user.name, reason),
                      "Reported: the host will look at it.", f"post-{post_id}")


@router.post("/discussion/posts/{post_id:int}/delete")
def delete(request: Request, post_id: RowId):
    user = require_viewer(request)
    topic_id = _post_topic(request, post_id)
    return _on_thread(request, topic_id, lambda: arena(request).discussion.delete(post_id, user.name),
                      "Post deleted.", f"post-{post_id}")


@router.post("/discussion/posts/{post_id:int}/hide")
def hide(request: Request, post_id: RowId, action: str = Form("hide")):
    user = require_viewer(request)
    topic_id = _post_topic(request, post_id)
    return _on_thread(request, topic_id,
                      lambda: arena(request).discussion.moderate_post(post_id, user.name, action != "show"),
                      "Post shown again." if action == "show" else "Post hidden.", f"post-{post_id}")


@router.get("/discussion/posts/{post_id:int}/edit")
def edit_form(request: Request, post_id: RowId):
    user = require_viewer(request)
    disc = arena(request).discussion
    topic_id = _post_topic(request, post_id)
    thread = disc.thread(topic_id, user.name)
    post = disc.post(post_id, user.name)
    return _render(request, thread.topic.competition, "post_edit.html", thread=thread, post=post,
                   body=post.body or "", title=thread.topic.title)


@router.post("/discussion/posts/{post_id:int}/edit")
def edit(request: Request, post_id: RowId, body: str = Form(""), title: str | None = Form(None)):
    user = require_viewer(request)
    disc = arena(request).discussion
    topic_id = _post_topic(request, post_id)
    try:
        disc.edit(post_id, user.name, body, title)
    except ScrimmageError as exc:
        thread = disc.thread(topic_id, user.name)
        post = disc.post(post_id, user.name)
        return _render(request, thread.topic.competition, "post_edit.html", exc.status, thread=thread, post=post,
                       body=body, title=title, error=exc)
    return RedirectResponse(f"/discussion/{topic_id}?notice={quote('Post saved.')}#post-{post_id}", status_code=303)


#: Earlier texts of a post shown on its history page, newest first (each may render to a megabyte).
HISTORY_SHOWN = 10


@router.get("/discussion/posts/{post_id:int}/history")
def history(request: Request, post_id: RowId):
    disc = arena(request).discussion
    topic_id = _post_topic(request, post_id)
    thread = disc.thread(topic_id, _name(request))
    post = disc.post(post_id, _name(request))
    edits = disc.history(post_id, _name(request))
    return shows_posts(_render(request, thread.topic.competition, "post_history.html", thread=thread, post=post,
                               edits=edits[:HISTORY_SHOWN], older=len(edits[HISTORY_SHOWN:])))


@router.get("/discussion/new")
def whats_new(request: Request):
    user = require_viewer(request)
    items = arena(request).discussion.whats_new(user.name)
    return page(request, "discussion_new.html", items=items)


@router.get("/c/{ref}/discussion/reports")
def reports(request: Request, ref: str):
    user = require_viewer(request)
    found = arena(request).discussion.reports(ref, user.name)
    return _render(request, ref, "discussion_reports.html", reports=found)


@router.get("/discussion/reports")
def site_reports(request: Request):
    user = require_viewer(request)
    found = arena(request).discussion.reports(None, user.name)
    return _render(request, None, "discussion_reports.html", reports=found)


def _feed(request: Request, ref: str | None) -> Response:
    base = str(request.base_url)
    return Response(arena(request).discussion.feed(ref, base), media_type="application/atom+xml; charset=utf-8")


@router.get("/c/{ref}/discussion.atom")
def comp_feed(request: Request, ref: str):
    return _feed(request, ref)


@router.get("/discussion.atom")
def site_feed(request: Request):
    return _feed(request, None)
