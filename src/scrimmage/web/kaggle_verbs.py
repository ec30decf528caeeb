"""The official client's newer competitions verbs, and an answer for the ones scrimmage lacks.

Served: ``competitions submission ID`` (GetSubmission), ``submission-download ID``
(DownloadSubmission), ``team-submissions TEAM_ID`` (ListTeamPublicSubmissions),
``hosts`` (ListCompetitionHosts), ``pages`` (ListCompetitionPages: the competition's
Markdown texts), ``settings get`` (GetCompetitionSettings) and ``solution status``
(GetCompetitionSolutionStatus), the last two for the host.

Every other call gets the client's error shape, ``{"code": 400, "message": ...}``,
with a sentence saying what scrimmage does not have and what to use instead
(:data:`NOT_SERVED`). This router goes after :mod:`.kaggle_api`'s: its catch-all
answers whatever no route before it serves.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from ..errors import ForbiddenError, NotFoundError, ScrimmageError
from ..store import lookups
from .deps import RowId, arena
from .stored import stored_response
from .kaggle_protocol import (
    CATEGORIES,
    FILES,
    PREFIX,
    KaggleRoute,
    base_url,
    category,
    kaggle_call,
    kaggle_user,
    merger_deadline,
    name_of,
    required,
    score,
    submission_json,
    when,
)

router = APIRouter(route_class=KaggleRoute, include_in_schema=False)

#: The competition's texts that ``kaggle competitions pages`` lists, by page name.
PAGES = {"description": "Description", "evaluation": "Evaluation", "data": "Data"}

_CREATE = ("scrimmage creates a competition from a bundle folder (competition.toml, the data, solution.csv): "
           "run `scrimmage competitions create FOLDER`, or upload the zipped folder on the server's /host/new page")
_EDIT = "change it in the bundle's competition.toml, on the competition's host page, or with PATCH /api/competitions/REF"
_REPLACE = ("scrimmage does not replace a competition's data or solution: they come with the bundle; " + _CREATE
            + " under a new ref")
_SIMULATION = "scrimmage has no simulation competitions, so there are no episodes, replays or agent logs"
_FORUMS = ("scrimmage does not serve its discussion to the kaggle client: read and post on the competition's "
           "Discussion page or with `scrimmage discussion`")

#: What scrimmage says for each client call it does not serve.
NOT_SERVED = {
    "CreateCompetition": _CREATE,
    "LaunchCompetition": "a scrimmage competition is open as soon as it is created; its deadline closes it",
    "CreateCompetitionData": _REPLACE,
    "CreateCompetitionSolution": _REPLACE,
    "StartBlobUpload": _REPLACE,  # the first call of `data update` and `solution create`
    "CreateCompetitionSampleSubmission": "scrimmage reads sample_submission.csv from the bundle: " + _CREATE,
    "UpdateCompetitionSettings": "scrimmage does not change settings through the kaggle client: " + _EDIT,
    "CreateCompetitionPage": "scrimmage does not edit pages through the kaggle client: " + _EDIT,
    "UpdateCompetitionPage": "scrimmage does not edit pages through the kaggle client: " + _EDIT,
    "DeleteCompetitionPage": "scrimmage does not edit pages through the kaggle client: " + _EDIT,
    "AddCompetitionHost": "a scrimmage competition has one host (its creator); an admin can act as host of every one",
    "ListCompetitionJudges": "scrimmage has no judges",
    "AddCompetitionJudge": "scrimmage has no judges",
    "ListSubmissionEpisodes": _SIMULATION,
    "GetEpisodeReplay": _SIMULATION,
    "GetEpisodeAgentLogs": _SIMULATION,
    "CreateCodeSubmission": "scrimmage has no code competitions: submit a CSV file with `-f FILE -m MESSAGE`",
    "UpdateSubmissionBenchmark": "scrimmage has no benchmark submissions; reference scores come with the bundle",
    "ListDataTreeFiles": "scrimmage's competition data is a flat list of files: use `kaggle competitions files`",
    "GetCompetitionDataFilesSummary": "use `kaggle competitions files` for the list of files and their sizes",
    "ListCompetitionTopics": _FORUMS,
    "ListTopicMessages": _FORUMS,
}
#: Other services of the client, by their name's first part.
NOT_SERVED_SERVICES = {
    "discussions": _FORUMS,
    "datasets": "scrimmage serves competitions only, not datasets",
    "kernels": "scrimmage serves the kernels commands for shared notebooks (list, pull, push --no-run) only",
    "models": "scrimmage serves competitions only, not models",
}


def _submission(request: Request, sub_id) -> tuple:
    """The submission ``sub_id`` if the caller's team made it (or the caller hosts its competition)."""
    user = kaggle_user(request)
    try:
        sub_id = int(sub_id)
    except (TypeError, ValueError):
        raise ScrimmageError(f"a submission ref is a whole number (as `kaggle competitions submissions` lists), "
                             f"not {sub_id!r}") from None
    a = arena(request)
    with a.store.read() as conn:
        ref = lookups.competition_of_submission(conn, sub_id)
    if ref is None:
        raise NotFoundError(f"no submission {sub_id}: `kaggle competitions submissions REF` lists yours")
    try:
        return a.submission(ref, sub_id, user=user.name), user
    except NotFoundError:
        raise NotFoundError(f"no submission {sub_id} of yours: `kaggle competitions submissions REF` lists yours") from None


@kaggle_call("GetSubmission", on=router)
def get_submission(request: Request, body: dict):
    sub, _ = _submission(request, body.get("ref"))
    return submission_json(request, sub)


@kaggle_call("DownloadSubmission", on=router)
def download_submission(request: Request, body: dict):
    sub, _ = _submission(request, body.get("submissionId"))
    return RedirectResponse(f"{base_url(request)}{FILES}/submissions/{sub.id}/{quote(sub.file_name)}", status_code=302)


@router.get(FILES + "/submissions/{sub_id}/{name}")
def submission_file(request: Request, sub_id: RowId, name: str):
    sub, _ = _submission(request, sub_id)
    if name != sub.file_name:
        raise NotFoundError(f"submission {sub.id} is the file {sub.file_name!r}")
    return stored_response(arena(request).objects, sub.stored_path, sub.file_name,
                           missing=NotFoundError(f"submission {sub.id} is the file {sub.file_name!r}"))


@kaggle_call("ListTeamPublicSubmissions", on=router)
def list_team_public_submissions(request: Request, body: dict):
    """A team's submission on the public leaderboard (what anyone may see of it)."""
    a = arena(request)
    user = name_of(kaggle_user(request, required=False))
    try:
        team_id = int(body.get("teamId"))
    except (TypeError, ValueError):
        raise ScrimmageError(f"teamId is a whole number (as `kaggle competitions leaderboard REF --show` lists), "
                             f"not {body.get('teamId')!r}") from None
    with a.store.read() as conn:
        ref = lookups.competition_of_team(conn, team_id)
    if ref is None:
        raise NotFoundError(f"no team {team_id}: `kaggle competitions leaderboard REF --show` lists the teams")
    board = a.leaderboard(ref, private=False, user=user or "")
    rows = [r for r in board.rows if r.team_id == team_id]
    return {"submissions": [{"id": r.submission_id, "dateSubmitted": when(r.submission_date),
                             "publicScore": score(r.score)} for r in rows]}


@kaggle_call("ListCompetitionHosts", on=router)
def list_competition_hosts(request: Request, body: dict):
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    with a.store.read() as conn:
        host = lookups.host_of(conn, comp.ref)
    if host is None:
        return {"hosts": []}
    return {"hosts": [{"id": host.id, "userName": host.name, "displayName": host.display_name or host.name,
                       "profileUrl": f"{base_url(request)}/c/{quote(comp.ref)}"}]}


@kaggle_call("ListCompetitionPages", on=router)
def list_competition_pages(request: Request, body: dict):
    comp = arena(request).competition(required(body, "competitionName"), full=False)
    wanted = (body.get("pageName") or "").strip()
    if wanted and wanted not in PAGES:
        raise NotFoundError(f"no page {wanted!r}; the pages are: {', '.join(PAGES)}")
    pages = []
    for name, title in PAGES.items():
        content = getattr(comp, name)
        if content and (not wanted or wanted == name):
            pages.append({"name": name, "content": content, "isPublished": True, "postTitle": title,
                          "mimeType": "text/markdown"})
    return {"pages": pages}


def _hosted(request: Request, body: dict):
    user = kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    if not a.is_host(comp, user.name):
        raise ForbiddenError(f"only the host of {comp.ref!r} can see this")
    return a, comp


@kaggle_call("GetCompetitionSettings", on=router)
def get_competition_settings(request: Request, body: dict):
    a, comp = _hosted(request, body)
    segment = next((k for k, (label, _) in CATEGORIES.items() if label == category(comp)), None)
    return {k: v for k, v in {
        "title": comp.title, "briefDescription": comp.settings.get("summary") or "", "competitionName": comp.ref,
        "hostSegment": segment, "deadline": when(comp.deadline), "hasLeaderboard": True,
        "teamMergerExplicitDeadline": when(merger_deadline(comp)),
        "disableSubmissions": False,
    }.items() if v not in (None, "")}


@kaggle_call("GetCompetitionSolutionStatus", on=router)
def get_competition_solution_status(request: Request, body: dict):
    a, comp = _hosted(request, body)
    return {"ready": True, "rowIdColumnName": comp.settings.get("id_column"),
            "requiredMetricColumns": [{"name": c} for c in comp.settings.get("prediction_columns") or []]}


@router.post(PREFIX + "/{service}/{method}")
def not_served(service: str, method: str):
    reason = NOT_SERVED.get(method) or NOT_SERVED_SERVICES.get(service.split(".")[0])
    if reason is None:
        reason = "scrimmage serves the competitions commands of the kaggle client only"
    raise ScrimmageError(f"scrimmage does not have this feature ({service}/{method}): {reason}")
