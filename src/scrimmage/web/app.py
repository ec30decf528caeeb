"""The application factory and the one error handler.

Routers are listed in :func:`routers`; another face (a Kaggle-compatible API,
say) is one more module with a ``router`` added there.
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..accounts import ANONYMOUS
from ..config import Settings
from ..errors import AuthError, NotFoundError, ScrimmageError
from ..arena import Arena
from . import openapi, render, upload_guard
from .client_address import ForwardedScheme, parse_proxies
from .deps import logged, wants_json
from .headers import SecurityHeaders

HERE = Path(__file__).parent
#: Modules (relative to this package) whose ``router`` the app includes, in order.
ROUTERS = ["api", "discussion_api", "notebooks_api", "profiles_api", "pages.account", "pages.competitions", "pages.participate",
           "pages.host", "pages.rescore", "pages.discussion", "pages.notebooks", "pages.profiles", "pages.lessons",
           "pages.welcome", "kaggle_kernels", "kaggle_api", "kaggle_submissions", "kaggle_verbs"]


def routers() -> list:
    """The routers to include, in order (``kaggle_verbs`` last: it ends with a catch-all)."""
    return [importlib.import_module(f"{__package__}.{name}").router for name in ROUTERS]


def create_app(settings: Settings | None = None, *, arena: Arena | None = None, secure_cookies: bool = False) -> FastAPI:
    """The arena server over ``settings`` (or over an existing ``arena``).

    ``secure_cookies`` marks cookies Secure: set it when the server is behind HTTPS.
    """
    from .. import __version__

    app = FastAPI(title="scrimmage", version=__version__, docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Kaggle-style practice competitions. Authenticate with `Authorization: Bearer TOKEN` "
                              "(create a token on your account page).")
    if arena is None:
        # requests without a signed-in user act as a name no account can have
        arena = Arena(dataclasses.replace(settings or Settings.load(), user=ANONYMOUS, serving=True))
    app.state.arena = arena
    app.state.secure_cookies = secure_cookies
    app.state.trusted_proxies = parse_proxies(arena.settings.trusted_proxies)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    render.install(templates.env)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in routers():
        app.include_router(router)
    openapi.install(app)

    app.add_middleware(SecurityHeaders)
    app.add_middleware(ForwardedScheme, proxies=app.state.trusted_proxies)

    upload_guard.install(app)
    app.add_exception_handler(ScrimmageError, _scrimmage_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    return app


def error_response(request: Request, exc: ScrimmageError):
    """A core error as the JSON envelope (API) or an HTML page (browser)."""
    logged(exc)
    if wants_json(request):
        return JSONResponse(exc.to_dict(), status_code=exc.status)
    if isinstance(exc, AuthError) and request.method == "GET":
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    from .deps import page

    return page(request, "error.html", status=exc.status, error=exc)


async def _scrimmage_error(request: Request, exc: ScrimmageError):
    return error_response(request, exc)


async def _http_error(request: Request, exc: StarletteHTTPException):
    if exc.__cause__ is not None and upload_guard.is_disk_full(exc.__cause__):  # spooling the body failed
        return error_response(request, upload_guard.disk_full())
    if exc.status_code == 404:
        err = NotFoundError(f"no page at {request.url.path}")
    else:
        err = ScrimmageError(str(exc.detail))
        err.status = exc.status_code
    return error_response(request, err)


async def _validation_error(request: Request, exc: RequestValidationError):
    if any(e.get("loc", ())[:1] == ("path",) for e in exc.errors()):
        # an id too big for any row, a negative one, or words where an id goes: no such page
        return error_response(request, NotFoundError(f"no page at {request.url.path}"))
    problems = []
    for e in exc.errors():
        loc = tuple(e.get("loc", ()))
        if loc[:1] in (("body",), ("query",), ("path",), ("form",)):  # where it was, not a field's name
            loc = loc[1:]
        where = ".".join(str(p) for p in loc)
        problems.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
    err = ScrimmageError("the request is missing something or has a bad value", problems)
    err.status = 422
    return error_response(request, err)
