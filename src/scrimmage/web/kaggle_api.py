"""The official ``kaggle`` client's competitions calls: list and get competitions, their data files and
archives, the leaderboard, and who a bearer token belongs to (see :mod:`.kaggle_protocol`)."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import io
import zipfile
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ..csv_cells import safe_cell
from ..errors import NotFoundError
from ..store import lookups
from ..visibility import listed
from .api import public_file
from .deps import arena
from .stored import stored_response
from .kaggle_protocol import (
    CATEGORIES,
    FILES,
    KaggleRoute,
    base_url,
    category,
    compact,
    competition_json,
    file_json,
    kaggle_call,
    kaggle_user,
    name_of,
    paged,
    rank_of,
    required,
    score,
    when,
)

router = APIRouter(route_class=KaggleRoute, include_in_schema=False)


# competitions ---------------------------------------------------------------------------
_SORTS = {
    "COMPETITION_SORT_BY_EARLIEST_DEADLINE": (lambda c: (c.deadline is None, c.deadline or dt.datetime.max), False),
    "COMPETITION_SORT_BY_LATEST_DEADLINE": (lambda c: (c.deadline is not None, c.deadline or dt.datetime.min), True),
    "COMPETITION_SORT_BY_NUMBER_OF_TEAMS": (lambda c: c.team_count, True),
    "COMPETITION_SORT_BY_RECENTLY_CREATED": (lambda c: c.created_at or dt.datetime.min, True),
}


@kaggle_call("ListCompetitions", on=router)
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
    page, token = paged(comps, body)
    out = [competition_json(request, c, c.ref in entered, rank_of(a, c, user) if c.ref in entered else None)
           for c in page]
    return {"competitions": out, "nextPageToken": token}


@kaggle_call("GetCompetition", on=router)
def get_competition(request: Request, body: dict):
    a = arena(request)
    user = name_of(kaggle_user(request, required=False))
    comp = a.competition(required(body, "competitionName"))
    entered = comp.ref in a.teams.entered(user)
    return competition_json(request, comp, entered, rank_of(a, comp, user) if entered else None)


# data ----------------------------------------------------------------------------------
@kaggle_call("ListDataFiles", on=router)
def list_data_files(request: Request, body: dict):
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    files, token = paged(a.files(comp.ref), body)
    return {"files": [file_json(request, comp.ref, p) for p in files], "nextPageToken": token}


@kaggle_call("DownloadDataFile", on=router)
def download_data_file(request: Request, body: dict):
    kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    name = body.get("fileName") or ""
    public_file(a, comp.ref, name)  # a clear 404 naming the files there are
    return RedirectResponse(f"{base_url(request)}{FILES}/data/{quote(comp.ref)}/{quote(name)}", status_code=302)


@kaggle_call("DownloadDataFiles", on=router)
def download_data_files(request: Request, body: dict):
    kaggle_user(request)
    comp = arena(request).competition(required(body, "competitionName"), full=False)
    # the client saves the file as "<competition>.<extension of the URL>"
    return RedirectResponse(f"{base_url(request)}{FILES}/archives/{quote(comp.ref)}.zip", status_code=302)


@router.get(FILES + "/data/{ref}/{name}")
def data_file(request: Request, ref: str, name: str):
    kaggle_user(request)
    a = arena(request)
    return stored_response(a.objects, public_file(a, ref, name).key, name)


@router.get(FILES + "/archives/{name}")
def data_archive(request: Request, name: str):
    kaggle_user(request)
    if not name.endswith(".zip"):
        raise NotFoundError(f"no archive {name!r}: archives are named <competition>.zip")
    a = arena(request)
    return stored_response(a.objects, a.data_archive(name[:-4]).key, name, media_type="application/zip")


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


@kaggle_call("GetLeaderboard", on=router)
def get_leaderboard(request: Request, body: dict):
    _, rows, last = _board_rows(request, body)
    rows, token = paged(rows, body)
    out = [compact({"teamId": r.team_id, "teamName": r.team_name, "submissionDate": when(last.get(r.team_id)),
                     "score": score(r.score)}) for r in rows]
    return {"submissions": out, "nextPageToken": token}


@kaggle_call("DownloadLeaderboard", on=router)
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


@kaggle_call("IntrospectToken", on=router, service="security.OAuthService")
def introspect_token(request: Request, body: dict):
    """Who a bearer token belongs to.

    A token that is no valid scrimmage token is answered as active too, under a name
    no account can have: told "inactive", the client would drop it silently and print
    its sign-in help for kaggle.com; this way it sends the token, and the call itself
    fails with the reason (:data:`BAD_TOKEN`).
    """
    user = arena(request).accounts.token_user(str(body.get("token") or ""))
    return {"active": True, "username": user.name if user else UNKNOWN_TOKEN_USER}
