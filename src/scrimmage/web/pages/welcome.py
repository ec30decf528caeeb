"""One-time sign-in links: an enrolled user (or the local learner) sets a password and is signed in."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...errors import ScrimmageError
from ..deps import SESSION_COOKIE, arena, cookie_flags, csrf_guard, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


def _admin(request: Request):
    from ...user_admin import UserAdmin

    return UserAdmin(arena(request).store)


@router.get("/welcome/{token}")
def welcome_form(request: Request, token: str):
    name = _admin(request).welcome_user(token)  # the link stays valid until the form is sent
    return page(request, "welcome.html", name=name, token=token)


@router.post("/welcome/{token}")
def welcome(request: Request, token: str, password: str = Form(...)):
    admin = _admin(request)
    try:
        name = admin.accept(token, password)
    except ScrimmageError as exc:
        if exc.status == 404:
            raise
        return page(request, "welcome.html", status=exc.status, error=exc, name=admin.welcome_user(token), token=token)
    session = arena(request).accounts.create_session(name)
    response = RedirectResponse("/?notice=" + quote(f"Signed in as {name}. Log in with this name and password next time."),
                                status_code=303)
    response.set_cookie(SESSION_COOKIE, session, max_age=14 * 86400, **cookie_flags(request))
    return response
