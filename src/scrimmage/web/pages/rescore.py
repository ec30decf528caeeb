"""The host page's rescore button: rescore every submission, then show what changed."""

from __future__ import annotations

from urllib.parse import quote

from contextlib import ExitStack

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from ...errors import ScrimmageError
from ...bundle_zip import MAX_UPLOAD_MB
from ..deps import arena, csrf_guard, require_viewer, saved_upload
from .host import host_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


@router.post("/c/{ref}/host/rescore")
async def rescore(request: Request, ref: str, reason: str = Form(""), solution: UploadFile | None = File(None),
                  metric: UploadFile | None = File(None)):
    """Rescore every submission, after replacing ``solution.csv`` and/or the metric file when given."""
    from ...rescoring import rescore as run

    def work():
        user = require_viewer(request)
        try:
            with ExitStack() as stack:
                files = {}
                if solution is not None and solution.filename:
                    files["solution.csv"] = stack.enter_context(saved_upload(solution, MAX_UPLOAD_MB, "solution"))
                if metric is not None and metric.filename:
                    name = arena(request).competition(ref, full=False).settings.get("metric_file")
                    if not name:
                        raise ScrimmageError("this competition uses a built-in metric: there is no metric file to replace")
                    files[name] = stack.enter_context(saved_upload(metric, MAX_UPLOAD_MB, "metric file"))
                report = run(arena(request), ref, user.name, reason.strip()[:500], files=files or None)
        except ScrimmageError as exc:
            return host_page(request, ref, exc.status, error=exc)
        return RedirectResponse(f"/c/{ref}/host?notice={quote(report.summary() + '.')}", status_code=303)

    return await run_in_threadpool(work)
