"""Copy an arena's files from one store to another (``scrimmage storage migrate --to URL``).

Every file under the arena's folders (:data:`~.layout.TOP`, but the archives, which are rebuilt on
first use) is copied under the same key, read back from the target and compared by SHA-256. A file
already in the target is never overwritten: with the same bytes it counts as copied, with other
bytes the migration stops and says which. Each verified copy is noted in a journal under the home,
so a rerun goes on where an interrupted one stopped (a noted file is checked again only by size
and by the source's hash). Nothing is ever removed from the source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConflictError, ScrimmageError
from . import layout
from .base import Storage, StoredObject

#: What a migration copies (archives are rebuilt from the public files on first use).
COPIED = tuple(top for top in layout.TOP if top != layout.ARCHIVES)


@dataclass(frozen=True)
class Migrated:
    target: str
    files: int  # files in the source
    copied: int  # copied by this run
    verified_before: int  # found in the target already, with the same bytes
    bytes: int  # bytes in the source


def plan(source: Storage) -> list[StoredObject]:
    """Every file a migration copies, by key."""
    return [obj for top in COPIED for obj in source.list(top)]


def journal_path(home: Path, target: Storage) -> Path:
    """Where the verified copies to ``target`` are noted (one journal per target)."""
    name = hashlib.sha256(target.describe().encode()).hexdigest()[:16]
    return home / "storage-migrations" / f"{name}.jsonl"


def _journal(path: Path) -> dict[str, str]:
    done = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                done[entry["key"]] = entry["sha256"]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a kill: that file is checked again
    return done


def migrate(source: Storage, target: Storage, journal: Path,
            on_progress: Callable[[int, int, str], None] | None = None) -> Migrated:
    """Copy every file of ``source`` into ``target`` (see the module's text); ``on_progress(done_bytes,
    total_bytes, key)`` follows it. Raises ConflictError for a file the target holds with other bytes."""
    if source.describe() == target.describe():
        raise ConflictError(f"the arena's files are in {target.describe()} already: give another --to")
    files = plan(source)
    total = sum(f.size for f in files)
    noted = _journal(journal)
    journal.parent.mkdir(parents=True, exist_ok=True)
    done = copied = before = 0
    with open(journal, "a", encoding="utf-8") as log:
        for f in files:
            digest = source.sha256(f.key)
            there = target.head(f.key)
            if there is not None and noted.get(f.key) == digest and there.size == f.size:
                before += 1  # verified by an earlier run
            elif there is not None:
                theirs = target.sha256(f.key)
                if theirs != digest:
                    raise ConflictError(
                        f"{target.describe()} holds {f.key} already with other bytes (SHA-256 {theirs[:16]}…, the "
                        f"source's is {digest[:16]}…); nothing was overwritten and the migration stopped: migrate "
                        "to an empty prefix, or remove that file from the target if it is not needed, and run "
                        "the command again")
                before += 1
            else:
                written = target.put_file(f.key, source.local_path(f.key, f))
                back = target.sha256(f.key)
                if written.sha256 != digest or back != digest:
                    raise ScrimmageError(f"the copy of {f.key} in {target.describe()} does not read back as the "
                                       f"source's bytes (SHA-256 {back[:16]}…, the source's is {digest[:16]}…); "
                                       "run the command again (it goes on from there)")
                copied += 1
            if noted.get(f.key) != digest:
                log.write(json.dumps({"key": f.key, "sha256": digest, "size": f.size}) + "\n")
                log.flush()
            done += f.size
            if on_progress:
                on_progress(done, total, f.key)
    return Migrated(target.describe(), len(files), copied, before, total)


__all__ = ["migrate", "plan", "journal_path", "Migrated", "COPIED"]
