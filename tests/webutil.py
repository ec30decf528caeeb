"""Helpers for the web tests: an app on the test's store, clients that sign up and post forms with CSRF."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from bundles import write_bundle, write_predictions  # noqa: F401 - re-exported for the tests
from scrimmage.config import Settings
from scrimmage.web import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app(db_url):
    return create_app(Settings.load())


@pytest.fixture
def local_app():
    """An app on the default SQLite store, for what does not depend on the database."""
    return create_app(Settings.load())


@pytest.fixture
def arena(app):
    return app.state.arena


def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def csrf(c: TestClient) -> str:
    if "scrimmage_csrf" not in c.cookies:
        c.get("/login")
    return c.cookies["scrimmage_csrf"]


def post(c: TestClient, url: str, data: dict | None = None, files=None, **kw):
    """A form post as a browser sends it: with the CSRF field of the page."""
    return c.post(url, data={"csrf_token": csrf(c), **(data or {})}, files=files, **kw)


def signed_up(app, name: str, role: str | None = None) -> TestClient:
    """A browser session of a new account ``name`` (made ``role`` by the admin when given)."""
    c = client(app)
    r = post(c, "/signup", {"name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    if role:
        app.state.arena.store  # noqa: B018 - the store is there
        from sqlalchemy import update

        from scrimmage.store.schema import users

        with app.state.arena.store.write() as conn:
            conn.execute(update(users).where(users.c.name == name).values(role=role))
    return c


def token_for(app, name: str) -> dict:
    """The Authorization header of a new API token of ``name``."""
    return {"Authorization": f"Bearer {app.state.arena.accounts.create_token(name, 'test')}"}


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed (for asserting on messages)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&")


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """argon2 at its lowest cost: the same code path, a fraction of the time."""
    from scrimmage import accounts

    monkeypatch.setattr(accounts, "PASSWORD_HASH", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})


def bundle_zip(folder, path):
    """The bundle ``folder`` zipped as a host uploads it."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in folder.iterdir():
            zf.write(p, f"{folder.name}/{p.name}")
    return path


@pytest.fixture
def world(app, tmp_path):
    """An admin (ada), a host (hal) who created 'tiny' by uploading a zip, and two participants who joined."""
    folder = write_bundle(tmp_path / "tiny", extra_toml='description = "# Predict *target*\\n\\nUse `x`."\ntags = ["tabular", "binary-classification"]\n')
    admin = signed_up(app, "ada")
    host = signed_up(app, "hal", role="host")
    with open(bundle_zip(folder, tmp_path / "tiny.zip"), "rb") as fh:
        r = post(host, "/host/new", files={"bundle": ("tiny.zip", fh, "application/zip")})
    assert r.status_code == 303, r.text
    pat, quin = signed_up(app, "pat"), signed_up(app, "quin")
    for c in (pat, quin):
        assert post(c, "/c/tiny/join").status_code == 303
    return {"folder": folder, "admin": admin, "host": host, "pat": pat, "quin": quin}


@contextmanager
def live_server(app):
    """Serve ``app`` with uvicorn in a background thread on 127.0.0.1 and a free port; yield its URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # a safety net only: a loaded machine may start it slowly
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


#: What an API client without a token is told (deps.API_SIGN_IN).
API_SIGN_IN_TEXT = ("this needs an API token: send the header 'Authorization: Bearer TOKEN' "
                    "(create one on your account page)")
