"""Sign up, log in and out, the account page (API tokens), and the admin's user list (roles)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ...accounts import ROLES
from ...errors import ScrimmageError
from ..client_address import client_address
from ..deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    RowId,
    arena,
    cookie_flags,
    csrf_guard,
    page,
    require_viewer,
    session_csrf,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


def _safe_next(raw: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    return raw if raw and raw.startswith("/") and not raw.startswith("//") else "/"


def _signed_in(request: Request, name: str, next_url: str):
    token = arena(request).accounts.create_session(name)
    response = RedirectResponse(_safe_next(next_url), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=14 * 86400, **cookie_flags(request))
    # the forms of this session carry its own token (see deps.csrf_token); the cookie follows it
    response.set_cookie(CSRF_COOKIE, session_csrf(token), **cookie_flags(request))
    return response


@router.get("/signup")
def signup_form(request: Request, next: str = "/"):
    return page(request, "signup.html", next=_safe_next(next))


@router.post("/signup")
def signup(request: Request, name: str = Form(...), password: str = Form(...), display_name: str = Form(""),
           next: str = Form("/")):
    try:
        user = arena(request).accounts.sign_up(name.strip(), password, display_name.strip() or None)
    except ScrimmageError as exc:
        return page(request, "signup.html", status=exc.status, error=exc, name=name, display_name=display_name,
                    next=_safe_next(next))
    return _signed_in(request, user.name, next)


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return page(request, "login.html", next=_safe_next(next))


@router.post("/login")
def login(request: Request, name: str = Form(...), password: str = Form(...), next: str = Form("/")):
    address = client_address(request)
    try:
        user = arena(request).accounts.login(name.strip(), password, address)
    except ScrimmageError as exc:
        return page(request, "login.html", status=exc.status, error=exc, name=name, next=_safe_next(next))
    return _signed_in(request, user.name, next)


@router.post("/logout")
def logout(request: Request):
    arena(request).accounts.end_session(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account")
def account(request: Request):
    user = require_viewer(request)
    accounts = arena(request).accounts
    return page(request, "account.html", tokens=accounts.tokens(user.name), new_token=None,
                sessions=accounts.sessions(user.name))


@router.post("/account/password")
def change_password(request: Request, current: str = Form(...), new: str = Form(...)):
    user = require_viewer(request)
    accounts = arena(request).accounts
    try:
        ended = accounts.change_password(user.name, current, new, keep_session=request.cookies.get(SESSION_COOKIE))
    except ScrimmageError as exc:
        return page(request, "account.html", status=exc.status, error=exc, tokens=accounts.tokens(user.name),
                    new_token=None, sessions=accounts.sessions(user.name))
    notice = f"Password changed; {ended} other session{'s' * (ended != 1)} ended."
    return RedirectResponse("/account?notice=" + quote(notice), status_code=303)


@router.post("/account/sessions/end")
def log_out_everywhere(request: Request):
    """End every browser session of the user, this one too (API tokens stay; revoke them one by one)."""
    user = require_viewer(request)
    arena(request).accounts.end_sessions(user.name)
    response = RedirectResponse("/login?notice=" + quote("You are logged out everywhere."), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/tokens")
def new_token(request: Request, label: str = Form("")):
    user = require_viewer(request)
    accounts = arena(request).accounts
    token = accounts.create_token(user.name, label)
    # shown once, on this response only; never stored in clear
    return page(request, "account.html", tokens=accounts.tokens(user.name), new_token=token)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RowId):
    user = require_viewer(request)
    arena(request).accounts.revoke_token(user.name, token_id)
    return RedirectResponse("/account?notice=" + quote("Token revoked."), status_code=303)


@router.get("/admin/users")
def users(request: Request):
    user = require_viewer(request)
    if not user.is_admin:
        from ...errors import ForbiddenError

        raise ForbiddenError("only an admin can see the user list")
    return page(request, "users.html", users=arena(request).accounts.users(), roles=ROLES)


@router.post("/admin/users/{name}/role")
def set_role(request: Request, name: str, role: str = Form(...)):
    user = require_viewer(request)
    arena(request).accounts.set_role(user.name, name, role)
    return RedirectResponse("/admin/users?notice=" + quote(f"{name} is now {role}."), status_code=303)
