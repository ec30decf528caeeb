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

Every answer comes from the :class:`~scrimmage.services.Arena`; this module only
translates shapes and errors.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import email.utils
import io
import json
import re
import secrets
import shutil
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from .. import scratch
from ..csv_cells import safe_cell
from ..errors import ForbiddenError, LimitError, NotFoundError, ScrimmageError
from ..limits import submission_limit_mb
from ..store import lookups
from ..visibility import listed
from .api import public_file
from .deps import arena

SERVICE = "competitions.CompetitionApiService"
PREFIX = "/api/v1"
#: Where the client downloads from and uploads to (the targets of redirects and ``createUrl``).
FILES = f"{PREFIX}/kaggle"
UPLOADS = "kaggle-uploads"
UPLOAD_TTL = dt.timedelta(days=1)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
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


router = APIRouter(route_class=KaggleRoute, include_in_schema=False)


def kaggle_error(exc: ScrimmageError) -> JSONResponse:
    """The client raises ``message`` (every problem on a line of its own); ``errors`` lists them for scripts."""
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
    return body


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


def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def _page(items: list, body: dict) -> tuple[list, str]:
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
    return _compact({
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
    return _compact({
        "ref": sub.id, "totalBytes": sub.size_bytes, "date": when(sub.date), "description": sub.description or None,
        "errorDescription": sub.error if sub.status == "error" else None, "fileName": sub.file_name,
        "publicScore": score(sub.public_score), "privateScore": score(sub.private_score),
        "status": STATUS.get(sub.status, "PENDING"), "submittedBy": sub.user, "submittedByRef": sub.user,
        "teamName": sub.team, "url": f"{base_url(request)}/c/{sub.competition}/submissions",
    })


def _file_json(request: Request, ref: str, path: Path) -> dict:
    st = path.stat()
    modified = dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc)
    return _compact({"ref": path.name, "name": path.name, "totalBytes": st.st_size, "creationDate": when(modified),
                     "url": f"{base_url(request)}{FILES}/data/{quote(ref)}/{quote(path.name)}"})


def _rank_of(a, comp, user: str) -> int | None:
    team = a.teams.team(comp.ref, user)
    if team is None:
        return None
    return next((r.rank for r in a.leaderboard(comp.ref, user=user).rows if r.team_id == team.id), None)


# competitions ---------------------------------------------------------------------------
def kaggle_call(method: str, service: str = SERVICE, on: APIRouter | None = None):
    """Serve ``fn(request, body)`` as the client's ``POST /api/v1/{service}/{method}``.

    The JSON body is read and checked here; ``fn`` is blocking (it calls the core) and
    runs off the event loop. ``on`` is the router to add the route to (this module's
    by default).
    """

    def register(fn):
        async def endpoint(request: Request):
            body = await body_of(request)
            return await run_in_threadpool(fn, request, body)

        endpoint.__name__ = endpoint.__qualname__ = fn.__name__
        (on or router).post(f"{PREFIX}/{service}/{method}")(endpoint)
        return fn

    return register


_SORTS = {
    "COMPETITION_SORT_BY_EARLIEST_DEADLINE": (lambda c: (c.deadline is None, c.deadline or dt.datetime.max), False),
    "COMPETITION_SORT_BY_LATEST_DEADLINE": (lambda c: (c.deadline is not None, c.deadline or dt.datetime.min), True),
    "COMPETITION_SORT_BY_NUMBER_OF_TEAMS": (lambda c: c.team_count, True),
    "COMPETITION_SORT_BY_RECENTLY_CREATED": (lambda c: c.created_at or dt.datetime.min, True),
}


@kaggle_call("ListCompetitions")
def list_competitions(request: Request, body: dict):
    a = arena(request)
    who = kaggle_user(request, required=False)
    user = name_of(who)
    comps = listed(a.list_competitions(search=(body.get("search") or "").strip() or None),
                   bool(who and who.can_host))
    entered = a.teams.entered(user)
    group = body.get("group") or "COMPETITION_LIST_TAB_EVERYTHING"
    if group == "COMPETITION_LIST_TAB_ENTERED":
        comps = [c for c in comps if c.ref in entered]
    elif group == "COMPETITION_LIST_TAB_HOSTED":
        with a.store.read() as conn:
            hosted = lookups.hosted_refs(conn, user) if user else set()
        comps = [c for c in comps if c.ref in hosted]
    elif group in ("COMPETITION_LIST_TAB_UNLAUNCHED", "COMPETITION_LIST_TAB_UNLAUNCHED_COMMUNITY"):
        comps = []
    wanted = CATEGORIES.get(body.get("category") or "")
    if wanted:
        comps = [c for c in comps if category(c) == wanted[0]]
    order = _SORTS.get(body.get("sortBy") or "")
    if order:
        comps = sorted(comps, key=order[0], reverse=order[1])
    page, token = _page(comps, body)
    out = [competition_json(request, c, c.ref in entered, _rank_of(a, c, user) if c.ref in entered else None)
           for c in page]
    return {"competitions": out, "nextPageToken": token}


@kaggle_call("GetCompetition")
def get_competition(request: Request, body: dict):
    a = arena(request)
    user = name_of(kaggle_user(request, required=False))
    comp = a.competition(required(body, "competitionName"))
    entered = comp.ref in a.teams.entered(user)
    return competition_json(request, comp, entered, _rank_of(a, comp, user) if entered else None)


# data ----------------------------------------------------------------------------------
@kaggle_call("ListDataFiles")
def list_data_files(request: Request, body: dict):
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    files, token = _page(a.files(comp.ref), body)
    return {"files": [_file_json(request, comp.ref, p) for p in files], "nextPageToken": token}


@kaggle_call("DownloadDataFile")
def download_data_file(request: Request, body: dict):
    kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    name = body.get("fileName") or ""
    public_file(a, comp.ref, name)  # a clear 404 naming the files there are
    return RedirectResponse(f"{base_url(request)}{FILES}/data/{quote(comp.ref)}/{quote(name)}", status_code=302)


@kaggle_call("DownloadDataFiles")
def download_data_files(request: Request, body: dict):
    kaggle_user(request)
    comp = arena(request).competition(required(body, "competitionName"), full=False)
    # the client saves the file as "<competition>.<extension of the URL>"
    return RedirectResponse(f"{base_url(request)}{FILES}/archives/{quote(comp.ref)}.zip", status_code=302)


@router.get(FILES + "/data/{ref}/{name}")
def data_file(request: Request, ref: str, name: str):
    kaggle_user(request)
    return FileResponse(public_file(arena(request), ref, name), filename=name)


@router.get(FILES + "/archives/{name}")
def data_archive(request: Request, name: str):
    kaggle_user(request)
    if not name.endswith(".zip"):
        raise NotFoundError(f"no archive {name!r}: archives are named <competition>.zip")
    path = arena(request).data_archive(name[:-4])
    return FileResponse(path, filename=name, media_type="application/zip")


# submissions ----------------------------------------------------------------------------
def _uploads(a) -> Path:
    return a.settings.home / UPLOADS


def _staged(a, token: str) -> tuple[Path, dict]:
    folder = _uploads(a) / token
    try:
        meta = json.loads((folder / "upload.json").read_text()) if TOKEN_RE.match(token) else None
    except (OSError, ValueError):
        meta = None
    if meta is None:
        raise NotFoundError("no upload under this token (it expired or was used): run the submit command again")
    return folder, meta


@kaggle_call("StartSubmissionUpload")
def start_submission_upload(request: Request, body: dict):
    user = kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    size = whole_number(body, "contentLength", 0)
    limit_mb = submission_limit_mb(comp.settings)
    if size > limit_mb * 1e6:
        raise LimitError(f"the submission is over the {limit_mb:g} MB limit of {comp.ref!r}; submit a smaller file")
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(str(body.get("fileName") or "submission.csv")).name)[-120:]
    root = _uploads(a)
    _sweep(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(parents=True)
    meta = {"user": user.name, "competition": comp.ref, "file_name": name or "submission.csv",
            "content_length": size, "started": time.time()}
    (folder / "upload.json").write_text(json.dumps(meta))
    return {"token": token, "createUrl": f"{base_url(request)}{FILES}/uploads/{token}"}


@router.put(FILES + "/uploads/{token}")
async def upload(request: Request, token: str):
    """The raw bytes of a file announced by StartSubmissionUpload (the token in the URL is the credential)."""
    folder, meta = _staged(arena(request), token)
    expected = int(meta["content_length"])
    too_long = f"the upload is longer than the {expected} bytes announced; run the submit command again"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > expected:  # refused before a byte of it is read
        raise LimitError(too_long)
    part = folder / scratch.part_name()  # named for this process: a later start removes it if the process is killed
    total = 0
    try:
        with open(part, "wb") as out:
            async for chunk in request.stream():
                total += len(chunk)
                if total > expected:
                    raise LimitError(too_long)
                out.write(chunk)
    except BaseException as exc:
        part.unlink(missing_ok=True)
        if scratch.is_disk_full(exc):
            raise scratch.disk_full() from None
        raise
    if total != expected:
        part.unlink(missing_ok=True)
        raise ScrimmageError(f"the upload stopped after {total} of {expected} bytes; run the submit command again")
    part.replace(folder / meta["file_name"])
    return {"token": token, "totalBytes": total}


@kaggle_call("CreateSubmission")
def create_submission(request: Request, body: dict):
    user = kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    token = str(body.get("blobFileTokens") or "").strip()
    folder, meta = _staged(a, token)
    path = folder / meta["file_name"]
    if meta["user"] != user.name or not path.is_file():
        raise NotFoundError("no upload under this token (it expired or was used): run the submit command again")
    if meta["competition"] != comp.ref:
        raise ScrimmageError(f"this file was uploaded for {meta['competition']!r}, not {comp.ref!r}; submit it again")
    try:
        sub = a.submit(comp.ref, path, str(body.get("submissionDescription") or ""), user=user.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"message": f"Successfully submitted to {comp.title} "
                       f"(submission {sub.id}, public score {score(sub.public_score)})", "ref": sub.id}


@kaggle_call("GetSubmissionLimits")
def get_submission_limits(request: Request, body: dict):
    user = kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    used, limit = a.teams.used_today(comp.ref, user.name)
    team = a.teams.team(comp.ref, user.name)
    return {"numToday": used, "numTotal": team.submission_count if team else 0,
            "numAllowedNow": max(limit - used, 0), "limitedByTotal": False}


_SUB_SORTS = {
    "SUBMISSION_SORT_BY_NAME": lambda s, greater: (s.file_name.lower(), -s.id),
    "SUBMISSION_SORT_BY_PUBLIC_SCORE": lambda s, greater: _by_score(s.public_score, greater, s.id),
    "SUBMISSION_SORT_BY_PRIVATE_SCORE": lambda s, greater: _by_score(s.private_score, greater, s.id),
}


def _by_score(value: float | None, greater: bool, sub_id: int):
    return (value is None, -(value or 0.0) if greater else (value or 0.0), -sub_id)


@kaggle_call("ListSubmissions")
def list_submissions(request: Request, body: dict):
    user = kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    subs = a.submissions(comp.ref, user=user.name)  # newest first
    group = body.get("group") or "SUBMISSION_GROUP_ALL"
    if group == "SUBMISSION_GROUP_SUCCESSFUL":
        subs = [s for s in subs if s.status == "complete"]
    elif group == "SUBMISSION_GROUP_SELECTED":
        subs = [s for s in subs if s.selected]
    order = _SUB_SORTS.get(body.get("sortBy") or "")
    if order:
        subs = sorted(subs, key=lambda s: order(s, comp.greater_is_better))
    page, token = _page(subs, body)
    return {"submissions": [submission_json(request, s) for s in page], "nextPageToken": token}


# leaderboard ----------------------------------------------------------------------------
def _board(request: Request, body: dict):
    """The public leaderboard; once the competition has closed, the private one (as Kaggle shows)."""
    a = arena(request)
    user = name_of(kaggle_user(request, required=False))
    comp = a.competition(required(body, "competitionName"))
    return a.leaderboard(comp.ref, private=comp.closed and not body.get("overridePublic"), user=user or "")


def _board_rows(request: Request, body: dict):
    """The board's rows with the reference pipelines' rows among them (no rank, no team id), as the
    other faces show them, and each team's last submission date."""
    from ..references import board_rows

    board = _board(request, body)
    with arena(request).store.read() as conn:
        last = lookups.last_submission_dates(conn, board.competition.ref)
    return board, board_rows(board), last


@kaggle_call("GetLeaderboard")
def get_leaderboard(request: Request, body: dict):
    _, rows, last = _board_rows(request, body)
    rows, token = _page(rows, body)
    out = [_compact({"teamId": r.team_id, "teamName": r.team_name, "submissionDate": when(last.get(r.team_id)),
                     "score": score(r.score)}) for r in rows]
    return {"submissions": out, "nextPageToken": token}


@kaggle_call("DownloadLeaderboard")
def download_leaderboard(request: Request, body: dict):
    board, rows, last = _board_rows(request, body)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["Rank", "TeamId", "TeamName", "LastSubmissionDate", "Score", "SubmissionCount"])
    for r in rows:
        writer.writerow([r.rank, r.team_id, safe_cell(r.team_name), when(last.get(r.team_id)), score(r.score), r.entries])
    kind = "private" if board.private else "public"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{board.competition.ref}-{kind}leaderboard.csv", text.getvalue())
    data = buffer.getvalue()
    return Response(data, media_type="application/zip", headers={
        "Content-Length": str(len(data)), "Last-Modified": email.utils.formatdate(usegmt=True),
        "Content-Disposition": f'attachment; filename="{board.competition.ref}.zip"'})


# tokens (``KAGGLE_API_TOKEN``): the client asks who a bearer token belongs to -------------------
#: The name IntrospectToken gives a token that is no scrimmage token (no account can have it).
UNKNOWN_TOKEN_USER = "(not a scrimmage token)"


@kaggle_call("IntrospectToken", service="security.OAuthService")
def introspect_token(request: Request, body: dict):
    """Who a bearer token belongs to.

    A token that is no valid scrimmage token is answered as active too, under a name
    no account can have: told "inactive", the client would drop it silently and print
    its sign-in help for kaggle.com; this way it sends the token, and the call itself
    fails with the reason (:data:`BAD_TOKEN`).
    """
    user = arena(request).accounts.token_user(str(body.get("token") or ""))
    return {"active": True, "username": user.name if user else UNKNOWN_TOKEN_USER}


def _sweep(root: Path) -> None:
    """Drop uploads started more than a day ago and never submitted."""
    if not root.is_dir():
        return
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
