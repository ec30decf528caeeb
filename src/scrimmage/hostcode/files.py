"""Which files of a bundle are the host's hidden metric files, under one canonical name each.

A bundle names its metric code with ``metric_file`` and ``metric_files`` and may keep more in a
``hidden/`` folder. Those files are importable and readable by the metric, and never listed or
served to participants, however their names are spelled in ``competition.toml`` (``./metric.py``,
``hidden/../metric.py`` and ``metric.py`` are one file).
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath
from typing import Iterable

#: A folder of the bundle whose files are all hidden metric files.
HIDDEN_DIR = "hidden"


def canonical(root: Path, name: str) -> tuple[str | None, str | None]:
    """``(canonical relative name, None)``, or ``(None, problem)`` when ``name`` leaves the bundle."""
    raw = PurePosixPath(name.replace("\\", "/"))
    if not name.strip() or raw.is_absolute():
        return None, f"{name!r} must be a path inside the bundle folder, like \"metric.py\""
    base = root.resolve()
    resolved = (base / raw).resolve()
    try:
        rel = resolved.relative_to(base)
    except ValueError:
        return None, f"{name!r} points outside the bundle folder; keep metric files inside it"
    if not rel.parts:
        return None, f"{name!r} names the bundle folder itself, not a file in it"
    return rel.as_posix(), None


def hidden_names(settings: dict) -> set[str]:
    """The canonical names of a competition's hidden metric files (from its stored settings)."""
    names = [settings.get("metric_file") or ""] + list(settings.get("metric_files") or ())
    return {_clean(n) for n in names if n}


def is_hidden(name: str, settings: dict) -> bool:
    """True for a top-level file a participant must never get: a metric file or anything under hidden/."""
    clean = _clean(name)
    return clean in hidden_names(settings) or clean == HIDDEN_DIR or clean.startswith(HIDDEN_DIR + "/")


def _clean(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/"))


def metric_paths(root: Path, settings: dict) -> list[str]:
    """Relative names of everything the metric may read: its files and the hidden/ folder."""
    out = sorted(hidden_names(settings))
    if (root / HIDDEN_DIR).is_dir():
        out.append(HIDDEN_DIR)
    return out


def public_names(names: Iterable[str], settings: dict) -> list[str]:
    return [n for n in names if not is_hidden(n, settings)]
