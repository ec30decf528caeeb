"""The SQL of user administration: adding users, roles, suspension, passwords, one-time links."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import utcnow
from .schema import tokens, users


def find(conn: Connection, name: str):
    """The user row named ``name`` (case-insensitively), or None."""
    return conn.execute(select(users).where(func.lower(users.c.name) == name.lower())).first()


def taken(conn: Connection, names: list[str]) -> set[str]:
    """The lower-cased names among ``names`` that an account has already."""
    lowered = [n.lower() for n in names]
    if not lowered:
        return set()
    return {r[0] for r in conn.execute(select(func.lower(users.c.name)).where(func.lower(users.c.name).in_(lowered)))}


def add(conn: Connection, name: str, role: str, email: str | None = None, display_name: str | None = None) -> int:
    return conn.execute(insert(users).values(name=name, display_name=(display_name or name)[:128], role=role,
                                             email=email, created_at=utcnow())).inserted_primary_key[0]


def listing(conn: Connection) -> list:
    return conn.execute(select(users).order_by(users.c.name)).all()


def admins(conn: Connection) -> int:
    """How many active admins there are, with their rows locked until the transaction ends.

    The lock makes "is this the last admin?" exact on PostgreSQL too: of two admins demoting
    each other at once, the second waits, then counts one admin and is refused (SQLite's
    writes are serial already).
    """
    rows = conn.execute(select(users.c.id).where(users.c.role == "admin", users.c.suspended_at.is_(None))
                        .with_for_update()).all()
    return len(rows)


def set_role(conn: Connection, user_id: int, role: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(role=role))


def claim_first_admin(conn: Connection, user_id: int) -> bool:
    """Make the user the arena's first admin, unless another account holds that place already (the
    unique ``first_admin`` column decides a race, as it does for sign-ups)."""
    try:
        with conn.begin_nested():
            conn.execute(update(users).where(users.c.id == user_id).values(role="admin", first_admin=True))
    except IntegrityError:
        return False
    return True


def set_suspended(conn: Connection, user_id: int, suspended: bool) -> None:
    """Suspend (ending every session, API token and sign-in link) or reinstate a user."""
    conn.execute(update(users).where(users.c.id == user_id).values(suspended_at=utcnow() if suspended else None))
    if suspended:
        conn.execute(delete(tokens).where(tokens.c.user_id == user_id))


def set_password(conn: Connection, user_id: int, digest: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=digest))


def any_password(conn: Connection) -> bool:
    return conn.execute(select(func.count()).where(users.c.password_hash.is_not(None))).scalar_one() > 0


def add_token(conn: Connection, user_id: int, kind: str, label: str, token_hash: str, prefix: str,
              expires: dt.datetime | None) -> None:
    conn.execute(insert(tokens).values(user_id=user_id, kind=kind, name=label[:128], token_hash=token_hash,
                                       prefix=prefix, created_at=utcnow(), expires_at=expires))


def drop_tokens_of(conn: Connection, user_id: int, kind: str) -> int:
    """End every token of one kind (say, sign-in links) of a user."""
    return conn.execute(delete(tokens).where(tokens.c.user_id == user_id, tokens.c.kind == kind)).rowcount


def token_owner(conn: Connection, token_hash: str, kind: str):
    """(token row id, token label, user row) of an unexpired token, or None."""
    row = conn.execute(select(tokens.c.id, tokens.c.name, tokens.c.expires_at, tokens.c.user_id)
                       .where(tokens.c.token_hash == token_hash, tokens.c.kind == kind)).first()
    if row is None or (row.expires_at is not None and row.expires_at <= utcnow()):
        return None
    user = conn.execute(select(users).where(users.c.id == row.user_id)).first()
    return row.id, row.name, user


def drop_token(conn: Connection, token_id: int) -> int:
    return conn.execute(delete(tokens).where(tokens.c.id == token_id)).rowcount
