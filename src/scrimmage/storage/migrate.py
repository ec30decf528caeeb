"""Copy an arena's files from one store to another (``scrimmage storage migrate --to URL``).

Every file under the arena's folders (:data:`~.layout.TOP`, but the archives, which are rebuilt on
first use) is copied under the same key, read back from the target and compared by SHA-256. A file
already in the target is never overwritten: with the same bytes it counts as copied, with other
bytes the migration stops and says which. Each verified copy is noted in a journal under the home
with the target's version of it, so a rerun goes on where an interrupted one stopped: a noted file
whose version in the target is still the noted one is not read back again, any other is (a journal
line cannot vouch for bytes it did not see written). A file the source changed after an earlier run
copied it is copied again over that run's own copy (and only over it). The target may not be the
source, nor a folder inside it. Nothing is ever removed from the source.
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


def links(source: Storage) -> list[str]:
    """The links under the arena's folders of a folder store: a migration never copies them."""
    return [key for top in COPIED for key in source.links(top)] if hasattr(source, "links") else []


def journal_path(home: Path, target: Storage) -> Path:
    """Where the verified copies to ``target`` are noted (one journal per target)."""
    name = hashlib.sha256(target.describe().encode()).hexdigest()[:16]
    return home / "storage-migrations" / f"{name}.jsonl"


def _journal(path: Path) -> dict[str, tuple[str, str]]:
    """Each noted key: the SHA-256 its copy was verified with, and the target's version of that copy."""
    done = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                done[entry["key"]] = (str(entry["sha256"]), str(entry.get("version") or ""))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # a line cut short by a kill: that file is checked again
    return done


def _nested(source: Storage, target: Storage) -> bool:
    """Whether ``target`` is ``source`` itself or a folder inside it, however its URL spells it."""
    from .local import LocalStorage
    from .s3 import S3Storage

    if isinstance(source, LocalStorage) and isinstance(target, LocalStorage):
        inner, outer = target.root.resolve(), source.root.resolve()
        return inner == outer or outer in inner.parents
    if isinstance(source, S3Storage) and isinstance(target, S3Storage):
        a, b = source.options, target.options
        if (a["bucket"], (a["endpoint"] or "").rstrip("/")) != (b["bucket"], (b["endpoint"] or "").rstrip("/")):
            return False
        return not a["prefix"] or f"{b['prefix']}/".startswith(f"{a['prefix']}/")
    return False


def migrate(source: Storage, target: Storage, journal: Path,
            on_progress: Callable[[int, int, str], None] | None = None) -> Migrated:
    """Copy every file of ``source`` into ``target`` (see the module's text); ``on_progress(done_bytes,
    total_bytes, key)`` follows it. Raises ConflictError for a file the target holds with other bytes."""
    if source.describe() == target.describe():
        raise ConflictError(f"the arena's files are in {target.describe()} already: give another --to")
    if _nested(source, target):
        raise ConflictError(f"{target.describe()} is the arena's own store ({source.describe()}) or inside it: "
                            "give a --to outside it")
    files = plan(source)
    total = sum(f.size for f in files)
    noted = _journal(journal)
    journal.parent.mkdir(parents=True, exist_ok=True)
    done = copied = before = 0
    with open(journal, "a", encoding="utf-8") as log:
        for f in files:
            digest = source.sha256(f.key)
            there = target.head(f.key)
            ours, version = noted.get(f.key, ("", ""))
            if there is not None:
                # a copy noted by an earlier run and unchanged since is not read back again
                theirs = ours if version and version == there.version else target.sha256(f.key)
                if theirs == digest:
                    before += 1
                elif theirs != ours:
                    raise ConflictError(
                        f"{target.describe()} holds {f.key} already with other bytes (SHA-256 {theirs[:16]}…, the "
                        f"source's is {digest[:16]}…); nothing was overwritten and the migration stopped: migrate "
                        "to an empty prefix, or remove that file from the target if it is not needed, and run "
                        "the command again")
            if there is None or theirs != digest:  # not there, or an earlier run's copy of bytes since changed
                written = target.put_file(f.key, source.local_path(f.key, f))
                back = target.sha256(f.key)
                if written.sha256 != digest or back != digest:
                    raise ScrimmageError(f"the copy of {f.key} in {target.describe()} does not read back as the "
                                         f"source's bytes (SHA-256 {back[:16]}…, the source's is {digest[:16]}…); "
                                         "run the command again (it goes on from there)")
                copied += 1
                there = target.head(f.key)
            if (ours, version) != (digest, there.version if there else ""):
                log.write(json.dumps({"key": f.key, "sha256": digest, "size": f.size,
                                      "version": there.version if there else ""}) + "\n")
                log.flush()
            done += f.size
            if on_progress:
                on_progress(done, total, f.key)
    return Migrated(target.describe(), len(files), copied, before, total)


__all__ = ["migrate", "plan", "links", "journal_path", "Migrated", "COPIED"]
