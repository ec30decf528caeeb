"""The leaderboards the Arena serves (the store picks each team's candidates in SQL) equal the pure
functions of leaderboard.py over every submission: ties, selections, ladder mode, late and failed
submissions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import insert, update

from bundles import write_bundle
from scrimmage import leaderboard as lb
from scrimmage.arena import Arena
from scrimmage.store.schema import submissions, teams


def seed(arena: Arena, ref: str, rng, n_teams: int = 40, ladder: bool = False) -> list[lb.Entry]:
    """Random submissions with many exact ties (scores on a coarse grid, shared timestamps); returns the
    entries the pure functions see."""
    start = dt.datetime(2026, 1, 1)
    rows = []
    with arena.store.write() as conn:
        comp_id = arena.competition_id(conn, ref)
        for t in range(n_teams):
            uid = arena.store.ensure_user(conn, f"u{t}")
            team_id = arena.store.ensure_team(conn, comp_id, uid, f"team {t}")
            n = int(rng.integers(0, 12))
            n_selected = int(rng.choice([0, 0, 1, 2, 3]))
            for k in range(n):
                status = rng.choice(["complete"] * 8 + ["error", "pending"])
                public = None if status != "complete" or rng.random() < 0.05 else float(rng.integers(0, 8)) / 8
                rows.append({
                    "competition_id": comp_id, "team_id": team_id, "user_id": uid,
                    "created_at": start + dt.timedelta(hours=int(rng.integers(0, 6))),  # shared times: ties
                    "file_name": "s.csv", "stored_path": "s.csv", "size_bytes": 1, "sha256": "0" * 64,
                    "status": str(status), "late": bool(rng.random() < 0.1), "public_score": public,
                    "private_score": None if status != "complete" else float(rng.integers(0, 8)) / 8,
                    "selected": k < n_selected and status == "complete",
                    "ladder_accepted": bool(rng.random() < 0.5) if ladder and status == "complete" else None,
                })
        if rows:
            conn.execute(insert(submissions), rows)
        arena.store.bump_board(conn, comp_id)  # rows written behind the Arena's back: note the change
        all_rows = arena.store.submissions_of(conn, comp_id)
    return [lb.Entry(r.id, r.team_id, r.team_name, r.created_at, r.public_score, r.private_score,
                     bool(r.selected), r.ladder_accepted)
            for r in all_rows if r.status == "complete" and not r.late]


@pytest.mark.parametrize("greater", [True, False])
@pytest.mark.parametrize("mode", ["kaggle", "ladder"])
def test_served_leaderboards_equal_the_pure_functions(db_url, tmp_path, greater, mode):
    arena = Arena()
    toml = (f'title = "T"\nmetric = "{"roc_auc" if greater else "rmse"}"\nid_column = "id"\n'
            f'leaderboard = "{mode}"\nfinal_selections = 2\n')
    arena.create_competition(write_bundle(tmp_path / "tiny", toml=toml))
    assert arena.competition("tiny").greater_is_better is greater
    rng = np.random.default_rng(3 if greater else 4)
    entries = seed(arena, "tiny", rng, ladder=mode == "ladder")

    public = arena.leaderboard("tiny")
    assert public.rows == lb.public_leaderboard(entries, greater, mode)
    assert len(public.rows) > 10

    arena.close("tiny", user="alice")
    private = arena.leaderboard("tiny", private=True)
    expected = lb.private_leaderboard(entries, greater, 2, mode)
    assert private.rows == expected and len(expected) > 10
    assert private.shake_up == lb.shake_up(expected)


def test_boards_follow_every_change_they_show(db_url, tmp_path, monkeypatch):
    """Served boards are cached by the competition's board_version: each change they show bumps it."""
    from bundles import write_predictions

    arena = Arena()
    folder = write_bundle(tmp_path / "tiny")
    arena.create_competition(folder)
    seed(arena, "tiny", np.random.default_rng(5), n_teams=6)
    before = arena.leaderboard("tiny").rows
    assert arena.leaderboard("tiny").rows == before  # served from the cache

    arena.teams.rename("tiny", "u0", "renamed")
    names = {r.team_name for r in arena.leaderboard("tiny").rows}
    assert "renamed" in names and "team 0" not in names

    sub = arena.submit("tiny", write_predictions(tmp_path / "s.csv", folder, 1.0), user="newcomer")
    board = arena.leaderboard("tiny")
    assert board.rows[0].submission_id == sub.id and board.competition.team_count == len(board.rows)

    arena.select("tiny", sub.id, user="newcomer")
    arena.close("tiny", user="alice")
    assert arena.leaderboard("tiny", private=True).rows[0].submission_id == sub.id
    assert "renamed" in {r.team_name for r in arena.leaderboard("tiny").rows}

    with arena.store.write() as conn:  # a write that does not note itself shows after BOARD_TTL at the latest
        conn.execute(update(teams).where(teams.c.name == "renamed").values(name="quietly"))
    assert "renamed" in {r.team_name for r in arena.leaderboard("tiny").rows}  # cached
    monkeypatch.setattr("scrimmage.arena.BOARD_TTL", 0.0)
    assert "quietly" in {r.team_name for r in arena.leaderboard("tiny").rows}
