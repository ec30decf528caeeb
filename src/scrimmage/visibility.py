"""What of a competition's folder a participant may download: the one rule, in one place.

A file is public when it is a regular file directly in the competition's folder, its name
does not start with ``.``, it is not one of the names the arena keeps hidden (the settings,
the solution in any spelling, the arena's own caches) and it is not a file the bundle names
as host code (``metric_file`` and friends, however the path to it is written). Everything
else stays hidden. The arena's internal files (the prepared solution, the split seed) live
outside the competition's folder altogether (:func:`scrimmage.storage.layout.internal`).
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Iterable

#: Names (compared without case) that are never public, whatever the bundle holds.
HIDDEN_NAMES = frozenset({"competition.toml"})
#: Stems (compared without case) of files that are never public in any format: ``solution.csv``,
#: ``solution.parquet``, ``Solution.CSV.gz``, ...
HIDDEN_STEMS = frozenset({"solution"})


def _stem(name: str) -> str:
    return name.split(".", 1)[0].lower()


def hidden_paths(root: Path, named: Iterable[str | None]) -> set[Path]:
    """The real paths of the files a bundle names as host code (``./metric.py``, ``sub/../metric.py``, ...)."""
    out = set()
    for raw in named:
        if raw:
            out.add(Path(os.path.realpath(root / raw)))
    return out


def is_public_name(name: str, named_hidden: Iterable[str | None] = ()) -> bool:
    """Whether a stored file directly in a competition's folder, named ``name``, may be handed to a
    participant: the rule of :func:`is_public` on names alone (a store holds no links to follow)."""
    if not _plain(name):
        return False
    return name not in {posixpath.normpath(raw.replace("\\", "/")) for raw in named_hidden if raw}


def _plain(name: str) -> bool:
    if not name or name != Path(name).name or name.startswith(".") or name in (".", ".."):
        return False
    return name.lower() not in HIDDEN_NAMES and _stem(name) not in HIDDEN_STEMS


def is_public(root: Path, name: str, named_hidden: Iterable[str | None] = ()) -> bool:
    """Whether ``root/name`` may be handed to a participant (see the module's text for the rule)."""
    if not _plain(name):
        return False
    path = root / name
    if path.is_symlink() or not path.is_file():
        return False
    return Path(os.path.realpath(path)) not in hidden_paths(root, named_hidden)


def public_names(root: Path, named_hidden: Iterable[str | None] = ()) -> tuple[str, ...]:
    """The public files of the folder ``root``, sorted by name."""
    named = list(named_hidden)
    return tuple(sorted(p.name for p in root.iterdir() if is_public(root, p.name, named)))


__all__ = ["is_public", "is_public_name", "public_names", "hidden_paths", "HIDDEN_NAMES", "HIDDEN_STEMS"]


def listed(comps: list, can_host: bool) -> list:
    """The competitions a viewer sees listed: a lesson not created yet only to those who can create it
    (an admin or host); to everyone else it does not exist yet, and no instruction to create it is shown."""
    return [c for c in comps if c.built or not c.settings.get("lesson") or can_host]
