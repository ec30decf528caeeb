"""The store: SQLAlchemy Core on SQLite (default) or PostgreSQL, migrated by Alembic.

All SQL lives in this package. Times are stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import and_, bindparam, case, create_engine, event, func, insert, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError

from ..clock import utcnow
from ..errors import ConfigError
from . import schema
from .revision import HEAD, is_current, recorded_on
from .scorers import Presence
from .schema import competitions, submissions, team_members, teams, users

MIGRATIONS = Path(__file__).parent / "migrations"
INTERRUPTED = (
    "scoring was interrupted (the scoring process stopped before it finished); "
    "this submission does not count against your daily limit: submit the file again"
)
STALE_AFTER = dt.timedelta(hours=6)
#: The PostgreSQL advisory lock held while the schema is migrated (a fixed number, the same in every process).
MIGRATION_LOCK = 0x7363_7269_6D61_6765
#: Columns of a submission that leaderboards show: changing one bumps the competition's board_version.
BOARD_COLUMNS = frozenset({"status", "public_score", "private_score", "selected", "ladder_accepted", "late", "team_id",
                           "created_at"})


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not the driver, decide when transactions begin.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # IMMEDIATE takes the write lock up front, so two submitters never
            # both read "4 of 5 used" and both insert.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

        return engine
    try:
        # a pool as large as the server's busiest moments: connections past it are opened and closed per use;
        # the arena's queries are short: compiling one to machine code (PostgreSQL's JIT) costs more than it saves
        options = {"connect_args": {"options": "-c jit=off"}} if url.startswith("postgresql") else {}
        engine = create_engine(url, pool_size=20, max_overflow=20, **options)
    except Exception as exc:  # noqa: BLE001 - bad URL or missing driver
        raise ConfigError(f"cannot use database URL {url!r}: {exc}") from None
    _ping_when_idle(engine)
    return engine


#: A pooled connection unused for longer than this is tested (one round trip) before it is handed out.
IDLE_PING_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Hand out no connection that the database dropped (a restart, an idle timeout): one that rested in the
    pool for more than IDLE_PING_SECONDS is tested first, and replaced if it fails. A connection in steady use
    is not: testing it before every use would double the round trips of a short read."""
    @event.listens_for(engine, "checkin")
    def _rested(_dbapi_conn, record):
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _tested(dbapi_conn, record, _proxy):
        if time.monotonic() - record.info.get("checked_in", time.monotonic()) <= IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001 - any failure: the pool opens a new connection instead
            raise DisconnectionError(f"a pooled connection failed its test: {exc}") from exc


#: Before the migrations formed one line, 0002-0004 were sibling branches of 0001 and a
#: database recorded all three heads; in the line each is the parent of the next.
_OLD_BRANCH_HEADS = ("0002_accounts", "0003_coach", "0004_leaderboard")


def _collapse_branch_heads(conn: Connection) -> None:
    """Record a database upgraded as three branches by its newest revision in the line."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return
    rows = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    if len(rows) > 1 and rows <= set(_OLD_BRANCH_HEADS):
        newest = max(rows, key=_OLD_BRANCH_HEADS.index)
        conn.execute(text("DELETE FROM alembic_version WHERE version_num <> :v"), {"v": newest})


class Store:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._autocommit_reads = self.engine.dialect.name == "postgresql"
        self.presence = Presence(self.engine)  # tells other machines this process is alive while it scores
        self.migrate()

    def migrate(self) -> None:
        """Bring the schema to :data:`HEAD`: once, even when several processes open an old database at once."""
        if is_current(self.engine):  # the usual case: no Alembic, one small query
            return
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.write() as conn:  # on SQLite the write lock is taken at BEGIN
            if conn.dialect.name == "postgresql":
                # one migrating process at a time; the lock ends with the transaction
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            found = recorded_on(conn)
            if found == {HEAD}:  # another process migrated it while this one waited
                return
            unknown = found - {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
            if unknown:
                raise ConfigError(
                    f"the database is at schema revision {', '.join(sorted(unknown))}, newer than this scrimmage "
                    f"knows (its newest is {HEAD}): a newer scrimmage migrated it; upgrade scrimmage here "
                    "(pip install --upgrade scrimmage) to use this database"
                )
            cfg.attributes["connection"] = conn
            _collapse_branch_heads(conn)
            command.upgrade(cfg, "head")

    @contextmanager
    def read(self):
        with self.engine.connect() as conn:
            if self._autocommit_reads:  # PostgreSQL reads committed rows either way: no BEGIN, no ROLLBACK
                conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextmanager
    def write(self):
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    # users and teams -------------------------------------------------------
    def ensure_user(self, conn: Connection, name: str) -> int:
        query = select(users.c.id).where(users.c.name == name)
        row = conn.execute(query).first()
        if row:
            return row.id
        return _insert_or_get(conn, insert(users).values(name=name, display_name=name, created_at=utcnow()), query)

    def user_team(self, conn: Connection, competition_id: int, user_id: int):
        return conn.execute(
            select(teams)
            .join(team_members, team_members.c.team_id == teams.c.id)
            .where(teams.c.competition_id == competition_id, team_members.c.user_id == user_id)
        ).first()

    def staff_teams(self, conn: Connection, competition_id: int, host_user_id: int | None) -> dict[int, str]:
        """The teams of ``competition_id`` with its host or an admin among their members: {team id: "host" | "admin"}."""
        rows = conn.execute(
            select(team_members.c.team_id, users.c.id, users.c.role)
            .join(teams, teams.c.id == team_members.c.team_id)
            .join(users, users.c.id == team_members.c.user_id)
            .where(teams.c.competition_id == competition_id, or_(users.c.role == "admin", users.c.id == host_user_id))
        ).all()
        out: dict[int, str] = {}
        for team_id, user_id, _role in rows:
            out[team_id] = "host" if user_id == host_user_id or out.get(team_id) == "host" else "admin"
        return out

    def user_and_team(self, conn: Connection, competition_id: int, name: str) -> tuple[int | None, int | None]:
        """(the id of the user called ``name``, the id of their team in the competition); None where there is none."""
        row = conn.execute(_USER_AND_TEAM, {"competition_id": competition_id, "name": name}).first()
        return (row[0], row[1]) if row else (None, None)

    def ensure_user_team(self, conn: Connection, competition_id: int, name: str) -> tuple[int, int]:
        """(user id, team id) of the user called ``name`` in the competition; both are created on first use."""
        user_id, team_id = self.user_and_team(conn, competition_id, name)
        if user_id is None:
            user_id = self.ensure_user(conn, name)
        if team_id is None:
            team_id = self.ensure_team(conn, competition_id, user_id, name)
        return user_id, team_id

    def ensure_team(self, conn: Connection, competition_id: int, user_id: int, name: str) -> int:
        """The user's team in this competition; a team of one is created on first use."""
        row = self.user_team(conn, competition_id, user_id)
        if row:
            return row.id
        now = utcnow()
        try:
            with conn.begin_nested():
                team_id = conn.execute(
                    insert(teams).values(competition_id=competition_id, name=name, created_at=now)
                ).inserted_primary_key[0]
                conn.execute(insert(team_members).values(team_id=team_id, user_id=user_id, joined_at=now))
                return team_id
        except IntegrityError:  # a concurrent first submission of the same user created it
            row = self.user_team(conn, competition_id, user_id)
            if row is None:
                raise
            return row.id

    # competitions ------------------------------------------------------------
    def competition(self, conn: Connection, ref: str):
        return conn.execute(_COMPETITION, {"ref": ref}).first()

    def competitions(self, conn: Connection):
        return conn.execute(select(competitions).order_by(competitions.c.ref)).all()

    def team_counts(self, conn: Connection, competition_id: int | None = None) -> dict[int, int]:
        """Teams with a scored on-time submission, by competition (only ``competition_id``'s when given)."""
        q = (
            select(submissions.c.competition_id, func.count(func.distinct(submissions.c.team_id)))
            .where(submissions.c.status == "complete", submissions.c.late.is_(False))
            .group_by(submissions.c.competition_id)
        )
        if competition_id is not None:
            q = q.where(submissions.c.competition_id == competition_id)
        return dict(conn.execute(q).all())

    # submissions -------------------------------------------------------------
    def used_today(self, conn: Connection, team_id: int, now: dt.datetime) -> int:
        """The team's submissions since midnight UTC that count against the daily limit."""
        from .usage import team_usage

        return team_usage(conn, team_id, now).counted_today

    def lock_team(self, conn: Connection, team_id: int, now: dt.datetime) -> None:
        """Row-lock the team (PostgreSQL) / take the write lock (SQLite) for this transaction."""
        conn.execute(_LOCK_TEAM, {"team_id": team_id, "now": now})

    def add_submission(self, conn: Connection, **values) -> int:
        values.setdefault("scorer_host", self.presence.host)
        values.setdefault("scorer_pid", self.presence.pid)
        if values.get("status") == "pending":
            self.presence.hold()  # before the pending row can be seen
        sub_id = conn.execute(_ADD_SUBMISSION, values).inserted_primary_key[0]
        if values.get("status") == "complete":  # submissions arrive pending: only a scored one shows at once
            self.bump_board(conn, values["competition_id"])
        return sub_id

    def update_submission(self, conn: Connection, sub_id: int, **values) -> None:
        conn.execute(_UPDATE_SUBMISSION, {**values, "sub_id": sub_id})
        if BOARD_COLUMNS & values.keys():
            conn.execute(_BUMP_BOARD_OF, {"sub_id": sub_id})

    def bump_board(self, conn: Connection, competition_id) -> None:
        """Note a change the competition's leaderboards show (cached boards are then rebuilt).

        Every write that changes a scored submission, its team or a team's name calls this in
        the same transaction, after its other writes: the competition row is always locked last.
        """
        conn.execute(_BUMP_BOARD, {"competition_id": competition_id})

    def submission(self, conn: Connection, sub_id: int):
        return conn.execute(_SUBMISSION, {"sub_id": sub_id}).first()

    def submissions_of(self, conn: Connection, competition_id: int, team_id: int | None = None):
        q = _submission_query().where(submissions.c.competition_id == competition_id)
        if team_id is not None:
            q = q.where(submissions.c.team_id == team_id)
        return conn.execute(q.order_by(submissions.c.created_at.desc(), submissions.c.id.desc())).all()

    # leaderboards: the database picks each team's candidates, leaderboard.py ranks them -----------
    def public_board(self, conn: Connection, competition_id: int, greater: bool, ladder: bool = False):
        """Each team's public-leaderboard candidates: its submissions at its best public score (in
        ladder mode: its last accepted ones), with ``entries``, the team's count of scored submissions.

        One aggregate over the ``ix_submissions_board`` index and a join back, so the
        cost grows with the teams, not with their submissions.
        """
        s = submissions
        scored = and_(*_on_board(competition_id), s.c.public_score.is_not(None))
        if ladder:
            value = func.max(case((s.c.ladder_accepted.is_(True), s.c.created_at)))
        else:
            value = func.max(s.c.public_score) if greater else func.min(s.c.public_score)
        best = (select(s.c.team_id, value.label("v"), func.count().label("entries"))
                .where(scored).group_by(s.c.team_id).subquery())
        match = (and_(s.c.created_at == best.c.v, s.c.ladder_accepted.is_(True)) if ladder
                 else s.c.public_score == best.c.v)
        q = (select(*_board_columns(), best.c.entries)
             .select_from(s.join(best, and_(best.c.team_id == s.c.team_id, match)).join(teams, teams.c.id == s.c.team_id))
             .where(scored))
        return conn.execute(q).all()

    def private_board(self, conn: Connection, competition_id: int, greater: bool, n_final: int):
        """Each team's private-leaderboard candidates: its selected submissions, its best ``n_final``
        public ones and its last ladder-accepted one, with ``entries``, its count of scored submissions."""
        s = submissions
        no_public = case((s.c.public_score.is_(None), 1), else_=0)
        by_public = s.c.public_score.desc() if greater else s.c.public_score.asc()
        ranked = (select(*_board_columns(),
                         func.count().over(partition_by=s.c.team_id).label("entries"),
                         func.row_number().over(partition_by=s.c.team_id,
                                                order_by=(no_public, by_public, s.c.created_at, s.c.id)).label("pub"),
                         func.row_number().over(partition_by=(s.c.team_id, s.c.ladder_accepted, no_public),
                                                order_by=(s.c.created_at.desc(), s.c.id.desc())).label("recent"))
                  .select_from(s.join(teams, teams.c.id == s.c.team_id))
                  .where(*_on_board(competition_id))).subquery()
        keep = or_(and_(ranked.c.public_score.is_not(None), ranked.c.pub <= n_final), ranked.c.selected.is_(True),
                   and_(ranked.c.ladder_accepted.is_(True), ranked.c.public_score.is_not(None), ranked.c.recent == 1))
        cols = [ranked.c[c.name] for c in _board_columns()] + [ranked.c.entries]
        return conn.execute(select(*cols).where(keep)).all()

    def fail_interrupted(self) -> int:
        """Mark as failed every pending submission whose scoring process is gone (on this machine or, on
        PostgreSQL, on any other: see :mod:`.scorers`)."""
        now = utcnow()
        with self.write() as conn:
            rows = conn.execute(
                select(submissions.c.id, submissions.c.scorer_host, submissions.c.scorer_pid, submissions.c.created_at)
                .where(submissions.c.status == "pending")
            ).all()
            dead = [r.id for r in rows if now - r.created_at > STALE_AFTER
                    or self.presence.is_gone(conn, r.scorer_host, r.scorer_pid)]
            if dead:
                conn.execute(
                    update(submissions).where(submissions.c.id.in_(dead))
                    .values(status="error", error=INTERRUPTED, counts=False, scored_at=now)
                )
        return len(dead)


def _insert_or_get(conn: Connection, statement, query) -> int:
    """Insert, or (when a concurrent transaction inserted the same key first) read the id."""
    try:
        with conn.begin_nested():
            return conn.execute(statement).inserted_primary_key[0]
    except IntegrityError:
        return conn.execute(query).scalar_one()


def _on_board(competition_id: int):
    """What counts on a leaderboard: scored, on time."""
    s = submissions
    return s.c.competition_id == competition_id, s.c.status == "complete", s.c.late.is_(False)


def _board_columns():
    s = submissions
    return (s.c.id, s.c.team_id, teams.c.name.label("team_name"), s.c.created_at, s.c.public_score,
            s.c.private_score, s.c.selected, s.c.ladder_accepted)


def _submission_query():
    return (
        select(submissions, teams.c.name.label("team_name"), users.c.name.label("user_name"))
        .join(teams, teams.c.id == submissions.c.team_id)
        .join(users, users.c.id == submissions.c.user_id)
    )


# A submission's statements, built once: building one (and its cache key) costs SQLAlchemy more than
# SQLite takes to run it.
_COMPETITION = select(competitions).where(competitions.c.ref == bindparam("ref"))
_USER_AND_TEAM = select(users.c.id, select(teams.c.id).join(team_members, team_members.c.team_id == teams.c.id)
                        .where(teams.c.competition_id == bindparam("competition_id"),
                               team_members.c.user_id == users.c.id).limit(1).scalar_subquery()
                        ).where(users.c.name == bindparam("name"))
_LOCK_TEAM = update(teams).where(teams.c.id == bindparam("team_id")).values(touched_at=bindparam("now"))
_ADD_SUBMISSION = insert(submissions)
_UPDATE_SUBMISSION = update(submissions).where(submissions.c.id == bindparam("sub_id"))  # SET: the other keys
_SUBMISSION = _submission_query().where(submissions.c.id == bindparam("sub_id"))
_BUMP_BOARD = (update(competitions).where(competitions.c.id == bindparam("competition_id"))
               .values(board_version=competitions.c.board_version + 1))
_BUMP_BOARD_OF = (update(competitions)  # the competition of submission sub_id
                  .where(competitions.c.id == select(submissions.c.competition_id)
                         .where(submissions.c.id == bindparam("sub_id")).scalar_subquery())
                  .values(board_version=competitions.c.board_version + 1))


__all__ = ["Store", "schema", "utcnow", "INTERRUPTED"]
