"""The values the Arena hands to its faces: competitions, submissions, leaderboards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import leaderboard as lb
from .clock import utcnow
from .competition_settings import default
from .limits import clip


@dataclass(frozen=True)
class CompetitionInfo:
    ref: str
    title: str
    metric: str
    greater_is_better: bool
    settings: dict
    created_at: dt.datetime | None
    closed_at: dt.datetime | None
    team_count: int = 0
    user_has_entered: bool = False
    built: bool = True

    @property
    def tags(self) -> list[str]:
        return list(self.settings.get("tags") or [])

    @property
    def deadline(self) -> dt.datetime | None:
        raw = self.settings.get("deadline")
        return dt.datetime.fromisoformat(raw).astimezone(dt.timezone.utc).replace(tzinfo=None) if raw else None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None or (self.deadline is not None and utcnow() >= self.deadline)

    def public_settings(self) -> dict:
        """The settings a participant may see: before the close, no post-mortem and no private reference scores."""
        from .hostcode.files import public_names

        out = dict(self.settings)
        if "public_files" in out:  # never a metric file
            out["public_files"] = public_names(out["public_files"], self.settings)
        out.pop("metric_files", None)
        out.pop("split_seed", None)  # never shown: with it anyone could tell the Public rows from the Private
        if not self.closed:
            out.pop("reveal", None)
            out["reference_scores"] = [{k: v for k, v in r.items() if k != "private"}
                                       for r in out.get("reference_scores") or []]
        return out

    # settings with their defaults from competition.toml's model
    daily_limit = property(lambda self: self.settings.get("daily_limit", default("daily_limit")))
    final_selections = property(lambda self: self.settings.get("final_selections", default("final_selections")))
    max_team_size = property(lambda self: self.settings.get("max_team_size", default("max_team_size")))
    max_rows_per_id = property(lambda self: self.settings.get("max_rows_per_id", default("max_rows_per_id")))
    leaderboard = property(lambda self: self.settings.get("leaderboard", default("leaderboard")))

    @property
    def public_rows(self) -> int | None:
        """How many test rows the public leaderboard scores (the solution's Public rows), if known."""
        rows = self.settings.get("usage_rows")
        return int(rows["Public"]) if rows else None

    @property
    def public_share(self) -> float:
        """The public leaderboard's share of the scored test rows, from the solution's real Usage counts."""
        rows = self.settings.get("usage_rows")
        if rows:
            scored = rows["Public"] + rows["Private"]
            return rows["Public"] / scored if scored else 0.0
        return float(self.settings.get("public_fraction", default("public_fraction")))

    # the bundle's Markdown texts and provenance, for the faces
    # once closed, the description ends with the post-mortem (a lesson's ``reveal``); the faces that show more
    # than the description (the web overview, `lessons show`) show the story and end with the post-mortem
    story = property(lambda self: self.settings.get("description") or "")
    post_mortem = property(lambda self: self.reveal.strip() if self.closed else "")
    description = property(lambda self: self.story + (f"\n\n{self.post_mortem}\n" if self.post_mortem else ""))
    evaluation = property(lambda self: self.settings.get("evaluation") or "")
    data = property(lambda self: self.settings.get("data") or "")
    source = property(lambda self: self.settings.get("source") or "")
    license = property(lambda self: self.settings.get("license") or "")
    split = property(lambda self: self.settings.get("split") or "")
    reveal = property(lambda self: self.settings.get("reveal") or "")


@dataclass(frozen=True)
class SubmissionInfo:
    id: int
    competition: str
    team: str
    user: str
    date: dt.datetime
    file_name: str
    description: str
    status: str
    public_score: float | None
    private_score: float | None
    error: str | None
    selected: bool
    late: bool
    size_bytes: int
    stored_path: str
    problems: list[str] = field(default_factory=list)

    @classmethod
    def of_row(cls, comp: CompetitionInfo, row, shown: dict | None = None) -> "SubmissionInfo":
        """A stored submission row as its faces show it: private scores hidden before the close (unless late),
        ``shown`` (the Ladder's public scores by id) in place of the raw public score."""
        hide_private = not comp.closed and not row.late
        return cls(
            id=row.id, competition=comp.ref, team=row.team_name, user=row.user_name, date=row.created_at,
            file_name=row.file_name, description=row.description, status=row.status,
            public_score=row.public_score if shown is None else shown.get(row.id),
            private_score=None if hide_private else row.private_score,
            error=clip(row.error), selected=bool(row.selected), late=bool(row.late), size_bytes=row.size_bytes,
            stored_path=row.stored_path, problems=(clip(row.error) or "").splitlines() if row.status == "error" else [],
        )


@dataclass(frozen=True)
class Leaderboard:
    competition: CompetitionInfo
    private: bool
    rows: list[lb.Row]
    shake_up: lb.ShakeUp | None = None
    #: teams with the competition's host or an admin among their members: {team id: "host" | "admin"} (the
    #: boards label them: those members could read private scores before they joined)
    staff_teams: dict[int, str] = field(default_factory=dict)
