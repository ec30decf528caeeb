"""No route lets a participant fetch the solution, another team's files, or private scores before the reveal.

One test per route of the app (pages and API, every method), with its path
parameters pointed at the most tempting targets: the solution, the other team's
submission, write-up, invitation and token. New routes are picked up by themselves.
"""

import re

import pytest

from webutil import bundle_zip, client, post, signed_up, token_for, write_bundle, write_predictions
from scrimmage import accounts, hosting
from scrimmage.config import Settings
from scrimmage.store.schema import submissions
from scrimmage.web import create_app
from scrimmage.web.app import routers


def all_routes():
    seen = []
    for router in routers():
        for route in router.routes:
            for method in sorted(route.methods - {"HEAD"}):
                seen.append((method, route.path))
    return seen


ROUTES = all_routes()
NAMES = ["solution.csv", "../solution.csv", "..%2Fsolution.csv", "competition.toml", "%2e%2e%2fsolution.csv"]


@pytest.fixture(scope="module")
def arena_world(tmp_path_factory):
    """One arena for the whole module (read-only checks): ada's team has secrets, bob is the snoop."""
    import os

    root = tmp_path_factory.mktemp("sec")
    cost = accounts.PASSWORD_HASH
    old = {k: os.environ.get(k) for k in ("SCRIMMAGE_HOME", "SCRIMMAGE_DATABASE_URL", "SCRIMMAGE_USER")}
    os.environ.update(SCRIMMAGE_HOME=str(root / "home"), SCRIMMAGE_USER="server")
    os.environ.pop("SCRIMMAGE_DATABASE_URL", None)
    try:
        accounts.PASSWORD_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
        app = create_app(Settings.load())
        folder = write_bundle(root / "tiny")
        signed_up(app, "root-admin")
        host = signed_up(app, "hal", role="host")
        with open(bundle_zip(folder, root / "tiny.zip"), "rb") as fh:
            assert post(host, "/host/new", files={"bundle": ("tiny.zip", fh)}).status_code == 303
        a = app.state.arena
        signed_up(app, "ada"), signed_up(app, "bob")
        for name in ("ada", "bob", "cy"):
            a.teams.join("tiny", name)
        secret_file = write_predictions(root / "ada-secret-file.csv", folder, 0.37, seed=7)
        sub = a.submit("tiny", secret_file, "ada-secret-note", user="ada")
        a.submit("tiny", write_predictions(root / "bob.csv", folder, 0.15, seed=3), "", user="bob")
        with a.store.write() as conn:  # what a failing host metric leaves: for the host's eyes only
            conn.execute(submissions.update().values(host_error="HOST-ONLY-TRACEBACK"))
        draft = a.writeups.post("tiny", "ada", "ada-secret-writeup", "ada-secret-body")
        invite = a.teams.invite("tiny", "ada", "cy")
        a.accounts.create_token("ada", "ada-secret-token")
        token_id = a.accounts.tokens("ada")[0].id
        scored = [h.submission for h in hosting.submissions(a, "tiny", "hal")]
        public = {f"{s.public_score:.5f}" for s in scored}
        private_scores = [s.private_score for s in scored]
        assert not public & {f"{p:.5f}" for p in private_scores}, "pick data whose public and private scores differ"
        secrets = {
            "solution": (folder / "solution.csv").read_text().splitlines()[0] + "\n" + (folder / "solution.csv").read_text().splitlines()[1],
            "ada's file": secret_file.read_text().splitlines()[1],
            "ada's note": "ada-secret-note",
            "ada's file name": "ada-secret-file",
            "ada's write-up": "ada-secret-body",
            "ada's token": "ada-secret-token",
            "host-only errors": "HOST-ONLY-TRACEBACK",
        }
        for i, score in enumerate(private_scores):
            secrets[f"private score {i}"] = f"{score:.5f}"
            secrets[f"private score {i} (full)"] = repr(score)[:12]
        params = {"ref": "tiny", "sub_id": str(sub.id), "writeup_id": str(draft.id), "invite_id": str(invite.id),
                  "token_id": str(token_id), "name": "ada"}
        yield {"app": app, "bob_token": token_for(app, "bob"), "secrets": secrets, "params": params}
    finally:
        accounts.PASSWORD_HASH = cost
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def fill(path: str, params: dict, name: str | None = None) -> str:
    def sub(m):
        key = m.group(1)
        if key == "name" and ("/files/" in path or "/data/" in path):
            return name or "solution.csv"
        return params.get(key, "tiny")

    return re.sub(r"\{(\w+)(?::\w+)?\}", sub, path)


def leaks(body: str, secrets: dict) -> list[str]:
    return [what for what, value in secrets.items() if value in body]


@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_route_leaks_nothing_to_another_participant(arena_world, method, path):
    w = arena_world
    bob = client(w["app"])  # a fresh session each time: an earlier route may have been /logout
    bob.cookies.set("scrimmage_session", w["app"].state.arena.accounts.create_session("bob"))
    assert "bob" in bob.get("/account").text  # the snoop is signed in (pages) ...
    assert client(w["app"]).get("/api/me", headers=w["bob_token"]).json()["name"] == "bob"  # ... and holds a token (API)
    takes_file = "{name}" in path and ("/files/" in path or "/data/" in path)
    for name in NAMES if takes_file else [None]:
        url = fill(path, w["params"], name)
        for query in ("", "?private=1", "?private=true"):
            if path.startswith("/api/"):
                r = client(w["app"]).request(method, url + query, headers=w["bob_token"])
            elif method == "GET":
                r = bob.get(url + query)
            else:
                r = post(bob, url + query)
            assert leaks(r.text, w["secrets"]) == [], f"{method} {url}{query} answered {r.status_code}"
            if takes_file:
                assert r.status_code in (401, 403, 404), f"{method} {url} served {name!r}"


def test_every_route_is_checked():
    """The list above comes from the app itself: a new route cannot escape the check."""
    paths = {p for _, p in ROUTES}
    assert "/c/{ref}/submissions/{sub_id}/file" in paths and "/api/competitions/{ref}/files/{name}" in paths
    assert len(ROUTES) >= 40


def test_api_hides_the_post_mortem_and_private_reference_scores_until_close(tmp_path):
    from scrimmage.records import CompetitionInfo

    settings = {"reveal": "the trap was X", "reference_scores": [{"name": "simple", "public": 0.7, "private": 0.6}]}
    open_comp = CompetitionInfo("c", "C", "roc_auc", True, settings, None, None)
    assert open_comp.public_settings() == {"reference_scores": [{"name": "simple", "public": 0.7}]}
    import datetime as dt

    closed = CompetitionInfo("c", "C", "roc_auc", True, settings, None, dt.datetime(2020, 1, 1))
    assert closed.public_settings() == settings
