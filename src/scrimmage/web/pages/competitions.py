"""The competition list and the public tabs of a competition: Overview, Data, Rules, Leaderboard."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from ...visibility import listed
from ..api import public_file
from ..stored import stored_response
from ..deps import arena, csrf_guard, page, require_viewer, viewer

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])


def comp_page(request: Request, ref: str, tab: str, template: str, **context):
    """Render one tab of a competition with what every tab shows (header, tabs, who may host)."""
    a = arena(request)
    comp = a.competition(ref)
    user = viewer(request)
    name = user.name if user else None
    context.setdefault("team", a.teams.team(comp.ref, name) if name else None)
    from ...practice import honour_notice

    return page(request, template, comp=comp, tab=tab, is_host=bool(name) and a.is_host(comp, name),
                practice_notice=honour_notice(comp.ref), **context)


@router.get("/")
def index(request: Request, tag: str | None = None, q: str | None = None, track: str | None = None):
    from ... import tag_groups, tracks

    a = arena(request)
    user = viewer(request)
    can_host = bool(user and user.can_host)
    comps = listed(a.list_competitions(tag=tag or None, search=q or None), can_host)
    chosen = tracks.get(track) if track else None  # an unknown track lists the valid ones
    if chosen:  # the track's steps, in the order a learner takes them
        order = {ref: i for i, ref in enumerate(tracks.refs(chosen))}
        comps = sorted((c for c in comps if c.ref in order), key=lambda c: order[c.ref])
    groups = tag_groups.grouped(c.tags for c in listed(a.list_competitions(), can_host))
    entered = a.teams.entered(user.name if user else None)
    from ... import catalog

    return page(request, "index.html", comps=comps, groups=groups, tag=tag, q=q or "", entered=entered,
                tracks=tracks.tracks(), track=chosen, can_host=can_host, practice=set(catalog.refs()))


@router.get("/c/{ref}")
def overview(request: Request, ref: str):
    return comp_page(request, ref, "overview", "overview.html")


@router.get("/c/{ref}/data")
def data(request: Request, ref: str):
    files = arena(request).files(ref)
    return comp_page(request, ref, "data", "data.html", files=files)


@router.get("/c/{ref}/data/{name}")
def download(request: Request, ref: str, name: str):
    user = require_viewer(request)
    a = arena(request)
    if a.teams.team(ref, user.name) is None:
        from ...errors import ForbiddenError

        raise ForbiddenError(f"join {a.competition(ref).ref!r} (accept its rules) before downloading its data")
    return stored_response(a.objects, public_file(a, ref, name).key, name)


@router.get("/c/{ref}/rules")
def rules(request: Request, ref: str):
    return comp_page(request, ref, "rules", "rules.html")


@router.post("/c/{ref}/join")
def join(request: Request, ref: str):
    user = require_viewer(request)
    team = arena(request).teams.join(ref, user.name)
    notice = quote(f"You joined as team {team.name}. Download the data and submit!")
    return RedirectResponse(f"/c/{ref}/data?notice={notice}", status_code=303)


@router.get("/c/{ref}/leaderboard")
def leaderboard(request: Request, ref: str, private: int | None = None):
    a = arena(request)
    comp = a.competition(ref)
    user = viewer(request)
    name = user.name if user else None
    can_private = comp.closed or (bool(name) and a.sees_private(comp, name))
    show_private = can_private if private is None else bool(private)
    board = a.leaderboard(comp.ref, private=show_private, user=name)
    team = a.teams.team(comp.ref, name) if name else None
    from ...references import board_rows, medal_legend

    rows = board_rows(board)  # the reference pipelines' scores sit among the teams
    return comp_page(request, ref, "leaderboard", "leaderboard.html", board=board, can_private=can_private,
                     my_team_id=team.id if team else None, team=team, rows=rows, staff=board.staff_teams,
                     legend=medal_legend(board),
                     show_medals=board.private or any(r.medal for r in rows))
