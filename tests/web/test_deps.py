"""Sessions and forms: CSRF on every form, cookie flags, login and its rate limit, tokens shown once."""

import re

import pytest

from webutil import PASSWORD, app, client, local_app, post, signed_up, text_of  # noqa: F401
from scrimmage import accounts
from scrimmage.web.app import routers
from scrimmage.web.deps import CSRF_MESSAGE

FORM_ROUTES = sorted({route.path for r in routers() for route in r.routes
                      if "POST" in route.methods and not route.path.startswith("/api/")})


@pytest.mark.parametrize("path", FORM_ROUTES)
def test_every_form_needs_the_csrf_token(local_app, path):
    c = signed_up(local_app, "ada")
    url = path.replace("{ref}", "tiny").replace("{name}", "ada")
    url = re.sub(r"\{\w+_id(:int)?\}", "1", url)  # sub_id, invite_id, token_id, writeup_id, topic_id:int, ...
    for data in ({}, {"csrf_token": "forged"}):
        r = c.post(url, data=data)
        assert r.status_code == 403, (url, data)
        assert CSRF_MESSAGE in text_of(r.text)


def test_csrf_message():
    assert CSRF_MESSAGE == "the form expired or came from another site: reload the page and try again"


def test_session_cookie_is_httponly_and_samesite(local_app):
    app = local_app
    c = client(app)
    r = post(c, "/signup", {"name": "ada", "password": PASSWORD})
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("scrimmage_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    csrf_cookie = c.get("/login").headers.get("set-cookie") or ""
    first = client(app).get("/login").headers["set-cookie"]
    assert "scrimmage_csrf=" in first and "HttpOnly" in first and "SameSite=lax" in first
    assert "scrimmage_csrf" not in csrf_cookie  # set once, then kept


def test_secure_cookies_when_asked():
    from scrimmage.config import Settings
    from scrimmage.web import create_app

    app = create_app(Settings.load(), secure_cookies=True)
    assert "Secure" in client(app).get("/login").headers["set-cookie"]


def test_login_logout_and_errors(app):
    signed_up(app, "ada")
    c = client(app)
    r = post(c, "/login", {"name": "ada", "password": "not it at all"})
    assert r.status_code == 401 and "wrong user name or password" in text_of(r.text)
    r = post(c, "/login", {"name": "ada", "password": PASSWORD, "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/"  # no open redirect
    assert "ada" in c.get("/account").text
    post(c, "/logout")
    assert c.get("/account").status_code == 303


def test_login_rate_limit_on_the_page(app):
    signed_up(app, "ada")
    c = client(app)
    for _ in range(accounts.MAX_FAILURES_PER_NAME):
        post(c, "/login", {"name": "ada", "password": "wrong wrong"})
    r = post(c, "/login", {"name": "ada", "password": PASSWORD})
    assert r.status_code == 429
    assert "too many failed logins for 'ada': wait 15 minutes and try again" in text_of(r.text)


def test_signup_errors_on_the_page(app):
    signed_up(app, "ada")
    r = post(client(app), "/signup", {"name": "ada", "password": "short"})
    assert r.status_code == 400 and "password too short: use at least 8 characters" in text_of(r.text)
    r = post(client(app), "/signup", {"name": "ada", "password": PASSWORD})
    assert r.status_code == 409 and "the name 'ada' is taken; choose another" in text_of(r.text)


def test_api_token_is_shown_once(app):
    c = signed_up(app, "ada")
    r = post(c, "/account/tokens", {"label": "laptop"})
    token = r.text.split('<pre class="token">')[1].split("</pre>")[0]
    assert token.startswith("scr_") and app.state.arena.accounts.token_user(token).name == "ada"
    page = c.get("/account").text
    assert token not in page and token[:8] in page and "laptop" in page
    tid = app.state.arena.accounts.tokens("ada")[0].id
    assert post(c, f"/account/tokens/{tid}/revoke").status_code == 303
    assert app.state.arena.accounts.token_user(token) is None


def test_admin_sets_roles(app):
    admin, bob = signed_up(app, "ada"), signed_up(app, "bob")
    r = bob.get("/admin/users")
    assert r.status_code == 403 and "only an admin can see the user list" in text_of(r.text)
    assert "bob" in admin.get("/admin/users").text
    assert post(admin, "/admin/users/bob/role", {"role": "host"}).status_code == 303
    assert app.state.arena.accounts.user("bob").can_host
    r = post(bob, "/admin/users/bob/role", {"role": "admin"})
    assert r.status_code == 403 and "only an admin can change roles" in text_of(r.text)


def test_unknown_page_is_a_friendly_404(local_app):
    app = local_app
    r = client(app).get("/no/such/page", headers={"accept": "text/html"})
    assert r.status_code == 404 and "no page at /no/such/page" in text_of(r.text)
    r = client(app).get("/no/such/page", headers={"accept": "application/json"})
    assert r.json() == {"ok": False, "error": "no page at /no/such/page", "errors": [], "status": 404}


def test_pages_send_security_headers(local_app):
    headers = client(local_app).get("/login").headers
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_forms_need_a_session(local_app):
    r = post(client(local_app), "/c/tiny/join")
    assert r.status_code == 401 and "sign in first: this needs an account" in text_of(r.text)


def test_upload_over_the_limit_is_refused(app, tmp_path):
    from webutil import write_bundle

    folder = write_bundle(tmp_path / "tiny", extra_toml="submission_limit_mb = 0.001\n")
    app.state.arena.create_competition(folder)
    c = signed_up(app, "ada")
    post(c, "/c/tiny/join")
    big = tmp_path / "big.csv"
    big.write_bytes(b"0" * 1_100_000)
    with open(big, "rb") as fh:
        r = post(c, "/c/tiny/submissions", files={"file": ("big.csv", fh)})
    assert r.status_code == 413
    assert ("the upload is 1.1 MB: a submission may be at most 0.001 MB here; nothing was stored "
            "(compress a submission as .csv.gz or .zip)") in text_of(r.text)
    assert app.state.arena.submissions("tiny", user="ada") == []
