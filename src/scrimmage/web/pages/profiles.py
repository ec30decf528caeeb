"""A learner's profile page (/u/NAME), and its owner's public/private switch."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ..deps import arena, csrf_guard, page, require_viewer, viewer

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


@router.get("/u/{name}")
def profile(request: Request, name: str):
    user = viewer(request)
    found = arena(request).profiles.get(name, user.name if user else None)
    return page(request, "profile.html", profile=found, mine=bool(user) and user.name == found.name)


@router.post("/u/{name}/visibility")
def visibility(request: Request, name: str, public: str = Form("")):
    user = require_viewer(request)
    if user.name != name:
        from ...errors import ForbiddenError

        raise ForbiddenError("only its owner can make a profile public or private")
    arena(request).profiles.set_public(user.name, public == "1")
    notice = "Your profile is public: anyone with the link can read it." if public == "1" else \
        "Your profile is private: only you and the admins can read it."
    return RedirectResponse(f"/u/{quote(name)}?notice={quote(notice)}", status_code=303)
