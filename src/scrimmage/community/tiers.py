"""Progression tiers, counted the way Kaggle counts them: medals per category of work.

Each category has five tiers — Novice, Contributor, Expert, Master, Grandmaster — reached
independently; the highest one is a learner's headline tier. A medal of a higher class also
counts toward a requirement for a lower one ("2 bronze" is met by a silver and a bronze).

>>> tier("competitions", {"gold": 0, "silver": 1, "bronze": 1}, active=True)
'Expert'
>>> tier("competitions", {"gold": 1, "silver": 2, "bronze": 0}, active=True)
'Master'
>>> tier("discussion", {"gold": 0, "silver": 0, "bronze": 3}, active=True)
'Contributor'
>>> medal_for_votes("discussion", 5), medal_for_votes("notebooks", 5), medal_for_votes("notebooks", 4)
('silver', 'bronze', None)
"""

from __future__ import annotations

TIERS = ("Novice", "Contributor", "Expert", "Master", "Grandmaster")
CLASSES = ("gold", "silver", "bronze")

#: Votes a post or a notebook needs for each medal (Kaggle's thresholds), best class first.
VOTE_MEDALS = {
    "discussion": (("gold", 10), ("silver", 5), ("bronze", 1)),
    "notebooks": (("gold", 50), ("silver", 20), ("bronze", 5)),
}

#: What each tier above Contributor needs, per category: {medal class: at least N of that class
#: or better}, and "total": at least N medals of any class. Contributor: any work at all
#: (a scored submission, a post, a notebook). Competition medals count once a competition closes;
#: Grandmaster also needs one gold won alone ("solo_gold").
REQUIREMENTS = {
    "competitions": {
        "Expert": {"bronze": 2},
        "Master": {"gold": 1, "silver": 3},  # 1 gold and 2 silver: three of silver or better
        "Grandmaster": {"gold": 5, "solo_gold": 1},
    },
    "notebooks": {
        "Expert": {"bronze": 5},
        "Master": {"silver": 10},
        "Grandmaster": {"gold": 15},
    },
    "discussion": {
        "Expert": {"bronze": 50},
        "Master": {"silver": 50, "total": 200},
        "Grandmaster": {"gold": 50, "total": 500},
    },
}
CATEGORIES = tuple(REQUIREMENTS)


def at_least(medals: dict, cls: str) -> int:
    """Medals of class ``cls`` or better."""
    return sum(medals.get(c, 0) for c in CLASSES[: CLASSES.index(cls) + 1])


def meets(medals: dict, need: dict) -> bool:
    for key, n in need.items():
        have = (sum(medals.get(c, 0) for c in CLASSES) if key == "total"
                else medals.get(key, 0) if key == "solo_gold" else at_least(medals, key))
        if have < n:
            return False
    return True


def tier(category: str, medals: dict, active: bool) -> str:
    """The tier ``medals`` reach in ``category``; ``active``: the learner did any work there."""
    reached = "Contributor" if active else "Novice"
    for name in ("Expert", "Master", "Grandmaster"):
        if active and meets(medals, REQUIREMENTS[category][name]):
            reached = name
    return reached


def medal_for_votes(category: str, votes: int) -> str | None:
    for cls, n in VOTE_MEDALS[category]:
        if votes >= n:
            return cls
    return None


def highest(tiers: dict[str, str]) -> str:
    return max(tiers.values(), key=TIERS.index, default="Novice")


def describe(need: dict) -> str:
    """A requirement in words: ``{"gold": 1, "silver": 3}`` -> "1 gold medal, 3 silver medals or better"."""
    parts = []
    for key, n in need.items():
        plural = "s" if n != 1 else ""
        if key == "total":
            parts.append(f"{n} medal{plural} in all")
        elif key == "solo_gold":
            parts.append(f"{n} gold medal{plural} won alone")
        else:
            parts.append(f"{n} {key} medal{plural}" + (" or better" if key != "gold" else ""))
    return ", ".join(parts)


def next_step(category: str, current: str) -> str:
    """What the next tier in ``category`` needs, in words ('' at the top)."""
    i = TIERS.index(current)
    if i + 1 >= len(TIERS):
        return ""
    nxt = TIERS[i + 1]
    if nxt == "Contributor":
        return {"competitions": "make a scored submission", "notebooks": "share a notebook",
                "discussion": "post in a discussion"}[category] + " to become a Contributor"
    return f"{nxt}: {describe(REQUIREMENTS[category][nxt])}"
