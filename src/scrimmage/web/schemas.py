"""The REST API's response shapes (pydantic, at the HTTP edge only) and the errors each route declares.

The values come from :mod:`scrimmage.wire`; these models describe them in the OpenAPI
document (``/api/openapi.json``) so a generated client or a schema fuzzer can check every
answer, errors included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


#: A date-time as the store keeps it (UTC, without a zone) answered as RFC 3339 says: with its offset.
UtcDateTime = Annotated[dt.datetime, AfterValidator(_utc)]

#: What each error status means, as the OpenAPI document says it.
STATUS_TEXT = {
    400: "Bad input: the message names the problem and the fix",
    401: "No API token, or a token that is not valid",
    403: "Signed in, but not allowed (not the host, not yet revealed, ...)",
    404: "No such competition, file, submission or token (ids past 64 bits included)",
    409: "Conflicts with what exists (a taken name or ref, an unscored submission, ...)",
    413: "The upload is over the size limit",
    422: "A parameter is missing or has a bad value, or the submission could not be scored",
    429: "A limit is reached (daily submissions, final selections, failed logins)",
    507: "The server's disk is full; nothing was stored",
}


class ErrorOut(BaseModel):
    """Every error: the fixed envelope."""

    ok: bool = Field(False, description="always false")
    error: str = Field(description="what went wrong and how to fix it")
    errors: list[str] = Field(default_factory=list, description="every problem found, one per item")
    status: int = Field(description="the HTTP status, repeated")


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that can answer with these error statuses."""
    return {code: {"model": ErrorOut, "description": STATUS_TEXT[code]} for code in codes}


class MeOut(BaseModel):
    name: str
    display_name: str
    role: str


class CompetitionOut(BaseModel):
    ref: str
    title: str
    metric: str
    greater_is_better: bool
    deadline: str | None
    closed: bool
    created_at: str | None
    closed_at: str | None
    team_count: int
    user_has_entered: bool
    built: bool
    tags: list[str]
    settings: dict[str, Any] = Field(description="the competition's public settings (never its split seed)")
    practice_notice: str | None = Field(None, description="set on the built-in catalogue competitions: their "
                                                          "labels are public, so they are practice on your honour")


class SubmissionOut(BaseModel):
    id: int
    competition: str
    team: str
    user: str
    date: str | None
    file_name: str
    description: str
    status: str = Field(description="pending, complete or error")
    public_score: float | None
    private_score: float | None = Field(description="null until the competition closes (late submissions excepted)")
    error: str | None
    problems: list[str]
    selected: bool
    late: bool
    size_bytes: int


class RowOut(BaseModel):
    rank: int | None
    team_id: int | None
    team_name: str
    score: float | None
    submission_id: int | None
    submission_date: str | None
    entries: int | None
    public_rank: int | None
    medal: str | None


class ShakeUpOut(BaseModel):
    teams: int
    mean_shift: float
    top_shift: float
    spearman: float | None


class StaffTeamOut(BaseModel):
    team_id: int
    role: str = Field(description="host or admin: a member could read private scores before joining")


class LeaderboardOut(BaseModel):
    competition: CompetitionOut
    private: bool
    rows: list[RowOut]
    shake_up: ShakeUpOut | None
    staff_teams: list[StaffTeamOut] = Field(default_factory=list)


class FileOut(BaseModel):
    name: str
    size: int
    modified: str


class TeamOut(BaseModel):
    team: str
    members: list[str]


class TokenOut(BaseModel):
    id: int
    label: str
    prefix: str = Field(description="the token's first characters, to tell tokens apart")
    created_at: str
    last_used_at: str | None = Field(description="to the minute; null when never used")


class SessionsEndedOut(BaseModel):
    ended: int = Field(description="how many browser sessions ended")


__all__ = [name for name in dir() if name.endswith("Out")] + ["errors", "STATUS_TEXT", "UtcDateTime"]


class Votes(BaseModel):
    votes: int


class Done(BaseModel):
    ok: bool = True


def out_of(model, value):
    """The response ``model`` of a record (a dataclass with the same fields)."""
    return model(**dataclasses.asdict(value))


def user_name(user) -> str | None:
    """The name of a signed-in user, None for a visitor."""
    return user.name if user else None
