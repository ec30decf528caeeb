"""The REST API under /api/: everything the CLI does, with token auth (``Authorization: Bearer``).

Errors come back as the JSON envelope ``{"ok": false, "error", "errors", "status"}``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel

from .. import hosting, wire
from ..bundle_zip import MAX_UPLOAD_MB
from ..errors import NotFoundError
from ..limits import submission_limit_mb
from ..stored_files import require
from .deps import RowId, arena, optional_api_user, require_api_user, saved_upload

router = APIRouter(prefix="/api", tags=["api"])


class SelectBody(BaseModel):
    unselect: bool = False


@router.get("/me", summary="Who the token belongs to")
def me(user=Depends(require_api_user)):
    return {"name": user.name, "display_name": user.display_name, "role": user.role}


@router.get("/competitions", summary="List competitions (filter by tag or text)")
def list_competitions(request: Request, tag: str | None = None, search: str | None = None,
                      user=Depends(optional_api_user)):
    a = arena(request)
    entered = a.teams.entered(user.name if user else None)
    return [wire.competition_to_dict(c, c.ref in entered) for c in a.list_competitions(tag=tag, search=search)]


@router.get("/competitions/{ref}", summary="One competition")
def competition(request: Request, ref: str, user=Depends(optional_api_user)):
    a = arena(request)
    comp = a.competition(ref)
    return wire.competition_to_dict(comp, comp.ref in a.teams.entered(user.name if user else None))


@router.patch("/competitions/{ref}", summary="Edit deadline, limits, description (host)")
def edit(request: Request, ref: str, changes: dict, user=Depends(require_api_user)):
    return wire.competition_to_dict(hosting.edit(arena(request), ref, user.name, changes))


@router.post("/competitions", status_code=201, summary="Create a competition from a bundle .zip (host)")
def create(request: Request, bundle: UploadFile = File(..., description="the bundle folder as a .zip"),
           user=Depends(require_api_user)):
    with saved_upload(bundle, MAX_UPLOAD_MB, "bundle") as path:
        comp = hosting.create_from_zip(arena(request), path, user.name)
    return wire.competition_to_dict(comp)


@router.post("/competitions/{ref}/close", summary="Close now and reveal the private leaderboard (host)")
def close(request: Request, ref: str, user=Depends(require_api_user)):
    return wire.competition_to_dict(arena(request).close(ref, user=user.name))


@router.post("/competitions/{ref}/join", summary="Join (accept the rules): become a team of one")
def join(request: Request, ref: str, user=Depends(require_api_user)):
    team = arena(request).teams.join(ref, user.name)
    return {"team": team.name, "members": team.members}


@router.get("/competitions/{ref}/files", summary="The public data files")
def files(request: Request, ref: str):
    return [wire.file_to_dict(p) for p in arena(request).files(ref)]


@router.get("/competitions/{ref}/files/{name}", summary="Download one public file",
            response_class=FileResponse)
def download(request: Request, ref: str, name: str, user=Depends(require_api_user)):
    return FileResponse(public_file(arena(request), ref, name), filename=name)


@router.get("/competitions/{ref}/submissions", summary="Your team's submissions, newest first")
def submissions(request: Request, ref: str, user=Depends(require_api_user)):
    return [wire.submission_to_dict(s) for s in arena(request).submissions(ref, user=user.name)]


@router.post("/competitions/{ref}/submissions", status_code=201, summary="Submit a CSV; returns its scores")
def submit(request: Request, ref: str, file: UploadFile = File(...), message: str = Form(""),
           user=Depends(require_api_user)):
    a = arena(request)
    comp = a.competition(ref, full=False)
    with saved_upload(file, submission_limit_mb(comp.settings), "submission") as path:
        sub = a.submit(comp.ref, path, message, user=user.name)
    return wire.submission_to_dict(sub)


@router.post("/competitions/{ref}/submissions/{sub_id}/select", summary="Select (or unselect) a final submission")
def select(request: Request, ref: str, sub_id: RowId, body: SelectBody | None = None, user=Depends(require_api_user)):
    sub = arena(request).select(ref, sub_id, user=user.name, unselect=bool(body and body.unselect))
    return wire.submission_to_dict(sub)


@router.get("/competitions/{ref}/leaderboard", summary="The public (or, after the reveal, private) leaderboard")
def leaderboard(request: Request, ref: str, private: bool = False, user=Depends(optional_api_user)):
    board = arena(request).leaderboard(ref, private=private, user=user.name if user else "")
    return JSONResponse(wire.leaderboard_to_dict(board))


def public_file(a, ref: str, name: str):
    """The path of public file ``name`` of ``ref``; never the solution or anything else."""
    paths = a.files(ref)
    for p in paths:
        if p.name == name:
            return require(p, f"the public file {name} of {ref!r}")
    raise NotFoundError(f"no public file {name!r}; the files are: {', '.join(p.name for p in paths)}")
