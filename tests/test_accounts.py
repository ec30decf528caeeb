"""Accounts on both databases: sign-up, argon2 login, roles, sessions, API tokens, login rate limit."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from scrimmage import accounts as acc
from scrimmage.errors import AuthError, ConfigError, ConflictError, ForbiddenError, LimitError, NotFoundError
from scrimmage.arena import Arena
from scrimmage.store.schema import login_attempts, login_limits, tokens, users

PW = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """argon2 at its lowest cost: the same code path, a fraction of the time."""
    monkeypatch.setattr(acc, "PASSWORD_HASH", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


@pytest.fixture
def accounts(db_url):
    return Arena().accounts


def test_sign_up_hashes_with_argon2_and_first_account_is_admin(accounts):
    first = accounts.sign_up("ada", PW, "Ada L.")
    second = accounts.sign_up("bob", PW)
    assert (first.role, first.display_name, second.role) == ("admin", "Ada L.", "participant")
    with accounts.store.read() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == "ada")).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert accounts.login("ada", PW).name == "ada"


def test_sign_up_errors(accounts):
    accounts.sign_up("ada", PW)
    with pytest.raises(ConflictError, match="^the name 'ADA' is taken; choose another$"):
        accounts.sign_up("ADA", PW)
    with pytest.raises(ConflictError, match="^the name 'scrimmage' is reserved; choose another$"):
        accounts.sign_up("scrimmage", PW)
    with pytest.raises(ConflictError, match="^the name 'anonymous' is reserved; choose another$"):
        accounts.sign_up("anonymous", PW)
    with pytest.raises(ConfigError, match="^password too short: use at least 8 characters$"):
        accounts.sign_up("cy", "short")
    with pytest.raises(ConfigError) as info:
        accounts.sign_up("no spaces", PW)
    assert info.value.message == ("name 'no spaces' is not valid: use 1-64 letters, digits, '.', '_' or '-', "
                                  "starting with a letter or digit")


def test_wrong_login_says_nothing_about_which_part(accounts):
    accounts.sign_up("ada", PW)
    for name, pw in (("ada", "wrong password"), ("nobody", PW)):
        with pytest.raises(AuthError, match="^wrong user name or password$") as info:
            accounts.login(name, pw)
        assert info.value.status == 401


def test_login_rate_limit_per_name_and_per_address(accounts):
    accounts.sign_up("ada", PW)
    for _ in range(acc.MAX_FAILURES_PER_NAME):
        with pytest.raises(AuthError):
            accounts.login("ada", "nope nope", "10.0.0.1")
    with pytest.raises(LimitError, match="^too many failed logins for 'ada': wait 15 minutes and try again$"):
        accounts.login("ada", PW, "10.0.0.2")  # even the right password waits
    # the window passes: the right password works again, and a success resets the count
    with accounts.store.write() as conn:
        conn.execute(update(login_attempts).values(at=login_attempts.c.at - dt.timedelta(minutes=16)))
        conn.execute(update(login_limits).values(window_start=login_limits.c.window_start - dt.timedelta(minutes=16)))
    assert accounts.login("ada", PW).name == "ada"
    # one address trying many names is limited too
    for i in range(acc.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises((AuthError, LimitError)):
            accounts.login(f"guess{i}", "nope nope", "10.9.9.9")
    with pytest.raises(LimitError, match="^too many failed logins from your address: wait 15 minutes and try again$"):
        accounts.login("ada", PW, "10.9.9.9")


def test_the_wait_is_the_windows_rest_rounded_up(accounts):
    """An attempt refused in the very instant the window started waits 15 minutes, not 16 (a burst
    whose attempts shared one clock reading was told 16 while the others were told 15)."""
    start = dt.datetime(2026, 1, 1, 12, 0, 0)
    for _ in range(acc.MAX_FAILURES_PER_NAME):
        accounts._count_attempt("ada", "", start)
    for now, wait in ((start, "15 minutes"), (start + dt.timedelta(seconds=1), "15 minutes"),
                      (start + dt.timedelta(minutes=1), "14 minutes"), (start + dt.timedelta(minutes=14, seconds=59),
                                                                        "1 minute")):
        with pytest.raises(LimitError, match=f"^too many failed logins for 'ada': wait {wait} and try again$"):
            accounts._count_attempt("ada", "", now)


def test_sessions_and_tokens_are_stored_hashed(accounts):
    accounts.sign_up("ada", PW)
    session = accounts.create_session("ada")
    token = accounts.create_token("ada", "laptop")
    assert token.startswith("scr_") and accounts.token_user(token).name == "ada"
    assert accounts.session_user(session).name == "ada"
    assert accounts.token_user(session) is None and accounts.session_user(token) is None  # kinds do not mix
    with accounts.store.read() as conn:
        stored = conn.execute(select(tokens.c.token_hash, tokens.c.prefix)).all()
    assert {h for h, _ in stored} == {acc.hash_token(session), acc.hash_token(token)}
    assert all(token not in h and session not in h for h, _ in stored)
    [info] = accounts.tokens("ada")
    assert (info.name, info.prefix) == ("laptop", token[:8])
    accounts.revoke_token("ada", info.id)
    assert accounts.token_user(token) is None
    with pytest.raises(NotFoundError, match=f"^no token {info.id} of yours$"):
        accounts.revoke_token("ada", info.id)
    accounts.end_session(session)
    assert accounts.session_user(session) is None
    assert accounts.session_user(None) is None and accounts.token_user("scr_made_up") is None


def test_expired_session_is_refused(accounts):
    accounts.sign_up("ada", PW)
    session = accounts.create_session("ada")
    with accounts.store.write() as conn:
        conn.execute(update(tokens).values(expires_at=dt.datetime(2000, 1, 1)))
    assert accounts.session_user(session) is None


def test_roles_only_admin_changes_them(accounts):
    accounts.sign_up("ada", PW)
    accounts.sign_up("bob", PW)
    with pytest.raises(ForbiddenError, match="^only an admin can change roles$"):
        accounts.set_role("bob", "bob", "admin")
    assert accounts.set_role("ada", "bob", "host").can_host
    with pytest.raises(ConfigError, match="^unknown role 'boss'; roles: admin, host, participant$"):
        accounts.set_role("ada", "bob", "boss")
    with pytest.raises(ConflictError, match="^an admin cannot drop their own admin role; ask another admin$"):
        accounts.set_role("ada", "ada", "participant")
    with pytest.raises(NotFoundError, match="^no user 'zed'$"):
        accounts.user("zed")


def test_admin_has_host_rights_everywhere(db_url, bundle):
    arena = Arena()
    arena.create_competition(bundle, host="hoster")
    arena.accounts.sign_up("ada", PW)  # admin
    arena.accounts.sign_up("bob", PW)
    with pytest.raises(ForbiddenError, match="^only the host of 'tiny' can do this$"):
        arena.close("tiny", user="bob")
    assert arena.close("tiny", user="ada").closed
