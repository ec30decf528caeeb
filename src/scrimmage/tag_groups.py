"""Tags in groups, so a long list of tags reads as a few short filters (the web list page).

A registry: each group names its tags; a tag no group names falls in ``technique``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

#: (group, label, tags) in the order the filters are shown.
GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("task", "Task", frozenset({
        "binary-classification", "multiclass-classification", "regression", "forecasting", "ranking",
        "time-series-classification", "detection"})),
    ("data", "Data", frozenset({
        "tabular", "text", "nlp", "image", "computer-vision", "tabular-pixels", "time-series", "sensors",
        "single-series", "count-data", "categorical", "synthetic"})),
    ("application", "Application", frozenset({
        "advertising", "churn", "customer-analytics", "fairness", "fraud", "healthcare", "marketing",
        "microscopy", "recommender"})),
    ("technique", "Technique", frozenset()),  # every other tag
    ("size", "Size", frozenset({"small-data", "large"})),
    ("level", "Level", frozenset({"beginner", "playground", "lesson"})),
)
DEFAULT_GROUP = "technique"


@dataclass(frozen=True)
class TagGroup:
    name: str
    label: str
    #: (tag, how many competitions carry it), most used first
    tags: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return len(self.tags)


def group_of(tag: str) -> str:
    for name, _, members in GROUPS:
        if tag in members:
            return name
    return DEFAULT_GROUP


def grouped(tag_lists: Iterable[Iterable[str]]) -> list[TagGroup]:
    """The tags of ``tag_lists`` (one list per competition) in their groups, with counts; empty groups left out."""
    counts = Counter(t for tags in tag_lists for t in set(tags))
    out = []
    for name, label, _ in GROUPS:
        mine = sorted(((t, n) for t, n in counts.items() if group_of(t) == name), key=lambda tn: (-tn[1], tn[0]))
        if mine:
            out.append(TagGroup(name, label, tuple(mine)))
    return out
