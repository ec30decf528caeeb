"""The arena's submissions: submit (keep the file, check and score it), a team's submissions, final selections.

:class:`Submitting` is part of :class:`~scrimmage.arena.Arena`; it uses the arena's store, files,
competitions and lookups (``competition``, ``team_id``, ``solution_of``, ``metric_of``, ...).
"""

from __future__ import annotations

from pathlib import Path

from . import leaderboard as lb
from .errors import (
    ConflictError,
    DiskFullError,
    LimitError,
    MissingFileError,
    NotFoundError,
    ScoringError,
    SubmissionError,
)
from .limits import DISK_FULL, clip, submission_limit_mb
from .quotas import Quotas
from .records import CompetitionInfo, SubmissionInfo
from .scratch import is_disk_full
from .shown_scores import ladder_hides_raw, shown_public_scores
from .storage import Written, layout
from .store import utcnow


class Submitting:
    """Submitting and the submissions of a team (mixed into :class:`~scrimmage.arena.Arena`)."""

    def submit(self, ref: str | None, path: str | Path, message: str = "", user: str | None = None) -> SubmissionInfo:
        """Store the file, then check and score it. A rejected file is kept and
        listed with its problems, and does not count against the daily limit."""
        path, ref = Path(path), self.resolve_ref(ref)
        user = user or self.settings.user
        now = utcnow()
        quotas = Quotas.of(self.settings)

        def exists() -> int:
            if not path.is_file():
                raise NotFoundError(f"no file at {path}: give the path of your submission CSV")
            return path.stat().st_size

        with self.store.read() as conn:  # the competition; refuse early, before storing, when a limit is reached
            row = self.store.competition(conn, ref)
            if row is not None:
                comp = self.competition_info(conn, row, {}, entered=False)
                size = exists()
                team = self.store.user_and_team(conn, row.id, user)[1]
                if team is not None:
                    quotas.check(conn, team, size, comp.daily_limit, now)
        if row is None:  # built on first use (a catalogue competition: no team yet), or not known
            comp = self.competition(ref, full=False)
            exists()
        kept = self._keep(comp.ref, path)
        digest, size = kept.sha256, kept.size
        late = comp.closed
        try:
            with self.store.write() as conn:
                row = self.store.competition(conn, comp.ref)
                user_id, team_id = self.store.ensure_user_team(conn, row.id, user)
                self.store.lock_team(conn, team_id, now)
                used = quotas.check(conn, team_id, size, comp.daily_limit, now)  # exact, under the team's lock
                over = used.counted_today >= comp.daily_limit
                sub_id = self.store.add_submission(
                    conn, competition_id=row.id, team_id=team_id, user_id=user_id, created_at=now,
                    file_name=path.name, stored_path=kept.key, size_bytes=size, sha256=digest,
                    description=message or "", status="error" if over else "pending", counts=not over, late=late,
                    error=_limit_message(comp.daily_limit) if over else None,
                )
        except BaseException as exc:  # not recorded: the copy is no submission of anyone's
            self.objects.delete(kept.key)
            if is_disk_full(exc):
                raise DiskFullError(DISK_FULL) from None
            raise
        if over:
            raise LimitError(_limit_message(comp.daily_limit))
        try:
            # the competition's key was read in the transaction above; the kept file is read where it was kept
            scores, aligned, solution, metric = self.score_stored(comp, self.objects.local_path(kept.key), row.storage)
            ladder = self._ladder(comp, team_id, sub_id, aligned, solution, metric) if comp.leaderboard == "ladder" else None
        except SubmissionError as exc:
            self._fail(sub_id, "\n".join(exc.problems) or exc.message)
            raise
        except ScoringError as exc:
            self._fail(sub_id, exc.message, exc.host_detail)
            raise
        except MissingFileError as exc:
            self._fail(sub_id, exc.message)
            raise
        except BaseException as exc:
            self._fail(sub_id, "scoring error: the submission could not be scored", repr(exc))
            raise
        with self.store.write() as conn:
            self.store.update_submission(conn, sub_id, status="complete", public_score=scores.public,
                                         private_score=scores.private, ladder_accepted=ladder, scored_at=utcnow())
            row = self.store.submission(conn, sub_id)
            shown = self._shown(conn, comp, row.competition_id, row.team_id)
        return SubmissionInfo.of_row(comp, row, shown)

    def score_stored(self, comp: CompetitionInfo, stored: Path, storage: str | None = None):
        """Check and score a kept file against the competition's current solution and metric:
        (scores, aligned rows or None for free rows, solution, metric); raises SubmissionError or ScoringError."""
        from .scoring import score_file

        s = comp.settings
        try:
            solution = self.solution_of(comp, storage)
            metric = self.metric_of(comp, storage)
            if s.get("rows") == "free":
                from .freerows import score_file as score_free_file

                scores = score_free_file(stored, solution, metric, s.get("metric_kwargs"), submission_limit_mb(s),
                                         comp.max_rows_per_id)
                return scores, None, solution, metric
            scores, aligned = score_file(stored, solution, metric, s.get("metric_kwargs") or {}, submission_limit_mb(s))
            return scores, aligned, solution, metric
        finally:
            if s.get("metric_file"):  # what the host's metric printed, for the host's page on any server
                from .metric_logs import publish

                publish(self.objects, self.settings.home, comp.ref)  # never fails a scoring (see publish)

    def submission(self, ref: str | None, sub_id: int, user: str | None = None) -> SubmissionInfo:
        comp = self.competition(ref, full=False)
        with self.store.read() as conn:
            row = self.store.submission(conn, sub_id)
            if row is None or row.competition_id != self.competition_id(conn, comp.ref):
                raise NotFoundError(f"no submission {sub_id} in {comp.ref!r}")
            team = self.team_id(conn, comp.ref, user or self.settings.user)
            if row.team_id != team and not self.is_host(comp, user):
                raise NotFoundError(f"no submission {sub_id} of yours in {comp.ref!r}")
            shown = self._shown(conn, comp, row.competition_id, row.team_id)
        return SubmissionInfo.of_row(comp, row, shown)

    def submissions(self, ref: str | None, user: str | None = None) -> list[SubmissionInfo]:
        """The user's team's submissions, newest first."""
        comp = self.competition(ref, full=False)
        with self.store.read() as conn:
            team = self.team_id(conn, comp.ref, user or self.settings.user)
            if team is None:
                return []
            rows = self.store.submissions_of(conn, self.competition_id(conn, comp.ref), team)
        if any(r.status == "pending" for r in rows) and self.store.fail_interrupted():
            return self.submissions(ref, user)  # a scorer had died (another replica, killed): shown failed, with why
        shown = shown_public_scores(rows) if ladder_hides_raw(comp.leaderboard, comp.closed) else None
        return [SubmissionInfo.of_row(comp, r, shown) for r in rows]

    def used_today(self, ref: str | None, user: str | None = None) -> tuple[int, int]:
        """(submissions of the user's team that count against today's (UTC) limit, the daily limit)."""
        return self.teams.used_today(self.competition(ref, full=False).ref, user or self.settings.user)

    def select(self, ref: str | None, sub_id: int, user: str | None = None, unselect: bool = False) -> SubmissionInfo:
        """Choose (or drop) a submission for the private leaderboard."""
        comp = self.competition(ref, full=False)
        user = user or self.settings.user
        if comp.closed:
            raise LimitError(f"{comp.ref!r} is closed; final selections can no longer change")
        with self.store.write() as conn:
            team = self.team_id(conn, comp.ref, user)
            row = self.store.submission(conn, sub_id)
            if row is None or team is None or row.team_id != team:
                raise NotFoundError(f"no submission {sub_id} of yours in {comp.ref!r}")
            self.store.lock_team(conn, team, utcnow())  # selections stay exact under concurrency
            if not unselect:
                if row.status != "complete":
                    raise ConflictError(f"submission {sub_id} was not scored ({row.status}); only scored submissions can be selected")
                chosen = [r for r in self.store.submissions_of(conn, row.competition_id, team) if r.selected and r.id != sub_id]
                if len(chosen) >= comp.final_selections:
                    ids = ", ".join(str(r.id) for r in chosen)
                    raise LimitError(
                        f"you have already selected {len(chosen)} of {comp.final_selections} final submissions ({ids}); "
                        f"unselect one first with `scrimmage competitions select {comp.ref} ID --unselect`"
                    )
            self.store.update_submission(conn, sub_id, selected=not unselect)
        return self.submission(comp.ref, sub_id, user)

    # internals of submitting ------------------------------------------------
    def _keep(self, ref: str, path: Path) -> Written:
        """Copy the file into the arena's store before anything else; it is never deleted."""
        return self.objects.put_file(layout.submission(ref, path.name, f"{utcnow():%Y%m%dT%H%M%S}"), path,
                                     name=path.name)

    def _fail(self, sub_id: int, error: str, host_error: str | None = None) -> None:
        with self.store.write() as conn:
            self.store.update_submission(conn, sub_id, status="error", error=clip(error),
                                         host_error=clip(host_error), counts=False, scored_at=utcnow())

    def _ladder(self, comp, team_id, sub_id, aligned, solution, metric) -> bool:
        from .metrics import call_kwargs
        from .scoring import per_row_losses
        from .submissions import check_and_align

        with self.store.read() as conn:
            prior = [r for r in self.store.submissions_of(conn, self.competition_id(conn, comp.ref), team_id)
                     if r.id != sub_id and r.status == "complete" and r.ladder_accepted]
        kept = [r for r in prior if self.objects.exists(r.stored_path)]  # a file gone missing: the newest one kept counts
        if not kept:
            return True
        best = check_and_align(self.objects.local_path(kept[0].stored_path), solution, metric.input)
        kwargs = comp.settings.get("metric_kwargs") or {}
        new = per_row_losses(aligned, solution, metric, kwargs)
        if new is not None:
            return lb.ladder_accepts(new, per_row_losses(best, solution, metric, kwargs))
        mask = solution.mask("Public")
        kw = call_kwargs(metric, kwargs, solution.prediction_columns)
        return lb.ladder_accepts_bootstrap(lambda t, p: metric.compute(t, p, **kw), solution.y_true(metric.input)[mask],
                                           aligned.y_pred[mask], best.y_pred[mask], comp.greater_is_better)

    def _shown(self, conn, comp: CompetitionInfo, competition_id: int, team_id: int) -> dict | None:
        """The team's shown public scores on a Ladder board before close (None: raw scores are shown)."""
        if not ladder_hides_raw(comp.leaderboard, comp.closed):
            return None
        return shown_public_scores(self.store.submissions_of(conn, competition_id, team_id))


def _limit_message(limit: int) -> str:
    return (f"daily submission limit reached: {limit} scored submissions per team per UTC day; "
            "try again after midnight UTC (the file was kept)")
