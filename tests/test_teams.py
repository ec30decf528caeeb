"""Teams on both databases: join, invite, accept (merge) under Kaggle's rules, shared limit and selections."""

import datetime as dt

import pytest
from sqlalchemy import update

from bundles import write_bundle, write_predictions
from scrimmage.errors import ConflictError, ForbiddenError, LimitError, NotFoundError
from scrimmage.arena import Arena
from scrimmage.store.schema import competitions
from scrimmage.teams import days_running


@pytest.fixture
def arena(db_url):
    return Arena()


def make(arena, tmp_path, extra="daily_limit = 2\nmax_team_size = 3\n"):
    folder = write_bundle(tmp_path / "tiny", extra_toml=extra)
    arena.create_competition(folder, host="hoster")
    for name in ("ada", "bob", "cy", "dee"):
        arena.teams.join("tiny", name)
    return folder


def age(arena, days):
    created = arena.competition("tiny").created_at
    with arena.store.write() as conn:
        conn.execute(update(competitions).values(created_at=created - dt.timedelta(days=days)))


def test_everyone_is_a_team_of_one_then_invite_and_accept(arena, tmp_path):
    make(arena, tmp_path)
    assert arena.teams.team("tiny", "ada").members == ["ada"]
    assert arena.teams.team("tiny", "zed") is None
    invite = arena.teams.invite("tiny", "ada", "bob")
    assert (invite.from_team, invite.to_team, invite.created_by, invite.status) == ("ada", "bob", "ada", "pending")
    incoming, outgoing = arena.teams.invites("tiny", "bob")
    assert [i.id for i in incoming] == [invite.id] and outgoing == []
    assert [i.id for i in arena.teams.invites("tiny", "ada")[1]] == [invite.id]
    team = arena.teams.accept("tiny", "bob", invite.id)
    assert team.name == "ada" and team.members == ["ada", "bob"]
    assert arena.teams.team("tiny", "ada").id == team.id
    assert arena.teams.entered("bob") == {"tiny"}


def test_invite_errors(arena, tmp_path):
    make(arena, tmp_path)
    with pytest.raises(NotFoundError, match="^'zed' has not joined 'tiny'; they must join before you can invite them$"):
        arena.teams.invite("tiny", "ada", "zed")
    with pytest.raises(ConflictError, match="^'ada' is already in your team$"):
        arena.teams.invite("tiny", "ada", "ada")
    arena.teams.invite("tiny", "ada", "bob")
    with pytest.raises(ConflictError, match="^you have already invited 'bob'; wait for them to accept$"):
        arena.teams.invite("tiny", "ada", "bob")
    with pytest.raises(ForbiddenError, match="^join 'tiny' first: you have no team there yet$"):
        arena.teams.invite("tiny", "zed", "ada")
    with pytest.raises(NotFoundError, match="^no pending invitation 999 for you in 'tiny'$"):
        arena.teams.accept("tiny", "bob", 999)


def test_decline_and_withdraw(arena, tmp_path):
    make(arena, tmp_path)
    inv = arena.teams.invite("tiny", "ada", "bob")
    arena.teams.decline("tiny", "bob", inv.id)
    with pytest.raises(NotFoundError, match=f"^no pending invitation {inv.id} for you in 'tiny'$"):
        arena.teams.accept("tiny", "bob", inv.id)
    inv = arena.teams.invite("tiny", "ada", "bob")
    arena.teams.decline("tiny", "ada", inv.id)  # the sender withdraws
    assert arena.teams.invites("tiny", "bob") == ([], [])


def test_max_team_size(arena, tmp_path):
    make(arena, tmp_path, "max_team_size = 2\n")
    arena.teams.accept("tiny", "bob", arena.teams.invite("tiny", "ada", "bob").id)
    with pytest.raises(LimitError, match="^the merged team would have 3 members; 'tiny' allows at most 2 per team$"):
        arena.teams.invite("tiny", "ada", "cy")


def test_merge_needs_few_enough_submissions(arena, tmp_path):
    """Kaggle's rule: submissions of the merged team <= daily limit x days the competition has run."""
    folder = make(arena, tmp_path)
    sub = write_predictions(tmp_path / "s.csv", folder, 0.7)
    for user in ("ada", "ada", "bob"):
        arena.submit("tiny", sub, "x", user=user)
    with pytest.raises(LimitError) as info:
        arena.teams.invite("tiny", "ada", "bob")
    assert info.value.message == ("the merged team would have 3 submissions, more than the 2 allowed by now "
                                  "(2 a day x 1 day the competition has run); teams with many submissions can merge later")
    age(arena, 1)  # day 2: 4 allowed
    team = arena.teams.accept("tiny", "bob", arena.teams.invite("tiny", "ada", "bob").id)
    assert team.submission_count == 3


def test_merge_rechecked_on_accept(arena, tmp_path):
    folder = make(arena, tmp_path)
    inv = arena.teams.invite("tiny", "ada", "bob")
    sub = write_predictions(tmp_path / "s.csv", folder, 0.7)
    for user in ("ada", "ada", "bob"):
        arena.submit("tiny", sub, "x", user=user)
    with pytest.raises(LimitError, match="^the merged team would have 3 submissions"):
        arena.teams.accept("tiny", "bob", inv.id)


def test_merger_deadline_and_closed(arena, tmp_path):
    make(arena, tmp_path, 'merger_deadline = 2001-01-01T00:00:00Z\n')
    with pytest.raises(LimitError, match=r"^the team merger deadline of 'tiny' has passed \(2001-01-01 00:00 UTC\); "
                                         "teams can no longer merge$"):
        arena.teams.invite("tiny", "ada", "bob")
    arena.close("tiny", user="hoster")
    with pytest.raises(LimitError, match="^'tiny' is closed; teams can no longer merge$"):
        arena.teams.invite("tiny", "ada", "bob")


def test_merged_team_shares_daily_limit_and_final_selections(arena, tmp_path):
    folder = make(arena, tmp_path, "daily_limit = 3\nfinal_selections = 1\n")
    sub = write_predictions(tmp_path / "s.csv", folder, 0.7)
    a = arena.submit("tiny", sub, "a", user="ada")
    b = arena.submit("tiny", sub, "b", user="bob")
    arena.select("tiny", a.id, user="ada")
    arena.select("tiny", b.id, user="bob")
    arena.teams.accept("tiny", "bob", arena.teams.invite("tiny", "ada", "bob").id)
    mine = arena.submissions("tiny", user="bob")
    assert {s.id for s in mine} == {a.id, b.id}  # one team, one list
    assert [s.id for s in mine if s.selected] == [a.id]  # the joining team's selections are dropped
    with pytest.raises(LimitError, match="you have already selected 1 of 1 final submissions"):
        arena.select("tiny", b.id, user="bob")
    arena.submit("tiny", sub, "c", user="bob")
    with pytest.raises(LimitError, match="^daily submission limit reached: 3 scored submissions per team"):
        arena.submit("tiny", sub, "d", user="ada")
    board = arena.leaderboard("tiny")
    assert [r.team_name for r in board.rows] == ["ada"] and board.rows[0].entries == 3


def test_rename(arena, tmp_path):
    make(arena, tmp_path)
    assert arena.teams.rename("tiny", "ada", "  Overfitters ").name == "Overfitters"
    with pytest.raises(ConflictError, match="^the team name 'Overfitters' is taken in 'tiny'; choose another$"):
        arena.teams.rename("tiny", "bob", "Overfitters")
    with pytest.raises(ConflictError, match="^the team name 'cy' is taken in 'tiny'; choose another$"):
        arena.teams.rename("tiny", "bob", "cy")
    with pytest.raises(ConflictError, match="^a team name needs 1 to 64 characters$"):
        arena.teams.rename("tiny", "bob", "  ")


def test_used_today_and_days_running(arena, tmp_path):
    folder = make(arena, tmp_path)
    assert arena.teams.used_today("tiny", "ada") == (0, 2)
    arena.submit("tiny", write_predictions(tmp_path / "s.csv", folder), "x", user="ada")
    assert arena.teams.used_today("tiny", "ada") == (1, 2)
    now = dt.datetime(2030, 1, 3, 0, 30)
    assert days_running(dt.datetime(2030, 1, 1, 23, 0), now) == 3
    assert days_running(now, now) == 1
