"""The JSON shapes of the arena's values, both ways: the REST API writes them, the HTTP client reads them.

Kept beside the core (no HTTP here) so the server and the client cannot drift.
"""

from __future__ import annotations

import datetime as dt

from . import leaderboard as lb
from .records import CompetitionInfo, Leaderboard, SubmissionInfo


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(raw: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(raw) if raw else None


def competition_to_dict(c: CompetitionInfo, entered: bool | None = None) -> dict:
    return {
        "ref": c.ref, "title": c.title, "metric": c.metric, "greater_is_better": c.greater_is_better,
        "deadline": _iso(c.deadline), "closed": c.closed, "created_at": _iso(c.created_at),
        "closed_at": _iso(c.closed_at), "team_count": c.team_count,
        "user_has_entered": c.user_has_entered if entered is None else entered, "built": c.built,
        "tags": c.tags, "settings": c.public_settings(),
    }


def competition_from_dict(d: dict) -> CompetitionInfo:
    return CompetitionInfo(d["ref"], d["title"], d["metric"], d["greater_is_better"], d.get("settings") or {},
                           _date(d.get("created_at")), _date(d.get("closed_at")), d.get("team_count", 0),
                           d.get("user_has_entered", False), d.get("built", True))


def submission_to_dict(s: SubmissionInfo) -> dict:
    return {
        "id": s.id, "competition": s.competition, "team": s.team, "user": s.user, "date": _iso(s.date),
        "file_name": s.file_name, "description": s.description, "status": s.status,
        "public_score": s.public_score, "private_score": s.private_score, "error": s.error,
        "problems": s.problems, "selected": s.selected, "late": s.late, "size_bytes": s.size_bytes,
    }


def submission_from_dict(d: dict) -> SubmissionInfo:
    return SubmissionInfo(d["id"], d["competition"], d["team"], d["user"], _date(d["date"]), d["file_name"],
                          d["description"], d["status"], d["public_score"], d["private_score"], d["error"],
                          d["selected"], d["late"], d["size_bytes"], "", list(d.get("problems") or []))


def row_to_dict(r: lb.Row) -> dict:
    return {"rank": r.rank, "team_id": r.team_id, "team_name": r.team_name, "score": r.score,
            "submission_id": r.submission_id, "submission_date": _iso(r.submission_date), "entries": r.entries,
            "public_rank": r.public_rank, "medal": r.medal}


def leaderboard_to_dict(board: Leaderboard) -> dict:
    s = board.shake_up
    return {
        "competition": competition_to_dict(board.competition), "private": board.private,
        "rows": [row_to_dict(r) for r in board.rows],
        "shake_up": None if s is None else {"teams": s.teams, "mean_shift": s.mean_shift, "top_shift": s.top_shift,
                                             "spearman": s.spearman},
    }


def leaderboard_from_dict(d: dict) -> Leaderboard:
    rows = [lb.Row(**{**r, "submission_date": _date(r["submission_date"])}) for r in d["rows"]]
    s = d.get("shake_up")
    return Leaderboard(competition_from_dict(d["competition"]), d["private"], rows,
                       lb.ShakeUp(**s) if s else None)


def file_to_dict(f) -> dict:
    """A stored public file (name, size, modified in UTC)."""
    return {"name": f.name, "size": f.size, "modified": f.modified.isoformat()}


__all__ = [name for name in dir() if name.endswith(("_to_dict", "_from_dict"))]
