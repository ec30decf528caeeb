"""Creating a lesson from the web: the admin's (or a host's) "create" button on a lesson's card."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ...errors import ForbiddenError
from ..deps import arena, csrf_guard, require_viewer

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


@router.post("/lessons/{trap}/create")
def create(request: Request, trap: str):
    """Generate the lesson ``trap`` under its default ref, hosted by the signed-in admin or host."""
    from ... import lessons

    user = require_viewer(request)
    if not user.can_host:
        raise ForbiddenError("only hosts and admins can create lessons; ask an admin for the host role")
    comp = lessons.create(arena(request), trap, host=user.name)
    notice = quote(f"Lesson created: you host {comp.ref}, so you can close it and read its post-mortem.")
    return RedirectResponse(f"/c/{comp.ref}?notice={notice}", status_code=303)
