"""Helpers for the browser tests (Playwright driving the system Chromium): its flags, a live server, signing up."""

from __future__ import annotations

import pytest

from webutil import PASSWORD, live_server, write_bundle
from scrimmage import accounts
from scrimmage.config import Settings
from scrimmage.web import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server(tmp_path, monkeypatch):
    """(app, url, bundle folder): a live server on the test's store, and a churn competition's bundle not created yet."""
    monkeypatch.setattr(accounts, "PASSWORD_HASH", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    app = create_app(Settings.load())
    folder = write_bundle(tmp_path / "churn", toml='title = "Churn"\nmetric = "roc_auc"\nid_column = "id"\n')
    with live_server(app) as url:
        yield app, url, folder


def sign_up(page, url, name):
    page.goto(f"{url}/signup")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign up')")
    page.wait_for_url(f"{url}/")


def signed_up_pages(browser, url, names, dialogs: list) -> dict:
    """A page for each of ``names``, each in a browser context of its own, signed up in that order (the first
    account is the admin); every JavaScript dialog is dismissed and its message added to ``dialogs``."""
    pages = {}
    for name in names:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_up(page, url, name)
        pages[name] = page
    return pages
