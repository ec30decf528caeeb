"""The tables, as SQLAlchemy Core. Changes go through an Alembic migration too."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
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
