"""The host's use cases on an arena server: create from an uploaded bundle, edit, see every submission.

Hosts and admins may create competitions; a competition's host (or an admin)
may edit it, close it and see every submission with the errors that only hosts
may read (a failing metric file's traceback, for instance).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .arena import Arena
from .bundle_zip import extract_bundle_zip
from .competition_settings import problems as settings_problems
from .errors import ConfigError, ForbiddenError, ScrimmageError
from .records import CompetitionInfo, SubmissionInfo
from .store import competition_edits, utcnow

#: What a host may change after creation, with the kind of value each takes.
EDITABLE = {
    "title": "text", "description": "text", "evaluation": "text", "data": "text",
    "deadline": "date", "merger_deadline": "date",
    "daily_limit": "int", "final_selections": "int", "max_team_size": "int", "tags": "tags",
}


@dataclass(frozen=True)
class HostSubmission:
    submission: SubmissionInfo
    host_error: str | None


def create_from_zip(arena: Arena, zip_path: str | Path, user: str) -> CompetitionInfo:
    """Unpack an uploaded bundle .zip and create the competition, hosted by ``user``."""
    if not arena.accounts.user(user).can_host:
        raise ForbiddenError("only hosts and admins can create competitions; ask an admin for the host role")
    uploads = arena.settings.home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=uploads))
    try:
        folder = extract_bundle_zip(zip_path, work)
        return arena.create_competition(folder, host=user)
    except ScrimmageError as exc:  # name the bundle as the .zip does, never where the server unpacked it
        places = {f"{work}/": "", str(work): "the uploaded .zip", str(zip_path): "the uploaded .zip"}
        exc.message, exc.problems = _unplaced(exc.message, places), [_unplaced(p, places) for p in exc.problems]
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unplaced(text: str, places: dict[str, str]) -> str:
    for path, shown in places.items():
        text = text.replace(path, shown)
    return text


def edit(arena: Arena, ref: str, user: str, changes: dict) -> CompetitionInfo:
    """Change settings of ``ref`` (host or admin); every bad value is reported at once."""
    comp = arena.competition(ref)
    arena.require_host(comp, user)
    settings, problems, title = dict(comp.settings), [], comp.title
    for key, raw in changes.items():
        kind = EDITABLE.get(key)
        if kind is None:
            problems.append(f"{key!r} cannot be edited; editable: {', '.join(EDITABLE)}")
            continue
        try:
            value = _parse(kind, key, raw)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if key == "title":
            if not value:
                problems.append("title cannot be empty")
            title = value or title
        settings[key] = value
    problems.extend(settings_problems(settings))  # the rules of competition.toml hold for edits too
    if problems:
        raise ConfigError(f"{comp.ref!r} was not changed", problems)
    with arena.store.write() as conn:
        competition_edits.set_settings(conn, comp.ref, settings, title)
    return arena.competition(comp.ref)


def submissions(arena: Arena, ref: str, user: str) -> list[HostSubmission]:
    """Every submission of ``ref`` with its host-only error, newest first (host or admin)."""
    comp = arena.competition(ref)
    arena.require_host(comp, user)
    with arena.store.read() as conn:
        rows = arena.store.submissions_of(conn, arena.store.competition(conn, comp.ref).id)
    shown = _revealed(comp) if arena.sees_private(comp, user) else comp
    return [HostSubmission(SubmissionInfo.of_row(shown, r), r.host_error) for r in rows]


def metric_log(arena: Arena, ref: str, user: str) -> str:
    """The end of what ``ref``'s metric file printed, warnings included (host or admin; never participants)."""
    from .metric_logs import read

    comp = arena.competition(ref, full=False)
    arena.require_host(comp, user)
    return read(arena.objects, arena.settings.home, comp.ref) if comp.settings.get("metric_file") else ""


def _revealed(comp: CompetitionInfo) -> CompetitionInfo:
    """The host sees private scores before the reveal (unless they compete in it: see Arena.sees_private)."""
    import dataclasses

    return comp if comp.closed else dataclasses.replace(comp, closed_at=utcnow())


def _parse(kind: str, key: str, raw):
    if kind == "text":
        return str(raw or "").strip()
    if kind == "tags":
        items = raw if isinstance(raw, list) else str(raw or "").replace(",", " ").split()
        return [str(t).strip() for t in items if str(t).strip()]
    if kind == "int":
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"{key} must be a whole number, got {raw!r}") from None
        return value
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("T", " ").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{key} must be a date-time like 2030-01-31 23:59 (UTC), got {text!r}") from None
    when = when.replace(tzinfo=dt.timezone.utc) if when.tzinfo is None else when.astimezone(dt.timezone.utc)
    return when.isoformat()


__all__ = ["create_from_zip", "edit", "submissions", "HostSubmission", "EDITABLE"]
