"""Bounds on request bodies, enforced before the application reads them.

An upload route (:data:`UPLOADS`) first checks who is asking: a client that is
not signed in (or whose token is not valid) is refused before a byte of the
body is read or spooled to disk. Then every request body is held to its limit:
a declared ``Content-Length`` past it is refused at once, and a body sent in
chunks is cut off as soon as it passes it. Other routes take small bodies only
(:data:`~scrimmage.limits.FORM_BODY_BYTES`).

:func:`install` also sweeps the scratch files of killed processes, and turns a
full disk met anywhere into HTTP 507 with a clear message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from .. import scratch
from ..bundle_zip import MAX_UPLOAD_MB
from ..errors import DiskFullError, ScrimmageError, TooLargeError
from ..limits import DISK_FULL, FORM_BODY_BYTES, MULTIPART_OVERHEAD_BYTES, submission_limit_mb
from .deps import api_user, arena, require_viewer

NO_BODY = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "TRACE"})


@dataclass(frozen=True)
class Upload:
    """An upload route: who must be asking, and the limit of what it takes (in MB, from the ``ref`` in the path)."""

    method: str
    pattern: re.Pattern
    who: Callable | None  # raises AuthError for a client that may not upload; None: the route checks itself
    limit_mb: Callable | None  # (arena, match) -> MB; None: the route holds the body to its own limit
    what: str


def _submission_mb(a, match) -> float:
    with a.store.read() as conn:
        row = a.store.competition(conn, match["ref"])
    return submission_limit_mb(row.settings if row is not None else {})


def _bundle_mb(a, match) -> float:
    return MAX_UPLOAD_MB


def _notebook_mb(a, match) -> float:
    from ..community.notebook_files import MAX_FILE_MB

    return MAX_FILE_MB


def _kernel_text_mb(a, match) -> float:
    """The Kaggle client sends a notebook as JSON text: escaping can double its size."""
    return 2 * _notebook_mb(a, match)


_REF = r"(?P<ref>[^/]+)"
#: Every route that takes a file. Any other request body is held to FORM_BODY_BYTES.
UPLOADS = [
    Upload("POST", re.compile(rf"^/c/{_REF}/submissions/?$"), require_viewer, _submission_mb, "a submission"),
    Upload("POST", re.compile(rf"^/api/competitions/{_REF}/submissions/?$"), api_user, _submission_mb, "a submission"),
    Upload("POST", re.compile(r"^/host/new/?$"), require_viewer, _bundle_mb, "a bundle"),
    Upload("POST", re.compile(r"^/api/competitions/?$"), api_user, _bundle_mb, "a bundle"),
    Upload("POST", re.compile(rf"^/c/{_REF}/code/?$"), require_viewer, _notebook_mb, "a notebook"),
    Upload("POST", re.compile(r"^/api/notebooks/?$"), api_user, _notebook_mb, "a notebook"),
    # the Kaggle client's kernels push: its credentials are checked by the route, as for every Kaggle call
    Upload("POST", re.compile(r"^/api/v1/kernels\.KernelsApiService/SaveKernel$"), None, _kernel_text_mb,
           "a notebook"),
    # the Kaggle client's PUT: the token in the URL is the credential, checked (with the announced length,
    # which the body may not pass) by the route before it reads anything
    Upload("PUT", re.compile(r"^/api/v1/kaggle/uploads/[^/]+$"), None, None, "a submission"),
]


def install(app) -> None:
    """Add the guard around ``app``, sweep scratch files left by killed processes, map a full disk to 507."""
    from sqlalchemy.exc import OperationalError

    from ..storage import layout

    a = app.state.arena
    scratch.sweep(a.settings.home / layout.UPLOADS)  # part files of killed processes (the uploads are in the store)
    app.add_middleware(UploadGuard)
    app.add_exception_handler(OSError, _disk_full)
    app.add_exception_handler(OperationalError, _disk_full)


async def _disk_full(request: Request, exc: Exception):
    if not scratch.is_disk_full(exc):
        raise exc
    from .app import error_response

    return error_response(request, DiskFullError(DISK_FULL))


class UploadGuard:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in NO_BODY:
            return await self.app(scope, receive, send)
        request = Request(scope)
        try:
            route, match = _route_of(request)
            if route is None:
                limit, what = FORM_BODY_BYTES, "this request"
            else:  # who is asking, and the competition's limit, are read from the store
                limit, what = await run_in_threadpool(_limit_for, request, route, match)
            declared = request.headers.get("content-length", "")
            if limit is not None and declared.isdigit() and int(declared) > limit:
                raise _too_large(int(declared), limit, what)
        except ScrimmageError as exc:
            return await _respond(request, exc, scope, receive, send)
        if limit is None:
            return await self.app(scope, receive, send)
        state = {"total": 0, "cut": False}

        async def bounded_receive():
            if state["cut"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["total"] += len(message.get("body", b""))
                if state["total"] > limit:
                    state["cut"] = True
                    await _respond(request, _too_large(None, limit, what), scope, receive, send)
                    return {"type": "http.disconnect"}  # the application stops reading; its answer is dropped
            return message

        async def guarded_send(message):
            if not state["cut"]:
                await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except Exception:
            if not state["cut"]:
                raise


def _route_of(request: Request) -> tuple[Upload | None, re.Match | None]:
    path, method = request.url.path, request.method
    for route in UPLOADS:
        match = route.pattern.match(path)
        if match and route.method == method:
            return route, match
    return None, None


def _limit_for(request: Request, route: Upload, match: re.Match) -> tuple[int | None, str]:
    """The byte limit of an upload's body (None: the route holds it to its own), after checking who asks."""
    if route.who is not None:
        route.who(request)  # AuthError: refused before the body is read
    if route.limit_mb is None:
        return None, route.what
    mb = request.state.upload_mb = route.limit_mb(arena(request), match)
    return int(mb * 1_000_000) + MULTIPART_OVERHEAD_BYTES, route.what


def guarded_mb(request: Request) -> float | None:
    """The limit (MB) of this request's upload as the guard read it; None if it read none."""
    return getattr(request.state, "upload_mb", None)


def _too_large(size: int | None, limit: int, what: str) -> TooLargeError:
    mb = (limit - (MULTIPART_OVERHEAD_BYTES if what != "this request" else 0)) / 1e6
    sent = f"is {size / 1e6:.1f} MB" if size is not None else "passed that size"
    if what == "this request":
        return TooLargeError(f"the request body {sent}; this address takes at most {mb:g} MB")
    return TooLargeError(f"the upload {sent}: {what} may be at most {mb:g} MB here; nothing was stored "
                         "(compress a submission as .csv.gz or .zip)")


async def _respond(request: Request, exc: ScrimmageError, scope, receive, send) -> None:
    from .app import error_response

    response = await run_in_threadpool(error_response, request, exc)
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


is_disk_full, disk_full = scratch.is_disk_full, scratch.disk_full

__all__ = ["UploadGuard", "UPLOADS", "install", "guarded_mb", "is_disk_full", "disk_full"]
