"""Lessons in the arena: created on request, listed beside the catalogue until then.

``create(arena, trap)`` generates a lesson into ``$SCRIMMAGE_HOME/lessons``,
computes its reference scores, writes them into the bundle's
``reference_scores`` and registers it as a competition hosted by the creating
user (so they can close it and read the post-mortem). Until then each trap is
listed by :func:`placeholders` under its default ref ``lesson-<trap>``, not
yet created.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Callable

from ..errors import ConflictError, NotFoundError
from . import DEFAULT_ROWS, default_ref, is_lesson  # noqa: F401 - is_lesson: the arena reads it here

PREFIX = default_ref("")


#: what a lesson's host reads when asking for private scores before the close
CLOSE_HINT = ("; you host this lesson and learn from it, so its private scores stay hidden from you too: close it "
              "with `scrimmage competitions close {ref}` when you are done, to see them and the post-mortem")


def create_command(trap: str) -> str:
    return f"scrimmage lessons create {trap}"


def placeholders(have: set[str]) -> list:
    """A not-yet-created catalogue entry per trap whose default ref is not taken."""
    from .. import metrics
    from ..records import CompetitionInfo
    from ._listing import LISTED  # not the trap modules: they load numpy

    out = []
    for name, s in LISTED.items():
        ref = default_ref(name)
        if ref in have:
            continue
        settings = {"tags": list(dict.fromkeys(s.tags)), "split": s.split, "summary": s.summary,
                    "lesson": name, "create": create_command(name)}
        out.append(CompetitionInfo(ref, s.title, s.metric, metrics.greater_is_better(s.metric), settings,
                                   None, None, built=False))
    return out


def check_created(ref: str) -> None:
    """Raise a helpful :class:`NotFoundError` when ``ref`` is a lesson not created yet."""
    from . import names

    trap = ref[len(PREFIX):] if ref.startswith(PREFIX) else None
    if trap in names():
        raise LessonNotCreated(ref, trap)


class LessonNotCreated(NotFoundError):
    """A listed lesson nobody created yet. The CLI prints how to create it; the web shows an
    admin or host a "create" button and everyone else only that it does not exist here."""

    def __init__(self, ref: str, trap: str):
        self.trap = trap
        self.operator_detail = (f"create it with `{create_command(trap)}` "
                                "(you host it, so you can close it and read the post-mortem)")
        super().__init__(f"the lesson {ref!r} is not created yet")

    def __str__(self) -> str:
        return f"{self.message}: {self.operator_detail}"


def create(arena, trap: str, n_rows: int = DEFAULT_ROWS, seed: int | None = None, ref: str | None = None, *,
           references: bool = True, host: str | None = None, home: Path | None = None,
           on_step: Callable[[str], None] | None = None):
    """Generate lesson ``trap``, score its reference pipelines and register it; returns its CompetitionInfo."""
    from .. import catalog
    from ..config import home as default_home
    from . import check_ref, generate, get
    from ._writer import check_args

    get(trap)
    if hasattr(arena, "require_can_create"):  # a server: only its hosts and admins may, so ask before generating
        arena.require_can_create("lessons")
    if seed is None:  # a secret one: nobody can rebuild the answers
        from ..solution_store import draw_seed

        seed = draw_seed()
    check_args(n_rows, seed)
    ref = ref or default_ref(trap)
    check_ref(ref)
    taken = {c.ref for c in arena.list_competitions() if c.built} | set(catalog.refs())
    if ref in taken:
        raise ConflictError(f"a competition {ref!r} exists already; choose another name with --ref NAME")
    settings = getattr(arena, "settings", None)
    root = Path(home or (settings.home if settings is not None else default_home())) / "lessons"
    staging = root / f".{ref}-{uuid.uuid4().hex[:8]}"
    try:
        if on_step:
            on_step("generate")
        folder = generate(trap, staging / ref, n_rows=n_rows, seed=seed, ref=ref)
        if references:
            from ..references.pipelines import compute

            rows = compute(folder, on_step=(lambda name: on_step(f"reference {name}")) if on_step else None)
            add_reference_scores(folder, rows)
        if on_step:
            on_step("register")
        return arena.create_competition(folder, host=host)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def add_reference_scores(folder: Path, rows: list[dict]) -> None:
    """Set ``rows`` as the bundle's ``reference_scores`` in its ``competition.toml``."""
    from .. import tomlfile

    clean = [{k: v for k, v in row.items() if v is not None} for row in rows]
    tomlfile.update(Path(folder) / "competition.toml", {"reference_scores": clean})
