"""What every route needs: the arena, who is asking (session cookie or API token), CSRF, rendering."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from contextlib import contextmanager

from typing import Annotated

from fastapi import Path as PathParam
from fastapi import Request, Security
from fastapi.security import HTTPBearer

from .. import scratch
from ..storage import layout
from ..errors import AuthError, ForbiddenError, ScrimmageError, StorageError, TooLargeError
from ..scratch import file_chunks, write_chunks

log = logging.getLogger(__name__)

SESSION_COOKIE = "scrimmage_session"
CSRF_COOKIE = "scrimmage_csrf"
CSRF_FIELD = "csrf_token"
CSRF_MESSAGE = "the form expired or came from another site: reload the page and try again"
SIGN_IN = "sign in first: this needs an account"
API_SIGN_IN = "this needs an API token: send the header 'Authorization: Bearer TOKEN' (create one on your account page)"
BAD_TOKEN = "the API token is not valid (revoked or mistyped); create a new one on your account page"


#: The largest id a row can have (a signed 64-bit integer in either database).
MAX_ID = 2**63 - 1
#: A row id in a path: a bigger (or negative) number names no row, so it is answered 404 (see app._validation_error).
RowId = Annotated[int, PathParam(ge=0, le=MAX_ID)]


def arena(request: Request):
    return request.app.state.arena


def cookie_flags(request: Request) -> dict:
    return {"httponly": True, "samesite": "lax", "secure": bool(request.app.state.secure_cookies), "path": "/"}


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


# who is asking ---------------------------------------------------------------------
def viewer(request: Request):
    """The signed-in user (session cookie), or None."""
    if not hasattr(request.state, "viewer"):
        request.state.viewer = arena(request).accounts.session_user(request.cookies.get(SESSION_COOKIE))
    return request.state.viewer


def require_viewer(request: Request):
    user = viewer(request)
    if user is None:
        raise AuthError(SIGN_IN)
    return user


def api_user(request: Request, required: bool = True):
    """The user of the request's bearer token; None (when not ``required``) without one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        if required:
            raise AuthError(API_SIGN_IN)
        return None
    cached = getattr(request.state, "api_user", None)  # the upload guard asked already for this request
    if cached is not None and cached[0] == header:
        user = cached[1]
    else:
        user = arena(request).accounts.token_user(token.strip()) if scheme.lower() == "bearer" else None
        request.state.api_user = (header, user)
    if user is None:
        raise AuthError(BAD_TOKEN)
    return user


#: The API's security scheme, as the OpenAPI document declares it (the header is read by api_user).
BEARER = HTTPBearer(auto_error=False, scheme_name="bearerToken",
                    description="An API token: `Authorization: Bearer TOKEN` (create one on your account page)")


def require_api_user(request: Request, _scheme=Security(BEARER)):
    return api_user(request, True)


def optional_api_user(request: Request, _scheme=Security(BEARER)):
    return api_user(request, False)


# CSRF: every form carries a token. Signed in, it is derived from the session (so a token
# planted or copied from another session is refused); signed out, it is a random cookie echoed
# in the form (double submit), which guards the sign-in and sign-up forms.
def session_csrf(session_token: str) -> str:
    """The CSRF token of a session: a one-way function of the session's secret cookie."""
    digest = hashlib.sha256(b"scrimmage-csrf\0" + session_token.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _session_of(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    return token if token and viewer(request) is not None else None


def csrf_token(request: Request) -> str:
    session = _session_of(request)
    if session:
        token = session_csrf(session)
        if request.cookies.get(CSRF_COOKIE) != token:  # the cookie follows the session (app.csrf_cookie sets it)
            request.state.new_csrf = token
        return token
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = request.state.new_csrf = secrets.token_urlsafe(24)
    return token


async def csrf_guard(request: Request) -> None:
    """Router dependency: every state-changing page request must carry the CSRF token of its session."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()
    sent = str(form.get(CSRF_FIELD) or request.headers.get("x-csrf-token") or "")
    session = _session_of(request)
    expected = session_csrf(session) if session else (request.cookies.get(CSRF_COOKIE) or "")
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        raise ForbiddenError(CSRF_MESSAGE)


# pages --------------------------------------------------------------------------
def page(request: Request, template: str, status: int = 200, **context):
    templates = request.app.state.templates
    context.setdefault("viewer", viewer(request))
    context.setdefault("csrf", csrf_token(request))
    context.setdefault("notice", request.query_params.get("notice"))
    return templates.TemplateResponse(request, template, context, status_code=status)


def logged(exc: ScrimmageError) -> None:
    """Put in the server's log what a participant is not told: what the file store answered."""
    if isinstance(exc, StorageError):
        log.error("%s", exc.detail)


# uploads ---------------------------------------------------------------------------
@contextmanager
def saved_upload(upload, limit_mb: float, what: str = "file"):
    """The uploaded file on disk under its own (cleaned) name; refused past ``limit_mb``."""
    name = layout.file_name(upload.filename, what)
    with scratch.folder("upload") as folder:  # removed on every path; after a kill -9, at the next start
        path = folder / name
        write_chunks(file_chunks(upload.file), path, int(limit_mb * 1e6),
                     lambda: TooLargeError(f"the {what} is over the {limit_mb:g} MB limit; upload a smaller one"))
        yield path
