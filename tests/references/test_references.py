"""Reference scores as pure logic: parsing, the medal rule, standings, moves, interleaving."""

import datetime as dt

import pytest

from scrimmage import leaderboard as lb
from scrimmage.references import (
    FEW_TEAMS, Reference, beaten, board_rows, from_settings, medal_legend, move, reference_medal, standing, thresholds,
)
from scrimmage.records import CompetitionInfo, Leaderboard

AUC = [Reference("constant", 0.5, 0.5), Reference("simple", 0.80, 0.78), Reference("strong", 0.90, 0.86)]
RMSE = [Reference("constant", 10.0, 11.0), Reference("simple", 4.0, 4.4), Reference("strong", 2.0, 2.2)]


def test_from_settings_orders_and_skips_what_is_not_a_reference():
    settings = {"reference_scores": [
        {"name": "strong", "public": 0.9, "private": 0.8, "model": "boosting"},
        {"name": "constant", "public": 0.5, "private": float("nan")},
        {"name": "simple", "public": "0.7", "private": True},
        {"public": 0.1},
        "not a table",
        {"name": "mine", "public": 1, "private": 2},
    ]}
    refs = from_settings(settings)
    assert [r.name for r in refs] == ["constant", "simple", "strong", "mine"]
    assert refs[0] == Reference("constant", 0.5, None)
    assert refs[1] == Reference("simple", None, None)  # text and booleans are not scores
    assert refs[2].model == "boosting" and refs[2].label == "strong model"
    assert refs[3].score(private=True) == 2.0 and refs[3].label == "mine"
    assert from_settings({}) == [] and from_settings(None) == []


@pytest.mark.parametrize("score, medal", [
    (0.95, "gold"), (0.90, "silver"), (0.86, "silver"), (0.85, "bronze"), (0.81, "bronze"), (0.80, None), (0.6, None),
])
def test_medal_rule_higher_is_better(score, medal):
    # bronze beats 0.80, silver beats 0.85 (halfway to 0.90), gold beats 0.90; a tie beats nothing
    assert thresholds(AUC, greater=True) == {"bronze": 0.80, "silver": pytest.approx(0.85), "gold": 0.90}
    assert reference_medal(score, AUC, greater=True) == medal


@pytest.mark.parametrize("score, medal", [(1.9, "gold"), (2.9, "silver"), (3.5, "bronze"), (4.0, None), (12.0, None)])
def test_medal_rule_lower_is_better(score, medal):
    assert thresholds(RMSE, greater=False) == {"bronze": 4.0, "silver": 3.0, "gold": 2.0}
    assert reference_medal(score, RMSE, greater=False) == medal


def test_medal_rule_uses_the_private_scores_on_the_private_side():
    assert thresholds(AUC, greater=True, private=True) == {"bronze": 0.78, "silver": pytest.approx(0.82), "gold": 0.86}
    assert reference_medal(0.83, AUC, greater=True, private=True) == "silver"
    assert reference_medal(0.83, AUC, greater=True) == "bronze"


def test_when_the_strong_model_is_weaker_beating_the_simple_model_is_gold():
    refs = [Reference("constant", 0.5, 0.5), Reference("simple", 0.80, 0.8), Reference("strong", 0.75, 0.7)]
    assert thresholds(refs, greater=True) == {"bronze": 0.80, "silver": 0.80, "gold": 0.80}
    assert reference_medal(0.81, refs, greater=True) == "gold"
    assert reference_medal(0.79, refs, greater=True) is None


def test_when_the_simple_model_is_below_the_constant_the_constant_sets_the_bronze_bar():
    # a competition whose signal is in tables to join: the fixed recipes do no better than a constant
    refs = [Reference("constant", 0.5, 0.5), Reference("simple", 0.499, 0.5), Reference("strong", 0.52, 0.5)]
    assert thresholds(refs, greater=True) == {"bronze": 0.5, "silver": pytest.approx(0.51), "gold": 0.52}
    assert reference_medal(0.5, refs, greater=True) is None
    assert reference_medal(0.505, refs, greater=True) == "bronze"


def test_no_medal_without_the_model_references():
    assert thresholds([Reference("constant", 0.5, 0.5)], greater=True) == {}
    assert reference_medal(0.99, [Reference("constant", 0.5, 0.5)], greater=True) is None
    assert reference_medal(None, AUC, greater=True) is None
    only_simple = [Reference("simple", 0.8, 0.8)]
    assert reference_medal(0.81, only_simple, greater=True) == "gold"


def test_standing_and_beaten():
    assert standing(0.95, AUC, greater=True) == "beats the strong model"
    assert standing(0.85, AUC, greater=True) == "beats the simple model"
    assert standing(0.6, AUC, greater=True) == "beats the constant baseline"
    assert standing(0.5, AUC, greater=True) == "does not beat the constant baseline"
    assert standing(3.0, RMSE, greater=False) == "beats the simple model"
    assert standing(None, AUC, greater=True) == "" and standing(0.9, [], greater=True) == ""
    assert beaten(0.85, AUC, greater=True) == ["constant", "simple"]
    assert beaten(2.1, RMSE, greater=False, private=True) == ["constant", "simple", "strong"]


@pytest.mark.parametrize("public_rank, rank, text", [(5, 2, "+3"), (1, 3, "-2"), (4, 4, "0"), (None, 1, ""), (2, None, "")])
def test_move(public_rank, rank, text):
    assert move(public_rank, rank) == text


def _board(scores, refs, private=False, greater=True):
    when = dt.datetime(2026, 1, 1)
    entries = [lb.Entry(i, i, f"team{i}", when + dt.timedelta(minutes=i), s, p)
               for i, (s, p) in enumerate(scores, start=1)]
    settings = {"reference_scores": [{"name": r.name, "public": r.public, "private": r.private} for r in refs]}
    comp = CompetitionInfo("c", "C", "roc_auc", greater, settings, None, dt.datetime(2026, 1, 2), team_count=len(scores))
    rows = (lb.private_leaderboard(entries, greater, 2) if private else lb.public_leaderboard(entries, greater))
    return Leaderboard(comp, private, rows)


def test_board_rows_interleave_references_without_changing_ranks():
    board = _board([(0.95, 0.80), (0.85, 0.90), (0.60, 0.70)], AUC)
    shown = board_rows(board)
    assert [(r.rank, r.team_name) for r in shown] == [
        (1, "team1"), (None, "reference: strong model"), (2, "team2"), (None, "reference: simple model"),
        (3, "team3"), (None, "reference: constant baseline"),
    ]
    assert [r.rank for r in shown if not r.is_reference] == [r.rank for r in board.rows]
    assert [r.by_reference for r in shown] == [
        "gold: beats the strong model", "", "bronze: beats the simple model", "", "beats the constant baseline", "",
    ]
    assert [r.medal for r in shown if not r.is_reference] == ["gold", "bronze", None]
    assert all(r.move == "" and r.public_rank is None for r in shown)


def test_a_tie_with_a_reference_puts_the_team_first():
    shown = board_rows(_board([(0.80, 0.8)], AUC))
    assert [r.team_name for r in shown] == ["reference: strong model", "team1", "reference: simple model",
                                            "reference: constant baseline"]
    assert shown[1].by_reference == "beats the constant baseline"


def test_private_board_rows_have_moves_and_private_reference_medals():
    board = _board([(0.95, 0.80), (0.85, 0.90), (0.60, 0.70)], AUC, private=True)
    shown = [r for r in board_rows(board) if not r.is_reference]
    assert [(r.team_name, r.public_rank, r.rank, r.move) for r in shown] == [
        ("team2", 2, 1, "+1"), ("team1", 1, 2, "-1"), ("team3", 3, 3, "0")]
    assert [r.medal for r in shown] == ["gold", "bronze", None]  # private bars: 0.78, 0.82, 0.86
    refs = [r for r in board_rows(board) if r.is_reference]
    assert [(r.team_name, r.score) for r in refs] == [
        ("reference: strong model", 0.86), ("reference: simple model", 0.78), ("reference: constant baseline", 0.5)]


def test_lower_is_better_interleaving():
    shown = board_rows(_board([(2.9, 2.9), (1.5, 1.5)], RMSE, greater=False))
    assert [r.team_name for r in shown] == ["team2", "reference: strong model", "team1", "reference: simple model",
                                            "reference: constant baseline"]
    assert [r.by_reference for r in shown if not r.is_reference] == [
        "gold: beats the strong model", "silver: beats the simple model"]


def test_with_many_teams_medals_go_by_team_count_again():
    scores = [(0.99 - i / 100, 0.99 - i / 100) for i in range(FEW_TEAMS)]
    shown = [r for r in board_rows(_board(scores, AUC, private=True)) if not r.is_reference]
    assert all(r.by_reference == "" for r in shown)
    assert [r.medal for r in shown[:3]] == ["gold", "gold", "silver"]  # Kaggle's thresholds for 20 teams
    assert any(r.is_reference for r in board_rows(_board(scores, AUC)))  # references still shown


LEGEND = "Medals by reference (fewer than 20 teams): "


def test_the_medal_legend_says_where_the_bars_are_on_the_boards_side():
    assert medal_legend(_board([(0.85, 0.8)], AUC)) == LEGEND + (
        "bronze beats the simple model, silver is halfway from there to the strong model, gold beats every reference.")
    # lesson-imbalance: the strong model scored below the simple one, on public only here
    refs = [Reference("constant", 0.019, 0.016), Reference("simple", 0.60532, 0.59), Reference("strong", 0.53685, 0.61)]
    meet = LEGEND + ("no reference beats the simple model, so the bars meet: gold beats it, and with it every "
                     "reference; there is no silver or bronze.")
    assert medal_legend(_board([(0.62, 0.6)], refs)) == meet
    shown = board_rows(_board([(0.62, 0.6), (0.58, 0.6)], refs))
    assert [r.medal for r in shown if not r.is_reference] == ["gold", None]
    assert medal_legend(_board([(0.62, 0.6)], refs, private=True)) == LEGEND + (
        "bronze beats the simple model, silver is halfway from there to the strong model, gold beats every reference.")
    below_constant = [Reference("constant", 0.5, 0.5), Reference("simple", 0.499, 0.5), Reference("strong", 0.52, 0.5)]
    assert medal_legend(_board([(0.51, 0.5)], below_constant)) == LEGEND + (
        "bronze beats the constant baseline, silver is halfway from there to the strong model, "
        "gold beats every reference.")
    assert medal_legend(_board([(0.51, 0.5)], below_constant, private=True)) == LEGEND + (
        "no reference beats the constant baseline, so the bars meet: gold beats it, and with it every reference; "
        "there is no silver or bronze.")
    assert medal_legend(_board([(0.9, 0.9)], [Reference("simple", 0.8, 0.8)])) == meet  # no strong model
    scores = [(0.99 - i / 100, 0.99 - i / 100) for i in range(FEW_TEAMS)]
    assert medal_legend(_board(scores, AUC)) == ""  # medals by team count
    assert medal_legend(_board([(0.9, 0.9)], [])) == ""
    assert medal_legend(_board([(0.9, 0.9)], [Reference("constant", 0.5, 0.5)])) == ""


def test_without_references_the_board_is_unchanged():
    board = _board([(0.9, 0.9), (0.8, 0.8)], [], private=True)
    shown = board_rows(board)
    assert [(r.rank, r.medal, r.by_reference, r.is_reference) for r in shown] == [
        (1, None, "", False), (2, None, "", False)]


REFS_TOML = """
[[reference_scores]]
name = "constant"
public = 0.5
private = 0.5

[[reference_scores]]
name = "simple"
public = 0.7
private = 0.7
model = "logistic regression"

[[reference_scores]]
name = "strong"
public = 0.8
private = 0.8
"""


def test_a_bundle_checks_its_reference_scores(tmp_path):
    from bundles import write_bundle
    from scrimmage.bundle import load_bundle
    from scrimmage.errors import BundleError

    good = load_bundle(write_bundle(tmp_path / "good", extra_toml=REFS_TOML))
    assert [r["name"] for r in good.reference_scores] == ["constant", "simple", "strong"]
    bad = '\n[[reference_scores]]\nname = "simple"\npublic = "0.7"\n\n[[reference_scores]]\npublic = 1\nprivate = 2\n'
    with pytest.raises(BundleError) as info:
        load_bundle(write_bundle(tmp_path / "bad", extra_toml=bad))
    assert info.value.problems == [
        "reference_scores table 1 needs a text name and numbers public and private",
        "reference_scores table 2 needs a text name and numbers public and private",
    ]


def test_notebook_leaderboard_shows_references_and_moves(tmp_path):
    from bundles import write_bundle, write_predictions
    from scrimmage.notebook import Competition
    from scrimmage.arena import Arena

    folder = write_bundle(tmp_path / "tiny", extra_toml=REFS_TOML)
    arena = Arena()
    arena.create_competition(folder)
    arena.submit("tiny", write_predictions(tmp_path / "a.csv", folder, quality=0.9), user="alice")
    arena.submit("tiny", write_predictions(tmp_path / "b.csv", folder, quality=0.0, seed=3), user="bob")
    comp = Competition.open("tiny", arena=arena)
    board = comp.leaderboard()
    assert list(board.columns) == ["rank", "teamId", "teamName", "submissionDate", "score", "entries",
                                   "isReference", "byReference"]
    names = list(board["teamName"])
    assert names[:3] == ["alice", "reference: strong model", "reference: simple model"]
    assert sorted(names[3:]) == ["bob", "reference: constant baseline"]  # bob guessed: near AUC 0.5
    assert list(board.loc[~board["isReference"], "rank"]) == [1, 2]
    assert board.loc[board["isReference"], "rank"].isna().all()
    assert board.loc[0, "byReference"] == "gold: beats the strong model"
    assert board.loc[names.index("bob"), "byReference"] in ("beats the constant baseline", "does not beat the constant baseline")
    assert list(comp.leaderboard(references=False)["teamName"]) == ["alice", "bob"]
    arena.close("tiny")
    private = comp.leaderboard(private=True)
    assert list(private.columns) == ["rank", "teamId", "teamName", "submissionDate", "score", "entries",
                                     "publicRank", "move", "medal", "isReference", "byReference"]
    assert list(private.loc[~private["isReference"], "move"]) == ["0", "0"]
