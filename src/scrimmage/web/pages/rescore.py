"""The host page's rescore button: rescore every submission, then show what changed."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ...errors import ScrimmageError
from ..deps import arena, csrf_guard, require_viewer
from .host import host_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


@router.post("/c/{ref}/host/rescore")
async def rescore(request: Request, ref: str, reason: str = Form("")):
    from ...rescoring import rescore as run

    def work():
        user = require_viewer(request)
        try:
            report = run(arena(request), ref, user.name, reason.strip()[:500])
        except ScrimmageError as exc:
            return host_page(request, ref, exc.status, error=exc)
        return RedirectResponse(f"/c/{ref}/host?notice={quote(report.summary() + '.')}", status_code=303)

    return await run_in_threadpool(work)
