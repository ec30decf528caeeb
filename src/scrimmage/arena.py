"""Use cases shared by the CLI, the notebook API and the web: the :class:`Arena`.

Its competitions, leaderboards and lookups are here; submitting, the submissions list and
final selections in :mod:`.arena_submissions`.

The faces only parse input, call one method here and format the result.
"""

from __future__ import annotations

import functools
import threading
import time
from pathlib import Path

from . import leaderboard as lb
from .arena_submissions import Submitting
from .bundle import Bundle, load_bundle
from .config import Settings
from .errors import ConflictError, ForbiddenError, NotFoundError, ScrimmageError
from .lessons import competitions as lessons
from .records import CompetitionInfo, Leaderboard, SubmissionInfo
from .solution_store import solution_key
from .storage import Storage, StoredObject, open_storage
from .store import Store, competition_edits, team_queries, utcnow
from .store.lookups import is_host_or_admin
from .stored_files import require

#: Seconds a cached leaderboard is trusted at most, even when no change was noted (a bound on staleness
#: should something write to the store without noting it).
BOARD_TTL = 30.0
#: Solutions kept in memory between submissions: how many, and up to what size on disk each.
SOLUTIONS_KEPT = 8
SOLUTION_KEEP_BYTES = 32_000_000
#: Hosts the built-in catalogue competitions (they never close).
SYSTEM_USER = "scrimmage"


class Arena(Submitting):
    """The one core object: a store, a data folder and the rules (submitting: :mod:`.arena_submissions`)."""

    def __init__(self, settings: Settings | None = None, **overrides):
        self.settings = settings or Settings.load(**overrides)
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.settings.database_url)
        self.store.fail_interrupted()
        # leaderboards and team counts by competition, valid while its board_version holds
        self._boards: dict[tuple[int, bool], tuple] = {}
        self._solutions: dict[str, tuple] = {}  # the last scored competitions' solutions, by ref
        self._solutions_lock = threading.Lock()
        self._team_counts: dict[int, tuple] = {}

    @functools.cached_property
    def objects(self) -> Storage:
        """Where the arena's files are kept: the folder SCRIMMAGE_HOME, or the store ``storage_url`` names."""
        return open_storage(self.settings.storage_url, self.settings.home)

    # accounts, teams, write-ups: small services of their own ------------------
    @functools.cached_property
    def accounts(self):
        from .accounts import Accounts

        return Accounts(self.store)

    @functools.cached_property
    def teams(self):
        from .teams import Teams

        return Teams(self)

    @functools.cached_property
    def host_code(self):
        """How host metric files run here (sandboxed; unisolated only where allowed)."""
        from .hostcode.isolation import HostCodePolicy

        return HostCodePolicy.from_settings(self.settings)

    @functools.cached_property
    def writeups(self):
        from .writeups import Writeups

        return Writeups(self)

    @functools.cached_property
    def profiles(self):
        from .community.profiles import Profiles

        return Profiles(self)

    @functools.cached_property
    def discussion(self):
        from .community.discussion import Discussion

        return Discussion(self)

    @functools.cached_property
    def notebooks(self):
        from .community.notebooks import Notebooks

        return Notebooks(self)

    # competitions -----------------------------------------------------------
    def create_competition(self, folder: str | Path, host: str | None = None) -> CompetitionInfo:
        """Check the bundle at ``folder``, copy it into the arena and register it."""
        bundle = load_bundle(folder, self.host_code)
        if host != SYSTEM_USER:
            from .practice import is_catalogue

            if is_catalogue(bundle.ref):
                raise ConflictError(f"the ref {bundle.ref!r} belongs to a built-in catalogue competition; "
                                    "set another ref in competition.toml")
        with self.store.read() as conn:
            if self.store.competition(conn, bundle.ref):
                raise ConflictError(
                    f"a competition {bundle.ref!r} exists already; set another ref in competition.toml"
                )
        from .competition_files import store_bundle

        key, solution = store_bundle(self.objects, bundle, bundle.ref)
        settings = bundle.settings()
        settings.pop("split_seed", None)  # kept with the hidden files only
        settings.update(
            targets=list(bundle.targets),
            prediction_columns=list(bundle.prediction_columns),
            public_files=list(bundle.public_files),
            greater_is_better=_greater(bundle),
            usage_rows=solution.counts(),  # the public share shown is the real one, not public_fraction
        )
        with self.store.write() as conn:
            host_id = self.store.ensure_user(conn, host or self.settings.user)
            competition_edits.add(conn, bundle.ref, bundle.title, bundle.metric, settings, key, host_id, utcnow())
        return self.competition(bundle.ref)

    def competition(self, ref: str | None, *, full: bool = True) -> CompetitionInfo:
        """The competition ``ref``; a catalogue competition is built on first use.

        With ``full=False`` its ``team_count`` and ``user_has_entered`` are left at 0 and False,
        for callers that need its settings only (counting reads every scored submission).
        """
        ref = self.resolve_ref(ref)
        with self.store.read() as conn:
            row = self.store.competition(conn, ref)
            if row is not None:
                return self.competition_info(conn, row, None if full else {}, entered=None if full else False)
            known = [r.ref for r in self.store.competitions(conn)]
        from . import catalog

        if ref in catalog.refs():
            return self._build_catalogue(ref)
        lessons.check_created(ref)  # a lesson listed but not created yet: say how to create it
        known = sorted(set(known) | set(catalog.refs()))
        raise NotFoundError(f"no competition {ref!r}; known competitions: {', '.join(known)}")

    def _build_catalogue(self, ref: str) -> CompetitionInfo:
        from . import catalog

        folder = catalog.build(ref, self.settings.catalog_dir / ref, overwrite=True)
        try:
            return self.create_competition(folder, host=SYSTEM_USER)
        except ConflictError:  # built meanwhile by another process
            return self.competition(ref)

    def list_competitions(self, tag: str | None = None, search: str | None = None) -> list[CompetitionInfo]:
        """Every competition, with the catalogue's not yet built ones."""
        from . import catalog, metrics

        with self.store.read() as conn:
            counts = self.store.team_counts(conn)
            out = [self.competition_info(conn, row, counts) for row in self.store.competitions(conn)]
        have = {c.ref for c in out}
        for entry in catalog.entries():
            if entry.ref not in have:
                settings = {"tags": list(entry.tags), "split": entry.split, "summary": entry.summary,
                            "availability": catalog.availability(entry)}
                out.append(CompetitionInfo(entry.ref, entry.title, entry.metric, metrics.greater_is_better(entry.metric),
                                           settings, None, None, built=False))
        out.extend(lessons.placeholders(have))  # the lessons not created yet, beside the catalogue
        out.sort(key=lambda c: c.ref)
        if tag:
            out = [c for c in out if tag in c.tags]
        if search:
            s = search.lower()
            out = [c for c in out if s in c.ref.lower() or s in c.title.lower() or any(s in t for t in c.tags)]
        return out

    def files(self, ref: str | None) -> list[StoredObject]:
        """The public files of ``ref`` (name, key, size, modified), by name."""
        from .competition_files import public_files

        comp = self.competition(ref)
        return public_files(self.objects, self.storage_key(comp.ref), comp.settings)

    def download(self, ref: str | None, dest: str | Path, file: str | None = None, on_progress=None) -> list[Path]:
        """Copy the public files (or one of them) into ``dest``; ``on_progress(done, total)`` sees the bytes."""
        from contextlib import nullcontext

        from .downloads import download_files

        return download_files(self.files(ref), dest, file, lambda f: nullcontext(self.objects.chunks(f.key)),
                              on_progress)

    def data_archive(self, ref: str | None) -> StoredObject:
        """The public files of ``ref`` in one .zip ("download all"), built once per version of the files.

        The archive carries the newest file's modification time, so it reads as unchanged
        until a file changes.
        """
        from .competition_files import archive

        comp = self.competition(ref)
        return archive(self.objects, comp.ref, self.files(comp.ref))

    def close(self, ref: str | None, user: str | None = None) -> CompetitionInfo:
        comp = self.competition(ref)
        self.require_host(comp, user)
        with self.store.write() as conn:
            competition_edits.close(conn, comp.ref, utcnow())
        return self.competition(comp.ref)

    def leaderboard(self, ref: str | None, private: bool = False, user: str | None = None) -> Leaderboard:
        comp = self.competition(ref)
        if private and not self.sees_private(comp, user):
            hint = ""
            if self.is_host(comp, user):
                hint = (lessons.CLOSE_HINT.format(ref=comp.ref) if lessons.is_lesson(comp)
                        else "; you have a team in it, so you see it as every participant does")
            raise ForbiddenError(
                f"the private leaderboard of {comp.ref!r} is hidden until the competition closes"
                + (f" ({comp.deadline:%Y-%m-%d %H:%M} UTC)" if comp.deadline else "")
                + hint
            )
        greater = comp.greater_is_better
        with self.store.read() as conn:
            row = self.store.competition(conn, comp.ref)
            # a board is rebuilt when the store notes a change it shows (board_version), or after BOARD_TTL
            stamp = (row.board_version, greater, comp.final_selections, comp.leaderboard)
            cached = self._boards.get((row.id, private))
            if cached and cached[0] == stamp and time.monotonic() - cached[1] < BOARD_TTL:
                table, shake, staff = cached[2], cached[3], cached[4]
                return Leaderboard(comp, private, list(table), shake, dict(staff))
            # the store hands over each team's candidates only; the pure functions rank them
            if private:
                rows = self.store.private_board(conn, row.id, greater, comp.final_selections)
            else:
                rows = self.store.public_board(conn, row.id, greater, ladder=comp.leaderboard == "ladder")
            staff = self.store.staff_teams(conn, row.id, row.host_user_id)
        entries = [
            lb.Entry(r.id, r.team_id, r.team_name, r.created_at, r.public_score, r.private_score,
                     bool(r.selected), r.ladder_accepted)
            for r in rows
        ]
        counts = {r.team_id: r.entries for r in rows}
        if private:
            table = lb.private_leaderboard(entries, greater, comp.final_selections, comp.leaderboard, counts)
            shake = lb.shake_up(table)
        else:
            table, shake = lb.public_leaderboard(entries, greater, comp.leaderboard, counts), None
        self._boards[(row.id, private)] = (stamp, time.monotonic(), tuple(table), shake, staff)
        return Leaderboard(comp, private, table, shake, dict(staff))

    # internals --------------------------------------------------------------
    def resolve_ref(self, ref: str | None) -> str:
        """``ref``, or the configured default competition."""
        ref = ref or self.settings.competition
        if not ref:
            raise ScrimmageError("no competition given: pass REF, or set a default with "
                                 "`scrimmage config set competition REF`")
        return ref

    def competition_info(self, conn, row, counts: dict | None = None, entered: bool | None = None) -> CompetitionInfo:
        """A competition's row as its faces see it (team count cached while its board_version holds)."""
        if counts is None:
            cached = self._team_counts.get(row.id)
            if cached and cached[0] == row.board_version and time.monotonic() - cached[1] < BOARD_TTL:
                counts = cached[2]
            else:
                counts = self.store.team_counts(conn, row.id)
                self._team_counts[row.id] = (row.board_version, time.monotonic(), counts)
        if entered is None:
            entered = self.store.user_team(conn, row.id, self.user_id(conn)) is not None
        return CompetitionInfo(
            ref=row.ref, title=row.title, metric=row.metric, greater_is_better=row.settings["greater_is_better"],
            settings=row.settings, created_at=row.created_at, closed_at=row.closed_at,
            team_count=counts.get(row.id, 0), user_has_entered=entered,
        )

    def user_id(self, conn, name: str | None = None) -> int | None:
        """The id of user ``name`` (default: the arena's user), or None."""
        return team_queries.user_id(conn, name or self.settings.user)

    def competition_id(self, conn, ref: str) -> int:
        """The store's id of competition ``ref``."""
        return self.store.competition(conn, ref).id

    def team_id(self, conn, ref: str, user: str) -> int | None:
        """The id of ``user``'s team in ``ref`` (None before they join)."""
        uid = self.user_id(conn, user)
        team = self.store.user_team(conn, self.competition_id(conn, ref), uid) if uid else None
        return team.id if team else None

    def storage(self, ref: str) -> Path:
        """A local folder holding the competition's bundle as the arena keeps it (never write to it)."""
        return self.objects.local_folder(self.storage_key(ref))

    def storage_key(self, ref: str) -> str:
        """The key of the competition's folder in the arena's store (:attr:`objects`)."""
        with self.store.read() as conn:
            return self.store.competition(conn, ref).storage

    def refresh_solution(self, ref: str) -> None:
        """Prepare the solution again from the kept ``solution.csv`` (a host replaced it), after
        checking the kept bundle; scoring uses it from then on (see rescoring.py)."""
        from .competition_files import refresh_solution

        solution = refresh_solution(self.objects, self.storage_key(ref))
        with self.store.write() as conn:  # the public share shown follows the new solution
            row = self.store.competition(conn, ref)
            competition_edits.set_settings(conn, ref, {**row.settings, "usage_rows": solution.counts()})

    def is_host(self, comp: CompetitionInfo, user: str | None) -> bool:
        """May ``user`` act as host of ``comp`` (its host, or an admin: admins may do everything)?"""
        with self.store.read() as conn:
            return is_host_or_admin(conn, comp.ref, user or self.settings.user)

    def sees_private(self, comp: CompetitionInfo, user: str | None) -> bool:
        """Whether ``user`` may see private scores of ``comp`` now: anyone once it has closed; before that its
        host or an admin, unless they have a team in it (then they see it as every participant does) or it is
        a lesson (its host is its learner: no early answers)."""
        if comp.closed:
            return True
        if not self.is_host(comp, user) or lessons.is_lesson(comp):
            return False
        with self.store.read() as conn:
            return self.team_id(conn, comp.ref, user or self.settings.user) is None

    def require_host(self, comp: CompetitionInfo, user: str | None) -> None:
        """Raise ForbiddenError unless ``user`` hosts ``comp`` or is an admin."""
        if not self.is_host(comp, user):
            raise ForbiddenError(f"only the host of {comp.ref!r} can do this")

    def solution_of(self, comp: CompetitionInfo, storage: str | None = None):
        """The competition's current solution (small ones kept in memory between submissions)."""
        from .solution import Solution

        s = comp.settings
        key = solution_key(self.objects, storage or self.storage_key(comp.ref))
        found = require(self.objects, key, f"the answer file of {comp.ref!r}")
        path = self.objects.local_path(key, found)
        # the store's version of the file is checked on every use: another server's rescore is seen at once
        cache_key = (key, found.version, s["id_column"], tuple(s["targets"]), tuple(s["prediction_columns"]))
        cached = self._solutions.get(comp.ref)
        if cached is not None and cached[0] == cache_key:
            return cached[1]
        solution = Solution.load(path, s["id_column"], s["targets"], s["prediction_columns"])
        if found.size <= SOLUTION_KEEP_BYTES:  # small ones stay in memory (Solution is immutable)
            with self._solutions_lock:
                self._solutions.pop(comp.ref, None)
                self._solutions[comp.ref] = (cache_key, solution)
                while len(self._solutions) > SOLUTIONS_KEPT:
                    del self._solutions[next(iter(self._solutions))]
        return solution

    def metric_of(self, comp: CompetitionInfo, storage: str | None = None):
        """The competition's metric: built in, or the host's metric file (run as the server's policy says)."""
        from . import metrics

        s = comp.settings
        if s.get("metric_file"):
            from .competition_files import metric_folder
            from .hostmetric import for_competition, log_path

            folder = metric_folder(self.objects, storage or self.storage_key(comp.ref), s)
            return for_competition(comp.metric, comp.greater_is_better, folder, s, self.host_code,
                                   log_path(self.settings.home, comp.ref))
        return metrics.get(comp.metric)



def _greater(bundle: Bundle) -> bool:
    if bundle.greater_is_better is not None:
        return bundle.greater_is_better
    from . import metrics

    return metrics.get(bundle.metric).greater_is_better


__all__ = ["Arena", "CompetitionInfo", "SubmissionInfo", "Leaderboard"]
