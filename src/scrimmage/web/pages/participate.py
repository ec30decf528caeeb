"""A participant's tabs: My submissions (upload, problems, final selections), Team, Write-ups."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from ...errors import ScrimmageError, SubmissionError
from ...limits import submission_limit_mb
from ...stored_files import missing_submission
from ..headers import shows_posts
from ..stored import stored_response
from ..deps import RowId, arena, csrf_guard, require_viewer, saved_upload, viewer
from .competitions import comp_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


def _go(path: str, notice: str):
    return RedirectResponse(f"{path}?notice={quote(notice)}", status_code=303)


# submissions -------------------------------------------------------------------------
def _submissions_page(request: Request, ref: str, status: int = 200, **context):
    user = require_viewer(request)
    a = arena(request)
    subs = a.submissions(ref, user=user.name)
    used, limit = a.teams.used_today(ref, user.name)
    page = comp_page(request, ref, "submissions", "submissions.html", subs=subs, used=used, limit=limit, **context)
    page.status_code = status
    return page


@router.get("/c/{ref}/submissions")
def submissions(request: Request, ref: str):
    return _submissions_page(request, ref)


@router.post("/c/{ref}/submissions")
def submit(request: Request, ref: str, file: UploadFile = File(...), message: str = Form("")):
    user = require_viewer(request)
    a = arena(request)
    comp = a.competition(ref)
    try:
        with saved_upload(file, submission_limit_mb(comp.settings), "submission") as path:
            sub = a.submit(comp.ref, path, message, user=user.name)
    except SubmissionError as exc:
        return _submissions_page(request, ref, exc.status, error=exc, rejected=True)
    except ScrimmageError as exc:
        return _submissions_page(request, ref, exc.status, error=exc)
    return _go(f"/c/{comp.ref}/submissions", f"Submission {sub.id} scored: public score {sub.public_score:.5f}")


@router.post("/c/{ref}/submissions/{sub_id}/select")
def select(request: Request, ref: str, sub_id: RowId, action: str = Form("select")):
    user = require_viewer(request)
    try:
        arena(request).select(ref, sub_id, user=user.name, unselect=action == "unselect")
    except ScrimmageError as exc:
        return _submissions_page(request, ref, exc.status, error=exc)
    verb = "dropped from" if action == "unselect" else "added to"
    return _go(f"/c/{ref}/submissions", f"Submission {sub_id} {verb} your final selection.")


@router.get("/c/{ref}/submissions/{sub_id}/file")
def submission_file(request: Request, ref: str, sub_id: RowId):
    user = require_viewer(request)
    a = arena(request)
    sub = a.submission(ref, sub_id, user=user.name)  # only your team's (or the host's)
    return stored_response(a.objects, sub.stored_path, sub.file_name, missing=missing_submission(sub.id, sub.file_name))


# team ---------------------------------------------------------------------------------
@router.get("/c/{ref}/team")
def team(request: Request, ref: str):
    user = require_viewer(request)
    incoming, outgoing = arena(request).teams.invites(ref, user.name)
    return comp_page(request, ref, "team", "team.html", incoming=incoming, outgoing=outgoing)


def _team_action(request: Request, ref: str, action, notice: str):
    user = require_viewer(request)
    try:
        action(arena(request).teams, user.name)
    except ScrimmageError as exc:
        incoming, outgoing = arena(request).teams.invites(ref, user.name)
        page = comp_page(request, ref, "team", "team.html", incoming=incoming, outgoing=outgoing, error=exc)
        page.status_code = exc.status
        return page
    return _go(f"/c/{ref}/team", notice)


@router.post("/c/{ref}/team/invite")
def invite(request: Request, ref: str, name: str = Form(...)):
    name = name.strip()
    return _team_action(request, ref, lambda t, me: t.invite(ref, me, name), f"Invitation sent to {name}.")


@router.post("/c/{ref}/team/invites/{invite_id}/accept")
def accept(request: Request, ref: str, invite_id: RowId):
    return _team_action(request, ref, lambda t, me: t.accept(ref, me, invite_id), "Teams merged. Welcome aboard!")


@router.post("/c/{ref}/team/invites/{invite_id}/decline")
def decline(request: Request, ref: str, invite_id: RowId):
    return _team_action(request, ref, lambda t, me: t.decline(ref, me, invite_id), "Invitation withdrawn.")


@router.post("/c/{ref}/team/rename")
def rename(request: Request, ref: str, name: str = Form(...)):
    return _team_action(request, ref, lambda t, me: t.rename(ref, me, name), "Team renamed.")


# write-ups -----------------------------------------------------------------------------
@router.get("/c/{ref}/writeups")
def writeups(request: Request, ref: str):
    user = viewer(request)
    posts = arena(request).writeups.list(ref, user.name if user else None)
    return comp_page(request, ref, "writeups", "writeups.html", posts=posts)


@router.get("/c/{ref}/writeups/new")
def new_writeup(request: Request, ref: str):
    require_viewer(request)
    return comp_page(request, ref, "writeups", "writeup_form.html", post=None)


@router.post("/c/{ref}/writeups")
def post_writeup(request: Request, ref: str, title: str = Form(""), body: str = Form(""), shared: str = Form("")):
    user = require_viewer(request)
    try:
        post = arena(request).writeups.post(ref, user.name, title, body, shared=bool(shared))
    except ScrimmageError as exc:
        page = comp_page(request, ref, "writeups", "writeup_form.html", post=None, error=exc, title=title, body=body)
        page.status_code = exc.status
        return page
    return _go(f"/c/{ref}/writeups/{post.id}", "Write-up saved.")


@router.get("/c/{ref}/writeups/{writeup_id}")
def show_writeup(request: Request, ref: str, writeup_id: RowId):
    user = viewer(request)
    post = arena(request).writeups.get(ref, writeup_id, user.name if user else None)
    return shows_posts(comp_page(request, ref, "writeups", "writeup.html", post=post))


@router.get("/c/{ref}/writeups/{writeup_id}/edit")
def edit_writeup_form(request: Request, ref: str, writeup_id: RowId):
    user = require_viewer(request)
    post = arena(request).writeups.get(ref, writeup_id, user.name)
    return comp_page(request, ref, "writeups", "writeup_form.html", post=post, title=post.title, body=post.body)


@router.post("/c/{ref}/writeups/{writeup_id}/edit")
def edit_writeup(request: Request, ref: str, writeup_id: RowId, title: str = Form(""), body: str = Form(""),
                 shared: str = Form("")):
    user = require_viewer(request)
    a = arena(request)
    try:
        a.writeups.edit(ref, user.name, writeup_id, title, body, bool(shared))
    except ScrimmageError as exc:
        post = a.writeups.get(ref, writeup_id, user.name)
        page = comp_page(request, ref, "writeups", "writeup_form.html", post=post, error=exc, title=title, body=body)
        page.status_code = exc.status
        return page
    return _go(f"/c/{ref}/writeups/{writeup_id}", "Write-up saved.")
