"""The REST API under /api/: everything the CLI does, with token auth (``Authorization: Bearer``).

Errors come back as the JSON envelope ``{"ok": false, "error", "errors", "status"}``. Every route
declares its response shape and the error statuses it can answer with (see ``schemas.py``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel

from .. import hosting, wire
from .stored import stored_response
from ..bundle_zip import MAX_UPLOAD_MB
from ..errors import NotFoundError
from ..limits import submission_limit_mb
from ..practice import honour_notice
from ..visibility import listed
from .deps import RowId, arena, optional_api_user, require_api_user, saved_upload
from .upload_guard import guarded_mb
from .schemas import (
    CompetitionOut,
    FileOut,
    LeaderboardOut,
    MeOut,
    SessionsEndedOut,
    SubmissionOut,
    TeamOut,
    TokenOut,
    errors,
)

router = APIRouter(prefix="/api", tags=["api"])
UPLOAD_ERRORS = (400, 401, 403, 404, 409, 413, 422, 429, 507)


class SelectBody(BaseModel):
    unselect: bool = False


def competition_json(c, entered: bool | None = None) -> dict:
    """A competition as the API shows it: the wire shape, and the honour notice of catalogue competitions."""
    return {**wire.competition_to_dict(c, entered), "practice_notice": honour_notice(c.ref)}


@router.get("/me", summary="Who the token belongs to", response_model=MeOut, responses=errors(401))
def me(user=Depends(require_api_user)):
    return {"name": user.name, "display_name": user.display_name, "role": user.role}


@router.get("/me/tokens", summary="Your API tokens, with when each was last used", response_model=list[TokenOut],
            responses=errors(401))
def my_tokens(request: Request, user=Depends(require_api_user)):
    return [{"id": t.id, "label": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
            for t in arena(request).accounts.tokens(user.name)]


@router.delete("/me/tokens/{token_id}", status_code=204, summary="Revoke one of your API tokens",
               response_class=Response, responses=errors(401, 404))
def revoke_token(request: Request, token_id: RowId, user=Depends(require_api_user)):
    arena(request).accounts.revoke_token(user.name, token_id)
    return Response(status_code=204)


@router.post("/me/sessions/end", summary="Log out everywhere: end every browser session (API tokens stay)",
             response_model=SessionsEndedOut, responses=errors(401))
def end_sessions(request: Request, user=Depends(require_api_user)):
    return {"ended": arena(request).accounts.end_sessions(user.name)}


@router.get("/competitions", summary="List competitions (filter by tag or text)", response_model=list[CompetitionOut],
            responses=errors(401, 422))
def list_competitions(request: Request, tag: str | None = None, search: str | None = None,
                      user=Depends(optional_api_user)):
    a = arena(request)
    entered = a.teams.entered(user.name if user else None)
    comps = listed(a.list_competitions(tag=tag, search=search), bool(user and user.can_host))
    return [competition_json(c, c.ref in entered) for c in comps]


@router.get("/competitions/{ref}", summary="One competition", response_model=CompetitionOut,
            responses=errors(401, 404))
def competition(request: Request, ref: str, user=Depends(optional_api_user)):
    a = arena(request)
    comp = a.competition(ref)
    return competition_json(comp, comp.ref in a.teams.entered(user.name if user else None))


@router.patch("/competitions/{ref}", summary="Edit deadline, limits, description (host)",
              response_model=CompetitionOut, responses=errors(400, 401, 403, 404, 422))
def edit(request: Request, ref: str, changes: dict, user=Depends(require_api_user)):
    return competition_json(hosting.edit(arena(request), ref, user.name, changes))


@router.post("/competitions", status_code=201, summary="Create a competition from a bundle .zip (host)",
             response_model=CompetitionOut, responses=errors(*UPLOAD_ERRORS))
def create(request: Request, bundle: UploadFile = File(..., description="the bundle folder as a .zip"),
           user=Depends(require_api_user)):
    with saved_upload(bundle, MAX_UPLOAD_MB, "bundle") as path:
        comp = hosting.create_from_zip(arena(request), path, user.name)
    return competition_json(comp)


@router.post("/competitions/{ref}/close", summary="Close now and reveal the private leaderboard (host)",
             response_model=CompetitionOut, responses=errors(401, 403, 404))
def close(request: Request, ref: str, user=Depends(require_api_user)):
    return competition_json(arena(request).close(ref, user=user.name))


@router.post("/competitions/{ref}/join", summary="Join (accept the rules): become a team of one",
             response_model=TeamOut, responses=errors(400, 401, 404, 409))
def join(request: Request, ref: str, user=Depends(require_api_user)):
    team = arena(request).teams.join(ref, user.name)
    return {"team": team.name, "members": team.members}


@router.get("/competitions/{ref}/files", summary="The public data files", response_model=list[FileOut],
            responses=errors(404))
def files(request: Request, ref: str):
    return [wire.file_to_dict(p) for p in arena(request).files(ref)]


@router.get("/competitions/{ref}/files/{name}", summary="Download one public file", response_class=FileResponse,
            responses={200: {"content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
                             "description": "the file, with the media type of its name (text/csv, ...)"},
                       **errors(401, 404)})
def download(request: Request, ref: str, name: str, user=Depends(require_api_user)):
    a = arena(request)
    return stored_response(a.objects, public_file(a, ref, name).key, name)


@router.get("/competitions/{ref}/submissions", summary="Your team's submissions, newest first",
            response_model=list[SubmissionOut], responses=errors(401, 404))
def submissions(request: Request, ref: str, user=Depends(require_api_user)):
    return [wire.submission_to_dict(s) for s in arena(request).submissions(ref, user=user.name)]


@router.post("/competitions/{ref}/submissions", status_code=201, summary="Submit a CSV; returns its scores",
             response_model=SubmissionOut, responses=errors(*UPLOAD_ERRORS))
def submit(request: Request, ref: str, file: UploadFile = File(...), message: str = Form(""),
           user=Depends(require_api_user)):
    a = arena(request)
    mb = guarded_mb(request)  # read with the competition before the body was
    if mb is None:
        mb = submission_limit_mb(a.competition(ref, full=False).settings)
    with saved_upload(file, mb, "submission") as path:
        sub = a.submit(ref, path, message, user=user.name)
    return wire.submission_to_dict(sub)


@router.post("/competitions/{ref}/submissions/{sub_id}/select", summary="Select (or unselect) a final submission",
             response_model=SubmissionOut, responses=errors(401, 404, 409, 422, 429))
def select(request: Request, ref: str, sub_id: RowId, body: SelectBody | None = None, user=Depends(require_api_user)):
    sub = arena(request).select(ref, sub_id, user=user.name, unselect=bool(body and body.unselect))
    return wire.submission_to_dict(sub)


@router.get("/competitions/{ref}/leaderboard", summary="The public (or, after the reveal, private) leaderboard",
            response_model=LeaderboardOut, responses=errors(401, 403, 404, 422))
def leaderboard(request: Request, ref: str, private: bool = False, user=Depends(optional_api_user)):
    board = arena(request).leaderboard(ref, private=private, user=user.name if user else "")
    out = wire.leaderboard_to_dict(board)
    out["competition"] = competition_json(board.competition)
    out["staff_teams"] = [{"team_id": t, "role": r} for t, r in sorted(board.staff_teams.items())]
    return JSONResponse(out)


def public_file(a, ref: str, name: str):
    """The stored public file ``name`` of ``ref``; never the solution or anything else."""
    files = a.files(ref)
    for f in files:
        if f.name == name:
            return f
    raise NotFoundError(f"no public file {name!r}; the files are: {', '.join(f.name for f in files)}")
