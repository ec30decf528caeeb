"""The admin's first hour: `scrimmage users ...` and `scrimmage tokens create`, on SQLite and
PostgreSQL; the links they print work on a real server, suspension ends every way in."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from cliutil import run

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    from scrimmage import accounts

    monkeypatch.setattr(accounts, "PASSWORD_HASH", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


def users(capsys) -> dict[str, dict]:
    code, out, _ = run(capsys, "users", "list", "--csv")
    assert code == 0
    return {r["name"]: r for r in csv.DictReader(io.StringIO(out))}


def token_of(link: str) -> str:
    return link.rsplit("/welcome/", 1)[1]


def test_add_list_role_suspend_and_tokens(capsys, db_url):
    code, out, _ = run(capsys, "users", "add", "ada", "--role", "admin", "--email", "ada@school.org",
                       "--url", "http://arena:8000")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Added ada (admin). Send them this one-time sign-in link (valid 7 days):"
    assert lines[1].startswith("  http://arena:8000/welcome/")
    code, _, err = run(capsys, "users", "add", "ada")
    assert code == 1 and err == "error: a user 'ada' exists already; pick another name, or see `scrimmage users list`\n"
    code, _, err = run(capsys, "users", "add", "bad name!", "--email", "nope", "--role", "boss")
    assert code == 1
    assert err.splitlines() == [
        "error: cannot add user 'bad name!'",
        "  - user name 'bad name!' is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        "  - unknown role 'boss'; roles: admin, host, participant",
        "  - 'nope' is not an e-mail address",
    ]
    assert run(capsys, "users", "add", "ben")[0] == 0
    listed = users(capsys)
    assert (listed["ada"]["email"], listed["ada"]["role"], listed["ada"]["status"]) == ("ada@school.org", "admin",
                                                                                       "no password yet")
    assert listed["ben"]["role"] == "participant"

    assert run(capsys, "users", "role", "ben", "host")[1] == "ben is now host\n"
    assert users(capsys)["ben"]["role"] == "host"
    code, _, err = run(capsys, "users", "role", "ada", "participant")
    assert code == 1 and err == "error: 'ada' is the only admin; make another user admin first\n"
    code, _, err = run(capsys, "users", "link", "nobody")
    assert code == 1 and err == "error: no user 'nobody'; see `scrimmage users list`\n"
    code, _, err = run(capsys, "users", "role", "nobody", "host")
    assert code == 1 and err == "error: no user 'nobody'; see `scrimmage users list`\n"

    code, out, _ = run(capsys, "tokens", "create", "--user", "ben", "--label", "grader")
    assert code == 0 and out.startswith("scr_")
    from scrimmage.arena import Arena

    accounts = Arena().accounts
    assert accounts.token_user(out.strip()).name == "ben"
    assert [t.name for t in accounts.tokens("ben")] == ["grader"]

    assert run(capsys, "users", "suspend", "ben")[1] == "ben is suspended (undo with: scrimmage users unsuspend ben)\n"
    assert users(capsys)["ben"]["status"] == "suspended"
    assert accounts.token_user(out.strip()) is None  # its tokens ended
    code, _, err = run(capsys, "tokens", "create", "--user", "ben")
    assert code == 1 and err == "error: 'ben' is suspended; reinstate them first: scrimmage users unsuspend ben\n"
    code, _, err = run(capsys, "users", "link", "ben")
    assert code == 1 and err == "error: 'ben' is suspended; reinstate them first: scrimmage users unsuspend ben\n"
    code, _, err = run(capsys, "users", "suspend", "ada")
    assert code == 1 and err == "error: 'ada' is the only admin; make another user admin first\n"
    assert run(capsys, "users", "unsuspend", "ben")[1] == "ben can log in again\n"
    assert users(capsys)["ben"]["status"] == "no password yet"


def test_import_a_roster_writes_links_that_work_on_a_real_server(capsys, db_url, tmp_path):
    from webutil import csrf, live_server

    from scrimmage.config import Settings
    from scrimmage.web import create_app

    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,role\nteacher,t@school.org,admin\nkim,kim@school.org,\nlee,,host\n")
    links = tmp_path / "links.csv"
    code, out, _ = run(capsys, "users", "import", str(roster), "-o", str(links), "--url", "http://arena")
    assert code == 0 and out == f"Added 3 users; their one-time sign-in links (valid 7 days) are in {links}\n"
    rows = list(csv.DictReader(links.open()))
    assert [(r["name"], r["email"], r["role"]) for r in rows] == [
        ("teacher", "t@school.org", "admin"), ("kim", "kim@school.org", "participant"), ("lee", "", "host")]
    assert all(r["link"].startswith("http://arena/welcome/") for r in rows)

    with live_server(create_app(Settings.load())) as url:
        kim = httpx.Client(base_url=url, follow_redirects=False)
        link = f"/welcome/{token_of(rows[1]['link'])}"
        assert "Welcome, kim" in kim.get(link).text
        assert kim.post(link, data={"csrf_token": csrf(kim), "password": PASSWORD}).status_code == 303
        assert kim.get("/account").status_code == 200  # signed in
        # a forgotten password: the admin prints a new link, which sets a new one
        code, out, _ = run(capsys, "users", "link", "kim", "--url", url)
        assert code == 0 and out.splitlines()[0] == "A one-time sign-in link for kim (valid 7 days; it sets a new password):"
        fresh = httpx.Client(base_url=url, follow_redirects=False)
        new_link = out.splitlines()[1].strip()
        assert new_link.startswith(f"{url}/welcome/")
        assert fresh.post(new_link, data={"csrf_token": csrf(fresh), "password": "another long one"}).status_code == 303
        relog = httpx.Client(base_url=url, follow_redirects=False)
        assert relog.post("/login", data={"csrf_token": csrf(relog), "name": "kim",
                                          "password": "another long one"}).status_code == 303
        # suspension ends the session and refuses the password
        assert run(capsys, "users", "suspend", "kim")[0] == 0
        assert kim.get("/account").status_code == 303  # back to the login page
        again = httpx.Client(base_url=url, follow_redirects=False)
        refused = again.post("/login", data={"csrf_token": csrf(again), "name": "kim", "password": "another long one"})
        assert refused.status_code == 403 and "this account is suspended; ask the arena&#39;s admin" in refused.text
        # the teacher's link makes an admin (set on the roster), not the first password
        teacher = httpx.Client(base_url=url, follow_redirects=False)
        tlink = f"/welcome/{token_of(rows[0]['link'])}"
        assert teacher.post(tlink, data={"csrf_token": csrf(teacher), "password": PASSWORD}).status_code == 303
        assert teacher.get("/admin/users").status_code == 200


def test_a_bad_roster_lists_every_problem_and_adds_nobody(capsys, db_url, tmp_path):
    assert run(capsys, "users", "add", "kim")[0] == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email,role\nkim,kim@school.org,\nlee,lee-at-school,\nlee,,teacher\n"
                      "scrimmage,,\n,x@y.org,\nmo,mo@school.org\n")
    code, _, err = run(capsys, "users", "import", str(roster))
    assert code == 1
    assert err.splitlines() == [
        f"error: {roster}: 7 problems; nothing was added (fix the file and import it again)",
        "  - line 2: a user 'kim' exists already",
        "  - line 3: 'lee-at-school' is not an e-mail address",
        "  - line 4: unknown role 'teacher'; roles: admin, host, participant",
        "  - line 4: the name 'lee' is on line 3 already",
        "  - line 5: the name 'scrimmage' is used by scrimmage itself; choose another",
        "  - line 6: user name '' is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit",
        "  - line 7: 2 values for 3 columns",
    ]
    assert set(users(capsys)) == {"kim"}

    headerless = tmp_path / "bad.csv"
    headerless.write_text("student,mail\nkim,k@x.org\n")
    code, _, err = run(capsys, "users", "import", str(headerless))
    assert code == 1
    assert err.splitlines() == [
        f"error: {headerless} is not a roster",
        "  - the header has no 'name' column (found: student, mail); the columns are: name, email, role "
        "(email and role may be left out)",
        "  - unknown columns 'student', 'mail'; the columns are: name, email, role",
    ]
    code, _, err = run(capsys, "users", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and err == f"error: no roster file '{tmp_path / 'missing.csv'}'\n"
    empty = tmp_path / "empty.csv"
    empty.write_text("name,email\n")
    code, _, err = run(capsys, "users", "import", str(empty))
    assert err.splitlines()[1] == "  - no users: add one line per user below the header"


def test_two_admins_demoting_each_other_at_once_leave_one(capsys, db_url):
    """The "last admin" check is exact under concurrency: the second demotion waits for the
    first (the admins' rows are locked) and is refused, on PostgreSQL as on SQLite."""
    import threading

    from sqlalchemy import text

    from scrimmage.errors import ConflictError
    from scrimmage.store import Store, user_admin as sql
    from scrimmage.user_admin import UserAdmin

    for name in ("ada", "bob"):
        assert run(capsys, "users", "add", name, "--role", "admin")[0] == 0
    store = Store(db_url)
    outcome = {}

    def demote_ada():
        try:
            UserAdmin(Store(db_url)).set_role("ada", "participant")
            outcome["ada"] = "demoted"
        except ConflictError as e:
            outcome["ada"] = str(e)

    second = threading.Thread(target=demote_ada)
    with store.write() as conn:  # the first demotion, still open
        assert sql.admins(conn) == 2
        sql.set_role(conn, sql.find(conn, "bob").id, "participant")
        second.start()
        if db_url.startswith("postgresql"):  # the second must be waiting on the lock, not done
            # each poll in a transaction of its own: pg_stat_activity is read once per transaction
            with Store(db_url).engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watch:
                while "ada" not in outcome and not watch.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()")).scalar():
                    pass
        assert "ada" not in outcome
    second.join()
    assert outcome["ada"] == "'ada' is the only admin; make another user admin first"
    roles = {name: row["role"] for name, row in users(capsys).items()}
    assert (roles["ada"], roles["bob"]) == ("admin", "participant")
