"""Every response's security headers and the CSRF cookie, as a plain ASGI middleware.

A plain ASGI middleware edits the response's first message on its way out; Starlette's
``@app.middleware("http")`` runs each request in a task of its own with streams between
them, a cost every request paid (leaderboards, submissions).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response

from .deps import CSRF_COOKIE, cookie_flags

#: Pages run no script of their own and load nothing from elsewhere.
CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
#: Pages that show what people post (a topic, a post's history, a notebook's comments) also show
#: the images posts link to by ``https``: the visitor's browser fetches them from their host.
POSTS_CSP = CSP.replace("img-src 'self' data:", "img-src 'self' data: https:")


def shows_posts(response: Response) -> Response:
    """``response`` (a page that shows posts) with the policy that lets their https images load."""
    response.headers["Content-Security-Policy"] = POSTS_CSP
    return response


class SecurityHeaders:
    """Adds the CSRF cookie a request asked for (``request.state.new_csrf``) and the security headers."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                request = Request(scope)
                new = scope.get("state", {}).get("new_csrf")
                if new and request.cookies.get(CSRF_COOKIE) != new:  # a new token, bound to the session
                    cookie = Response()
                    cookie.set_cookie(CSRF_COOKIE, new, **cookie_flags(request))
                    headers.append("set-cookie", cookie.headers["set-cookie"])
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                if not scope["path"].startswith("/api/docs"):  # the interactive API docs load their own scripts
                    headers.setdefault("Content-Security-Policy", CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)
