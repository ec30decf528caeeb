"""The official ``kaggle`` client's submissions: a one-time upload URL, the raw bytes PUT there, the
submission made from the uploaded file, the daily limits and the list of submissions
(see :mod:`.kaggle_protocol`)."""

from __future__ import annotations


from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from .. import pending_uploads, scratch
from ..storage import layout
from ..errors import LimitError, NotFoundError, ScrimmageError
from ..limits import submission_limit_mb
from .deps import arena
from .kaggle_protocol import (
    FILES,
    KaggleRoute,
    base_url,
    kaggle_call,
    kaggle_user,
    paged,
    required,
    score,
    submission_json,
    whole_number,
)

router = APIRouter(route_class=KaggleRoute, include_in_schema=False)


@kaggle_call("StartSubmissionUpload", on=router)
def start_submission_upload(request: Request, body: dict):
    user = kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    size = whole_number(body, "contentLength", 0)
    if size < 0:
        raise ScrimmageError(f"contentLength must be the file's size in bytes, not {size}")
    limit_mb = submission_limit_mb(comp.settings)
    if size > limit_mb * 1e6:
        raise LimitError(f"the submission is over the {limit_mb:g} MB limit of {comp.ref!r}; submit a smaller file")
    name = layout.file_name(body.get("fileName"), "submission.csv")
    meta = {"user": user.name, "competition": comp.ref, "file_name": name, "content_length": size}
    token = pending_uploads.start(a.objects, meta)  # kept in the store: any server may take the next steps
    return {"token": token, "createUrl": f"{base_url(request)}{FILES}/uploads/{token}"}


@router.put(FILES + "/uploads/{token}")
async def upload(request: Request, token: str):
    """The raw bytes of a file announced by StartSubmissionUpload (the token in the URL is the credential)."""
    a = arena(request)
    meta = await run_in_threadpool(pending_uploads.staged, a.objects, token)  # the store may be remote
    expected = int(meta["content_length"])
    too_long = f"the upload is longer than the {expected} bytes announced; run the submit command again"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > expected:  # refused before a byte of it is read
        raise LimitError(too_long)
    part = pending_uploads.part_path(a.settings.home, token)  # this process's: a later start removes it if killed
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
    await run_in_threadpool(pending_uploads.keep, a.objects, token, meta, part)  # any server may take the next step
    return {"token": token, "totalBytes": total}


@kaggle_call("CreateSubmission", on=router)
def create_submission(request: Request, body: dict):
    user = kaggle_user(request)
    a = arena(request)
    comp = a.competition(required(body, "competitionName"), full=False)
    token = str(body.get("blobFileTokens") or "").strip()
    meta = pending_uploads.staged(a.objects, token)
    if meta["user"] != user.name:
        raise NotFoundError(pending_uploads.GONE)
    path = pending_uploads.file(a.objects, token, meta)
    if meta["competition"] != comp.ref:
        raise ScrimmageError(f"this file was uploaded for {meta['competition']!r}, not {comp.ref!r}; submit it again")
    try:
        sub = a.submit(comp.ref, path, str(body.get("submissionDescription") or ""), user=user.name)
    finally:
        pending_uploads.discard(a.objects, token)
    return {"message": f"Successfully submitted to {comp.title} "
                       f"(submission {sub.id}, public score {score(sub.public_score)})", "ref": sub.id}


@kaggle_call("GetSubmissionLimits", on=router)
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


@kaggle_call("ListSubmissions", on=router)
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
    page, token = paged(subs, body)
    return {"submissions": [submission_json(request, s) for s in page], "nextPageToken": token}
