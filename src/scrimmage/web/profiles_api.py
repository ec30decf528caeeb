"""Profiles under /api/users/: a learner's record, and the switch that makes it public."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from ..errors import ForbiddenError
from .deps import arena, optional_api_user, require_api_user
from .notebooks_api import NotebookOut
from .schemas import UtcDateTime

router = APIRouter(prefix="/api/users", tags=["profiles"])
ERRORS = {401: {"description": "no or bad token"}, 403: {"description": "a private profile"},
          404: {"description": "no such user (or a private profile, to visitors without an account)"}}


class ResultOut(BaseModel):
    competition: str
    title: str
    closed: bool
    team: str
    solo: bool
    rank: int | None
    teams: int
    score: float | None
    medal: str | None
    standing: str
    lesson: bool


class TrackOut(BaseModel):
    name: str
    title: str
    done: int
    steps: int


class ProfileOut(BaseModel):
    name: str
    display_name: str
    joined: UtcDateTime
    public: bool
    tier: str
    tiers: dict[str, str]
    next_steps: dict[str, str]
    medals: dict[str, dict[str, int]]
    results: list[ResultOut]
    tracks: list[TrackOut]
    writeups: list[tuple[str, int, str]]
    posts: int
    post_votes: int
    notebooks: list[NotebookOut] = []
    notebook_votes: int = 0


class Visibility(BaseModel):
    public: bool


@router.get("/{name}/profile", response_model=ProfileOut, responses=ERRORS, summary="A learner's profile")
def profile(request: Request, name: str, user=Depends(optional_api_user)):
    p = arena(request).profiles.get(name, user.name if user else None)
    data = {f.name: getattr(p, f.name) for f in dataclasses.fields(p) if f.name != "top_posts"}
    data["results"] = [dataclasses.asdict(r) for r in p.results]
    data["tracks"] = [dataclasses.asdict(tr) for tr in p.tracks]
    data["notebooks"] = [dataclasses.asdict(n) for n in p.notebooks]
    return ProfileOut(tier=p.tier, **data)


@router.put("/{name}/profile/visibility", response_model=Visibility, responses=ERRORS,
            summary="Make your profile public or private")
def set_visibility(request: Request, name: str, body: Visibility, user=Depends(require_api_user)):
    if user.name != name:
        raise ForbiddenError("only its owner can make a profile public or private")
    arena(request).profiles.set_public(name, body.public)
    return body
