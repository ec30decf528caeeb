"""The tables, as SQLAlchemy Core. Changes go through an Alembic migration too."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("display_name", String(128), nullable=False, server_default=""),
    Column("role", String(16), nullable=False, server_default="participant"),
    Column("password_hash", Text),
    Column("created_at", DateTime, nullable=False),
)

competitions = Table(
    "competitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(80), nullable=False, unique=True),
    Column("title", String(256), nullable=False),
    Column("metric", String(64), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("storage", Text, nullable=False),
    Column("host_user_id", Integer, ForeignKey("users.id")),
    Column("created_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    # +1 on every change a leaderboard shows (migration 0004_leaderboard): servers cache boards by it
    Column("board_version", Integer, nullable=False, server_default="0"),
)

teams = Table(
    "teams",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("created_at", DateTime, nullable=False),
    # Written at the start of every submission transaction: the row lock that
    # keeps daily limits exact under concurrent submissions.
    Column("touched_at", DateTime),
    UniqueConstraint("competition_id", "name", name="uq_team_name"),
)

team_members = Table(
    "team_members",
    metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("joined_at", DateTime, nullable=False),
)
# a user's team in a competition is looked up on every request that acts for them (migration 0004_leaderboard)
Index("ix_team_members_user_id", team_members.c.user_id)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("file_name", String(256), nullable=False),
    Column("stored_path", Text, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False),  # pending | complete | error
    Column("counts", Boolean, nullable=False, server_default="1"),  # against the daily limit
    Column("late", Boolean, nullable=False, server_default="0"),
    Column("error", Text),  # shown to the participant
    Column("host_error", Text),  # shown to the host only
    Column("public_score", Float),
    Column("private_score", Float),
    Column("ladder_accepted", Boolean),
    Column("selected", Boolean, nullable=False, server_default="0"),
    Column("scored_at", DateTime),
    Column("scorer_host", String(256)),
    Column("scorer_pid", Integer),
)
# the leaderboards' aggregate reads this index alone (migration 0004_leaderboard)
Index("ix_submissions_board", submissions.c.competition_id, submissions.c.status, submissions.c.late,
      submissions.c.team_id, submissions.c.public_score, submissions.c.created_at)

# accounts, teams and write-ups (migration 0002_accounts) -------------------

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # api | session
    Column("name", String(128), nullable=False, server_default=""),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex; the token itself is never kept
    Column("prefix", String(16), nullable=False),  # shown in lists so a user can tell tokens apart
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime),
    Column("last_used_at", DateTime),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, index=True),
    Column("address", String(64), nullable=False, server_default=""),
    Column("at", DateTime, nullable=False, index=True),
    Column("ok", Boolean, nullable=False),
)

team_invites = Table(
    "team_invites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("from_team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("to_team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("status", String(16), nullable=False),  # pending | accepted | declined | cancelled
    Column("decided_at", DateTime),
)

writeups = Table(
    "writeups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("shared", Boolean, nullable=False, server_default="0"),  # the author shares it before the deadline
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
