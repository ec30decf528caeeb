"""Shared notebooks under /api/notebooks/: share (a new version), list, read, download, upvote,
comment, copy, change who sees it, highlight.

Reading needs no token for what is public; sharing and everything that writes needs
``Authorization: Bearer TOKEN``. A notebook is ``OWNER/SLUG``. The rendered page of a version
is served by ``/code/OWNER/SLUG/rendered`` (sanitised, with a Content-Security-Policy that runs
no script).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from ..community import notebook_files as files
from .deps import RowId, arena, optional_api_user, require_api_user, saved_upload
from .schemas import Done, UtcDateTime, Votes, out_of, user_name
from .stored import stored_response

router = APIRouter(prefix="/api/notebooks", tags=["notebooks"])
ERRORS = {s: {"description": text} for s, text in (
    (400, "bad input: not a notebook or script, bad slug or visibility"), (401, "no or bad token"),
    (403, "not allowed (not yours, not the host, suspended)"),
    (404, "no such competition, notebook, version or submission (or not shared with you)"),
    (409, "already done (voted), slug used for another competition, highlight before the close"),
    (413, "the file is over the notebook size limit"),
    (429, "over a limit (cells, versions) or commenting too fast"))}
Visibility = Literal["private", "competition", "public"]


class NotebookOut(BaseModel):
    ref: str = Field(description="OWNER/SLUG")
    owner: str
    slug: str
    competition: str
    title: str
    kind: str = Field(description="notebook | script")
    visibility: str
    version: int = Field(description="the latest version's number")
    votes: int
    comments: int
    highlighted: bool
    submission_id: int | None
    public_score: float | None
    private_score: float | None = Field(description="null until the competition closes")
    copied_from: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    voted: bool
    language: str


class VersionOut(BaseModel):
    number: int
    file_name: str
    size_bytes: int
    sha256: str
    cells: int
    note: str = Field(description="what rendering left out (script, widget or large outputs)")
    created_at: UtcDateTime


class CommentOut(BaseModel):
    id: int
    author: str
    body: str | None = Field(description="markdown; null once deleted")
    created_at: UtcDateTime
    deleted: bool


class NotebookList(BaseModel):
    notebooks: list[NotebookOut]
    page: int


class NotebookPageOut(BaseModel):
    notebook: NotebookOut
    versions: list[VersionOut]
    comments: list[CommentOut]
    can_highlight: bool


class CommentIn(BaseModel):
    body: str = Field(max_length=100_000)


class CopyIn(BaseModel):
    slug: str | None = Field(None, max_length=200, description="the copy's slug (default: the original's)")


class Changes(BaseModel):
    visibility: Visibility | None = None
    highlighted: bool | None = Field(None, description="host or admin, after the close")


@router.get("", response_model=NotebookList, responses=ERRORS,
            summary="Notebooks you may see (of one competition, or all), by votes, score or recency")
def listing(request: Request, competition: str | None = None, sort: Literal["votes", "score", "recent"] = "votes",
            mine: bool = False, owner: str | None = Query(None, max_length=64), page: int = Query(1, ge=1, le=100_000),
            user=Depends(optional_api_user)):
    found = arena(request).notebooks.list(competition, user_name(user), sort, mine, owner, page)
    return NotebookList(notebooks=[out_of(NotebookOut, x) for x in found], page=page)


@router.post("", status_code=201, response_model=NotebookOut, responses=ERRORS,
             summary="Share a notebook (.ipynb) or script (.py): a new notebook, or a new version of OWNER/SLUG")
def share(request: Request, competition: str = Form(..., max_length=96),
          file: UploadFile = File(..., description="the .ipynb or .py file"),
          title: str | None = Form(None, max_length=2000), slug: str | None = Form(None, max_length=200),
          visibility: Visibility | None = Form(None), submission: int | None = Form(None),
          user=Depends(require_api_user)):
    with saved_upload(file, files.MAX_FILE_MB, "notebook") as path:
        data = path.read_bytes()
        name = path.name
    nb = arena(request).notebooks.push(competition, user.name, name, data, slug=slug, title=title,
                                       visibility=visibility, submission=submission)
    return out_of(NotebookOut, nb)


@router.delete("/comments/{comment_id}", response_model=Done, responses=ERRORS,
               summary="Delete your comment (the host may delete any)")
def delete_comment(request: Request, comment_id: RowId, user=Depends(require_api_user)):
    arena(request).notebooks.delete_comment(comment_id, user.name)
    return Done()


@router.get("/{owner}/{slug}", response_model=NotebookPageOut, responses=ERRORS,
            summary="A notebook: its versions and comments")
def notebook(request: Request, owner: str, slug: str, user=Depends(optional_api_user)):
    p = arena(request).notebooks.page(owner, slug, user_name(user))
    return NotebookPageOut(notebook=out_of(NotebookOut, p.notebook), versions=[out_of(VersionOut, v) for v in p.versions],
                           comments=[out_of(CommentOut, c) for c in p.comments], can_highlight=p.can_highlight)


@router.patch("/{owner}/{slug}", response_model=NotebookOut, responses=ERRORS,
              summary="Change who sees your notebook; highlight one (host, after the close)")
def change(request: Request, owner: str, slug: str, body: Changes, user=Depends(require_api_user)):
    nbs = arena(request).notebooks
    nb = None
    if body.visibility is not None:
        nb = nbs.set_visibility(owner, slug, user.name, body.visibility)
    if body.highlighted is not None:
        nb = nbs.highlight(owner, slug, user.name, body.highlighted)
    return out_of(NotebookOut, nb or nbs.get(owner, slug, user.name))


@router.get("/{owner}/{slug}/file", response_class=FileResponse,
            responses={**ERRORS, 200: {"content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
                                       "description": "the version's file, as shared"}},
            summary="Download a version's file as shared (the latest by default)")
def download(request: Request, owner: str, slug: str, version: int | None = Query(None, ge=1),
             user=Depends(optional_api_user)):
    return file_response(arena(request), *arena(request).notebooks.file(owner, slug, user_name(user), version)[:2])


@router.post("/{owner}/{slug}/vote", response_model=Votes, responses=ERRORS, summary="Upvote a notebook")
def vote(request: Request, owner: str, slug: str, user=Depends(require_api_user)):
    return Votes(votes=arena(request).notebooks.vote(owner, slug, user.name))


@router.delete("/{owner}/{slug}/vote", response_model=Votes, responses=ERRORS, summary="Take your upvote back")
def unvote(request: Request, owner: str, slug: str, user=Depends(require_api_user)):
    return Votes(votes=arena(request).notebooks.vote(owner, slug, user.name, up=False))


@router.post("/{owner}/{slug}/comments", status_code=201, response_model=CommentOut, responses=ERRORS,
             summary="Comment on a notebook (markdown)")
def comment(request: Request, owner: str, slug: str, body: CommentIn, user=Depends(require_api_user)):
    return out_of(CommentOut, arena(request).notebooks.comment(owner, slug, user.name, body.body))


@router.post("/{owner}/{slug}/copy", status_code=201, response_model=NotebookOut, responses=ERRORS,
             summary="Copy and edit: the latest version as your own private notebook")
def copy(request: Request, owner: str, slug: str, body: CopyIn | None = None, user=Depends(require_api_user)):
    return out_of(NotebookOut, arena(request).notebooks.copy(owner, slug, user.name, body.slug if body else None))


def file_response(a, key: str, version):
    """A notebook's file as an attachment (never shown inline)."""
    return stored_response(a.objects, key, version.file_name, media_type="application/octet-stream")
