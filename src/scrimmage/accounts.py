"""Accounts: sign-up and login (argon2), roles, sessions and API tokens, login rate limits.

Core only: the web calls these; nothing here knows about HTTP. Tokens (API
tokens and session cookies alike) are random strings shown once and stored as
their sha256, so a copy of the database holds no usable credential.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import secrets
from dataclasses import dataclass

from .config import check_user_name
from .errors import AuthError, ConfigError, ConflictError, ForbiddenError, LimitError, NotFoundError
from .store import Store, login_limits, utcnow
from .store import accounts as q
from .store.accounts import IntegrityError
from .team_names import check_team_name

ROLES = ("admin", "host", "participant")
#: Who the arena server acts as for visitors who are not signed in (never a real account).
ANONYMOUS = "anonymous"
#: Names nobody can sign up with (the catalogue's host, the anonymous visitor, words that read as roles).
RESERVED = ("scrimmage", ANONYMOUS, "admin", "root", "host")
MIN_PASSWORD = 8
SESSION_DAYS = 14
#: Failed logins allowed within LOGIN_WINDOW, per user name and per client address.
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20
LOGIN_WINDOW = dt.timedelta(minutes=15)
WRONG_LOGIN = "wrong user name or password"
SUSPENDED = "this account is suspended; ask the arena's admin"
WRONG_PASSWORD = "the current password is wrong; nothing was changed"
#: argon2id cost (argon2-cffi's defaults: RFC 9106's low-memory choice).
PASSWORD_HASH = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str
    role: str
    created_at: dt.datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_host(self) -> bool:
        return self.role in ("admin", "host")


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """The argon2id hash stored for ``password``."""
    return _hasher().hash(password)


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher(**PASSWORD_HASH)


def _verifies(digest: str, password: str) -> bool:
    """True when ``password`` matches the argon2 ``digest``; False for a mismatch or a digest that is no argon2 hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


class Accounts:
    def __init__(self, store: Store):
        self.store = store

    # users --------------------------------------------------------------------
    def sign_up(self, name: str, password: str, display_name: str | None = None) -> User:
        """A new participant; the first account with a password becomes the admin."""
        try:
            check_user_name(name)
        except ConfigError as exc:
            raise ConfigError(exc.message.replace("user name", "name", 1)) from None
        if name.lower() in RESERVED:
            raise ConflictError(f"the name {name!r} is reserved; choose another")
        check_team_name(name)  # a user's name is their team's name at first
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"password too short: use at least {MIN_PASSWORD} characters")
        digest = _hasher().hash(password)
        taken = ConflictError(f"the name {name!r} is taken; choose another")
        for attempt_first in (True, False):
            try:
                with self.store.write() as conn:
                    if q.name_taken(conn, name):
                        raise taken
                    first = attempt_first and not q.has_password_users(conn)
                    # first_admin is unique: when two first sign-ups race, the database lets one win
                    q.add_user(conn, name, (display_name or name)[:128], digest, "admin" if first else "participant",
                               True if first else None, utcnow())
                break
            except IntegrityError:
                if not attempt_first:
                    raise taken from None
        return self.user(name)

    def login(self, name: str, password: str, address: str = "") -> User:
        """Check a password; too many failures for the name or address lock out for a while."""
        now = utcnow()
        self._count_attempt(name, address, now)
        with self.store.read() as conn:
            row = q.user_row(conn, name)
        ok = False
        if row is not None and row.password_hash:
            ok = _verifies(row.password_hash, password)
        else:
            # spend the same time as a real check, so timing does not tell which names exist
            _verifies(_dummy_hash(tuple(PASSWORD_HASH.values())), password)
        with self.store.write() as conn:
            q.record_login(conn, name, address, now, ok)
            if ok:  # a success clears its name's failures and was no failure of its address
                login_limits.forget(conn, _name_key(name))
                if address:
                    login_limits.take_back(conn, _address_key(address))
            if ok and _hasher().check_needs_rehash(row.password_hash):
                q.set_password_hash(conn, row.id, _hasher().hash(password))
        if not ok:
            raise AuthError(WRONG_LOGIN)
        if getattr(row, "suspended_at", None) is not None:
            raise ForbiddenError(SUSPENDED)
        return _user(row)

    def _count_attempt(self, name: str, address: str, now: dt.datetime) -> None:
        """Count this attempt against its name and address before the password is checked, atomically in
        the database (so the limit holds under parallel bursts and across server processes); past a limit
        the attempt is refused without a check."""
        keys = [(_name_key(name), MAX_FAILURES_PER_NAME, f"for {name!r}")]
        if address:
            keys.append((_address_key(address), MAX_FAILURES_PER_ADDRESS, "from your address"))
        with self.store.write() as conn:
            counts = [(login_limits.bump(conn, key, now, LOGIN_WINDOW), limit, who) for key, limit, who in keys]
        for (count, start), limit, who in counts:
            if count > limit:
                wait = max(1, math.ceil(((start + LOGIN_WINDOW) - now).total_seconds() / 60))  # 15, not 16, at once
                raise LimitError(f"too many failed logins {who}: wait {wait} minute{'s' * (wait != 1)} and try again")

    def user(self, name: str) -> User:
        with self.store.read() as conn:
            row = q.user_row(conn, name)
        if row is None:
            raise NotFoundError(f"no user {name!r}")
        return _user(row)

    def users(self) -> list[User]:
        with self.store.read() as conn:
            return [_user(r) for r in q.user_rows(conn)]

    def set_role(self, actor: str, name: str, role: str) -> User:
        if role not in ROLES:
            raise ConfigError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        if not self.user(actor).is_admin:
            raise ForbiddenError("only an admin can change roles")
        target = self.user(name)
        if target.name == actor and role != "admin":
            raise ConflictError("an admin cannot drop their own admin role; ask another admin")
        with self.store.write() as conn:
            q.set_role(conn, target.id, role)
        return self.user(name)

    # sessions and API tokens -------------------------------------------------------
    def create_session(self, name: str) -> str:
        return self._new_token(self.user(name), "session", "browser", utcnow() + dt.timedelta(days=SESSION_DAYS))

    def session_user(self, token: str | None) -> User | None:
        return self._token_user(token, "session")

    def end_session(self, token: str | None) -> None:
        if token:
            with self.store.write() as conn:
                q.delete_session(conn, hash_token(token))

    def end_sessions(self, name: str, keep: str | None = None) -> int:
        """End every browser session of ``name`` ("log out everywhere"), except the one ``keep`` when given;
        returns how many ended. API tokens are left alone: revoke those one by one."""
        user = self.user(name)
        with self.store.write() as conn:
            return q.delete_sessions(conn, user.id, hash_token(keep) if keep else None)

    def sessions(self, name: str) -> list[TokenInfo]:
        """The browser sessions of ``name`` that have not expired, oldest first."""
        user = self.user(name)
        with self.store.read() as conn:
            rows = q.user_tokens(conn, user.id, "session", alive_at=utcnow())
        return [TokenInfo(r.id, r.name, "", r.created_at, r.last_used_at) for r in rows]

    def change_password(self, name: str, old: str, new: str, keep_session: str | None = None) -> int:
        """Set a new password after checking the old one; every other browser session ends (returns how many)."""
        if len(new) < MIN_PASSWORD:
            raise ConfigError(f"new password too short: use at least {MIN_PASSWORD} characters")
        user = self.user(name)
        self._count_attempt(name, "", utcnow())  # guessing the current password is limited like logging in
        with self.store.read() as conn:
            digest = q.password_hash(conn, user.id)
        ok = bool(digest) and _verifies(digest, old)
        if not ok:
            raise AuthError(WRONG_PASSWORD)
        with self.store.write() as conn:
            q.set_password_hash(conn, user.id, _hasher().hash(new))
            login_limits.forget(conn, _name_key(name))
        return self.end_sessions(name, keep=keep_session)

    def create_token(self, name: str, label: str = "") -> str:
        """A new API token for ``name``: returned once, stored only as its hash."""
        label = label.strip()[:128] or f"token {utcnow():%Y-%m-%d %H:%M}"
        return self._new_token(self.user(name), "api", label, None)

    def tokens(self, name: str) -> list[TokenInfo]:
        user = self.user(name)
        with self.store.read() as conn:
            rows = q.user_tokens(conn, user.id, "api")
        return [TokenInfo(r.id, r.name, r.prefix, r.created_at, r.last_used_at) for r in rows]

    def revoke_token(self, name: str, token_id: int) -> None:
        user = self.user(name)
        with self.store.write() as conn:
            gone = q.delete_api_token(conn, user.id, token_id)
        if not gone:
            raise NotFoundError(f"no token {token_id} of yours")

    def token_user(self, token: str | None) -> User | None:
        return self._token_user(token, "api")

    def _new_token(self, user: User, kind: str, label: str, expires: dt.datetime | None) -> str:
        token = ("scr_" if kind == "api" else "") + secrets.token_urlsafe(32)
        with self.store.write() as conn:
            q.add_token(conn, user.id, kind, label, hash_token(token), token[:8], utcnow(), expires)
        return token

    def _token_user(self, token: str | None, kind: str) -> User | None:
        if not token:
            return None
        now = utcnow()
        with self.store.read() as conn:
            row = q.token_owner(conn, hash_token(token), kind)
        if row is None or (row.expires_at is not None and row.expires_at <= now):
            return None
        if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
            with self.store.write() as conn:
                q.touch_token(conn, row.token_id, now)
        return _user(row)


def _name_key(name: str) -> str:
    return f"name:{name[:64]}"


def _address_key(address: str) -> str:
    return f"address:{address[:64]}"


def _user(row) -> User:
    return User(row.id, row.name, row.display_name or row.name, row.role, row.created_at)


@functools.cache
def _dummy_hash(cost: tuple) -> str:
    return _hasher().hash(secrets.token_hex(8))

__all__ = ["Accounts", "User", "TokenInfo", "ROLES", "ANONYMOUS", "hash_token"]
