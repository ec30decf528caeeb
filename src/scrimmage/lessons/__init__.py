"""Lesson competitions: generated datasets with a trap to learn from.

Each trap is a registered :class:`Trap` whose ``generate(dest, n_rows, seed)``
writes a normal competition bundle (``docs/competition-format.md``) in bounded
memory, byte-identical for a seed. ``docs/lessons.md`` describes every trap and
the margins its proof test asserts.

>>> from scrimmage import lessons
>>> [t.name for t in lessons.traps()][:2]
['time-drift', 'group-leakage']
>>> lessons.get("imbalance").right_split
'stratified'

Importing this package is cheap: the trap modules load on first use, polars only
when a bundle is written.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import tomlfile
from ..atomic import staged_folder
from ..competition_settings import REF_RE
from ..errors import ConfigError, ConflictError, NotFoundError

__all__ = ["DEFAULT_ROWS", "SPLITS", "Trap", "check_ref", "create", "default_ref", "generate", "get", "is_lesson", "names",
           "postmortem", "spec", "traps"]

#: The validation schemes a lesson can prove right or punish.
SPLITS = ("random", "stratified", "group", "time", "adversarial", "repeated")

#: trap name -> module, in the order lessons are listed (and taught).
_MODULES = {
    "time-drift": "time_drift",
    "group-leakage": "group_leakage",
    "covariate-shift": "covariate_shift",
    "leaky-feature": "leaky_feature",
    "imbalance": "imbalance",
    "high-cardinality": "high_cardinality",
    "small-noisy": "small_noisy",
    "public-overfit": "public_overfit",
    "particle-picking": "particle_picking",
}


def is_lesson(comp) -> bool:
    """True for a competition made by ``lessons create`` (tagged ``lesson``, with a post-mortem)."""
    settings = getattr(comp, "settings", None) or {}
    return "lesson" in (settings.get("tags") or ()) and bool(settings.get("reveal") or settings.get("lesson"))


def check_ref(ref: str) -> None:
    """Raise ConfigError unless ``ref`` is a valid competition ref (the bundle's rule: :data:`REF_RE`)."""
    if not REF_RE.match(ref):
        raise ConfigError(f"invalid ref {ref!r}: use at most 80 lowercase letters, digits and '-', "
                          f"starting with a letter or digit")


@dataclass(frozen=True)
class Trap:
    """One lesson: the trap it sets and the validation that sees through it."""

    name: str
    title: str
    summary: str
    tags: tuple[str, ...]
    #: the validation the lesson proves right (its score tracks the private leaderboard)
    right_split: str
    #: the naive validation the lesson punishes
    naive_split: str
    #: ``generate(dest, n_rows, seed, *, chunk_rows=...)`` writes the bundle files into ``dest``
    #: and returns the train and test row counts; prefer :func:`generate` below
    generate: Callable[..., dict[str, int]]

    def __post_init__(self):
        for field_name in ("right_split", "naive_split"):
            value = getattr(self, field_name)
            if value not in SPLITS:
                raise ValueError(f"{field_name} {value!r} is not one of {', '.join(SPLITS)}")


def names() -> list[str]:
    """Every trap name, in teaching order."""
    return list(_MODULES)


def traps() -> list[Trap]:
    """Every registered trap, in teaching order."""
    return [get(name) for name in _MODULES]


def get(name: str) -> Trap:
    """The trap called ``name``; an unknown name lists the valid ones."""
    if name not in _MODULES:
        raise NotFoundError(f"unknown lesson trap {name!r}; choose one of: {', '.join(_MODULES)}")
    module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
    return module.TRAP


def spec(name: str):
    """The :class:`~scrimmage.lessons._writer.LessonSpec` of trap ``name``: title, metric, columns, reveal, ..."""
    get(name)
    return importlib.import_module(f"{__name__}.{_MODULES[name]}").SPEC


def generate(
    name: str,
    dest: Path,
    n_rows: int = 20_000,
    seed: int = 0,
    ref: str | None = None,
    *,
    chunk_rows: int | None = None,
) -> Path:
    """Write the bundle of lesson ``name`` to the folder ``dest`` and return it.

    The files are written to a temporary sibling folder that is renamed to
    ``dest`` at the end, so ``dest`` never holds half a bundle. ``dest`` must
    not exist or be an empty folder. ``ref`` sets the competition's short name
    (default: the folder name). ``chunk_rows`` bounds the rows held in memory
    (default 200,000); it never changes the files.
    """
    from ._writer import check_args

    trap = get(name)
    check_args(n_rows, seed)
    if ref is not None:
        check_ref(ref)
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ConflictError(f"{dest} already exists and is not an empty folder; choose another destination")
    with staged_folder(dest) as tmp:
        kwargs = {} if chunk_rows is None else {"chunk_rows": chunk_rows}
        trap.generate(tmp, n_rows, seed, **kwargs)
        if ref is not None:
            tomlfile.update(tmp / "competition.toml", {"ref": ref}, first=True)
    return dest


# --- lessons in the arena (see _arena.py) ---------------------------------------

#: Rows of a lesson created without ``n_rows`` (train and test together).
DEFAULT_ROWS = 20_000


def default_ref(name: str) -> str:
    """The ref a lesson gets without ``ref``: ``lesson-<trap>``."""
    return f"lesson-{name}"


def create(arena, name: str, n_rows: int = DEFAULT_ROWS, seed: int | None = None, ref: str | None = None, **kwargs):
    """Generate lesson ``name``, score its reference pipelines and register it as a competition
    hosted by the creating user; returns its ``CompetitionInfo``. Without ``seed`` the data come
    from a secret random one (a given seed rebuilds the answers). See ``_arena.create``."""
    from .competitions import create as create_in_arena

    return create_in_arena(arena, name, n_rows, seed, ref, **kwargs)


def postmortem(arena, ref: str, user: str | None = None):
    """What ``user`` did in the closed lesson ``ref``: their submissions (public, Ladder, private, coach CV),
    their recorded validation against the right one, and the trap's own measurement. See ``_postmortem``."""
    from ._postmortem import personal

    return personal(arena, ref, user)
