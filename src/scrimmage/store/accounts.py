"""Users, browser sessions and API tokens: the queries of scrimmage/accounts.py."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError  # a unique name or first admin taken by a concurrent sign-up

from .schema import login_attempts, tokens, users


# users ------------------------------------------------------------------------------
def name_taken(conn: Connection, name: str) -> bool:
    """Whether a user has ``name``, whatever its case."""
    return conn.execute(select(users.c.id).where(func.lower(users.c.name) == name.lower())).first() is not None


def has_password_users(conn: Connection) -> bool:
    """Whether any user has a password (the first one who signs up becomes the admin)."""
    return conn.execute(select(func.count()).where(users.c.password_hash.is_not(None))).scalar_one() > 0


def add_user(conn: Connection, name: str, display_name: str, password_hash: str, role: str,
             first_admin: bool | None, now: dt.datetime) -> None:
    conn.execute(insert(users).values(name=name, display_name=display_name, password_hash=password_hash, role=role,
                                      first_admin=first_admin, created_at=now))


def user_row(conn: Connection, name: str):
    """The row of user ``name``, or None."""
    return conn.execute(select(users).where(users.c.name == name)).first()


def user_rows(conn: Connection) -> list:
    return conn.execute(select(users).order_by(users.c.name)).all()


def password_hash(conn: Connection, user_id: int) -> str | None:
    return conn.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar()


def set_password_hash(conn: Connection, user_id: int, digest: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=digest))


def set_role(conn: Connection, user_id: int, role: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(role=role))


def record_login(conn: Connection, name: str, address: str, now: dt.datetime, ok: bool) -> None:
    conn.execute(insert(login_attempts).values(name=name[:64], address=address[:64], at=now, ok=ok))


# tokens -----------------------------------------------------------------------------
def add_token(conn: Connection, user_id: int, kind: str, label: str, token_hash: str, prefix: str,
              now: dt.datetime, expires: dt.datetime | None) -> None:
    conn.execute(insert(tokens).values(user_id=user_id, kind=kind, name=label, token_hash=token_hash, prefix=prefix,
                                       created_at=now, expires_at=expires))


_TOKEN_OWNER = (select(users, tokens.c.id.label("token_id"), tokens.c.expires_at, tokens.c.last_used_at)
                .join(tokens, tokens.c.user_id == users.c.id)
                .where(tokens.c.token_hash == bindparam("token_hash"), tokens.c.kind == bindparam("kind")))


def token_owner(conn: Connection, token_hash: str, kind: str):
    """The user row of a token with ``token_id``, ``expires_at`` and ``last_used_at``, or None (every request
    asks: the statement is built once)."""
    return conn.execute(_TOKEN_OWNER, {"token_hash": token_hash, "kind": kind}).first()


def touch_token(conn: Connection, token_id: int, now: dt.datetime) -> None:
    conn.execute(update(tokens).where(tokens.c.id == token_id).values(last_used_at=now))


def user_tokens(conn: Connection, user_id: int, kind: str, alive_at: dt.datetime | None = None) -> list:
    """The user's tokens of ``kind``, oldest first (with ``alive_at``, those not expired by then)."""
    q = select(tokens).where(tokens.c.user_id == user_id, tokens.c.kind == kind)
    if alive_at is not None:
        q = q.where(tokens.c.expires_at > alive_at)
    return conn.execute(q.order_by(tokens.c.id)).all()


def delete_session(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(tokens).where(tokens.c.token_hash == token_hash, tokens.c.kind == "session"))


def delete_sessions(conn: Connection, user_id: int, keep_hash: str | None = None) -> int:
    """End the user's browser sessions but ``keep_hash``'s; how many ended."""
    q = delete(tokens).where(tokens.c.user_id == user_id, tokens.c.kind == "session")
    if keep_hash:
        q = q.where(tokens.c.token_hash != keep_hash)
    return conn.execute(q).rowcount


def delete_api_token(conn: Connection, user_id: int, token_id: int) -> bool:
    """Revoke the user's API token ``token_id``; False when they have none of that id."""
    return bool(conn.execute(delete(tokens).where(tokens.c.id == token_id, tokens.c.user_id == user_id,
                                                  tokens.c.kind == "api")).rowcount)
