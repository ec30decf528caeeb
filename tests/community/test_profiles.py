"""Profiles: results with final medals, public standing only before the close, tiers from
medals, tracks, posts; private until the owner makes them public."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bundles import write_bundle, write_predictions
from scrimmage.errors import ForbiddenError, NotFoundError
from scrimmage.arena import Arena
from scrimmage.store.schema import users

RIVALS = [f"team{i}" for i in range(9)]


@pytest.fixture
def arena(db_url, tmp_path):
    a = Arena(user="hal")
    folder = write_bundle(tmp_path / "tiny")
    a.create_competition(folder, host="hal")
    # ten teams: Kaggle's thresholds give 1 gold, 1 silver (top 20%: 2 places) and bronze to the top 40%
    for i, name in enumerate(["pat", *RIVALS]):
        quality = 0.9 if name == "pat" else 0.1 + 0.05 * i
        a.submit("tiny", write_predictions(tmp_path / f"{name}.csv", folder, quality, seed=i), "", user=name)
    with a.store.write() as conn:
        a.store.ensure_user(conn, "ada")
        conn.execute(update(users).where(users.c.name == "ada").values(role="admin"))
    return a


def test_open_competition_shows_the_public_standing_only(arena):
    p = arena.profiles.get("pat", "pat")
    [r] = p.results
    board = {row.team_name: row for row in arena.leaderboard("tiny").rows}
    assert (r.rank, r.score, r.closed, r.medal) == (board["pat"].rank, board["pat"].score, False, None)
    assert r.teams == 10 and r.solo
    assert p.tiers == {"competitions": "Contributor", "notebooks": "Novice", "discussion": "Novice"}


def test_closed_competition_counts_its_medal(arena):
    arena.close("tiny", user="hal")
    p = arena.profiles.get("pat", "pat")
    [r] = p.results
    private = {row.team_name: row for row in arena.leaderboard("tiny", private=True).rows}
    assert (r.rank, r.medal) == (private["pat"].rank, private["pat"].medal) and r.closed
    assert r.medal == "gold"
    assert p.medals["competitions"] == {"gold": 1, "silver": 0, "bronze": 0}
    assert p.tiers["competitions"] == "Contributor"  # Expert needs two medals
    assert p.next_steps["competitions"] == "Expert: 2 bronze medals or better"


def test_notebook_votes_make_medals(arena):
    nbs = arena.notebooks
    nbs.push("tiny", "pat", "a.py", b"print(1)\n", slug="shared", visibility="competition")
    nbs.push("tiny", "pat", "b.py", b"print(2)\n", slug="secret")  # private: earns no medal
    for voter in RIVALS[:6]:
        nbs.vote("pat", "shared", voter)
    p = arena.profiles.get("pat", "pat")
    assert p.medals["notebooks"] == {"gold": 0, "silver": 0, "bronze": 1} and p.notebook_votes == 6
    assert p.tiers["notebooks"] == "Contributor"
    assert p.next_steps["notebooks"] == "Expert: 5 bronze medals or better"
    assert [n.ref for n in p.notebooks] == ["pat/shared", "pat/secret"]
    arena.profiles.set_public("pat", True)
    assert [n.ref for n in arena.profiles.get("pat", None).notebooks] == []  # shared with the competition only
    assert [n.ref for n in arena.profiles.get("pat", "team1").notebooks] == ["pat/shared"]


def test_discussion_votes_make_medals(arena):
    disc = arena.discussion
    t = disc.create_topic("tiny", "pat", "Tip", "Use the ladder wisely.")
    for voter in RIVALS[:5]:
        disc.vote(t.posts[0].id, voter)
    p = arena.profiles.get("pat", "pat")
    assert (p.posts, p.post_votes) == (1, 5)
    assert p.medals["discussion"] == {"gold": 0, "silver": 1, "bronze": 0}
    assert p.tiers["discussion"] == "Contributor"
    assert p.top_posts[0]["title"] == "Tip"


def test_private_until_made_public(arena):
    with pytest.raises(ForbiddenError, match="^pat has not made their profile public$"):
        arena.profiles.get("pat", "team1")
    with pytest.raises(NotFoundError, match="^pat has not made their profile public$"):
        arena.profiles.get("pat", None)  # a visitor without an account
    assert arena.profiles.get("pat", "ada").name == "pat"  # an admin can
    arena.profiles.set_public("pat", True)
    assert arena.profiles.get("pat", None).public
    arena.profiles.set_public("pat", False)
    with pytest.raises(NotFoundError, match="^no user 'nobody'$"):
        arena.profiles.get("nobody", "ada")
    with pytest.raises(NotFoundError):
        arena.profiles.get("anonymous", "ada")


def test_tracks_count_the_learners_own_submissions(arena, tmp_path):
    from scrimmage import tracks

    track = next(tr for tr in tracks.tracks() if any(s.competition == "titanic" for s in tr.steps))
    titanic = arena.competition("titanic")
    assert titanic.built
    assert track.name not in [tr.name for tr in arena.profiles.get("pat", "pat").tracks]  # nothing there yet
    sample = next(f for f in arena.files("titanic") if f.name == "sample_submission.csv")
    arena.submit("titanic", arena.objects.local_path(sample.key), "the sample", user="pat")
    [record] = [tr for tr in arena.profiles.get("pat", "pat").tracks if tr.name == track.name]
    steps = tracks.progress(arena, track, user="pat")
    assert (record.done, record.steps) == (sum(s.done for s in steps), len(track.steps))
    assert any(s.submissions == 1 for s in steps)
    assert track.name not in [tr.name for tr in arena.profiles.get("team1", "team1").tracks]  # pat's, not theirs
