"""Progression tiers from medals, with the thresholds documented in docs/community.md."""

import pytest

from scrimmage.community import tiers as t


def medals(gold=0, silver=0, bronze=0, **extra):
    return {"gold": gold, "silver": silver, "bronze": bronze, **extra}


@pytest.mark.parametrize("category, have, active, expected", [
    ("competitions", medals(), False, "Novice"),
    ("competitions", medals(), True, "Contributor"),
    ("competitions", medals(bronze=1), True, "Contributor"),
    ("competitions", medals(bronze=2), True, "Expert"),
    ("competitions", medals(silver=1, bronze=1), True, "Expert"),  # a better medal counts for a lesser one
    ("competitions", medals(gold=1, silver=1), True, "Expert"),
    ("competitions", medals(gold=1, silver=2), True, "Master"),
    ("competitions", medals(gold=5, solo_gold=0), True, "Master"),
    ("competitions", medals(gold=5, solo_gold=1), True, "Grandmaster"),
    ("discussion", medals(bronze=49), True, "Contributor"),
    ("discussion", medals(bronze=50), True, "Expert"),
    ("discussion", medals(silver=50, bronze=149), True, "Expert"),
    ("discussion", medals(silver=50, bronze=150), True, "Master"),
    ("discussion", medals(gold=50, bronze=449), True, "Master"),
    ("discussion", medals(gold=50, bronze=450), True, "Grandmaster"),
    ("notebooks", medals(bronze=5), True, "Expert"),
    ("notebooks", medals(silver=10), True, "Master"),
    ("notebooks", medals(gold=15), True, "Grandmaster"),
    ("notebooks", medals(gold=15), False, "Novice"),
])
def test_tiers(category, have, active, expected):
    assert t.tier(category, have, active) == expected


@pytest.mark.parametrize("category, votes, expected", [
    ("discussion", 0, None), ("discussion", 1, "bronze"), ("discussion", 4, "bronze"), ("discussion", 5, "silver"),
    ("discussion", 10, "gold"), ("notebooks", 4, None), ("notebooks", 5, "bronze"), ("notebooks", 20, "silver"),
    ("notebooks", 50, "gold"),
])
def test_medals_for_votes(category, votes, expected):
    assert t.medal_for_votes(category, votes) == expected


def test_next_steps_in_words():
    assert t.next_step("competitions", "Novice") == "make a scored submission to become a Contributor"
    assert t.next_step("competitions", "Expert") == "Master: 1 gold medal, 3 silver medals or better"
    assert t.next_step("competitions", "Master") == "Grandmaster: 5 gold medals, 1 gold medal won alone"
    assert t.next_step("discussion", "Expert") == "Master: 50 silver medals or better, 200 medals in all"
    assert t.next_step("discussion", "Grandmaster") == ""
    assert t.highest({"competitions": "Expert", "discussion": "Master"}) == "Master"


def test_the_documented_thresholds_are_the_code(tmp_path):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "community.md").read_text()
    for category, needs in t.REQUIREMENTS.items():
        for name, need in needs.items():
            assert f"| {category} | {name} | {t.describe(need)} |" in doc, (category, name)
    for category, classes in t.VOTE_MEDALS.items():
        row = " | ".join(str(n) for _, n in classes)
        assert f"| {category} | {row} |" in doc, category
