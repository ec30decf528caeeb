"""The admin's side of accounts: enrol users (one by one or from a roster), roles, suspension,
API tokens for scripts, and one-time sign-in links ("welcome" links).

A welcome link lets its user set a password and signs them in; it is shown once, kept only as
its hash and ends when used or after its lifetime. ``scrimmage serve`` prints one for the local
learner (the OS login that the CLI and the quickstart submit as), so that person can use the
same account in the browser. Passwords are argon2 hashes (:func:`scrimmage.accounts.hash_password`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .accounts import ANONYMOUS, MIN_PASSWORD, ROLES, hash_password, hash_token
from .config import check_user_name
from .errors import ConfigError, ConflictError, ForbiddenError, NotFoundError
from .store import Store, user_admin as sql

WELCOME = "welcome"
#: The label of the local learner's link: claiming it makes them the admin when the arena has none.
LOCAL_LABEL = "local learner"
LINK_DAYS = 7
LOCAL_LINK_HOURS = 24
#: Names of the system (the catalogue's host, the anonymous visitor) that no person may have.
SYSTEM_NAMES = ("scrimmage", ANONYMOUS)
ROSTER_COLUMNS = ("name", "email", "role")
MAX_ROSTER_ROWS = 5000
LINK_USED = "this sign-in link is not valid: it was used already, has expired, or was mistyped; ask the arena's admin for a new one"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Invite:
    """An enrolled user and their one-time sign-in link."""

    name: str
    email: str
    role: str
    link: str


@dataclass(frozen=True)
class UserRow:
    name: str
    display_name: str
    email: str
    role: str
    status: str  # active | suspended | no password yet
    created_at: dt.datetime


def _status(row) -> str:
    if row.suspended_at is not None:
        return "suspended"
    return "active" if row.password_hash else "no password yet"


class UserAdmin:
    def __init__(self, store: Store):
        self.store = store

    # enrolment ------------------------------------------------------------------
    def add(self, name: str, role: str = "participant", email: str | None = None, *, base_url: str) -> Invite:
        """A new user without a password, and the link that lets them set one."""
        problems = _check_person(name, role, email or "")
        if problems:
            raise ConfigError(f"cannot add user {name!r}", problems)
        with self.store.write() as conn:
            if sql.find(conn, name) is not None:
                raise ConflictError(f"a user {name!r} exists already; pick another name, or see `scrimmage users list`")
            user_id = sql.add(conn, name, role, email or None)
            link = self._link(conn, user_id, base_url, dt.timedelta(days=LINK_DAYS), "invite")
        return Invite(name, email or "", role, link)

    def import_roster(self, path: str | Path, *, base_url: str) -> list[Invite]:
        """Every row of a roster CSV (``name``, optional ``email`` and ``role``) as a user with a link.

        Every problem of the file is reported at once and then nothing is added.
        """
        with self.store.write() as conn:
            rows = read_roster(path, existing=lambda names: sql.taken(conn, names))
            out = []
            for r in rows:
                user_id = sql.add(conn, r["name"], r["role"], r["email"] or None)
                link = self._link(conn, user_id, base_url, dt.timedelta(days=LINK_DAYS), "invite")
                out.append(Invite(r["name"], r["email"], r["role"], link))
        return out

    # the list, roles, suspension, tokens ------------------------------------------------
    def users(self) -> list[UserRow]:
        with self.store.read() as conn:
            return [UserRow(r.name, r.display_name or r.name, r.email or "", r.role, _status(r), r.created_at)
                    for r in sql.listing(conn)]

    def set_role(self, name: str, role: str) -> str:
        if role not in ROLES:
            raise ConfigError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        with self.store.write() as conn:
            row = self._user(conn, name)
            if row.role == "admin" and role != "admin" and sql.admins(conn) <= 1:
                raise ConflictError(f"{row.name!r} is the only admin; make another user admin first")
            sql.set_role(conn, row.id, role)
        return row.name

    def suspend(self, name: str, suspended: bool = True) -> str:
        with self.store.write() as conn:
            row = self._user(conn, name)
            if suspended and row.role == "admin" and row.suspended_at is None and sql.admins(conn) <= 1:
                raise ConflictError(f"{row.name!r} is the only admin; make another user admin first")
            sql.set_suspended(conn, row.id, suspended)
        return row.name

    def create_token(self, name: str, label: str = "") -> str:
        """An API token for ``name`` (for scripts), returned once."""
        from .accounts import Accounts

        with self.store.read() as conn:
            row = self._user(conn, name)
        if row.suspended_at is not None:
            raise ForbiddenError(f"{row.name!r} is suspended; reinstate them first: scrimmage users unsuspend {row.name}")
        return Accounts(self.store).create_token(row.name, label or "created with scrimmage tokens create")

    # welcome links -------------------------------------------------------------------
    def link(self, name: str, *, base_url: str) -> str:
        """A new one-time sign-in link for ``name`` (a lost link, a forgotten password)."""
        with self.store.write() as conn:
            row = self._user(conn, name)
            if row.suspended_at is not None:
                raise ForbiddenError(f"{row.name!r} is suspended; reinstate them first: scrimmage users unsuspend {row.name}")
            return self._link(conn, row.id, base_url, dt.timedelta(days=LINK_DAYS), "invite")

    def local_link(self, name: str, base_url: str) -> str | None:
        """A link for the local learner ``name`` to claim their account in the browser.

        None when ``name`` is a system name or already has a password (they sign in as usual).
        """
        if name.lower() in SYSTEM_NAMES:
            return None
        with self.store.write() as conn:
            row = sql.find(conn, name)
            if row is None:  # made once even when several servers start at the same moment
                user_id = self.store.ensure_user(conn, name)
            elif row.password_hash or row.suspended_at is not None:
                return None
            else:
                user_id = row.id
            return self._link(conn, user_id, base_url, dt.timedelta(hours=LOCAL_LINK_HOURS), LOCAL_LABEL)

    def welcome_user(self, token: str) -> str:
        """The name a welcome link is for (it stays valid)."""
        with self.store.read() as conn:
            found = sql.token_owner(conn, hash_token(token), WELCOME)
        if found is None or found[2].suspended_at is not None:
            raise NotFoundError(LINK_USED)
        return found[2].name

    def accept(self, token: str, password: str) -> str:
        """Set the password of the link's user and end the link; returns the user's name.

        The local learner's link makes them the admin when the arena has no admin yet.
        """
        if len(password) < MIN_PASSWORD:
            raise ConfigError(f"password too short: use at least {MIN_PASSWORD} characters")
        digest = hash_password(password)
        with self.store.write() as conn:
            found = sql.token_owner(conn, hash_token(token), WELCOME)
            if found is None or found[2].suspended_at is not None or not sql.drop_token(conn, found[0]):
                raise NotFoundError(LINK_USED)
            token_id, label, user = found
            sql.set_password(conn, user.id, digest)
            if label == LOCAL_LABEL and sql.admins(conn) == 0:
                sql.claim_first_admin(conn, user.id)
        return user.name

    # helpers ------------------------------------------------------------------------
    def _user(self, conn, name: str):
        row = sql.find(conn, name) if _is_user_name(name) else None
        if row is None:
            raise NotFoundError(f"no user {name!r}; see `scrimmage users list`")
        return row

    def _link(self, conn, user_id: int, base_url: str, lifetime: dt.timedelta, label: str) -> str:
        """A new sign-in link; it ends the user's earlier ones (a lost link stops working)."""
        from .store import utcnow

        sql.drop_tokens_of(conn, user_id, WELCOME)
        token = secrets.token_urlsafe(24)
        sql.add_token(conn, user_id, WELCOME, label, hash_token(token), WELCOME, utcnow() + lifetime)
        return f"{base_url.rstrip('/')}/welcome/{token}"


def _is_user_name(name: str) -> bool:
    try:
        check_user_name(name)
    except ConfigError:
        return False
    return True


def _check_person(name: str, role: str, email: str) -> list[str]:
    problems = []
    try:
        check_user_name(name)
    except ConfigError as exc:
        problems.append(exc.message)
    else:
        if name.lower() in SYSTEM_NAMES:
            problems.append(f"the name {name!r} is used by scrimmage itself; choose another")
    if role not in ROLES:
        problems.append(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if email and not _EMAIL.match(email):
        problems.append(f"{email!r} is not an e-mail address")
    return problems


def read_roster(path: str | Path, existing: Callable[[list[str]], set[str]] = lambda names: set()) -> list[dict]:
    """The rows of a roster CSV, checked; every problem of the file in one ConfigError.

    ``existing(names)`` gives the lower-cased names that have an account already.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(f"no roster file {str(path)!r}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text; save the roster as a UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    problems = []
    if "name" not in header:
        problems.append(f"the header has no 'name' column (found: {', '.join(header) or 'nothing'}); "
                        f"the columns are: {', '.join(ROSTER_COLUMNS)} (email and role may be left out)")
    unknown = [h for h in header if h not in ROSTER_COLUMNS]
    if unknown:
        problems.append(f"unknown column{'s' * (len(unknown) != 1)} {', '.join(map(repr, unknown))}; "
                        f"the columns are: {', '.join(ROSTER_COLUMNS)}")
    if problems:
        raise ConfigError(f"{path} is not a roster", problems)
    rows, seen = [], {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(f"line {line}: {len(values)} values for {len(header)} columns")
            continue
        record = dict(zip(header, (v.strip() for v in values)))
        row = {"line": line, "name": record["name"], "email": record.get("email", ""),
               "role": (record.get("role") or "participant").lower()}
        problems.extend(f"line {line}: {p}" for p in _check_person(row["name"], row["role"], row["email"]))
        key = row["name"].lower()
        if key and key in seen:
            problems.append(f"line {line}: the name {row['name']!r} is on line {seen[key]} already")
        seen.setdefault(key, line)
        rows.append(row)
    taken = existing([r["name"] for r in rows if _is_user_name(r["name"])])  # never NUL & co. to the database
    problems.extend(f"line {r['line']}: a user {r['name']!r} exists already" for r in rows if r["name"].lower() in taken)
    problems.sort(key=lambda p: int(p.split(":", 1)[0].split()[1]) if p.startswith("line ") else 1 << 30)
    if len(rows) > MAX_ROSTER_ROWS:
        problems.append(f"{len(rows)} users; import at most {MAX_ROSTER_ROWS} at a time")
    if not rows and not problems:
        problems.append("no users: add one line per user below the header")
    if problems:
        raise ConfigError(f"{path}: {len(problems)} problem{'s' * (len(problems) != 1)}; nothing was added "
                          "(fix the file and import it again)", problems)
    return rows
