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


# columns that many tables share (a Column belongs to one table: each call makes a new one) -----------------

def id_column() -> Column:
    """The row's own id."""
    return Column("id", Integer, primary_key=True)


def competition_column() -> Column:
    """The competition a row belongs to: indexed, and the row is deleted with it."""
    return Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False,
                  index=True)


def user_column() -> Column:
    """The user a row is by (or for)."""
    return Column("user_id", Integer, ForeignKey("users.id"), nullable=False)


def created_column() -> Column:
    return Column("created_at", DateTime, nullable=False)


users = Table(
    "users",
    metadata,
    id_column(),
    Column("name", String(64), nullable=False, unique=True),
    Column("display_name", String(128), nullable=False, server_default=""),
    Column("role", String(16), nullable=False, server_default="participant"),
    Column("password_hash", Text),
    created_column(),
    Column("profile_public", Boolean, nullable=False, server_default="0"),  # migration 0012_community
    # from a class roster, and set while an admin has suspended the account (migration 0008_user_admin)
    Column("email", String(254)),
    Column("suspended_at", DateTime),
    # True on the first account with a password (who becomes the admin), NULL on every other: the unique
    # index lets exactly one sign-up win that race (migration 0007_secrets)
    Column("first_admin", Boolean),
    UniqueConstraint("first_admin", name="uq_users_first_admin"),
)

competitions = Table(
    "competitions",
    metadata,
    id_column(),
    Column("ref", String(80), nullable=False, unique=True),
    Column("title", String(256), nullable=False),
    Column("metric", String(64), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("storage", Text, nullable=False),
    Column("host_user_id", Integer, ForeignKey("users.id")),
    created_column(),
    Column("closed_at", DateTime),
    # +1 on every change a leaderboard shows (migration 0004_leaderboard): servers cache boards by it
    Column("board_version", Integer, nullable=False, server_default="0"),
)

teams = Table(
    "teams",
    metadata,
    id_column(),
    Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    created_column(),
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
    id_column(),
    competition_column(),
    Column("team_id", Integer, ForeignKey("teams.id"), nullable=False, index=True),
    user_column(),
    created_column(),
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
    id_column(),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # api | session | welcome (a one-time sign-in link)
    Column("name", String(128), nullable=False, server_default=""),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex; the token itself is never kept
    Column("prefix", String(16), nullable=False),  # shown in lists so a user can tell tokens apart
    created_column(),
    Column("expires_at", DateTime),
    Column("last_used_at", DateTime),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    id_column(),
    Column("name", String(64), nullable=False, index=True),
    Column("address", String(64), nullable=False, server_default=""),
    Column("at", DateTime, nullable=False, index=True),
    Column("ok", Boolean, nullable=False),
)

# failed-login counters, bumped atomically (migration 0007_secrets; see store/login_limits.py)
login_limits = Table(
    "login_limits",
    metadata,
    Column("key", String(200), primary_key=True),  # "name:<user name>" or "address:<client address>"
    Column("failures", Integer, nullable=False),
    Column("window_start", DateTime, nullable=False),
)

team_invites = Table(
    "team_invites",
    metadata,
    id_column(),
    competition_column(),
    Column("from_team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("to_team_id", Integer, ForeignKey("teams.id"), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id"), nullable=False),
    created_column(),
    Column("status", String(16), nullable=False),  # pending | accepted | declined | cancelled
    Column("decided_at", DateTime),
)

writeups = Table(
    "writeups",
    metadata,
    id_column(),
    competition_column(),
    user_column(),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("shared", Boolean, nullable=False, server_default="0"),  # the author shares it before the deadline
    created_column(),
    Column("updated_at", DateTime, nullable=False),
)

# discussion (migration 0012_community) --------------------------------------
# Full-text search is the database's own: an FTS5 table ``forum_search`` kept by triggers
# (SQLite; it holds the visible posts of visible topics alone, 0016), a generated ``search``
# tsvector column with a GIN index (PostgreSQL; a partial index lists the hidden or deleted
# topics, whose posts a search leaves out, 0016).

forum_topics = Table(
    "forum_topics",
    metadata,
    id_column(),
    Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE")),  # NULL: site forum
    user_column(),
    Column("title", String(200), nullable=False),
    created_column(),
    Column("last_post_at", DateTime, nullable=False),
    Column("reply_count", Integer, nullable=False, server_default="0"),
    Column("pinned", Boolean, nullable=False, server_default="0"),
    Column("locked", Boolean, nullable=False, server_default="0"),
    Column("hidden", Boolean, nullable=False, server_default="0"),
    Column("deleted_at", DateTime),
)
Index("ix_forum_topics_board", forum_topics.c.competition_id, forum_topics.c.last_post_at)

forum_posts = Table(
    "forum_posts",
    metadata,
    id_column(),
    Column("topic_id", Integer, ForeignKey("forum_topics.id", ondelete="CASCADE"), nullable=False),
    # a copy of the topic's competition (NULL: site forum), so a search reads one discussion's posts alone
    # (0015); no foreign key of its own: the post goes with its topic
    Column("competition_id", Integer),
    user_column(),
    Column("opening", Boolean, nullable=False, server_default="0"),  # the topic's first post
    Column("search_title", String(200), nullable=False, server_default=""),  # the topic's title, on its opening post
    Column("body", Text, nullable=False),
    Column("votes", Integer, nullable=False, server_default="0"),
    created_column(),
    Column("edited_at", DateTime),
    Column("hidden", Boolean, nullable=False, server_default="0"),
    Column("deleted_at", DateTime),
)
Index("ix_forum_posts_topic", forum_posts.c.topic_id, forum_posts.c.created_at)
Index("ix_forum_posts_user", forum_posts.c.user_id, forum_posts.c.created_at)
Index("ix_forum_posts_scope", forum_posts.c.competition_id, forum_posts.c.id)

forum_post_edits = Table(
    "forum_post_edits",
    metadata,
    id_column(),
    Column("post_id", Integer, ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False, index=True),
    user_column(),
    Column("title", String(200)),  # the topic's title before the edit (opening posts)
    Column("body", Text, nullable=False),  # the text before the edit
    Column("edited_at", DateTime, nullable=False),
)

forum_votes = Table(
    "forum_votes",
    metadata,
    Column("post_id", Integer, ForeignKey("forum_posts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    created_column(),
)

forum_reports = Table(
    "forum_reports",
    metadata,
    id_column(),
    Column("post_id", Integer, ForeignKey("forum_posts.id", ondelete="CASCADE"), nullable=False, index=True),
    user_column(),
    Column("reason", String(500), nullable=False),
    created_column(),
    Column("resolved_at", DateTime),
    UniqueConstraint("post_id", "user_id", name="uq_forum_report"),
)

forum_visits = Table(
    "forum_visits",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("scope", String(96), primary_key=True),  # a competition ref, or "" for the site forum
    Column("seen_at", DateTime, nullable=False),
)

# shared notebooks (migration 0013_notebooks) ----------------------------------
# Files live under the arena's home (``notebooks/``); the rows keep paths relative to it.

notebooks = Table(
    "notebooks",
    metadata,
    id_column(),
    Column("competition_id", Integer, ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
    user_column(),
    Column("slug", String(100), nullable=False),  # "user/slug" is the notebook's ref
    Column("title", String(200), nullable=False),
    Column("kind", String(16), nullable=False),  # notebook | script
    Column("visibility", String(16), nullable=False),  # private | competition | public
    Column("submission_id", Integer, ForeignKey("submissions.id", ondelete="SET NULL")),
    Column("copied_from", Integer, ForeignKey("notebooks.id", ondelete="SET NULL")),
    Column("highlighted", Boolean, nullable=False, server_default="0"),  # by the host, after the close
    Column("votes", Integer, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="0"),  # the latest version's number
    created_column(),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("user_id", "slug", name="uq_notebook_slug"),
)
Index("ix_notebooks_competition", notebooks.c.competition_id, notebooks.c.updated_at)

notebook_versions = Table(
    "notebook_versions",
    metadata,
    id_column(),
    Column("notebook_id", Integer, ForeignKey("notebooks.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("path", Text, nullable=False),  # relative to the home
    Column("rendered_path", Text, nullable=False),  # the sanitised HTML, relative to the home
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("cells", Integer, nullable=False),
    Column("note", Text, nullable=False, server_default=""),  # what rendering left out
    created_column(),
    UniqueConstraint("notebook_id", "number", name="uq_notebook_version"),
)

notebook_votes = Table(
    "notebook_votes",
    metadata,
    Column("notebook_id", Integer, ForeignKey("notebooks.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    created_column(),
)

notebook_comments = Table(
    "notebook_comments",
    metadata,
    id_column(),
    Column("notebook_id", Integer, ForeignKey("notebooks.id", ondelete="CASCADE"), nullable=False),
    user_column(),
    Column("body", Text, nullable=False),
    created_column(),
    Column("deleted_at", DateTime),
)
Index("ix_notebook_comments_notebook", notebook_comments.c.notebook_id, notebook_comments.c.created_at)
Index("ix_notebook_comments_user", notebook_comments.c.user_id, notebook_comments.c.created_at)

# rescoring (migration 0010_rescoring) --------------------------------------

rescore_jobs = Table(
    "rescore_jobs",
    metadata,
    id_column(),
    competition_column(),
    Column("started_by", String(64), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("state", String(16), nullable=False),  # running | done
    Column("total", Integer, nullable=False, server_default="0"),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("cursor", Integer, nullable=False, server_default="0"),  # the last submission id rescored
    Column("changed_scores", Integer),
    Column("changed_ranks", Integer),
    Column("now_failing", Integer),
)

# each rescored submission's old and new result; applied to ``submissions`` when its job finishes
score_history = Table(
    "score_history",
    metadata,
    id_column(),
    Column("job_id", Integer, ForeignKey("rescore_jobs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("submission_id", Integer, ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("old_status", String(16), nullable=False),
    Column("old_public", Float),
    Column("old_private", Float),
    Column("old_error", Text),
    Column("new_status", String(16), nullable=False),
    Column("new_public", Float),
    Column("new_private", Float),
    Column("new_error", Text),
    Column("host_note", Text),  # what the host sees on a submission that now fails
    Column("changed", Boolean, nullable=False, server_default="0"),
)
