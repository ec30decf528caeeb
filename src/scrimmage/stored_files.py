"""Files the store records that may have gone from the disk: one clear error when a request needs
one of them, and the admin's list of every such file (``scrimmage admin check-files``)."""

from __future__ import annotations

from dataclasses import dataclass
import posixpath

from .errors import MissingFileError
from .solution_store import SOLUTION_CACHE, solution_key
from .storage import join, layout
from .store import usage

ADMIN_HINT = "the arena's admin can list such files with `scrimmage admin check-files`"


@dataclass(frozen=True)
class StoredFileProblem:
    competition: str
    what: str  # "submission 12 (sub.csv)", "public file train.csv", ...
    path: str  # its key in the arena's store
    problem: str  # "missing" or "changed size: ..."


def require(objects, key: str, what: str):
    """The stored file ``key`` (a :class:`~scrimmage.storage.StoredObject`) when it is there; else
    :class:`MissingFileError` naming ``what``."""
    found = objects.head(key)
    if found is None:
        raise MissingFileError(f"{what} is missing from the server's storage; {ADMIN_HINT}")
    return found


def missing_submission(sub_id: int, file_name: str) -> MissingFileError:
    return MissingFileError(f"the stored file of submission {sub_id} ({file_name}) is missing from the server's "
                            f"storage; its scores are kept; {ADMIN_HINT}")


def check(arena) -> list[StoredFileProblem]:
    """Every recorded file that is missing or has changed size: submissions, then each competition's files."""
    objects = arena.objects
    out: list[StoredFileProblem] = []
    with arena.store.read() as conn:
        rows = usage.stored_files(conn)
        comps = arena.store.competitions(conn)
    kept = {o.key: o for o in objects.list(layout.SUBMISSIONS)}
    for r in rows:
        found = kept.get(r.stored_path) or objects.head(r.stored_path)
        what = f"submission {r.id} ({r.file_name})"
        if found is None:
            out.append(StoredFileProblem(r.ref, what, r.stored_path, "missing"))
        elif found.size != r.size_bytes:
            out.append(StoredFileProblem(r.ref, what, r.stored_path,
                                         f"changed size: {found.size} bytes, {r.size_bytes} recorded"))
    for c in comps:
        answers = solution_key(objects, c.storage)  # the prepared solution lives beside the served folder
        if not objects.exists(answers):
            out.append(StoredFileProblem(c.ref, f"hidden answers {SOLUTION_CACHE}", answers, "missing"))
        needed = [(n, "public file") for n in c.settings.get("public_files", [])]
        if c.settings.get("metric_file"):
            needed.append((c.settings["metric_file"], "metric file"))
        there = {o.key for o in objects.list(c.storage)}
        for name, kind in needed:
            key = join(c.storage, posixpath.normpath(name))
            if key not in there:
                out.append(StoredFileProblem(c.ref, f"{kind} {name}", key, "missing"))
    return out


__all__ = ["StoredFileProblem", "require", "missing_submission", "check", "ADMIN_HINT"]
