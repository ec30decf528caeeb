"""Shared-notebook pages: a competition's Code tab, a notebook's page, its rendered versions and files.

A rendered version is served from its own URL with a Content-Security-Policy that allows no
script, no network and only ``data:`` images, and sandboxes the document; the notebook page
shows it in an ``<iframe sandbox>``. The HTML is sanitised besides (``community/notebook_files``).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from ...community import notebook_files as files
from ...errors import ScrimmageError
from ..deps import RowId, arena, csrf_guard, require_viewer, saved_upload, viewer
from ..headers import shows_posts
from ..notebooks_api import file_response
from .competitions import comp_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])
#: The rendered notebook: no script, no requests, images from data: URLs only, a sandboxed document.
RENDERED_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'"
SORTS = [("votes", "Most votes"), ("score", "Best score"), ("recent", "Recently updated")]


def _go(path: str, notice: str):
    sep = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{sep}notice={quote(notice)}", status_code=303)


def _name(request: Request) -> str | None:
    user = viewer(request)
    return user.name if user else None


def _list(request: Request, ref: str, sort: str = "votes", mine: bool = False, status: int = 200, **context):
    a = arena(request)
    name = _name(request)
    found = a.notebooks.list(ref, name, sort, mine and bool(name))
    subs = [s for s in a.submissions(ref, name) if s.public_score is not None] if name else []
    response = comp_page(request, ref, "code", "code.html", notebooks=found, sort=sort, sorts=SORTS, mine=mine,
                         my_submissions=subs, max_mb=files.MAX_FILE_MB, **context)
    response.status_code = status
    return response


@router.get("/c/{ref}/code")
def code(request: Request, ref: str, sort: str = "votes", mine: bool = False):
    return _list(request, ref, sort, mine)


@router.post("/c/{ref}/code")
def share(request: Request, ref: str, file: UploadFile = File(...), title: str = Form(""),
          visibility: str = Form("private"), submission: str = Form("")):
    user = require_viewer(request)
    try:
        with saved_upload(file, files.MAX_FILE_MB, "notebook") as path:
            data, name = path.read_bytes(), path.name
        nb = arena(request).notebooks.push(ref, user.name, name, data, title=title.strip() or None,
                                           visibility=visibility, submission=int(submission) if submission else None)
    except ScrimmageError as exc:
        return _list(request, ref, status=exc.status, error=exc, title=title)
    return _go(f"/code/{nb.ref}", f"Shared version {nb.version}.")


def _notebook(request: Request, owner: str, slug: str, version: int | None = None, status: int = 200, **context):
    a = arena(request)
    p = a.notebooks.page(owner, slug, _name(request))
    shown = version if version and any(v.number == version for v in p.versions) else p.notebook.version
    response = comp_page(request, p.notebook.competition, "code", "notebook.html", nb=p.notebook, pg=p,
                         shown=shown, **context)
    response.status_code = status
    return shows_posts(response)  # its comments


@router.get("/code/{owner}/{slug}")
def notebook(request: Request, owner: str, slug: str, version: int | None = None):
    return _notebook(request, owner, slug, version)


@router.get("/code/{owner}/{slug}/rendered")
def rendered(request: Request, owner: str, slug: str, version: int | None = None):
    html = arena(request).notebooks.rendered(owner, slug, _name(request), version)
    return HTMLResponse(html, headers={"Content-Security-Policy": RENDERED_CSP, "X-Frame-Options": "SAMEORIGIN",
                                       "Cache-Control": "private, no-store"})


@router.get("/code/{owner}/{slug}/download")
def download(request: Request, owner: str, slug: str, version: int | None = None):
    return file_response(arena(request), *arena(request).notebooks.file(owner, slug, _name(request), version)[:2])


def _act(request: Request, owner: str, slug: str, action, notice: str, back: str | None = None):
    require_viewer(request)
    try:
        action()
    except ScrimmageError as exc:
        return _notebook(request, owner, slug, status=exc.status, error=exc)
    return _go(back or f"/code/{owner}/{slug}", notice)


@router.post("/code/{owner}/{slug}/vote")
def vote(request: Request, owner: str, slug: str, action: str = Form("up")):
    nbs, name = arena(request).notebooks, _name(request)
    return _act(request, owner, slug, lambda: nbs.vote(owner, slug, name, up=action != "down"),
                "Upvoted." if action != "down" else "Upvote taken back.")


@router.post("/code/{owner}/{slug}/comment")
def comment(request: Request, owner: str, slug: str, body: str = Form("")):
    nbs, name = arena(request).notebooks, _name(request)
    return _act(request, owner, slug, lambda: nbs.comment(owner, slug, name, body), "Comment posted.")


@router.post("/code/{owner}/{slug}/comments/{comment_id}/delete")
def delete_comment(request: Request, owner: str, slug: str, comment_id: RowId):
    nbs, name = arena(request).notebooks, _name(request)
    return _act(request, owner, slug, lambda: nbs.delete_comment(comment_id, name), "Comment deleted.")


@router.post("/code/{owner}/{slug}/visibility")
def visibility(request: Request, owner: str, slug: str, visibility: str = Form("")):
    nbs, name = arena(request).notebooks, _name(request)
    return _act(request, owner, slug, lambda: nbs.set_visibility(owner, slug, name, visibility), "Visibility changed.")


@router.post("/code/{owner}/{slug}/highlight")
def highlight(request: Request, owner: str, slug: str, action: str = Form("on")):
    nbs, name = arena(request).notebooks, _name(request)
    return _act(request, owner, slug, lambda: nbs.highlight(owner, slug, name, action != "off"),
                "Highlighted." if action != "off" else "Highlight removed.")


@router.post("/code/{owner}/{slug}/copy")
def copy(request: Request, owner: str, slug: str):
    user = require_viewer(request)
    try:
        mine = arena(request).notebooks.copy(owner, slug, user.name)
    except ScrimmageError as exc:
        return _notebook(request, owner, slug, status=exc.status, error=exc)
    return _go(f"/code/{mine.ref}", f"Your copy: pull it with `scrimmage kernels pull {mine.ref}`.")
