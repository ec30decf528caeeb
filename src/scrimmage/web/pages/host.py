"""The host area: create a competition from a bundle .zip; edit, see every submission, close and reveal."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from ... import hosting
from ...bundle_zip import MAX_UPLOAD_MB
from ...errors import ForbiddenError, ScrimmageError
from ..deps import arena, csrf_guard, page, require_viewer, saved_upload
from .competitions import comp_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])

FIELDS = ("title", "deadline", "merger_deadline", "daily_limit", "final_selections", "max_team_size", "tags",
          "description", "evaluation", "data")


@router.get("/host/new")
def new_form(request: Request):
    user = require_viewer(request)
    if not user.can_host:
        raise ForbiddenError("only hosts and admins can create competitions; ask an admin for the host role")
    return page(request, "host_new.html", max_mb=MAX_UPLOAD_MB)


@router.post("/host/new")
def create(request: Request, bundle: UploadFile = File(...)):
    user = require_viewer(request)
    try:
        with saved_upload(bundle, MAX_UPLOAD_MB, "bundle") as path:
            comp = hosting.create_from_zip(arena(request), path, user.name)
    except ScrimmageError as exc:
        return page(request, "host_new.html", status=exc.status, error=exc, max_mb=MAX_UPLOAD_MB)
    return RedirectResponse(f"/c/{comp.ref}/host?notice={quote('Competition created.')}", status_code=303)


def _host_page(request: Request, ref: str, status: int = 200, **context):
    from ... import rescoring

    user = require_viewer(request)
    subs = hosting.submissions(arena(request), ref, user.name)  # raises unless host or admin
    log = hosting.metric_log(arena(request), ref, user.name)
    jobs = rescoring.history(arena(request), ref, user.name)
    resp = comp_page(request, ref, "host", "host.html", subs=subs, fields=FIELDS, metric_log=log, rescores=jobs,
                     **context)
    resp.status_code = status
    return resp


@router.get("/c/{ref}/host")
def host(request: Request, ref: str):
    return _host_page(request, ref)


@router.post("/c/{ref}/host/settings")
async def edit(request: Request, ref: str):
    form = await request.form()
    changes = {k: form[k] for k in FIELDS if k in form}
    return await _run(request, ref, lambda a, me: hosting.edit(a, ref, me, changes), "Settings saved.")


@router.post("/c/{ref}/host/close")
async def close(request: Request, ref: str, confirm: str = Form("")):
    if confirm != "yes":
        err = ScrimmageError("tick the box to confirm: closing reveals the private leaderboard and cannot be undone")
        return await _run(request, ref, None, "", err)
    return await _run(request, ref, lambda a, me: a.close(ref, user=me), "Closed: the private leaderboard is revealed.")


async def _run(request: Request, ref: str, action, notice: str, error: ScrimmageError | None = None):
    from starlette.concurrency import run_in_threadpool

    def work():
        user = require_viewer(request)
        try:
            if error:
                raise error
            action(arena(request), user.name)
        except ScrimmageError as exc:
            return _host_page(request, ref, exc.status, error=exc)
        return RedirectResponse(f"/c/{ref}/host?notice={quote(notice)}", status_code=303)

    return await run_in_threadpool(work)


#: the host page, for routes of other modules (rescore.py)
host_page = _host_page
