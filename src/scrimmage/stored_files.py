"""Files the store records that may have gone from the disk: one clear error when a request needs
one of them, and the admin's list of every such file (``scrimmage admin check-files``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import MissingFileError
from .solution_store import SOLUTION_CACHE, solution_cache
from .store import usage

ADMIN_HINT = "the arena's admin can list such files with `scrimmage admin check-files`"


@dataclass(frozen=True)
class StoredFileProblem:
    competition: str
    what: str  # "submission 12 (sub.csv)", "public file train.csv", ...
    path: str
    problem: str  # "missing" or "changed size: ..."


def require(path: str | Path, what: str) -> Path:
    """``path`` when it exists; else :class:`MissingFileError` naming ``what``."""
    p = Path(path)
    if not p.is_file():
        raise MissingFileError(f"{what} is missing from the server's storage; {ADMIN_HINT}")
    return p


def missing_submission(sub_id: int, file_name: str) -> MissingFileError:
    return MissingFileError(f"the stored file of submission {sub_id} ({file_name}) is missing from the server's "
                            f"storage; its scores are kept; {ADMIN_HINT}")


def check(arena) -> list[StoredFileProblem]:
    """Every recorded file that is missing or has changed size: submissions, then each competition's files."""
    out: list[StoredFileProblem] = []
    with arena.store.read() as conn:
        rows = usage.stored_files(conn)
        comps = arena.store.competitions(conn)
    for r in rows:
        p = Path(r.stored_path)
        what = f"submission {r.id} ({r.file_name})"
        if not p.is_file():
            out.append(StoredFileProblem(r.ref, what, r.stored_path, "missing"))
        elif p.stat().st_size != r.size_bytes:
            out.append(StoredFileProblem(r.ref, what, r.stored_path,
                                         f"changed size: {p.stat().st_size} bytes, {r.size_bytes} recorded"))
    for c in comps:
        root = Path(c.storage)
        answers = solution_cache(root)  # the prepared solution lives beside the served folder
        if not answers.is_file():
            out.append(StoredFileProblem(c.ref, f"hidden answers {SOLUTION_CACHE}", str(answers), "missing"))
        needed = [(n, "public file") for n in c.settings.get("public_files", [])]
        if c.settings.get("metric_file"):
            needed.append((c.settings["metric_file"], "metric file"))
        for name, kind in needed:
            if not (root / name).is_file():
                out.append(StoredFileProblem(c.ref, f"{kind} {name}", str(root / name), "missing"))
    return out


__all__ = ["StoredFileProblem", "require", "missing_submission", "check", "ADMIN_HINT"]
