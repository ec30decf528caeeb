"""The coach's view of one learner in one competition: data, task, folds, store rows, files."""

from __future__ import annotations

import json
import math
from functools import cached_property
from pathlib import Path

import numpy as np

from ..errors import NotFoundError, ScrimmageError
from ..store import coach as coach_store
from ..store import utcnow
from ._folds import Folds


class Workspace:
    """One learner's coaching state in one competition (``$SCRIMMAGE_HOME/coach/REF/USER``)."""

    def __init__(self, comp=None, *, arena=None):
        from ..notebook import Competition
        from ..arena import Arena

        if isinstance(comp, Competition):
            self.competition = comp
        else:
            if arena is None:
                refuse_remote()
            arena = arena or Arena()
            self.competition = Competition(arena, arena.competition(comp))
        self.arena = self.competition.arena
        self.info = self.competition.info
        self.ref = self.info.ref
        self.user = self.arena.settings.user
        self.root = self.arena.settings.home / "coach" / self.ref / self.user
        self._loaded_folds: dict[tuple, Folds] = {}

    def __repr__(self) -> str:
        return f"<coach workspace {self.ref!r} for {self.user!r}>"

    # -- data ---------------------------------------------------------------------
    @cached_property
    def _frames(self):
        return self.competition.load()

    @property
    def train(self):
        return self._frames[0]

    @property
    def test(self):
        return self._frames[1]

    @cached_property
    def task(self):
        from ._task import coach_task

        return coach_task(self.info, self.train)

    @property
    def feature_columns(self) -> list[str]:
        drop = {self.task.id_column, self.task.target}
        return [c for c in self.train.columns if c not in drop and c in self.test.columns]

    # -- ids in the store -----------------------------------------------------------
    @cached_property
    def competition_id(self) -> int:
        with self.arena.store.read() as conn:
            return self.arena.store.competition(conn, self.ref).id

    @cached_property
    def user_id(self) -> int:
        with self.arena.store.write() as conn:
            return self.arena.store.ensure_user(conn, self.user)

    # -- folds ----------------------------------------------------------------------
    def save_folds(self, folds: Folds, advice: dict) -> Folds:
        path = self.root / "folds" / f"{utcnow():%Y%m%dT%H%M%S%f}-{folds.kind}.csv"
        folds.save(path, self.task.id_column)
        comp_id, user_id = self.competition_id, self.user_id
        with self.arena.store.write() as conn:
            split_id = coach_store.add_split(
                conn, comp_id, user_id, created_at=utcnow(), kind=folds.kind,
                n_folds=folds.n_folds, repeats=folds.repeats, seed=folds.seed, n_rows=folds.n_rows,
                fold_hash=folds.hash, path=str(path), advice=clean_json(advice),
            )
        return Folds(folds.kind, folds.fold, folds.scored, folds.test_likeness, folds.ids, folds.seed, split_id)

    def split_row(self, split_id: int | None = None):
        comp_id, user_id = self.competition_id, self.user_id  # resolved outside the read below
        with self.arena.store.read() as conn:
            return coach_store.split_row(conn, comp_id, user_id, split_id)

    def folds(self, split_id: int | None = None) -> Folds:
        """The latest saved folds (or those of ``split_id``)."""
        row = self.split_row(split_id)
        if row is None:
            raise NotFoundError(
                f"no folds saved for {self.ref!r} yet: run coach.advise_split(comp) "
                f"(or `scrimmage coach advise {self.ref}`) first"
            )
        key = (row.id, row.path)
        folds = self._loaded_folds.get(key) or Folds.load(Path(row.path), row.kind, row.seed, row.id)
        self._loaded_folds = {key: folds}  # saved folds never change: read once while they are the latest
        if folds.n_rows != len(self.train):
            raise ScrimmageError(
                f"the saved folds cover {folds.n_rows} rows but train.csv of {self.ref!r} has {len(self.train)}: "
                f"run coach.advise_split again"
            )
        return folds

    # -- runs -----------------------------------------------------------------------
    def recorded_runs(self) -> list:
        """Every recorded run, oldest first (see :func:`scrimmage.coach.runs`)."""
        from ._journal import runs

        return runs(self)

    def run_folder(self) -> Path:
        import uuid

        folder = self.root / "runs" / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def add_run(self, **values) -> int:
        values = {k: clean_json(v) if isinstance(v, (dict, list)) else _finite(v) for k, v in values.items()}
        comp_id, user_id = self.competition_id, self.user_id
        with self.arena.store.write() as conn:
            return coach_store.add_run(conn, comp_id, user_id, created_at=utcnow(), **values)

    def link_submission(self, run_id: int, submission_id: int) -> None:
        with self.arena.store.write() as conn:
            coach_store.link_submission(conn, run_id, submission_id)

    def run_rows(self):
        comp_id, user_id = self.competition_id, self.user_id
        with self.arena.store.read() as conn:
            return coach_store.run_rows(conn, comp_id, user_id)


def refuse_remote(server: str | None = None) -> None:
    """The coach keeps its folds, runs and their links to submissions in the local store: say so
    clearly when a remote arena is configured (``--server`` or ``scrimmage config set server``)."""
    from ..config import Settings
    from ..errors import ConfigError

    server = server or Settings.load().server
    if server:
        raise ConfigError(
            f"the coach works on a local arena, but a remote one is configured (server = {server}): it cannot "
            "submit there, since it keeps its folds and runs linked to submissions in the local store. "
            "Run the coach on the arena's machine, or work locally: `scrimmage config unset server` "
            "(set it again to go back), or download the data (`scrimmage competitions download REF`) and "
            "submit your files with `scrimmage competitions submit`"
        )


def clean_json(value):
    """``value`` with NaN/inf as None and numpy scalars as Python ones (PostgreSQL's JSON has no NaN)."""
    return json.loads(json.dumps(value, default=_plain), parse_constant=lambda _: None)


def _plain(v):
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, Path):
        return str(v)
    return repr(v)


def _finite(v):
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v
