"""The local learner is the same person in the web: `scrimmage serve` (the real command, in a
subprocess) prints a one-time link that signs in as the CLI's user, whose submissions are there."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import httpx

from bundles import write_bundle, write_predictions
from webutil import PASSWORD, csrf, text_of


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(home, port: int) -> tuple[subprocess.Popen, list[str]]:
    """`scrimmage serve` as the OS login ``root``; returns the process and its banner lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRIMMAGE_")}
    env.update(SCRIMMAGE_HOME=str(home), SCRIMMAGE_USER="root", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "scrimmage", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 120  # a safety net only
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("  http") or line.startswith("The CLI submits"):
            break
    for _ in range(600):  # until it answers
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    # the lines about the local learner, wherever the banner puts them (it also says how host code runs)
    return proc, [line for line in lines if not line.startswith("Hosts' metric files")]


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_serve_prints_a_link_that_makes_the_cli_user_the_browser_user(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("SCRIMMAGE_HOME", str(home))
    monkeypatch.setenv("SCRIMMAGE_USER", "root")
    from scrimmage.arena import Arena

    arena = Arena()
    arena.create_competition(write_bundle(tmp_path / "tiny"))
    sub = arena.submit("tiny", write_predictions(tmp_path / "p.csv", tmp_path / "tiny", quality=0.7), "from the quickstart")

    port = free_port()
    proc, banner = serve(home, port)
    try:
        assert banner[1] == "The first account signed up becomes the admin. Stop with Ctrl-C."
        assert banner[2] == ("You are 'root' here (the CLI and the quickstart submit as root). To see your work in the "
                             "browser, open this one-time link and set a password for 'root' (valid 24 hours; it "
                             "makes you the admin if the arena has none):")
        link = banner[3].strip()
        assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/welcome/[A-Za-z0-9_-]{{32}}", link)

        # 'root' cannot sign up: the name is reserved
        other = httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False)
        refused = other.post("/signup", data={"csrf_token": csrf(other), "name": "root", "password": PASSWORD})
        assert "the name 'root' is reserved" in text_of(refused.text)

        me = httpx.Client(follow_redirects=False)
        form = me.get(link)
        assert form.status_code == 200 and "Welcome, root" in text_of(form.text)
        short = me.post(link, data={"csrf_token": csrf_for(me, link), "password": "short"})
        assert short.status_code == 400 and "password too short" in text_of(short.text)
        done = me.post(link, data={"csrf_token": csrf_for(me, link), "password": PASSWORD})
        assert done.status_code == 303, text_of(done.text)
        mine = text_of(me.get(f"http://127.0.0.1:{port}/c/tiny/submissions").text)
        assert "from the quickstart" in mine and str(sub.public_score)[:6] in mine
        # the admin (the arena had none), and the link is spent
        assert me.get(f"http://127.0.0.1:{port}/admin/users").status_code == 200
        again = httpx.get(link)
        assert again.status_code == 404
        assert ("this sign-in link is not valid: it was used already, has expired, or was mistyped; ask the arena's "
                "admin for a new one") in text_of(again.text)
        # from now on root logs in with the password
        fresh = httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False)
        login = fresh.post("/login", data={"csrf_token": csrf(fresh), "name": "root", "password": PASSWORD})
        assert login.status_code == 303
    finally:
        stop(proc)

    # the next start says how to sign in instead of printing a link
    proc, banner = serve(home, free_port())
    try:
        assert banner[2] == "The CLI submits as 'root': log in as 'root' in the browser to see its submissions."
    finally:
        stop(proc)


def csrf_for(c: httpx.Client, url: str) -> str:
    """The CSRF cookie the server set on the client (visiting ``url`` sets it)."""
    if "scrimmage_csrf" not in c.cookies:
        c.get(url)
    return c.cookies["scrimmage_csrf"]


def test_a_local_link_does_not_make_a_second_admin(tmp_path, monkeypatch):
    from scrimmage.arena import Arena
    from scrimmage.user_admin import UserAdmin

    monkeypatch.setenv("SCRIMMAGE_HOME", str(tmp_path / "home"))
    arena = Arena()
    arena.accounts.sign_up("ada", PASSWORD)  # the first account: the admin
    admin = UserAdmin(arena.store)
    link = admin.local_link("root", "http://x")
    assert admin.accept(link.rsplit("/", 1)[1], PASSWORD) == "root"
    assert arena.accounts.user("root").role == "participant"
    assert admin.local_link("root", "http://x") is None  # has a password now
    assert admin.local_link("scrimmage", "http://x") is None and admin.local_link("anonymous", "http://x") is None


def test_a_local_link_racing_the_first_sign_up_cannot_make_a_second_admin(db_url, monkeypatch):
    """The claim and a first sign-up can both see no admin yet (two servers, one database): the unique
    first_admin column lets one of them win, as it does between two sign-ups."""
    from scrimmage.arena import Arena
    from scrimmage.store import user_admin as sql
    from scrimmage.user_admin import UserAdmin

    arena = Arena()
    admin = UserAdmin(arena.store)
    link = admin.local_link("root", "http://x")
    arena.accounts.sign_up("ada", PASSWORD)  # won the race: the first admin
    monkeypatch.setattr(sql, "admins", lambda conn: 0)  # the claim saw no admin before the sign-up committed
    assert admin.accept(link.rsplit("/", 1)[1], PASSWORD) == "root"
    assert arena.accounts.user("root").role == "participant"
    assert [u.name for u in admin.users() if u.role == "admin"] == ["ada"]
