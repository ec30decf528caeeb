"""The Kaggle-compatible API: what the official ``kaggle`` client calls for competitions.

With ``KAGGLE_API_ENVIRONMENT=LOCALHOST`` the client sends every call as
``POST http://localhost/api/v1/{service}/{Method}`` with a camelCase JSON body
(enums as their names, datetimes as ISO strings ending in ``Z``) and HTTP Basic
``username:key`` from ``kaggle.json``; a JSON reply whose ``code`` is 400 or more
is raised with its ``message``. Here the key is a scrimmage API token (a bearer
token works too, as ``KAGGLE_API_TOKEN``).

Downloads answer with a redirect to a URL that ends in the file's name (the
client names the saved file after it); submissions go in three steps:
``StartSubmissionUpload`` returns a one-time ``createUrl``, the client PUTs the
raw bytes there, and ``CreateSubmission`` submits the uploaded file by its token.

This module holds what every call shares: the credentials, the request bodies, the
error shape and the JSON shapes of competitions and submissions. The calls are served
by :mod:`.kaggle_api` (competitions, data, leaderboards, tokens),
:mod:`.kaggle_submissions` (uploads and submissions), :mod:`.kaggle_kernels` (notebooks)
and :mod:`.kaggle_verbs` (the newer verbs, and an answer for those scrimmage lacks).
Every answer comes from the :class:`~scrimmage.arena.Arena`; these modules only
translate shapes and errors.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from ..errors import ForbiddenError, ScrimmageError
from .deps import arena, logged

SERVICE = "competitions.CompetitionApiService"
PREFIX = "/api/v1"
#: Where the client downloads from and uploads to (the targets of redirects and ``createUrl``).
FILES = f"{PREFIX}/kaggle"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000

NO_CREDENTIALS = ("this needs your scrimmage user name and API token: put them in kaggle.json as "
                  '{"username": "NAME", "key": "TOKEN"} (create a token on your account page)')
BAD_KEY = ("the key in kaggle.json is not a valid scrimmage API token (revoked or mistyped); "
           "create a new one on your account page")
BAD_TOKEN = ("the bearer token (KAGGLE_API_TOKEN) is not a valid scrimmage API token (revoked or mistyped); "
             "create a new one on your account page")
BAD_HEADER = "the Authorization header is not HTTP Basic username:key or Bearer TOKEN"

#: Kaggle's host segments (``--category``) and the tags that put a competition in each.
CATEGORIES = {
    "HOST_SEGMENT_FEATURED": ("Featured", ("featured",)),
    "HOST_SEGMENT_RESEARCH": ("Research", ("research",)),
    "HOST_SEGMENT_RECRUITMENT": ("Recruitment", ("recruitment",)),
    "HOST_SEGMENT_GETTING_STARTED": ("Getting Started", ("getting-started", "beginner")),
    "HOST_SEGMENT_MASTERS": ("Masters", ("masters",)),
    "HOST_SEGMENT_PLAYGROUND": ("Playground", ("playground",)),
    "HOST_SEGMENT_COMMUNITY": ("Community", ()),
}
STATUS = {"pending": "PENDING", "complete": "COMPLETE", "error": "ERROR"}


class KaggleRoute(APIRoute):
    """Routes whose core errors come back as the client expects: ``{"code", "message"}``."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request):
            try:
                return await handler(request)
            except ScrimmageError as exc:
                return kaggle_error(exc)

        return route


def kaggle_error(exc: ScrimmageError) -> JSONResponse:
    """The client raises ``message`` (every problem on a line of its own); ``errors`` lists them for scripts."""
    logged(exc)
    return JSONResponse({"code": exc.status, "message": str(exc), "errors": exc.problems}, status_code=exc.status)


# who is asking ----------------------------------------------------------------------
def kaggle_user(request: Request, required: bool = True):
    """The user of HTTP Basic ``username:key`` (key = an API token) or of a bearer token.

    Wrong credentials are a 403 with a message: the client answers a 401 with its
    own sign-in help for kaggle.com, which would hide what went wrong here.
    """
    header = request.headers.get("authorization", "")
    if not header:
        if required:
            raise ForbiddenError(NO_CREDENTIALS)
        return None
    scheme, _, credentials = header.partition(" ")
    accounts = arena(request).accounts
    if scheme.lower() == "basic":
        try:
            name, sep, key = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise ForbiddenError(BAD_HEADER) from None
        user = accounts.token_user(key) if sep else None
        if user is None:
            raise ForbiddenError(BAD_KEY)
        if user.name != name:
            raise ForbiddenError(f"the key in kaggle.json belongs to {user.name!r}, not {name!r}: "
                                 f'set "username": "{user.name}"')
        return user
    if scheme.lower() == "bearer":
        user = accounts.token_user(credentials.strip())
        if user is None:
            raise ForbiddenError(BAD_TOKEN)
        return user
    raise ForbiddenError(BAD_HEADER)


def name_of(user) -> str | None:
    return user.name if user else None


# the shapes ----------------------------------------------------------------------------
async def body_of(request: Request) -> dict:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ScrimmageError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise ScrimmageError("the request body must be a JSON object")
    bad = _not_text(body)
    if bad is not None:
        raise ScrimmageError(f"{bad} is not valid text: it holds a lone surrogate (an escape such as \\ud800 "
                             "without its pair); send UTF-8 text")
    return body


def _not_text(value, path: str = "") -> str | None:
    """Where in ``value`` a string is no valid Unicode text (it holds a lone surrogate); None when nowhere."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "the body"
        return None
    if isinstance(value, dict):
        pairs = [(f"{path}.{k}" if path else str(k), k, v) for k, v in value.items()]
    elif isinstance(value, list):
        pairs = [(f"{path}[{i}]", "", v) for i, v in enumerate(value)]
    else:
        return None
    for where, key, item in pairs:
        if _not_text(key) is not None:
            return f"a field name in {path or 'the body'}"
        found = _not_text(item, where)
        if found is not None:
            return found
    return None


def required(body: dict, field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ScrimmageError(f"{field} is missing: name the competition (its ref, as `kaggle competitions list` shows)")
    return value.strip()


def whole_number(body: dict, field: str, default: int) -> int:
    """``body[field]`` as a whole number (``default`` when absent); a clear error for anything else."""
    value = body.get(field)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ScrimmageError(f"{field} must be a whole number, not {value!r}") from None


def when(value: dt.datetime | None) -> str | None:
    """A datetime as the client parses it: ISO 8601 in UTC with milliseconds and ``Z``."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


def score(value: float | None) -> str | None:
    """Scores travel as strings, rounded to 5 decimals as Kaggle shows them."""
    return None if value is None else f"{value:.5f}"


def compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def paged(items: list, body: dict) -> tuple[list, str]:
    """One page by ``pageToken`` (an offset) or ``page`` (from 1), and the next page's token."""
    size = min(max(whole_number(body, "pageSize", DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    token = body.get("pageToken") or ""
    if token:
        if not str(token).isdigit():
            raise ScrimmageError(f"pageToken {token!r} is not one this server gave out")
        start = int(token)
    else:
        start = (max(whole_number(body, "page", 1), 1) - 1) * size
    end = start + size
    return items[start:end], (str(end) if end < len(items) else "")


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def category(comp) -> str:
    for label, tags in CATEGORIES.values():
        if any(t in comp.tags for t in tags):
            return label
    return "Community"


def merger_deadline(comp) -> dt.datetime | None:
    raw = comp.settings.get("merger_deadline")
    if not raw:
        return None
    return dt.datetime.fromisoformat(str(raw)).astimezone(dt.timezone.utc).replace(tzinfo=None)


def competition_json(request: Request, comp, entered: bool, rank: int | None = None) -> dict:
    return compact({
        "ref": comp.ref, "title": comp.title, "url": f"{base_url(request)}/c/{comp.ref}",
        "description": comp.settings.get("summary") or None, "category": category(comp), "reward": "Knowledge",
        "tags": [{"ref": t, "name": t} for t in comp.tags], "deadline": when(comp.deadline),
        "teamCount": comp.team_count, "userHasEntered": entered, "userRank": rank,
        "mergerDeadline": when(merger_deadline(comp)), "enabledDate": when(comp.created_at),
        "dateCreated": when(comp.created_at), "maxDailySubmissions": comp.daily_limit,
        "maxTeamSize": comp.settings.get("max_team_size"), "evaluationMetric": comp.metric,
        "submissionsDisabled": False,
    })


def submission_json(request: Request, sub) -> dict:
    return compact({
        "ref": sub.id, "totalBytes": sub.size_bytes, "date": when(sub.date), "description": sub.description or None,
        "errorDescription": sub.error if sub.status == "error" else None, "fileName": sub.file_name,
        "publicScore": score(sub.public_score), "privateScore": score(sub.private_score),
        "status": STATUS.get(sub.status, "PENDING"), "submittedBy": sub.user, "submittedByRef": sub.user,
        "teamName": sub.team, "url": f"{base_url(request)}/c/{sub.competition}/submissions",
    })


def file_json(request: Request, ref: str, f) -> dict:
    """A stored public file (see :class:`scrimmage.storage.StoredObject`) as the client lists it."""
    return compact({"ref": f.name, "name": f.name, "totalBytes": f.size, "creationDate": when(f.modified),
                    "url": f"{base_url(request)}{FILES}/data/{quote(ref)}/{quote(f.name)}"})


def rank_of(a, comp, user: str) -> int | None:
    team = a.teams.team(comp.ref, user)
    if team is None:
        return None
    return next((r.rank for r in a.leaderboard(comp.ref, user=user).rows if r.team_id == team.id), None)


def kaggle_call(method: str, *, on: APIRouter, service: str = SERVICE):
    """Serve ``fn(request, body)`` as the client's ``POST /api/v1/{service}/{method}``.

    The JSON body is read and checked here; ``fn`` is blocking (it calls the core) and
    runs off the event loop. ``on`` is the router of the module that serves the call.
    """

    def register(fn):
        async def endpoint(request: Request):
            body = await body_of(request)
            return await run_in_threadpool(fn, request, body)

        endpoint.__name__ = endpoint.__qualname__ = fn.__name__
        on.post(f"{PREFIX}/{service}/{method}")(endpoint)
        return fn

    return register
