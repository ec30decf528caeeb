"""Names a team may not take: those that read as one of the reference rows of a leaderboard.

The leaderboards show the reference pipelines among the teams as ``reference: strong model``
and so on; a team named like one would pass itself off as the yardstick.
"""

from __future__ import annotations

import re
import unicodedata

IMITATION = ("the name {name!r} reads like a reference row of the leaderboard ({label}); "
             "choose a name that does not start with \"reference\" or copy a reference's label")


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def imitated_reference(name: str) -> str | None:
    """The reference row label that ``name`` imitates, or None when it imitates none."""
    from .references import LABELS

    plain = _plain(name)
    if plain == "ref" or plain.startswith(("reference", "ref ")):
        return "reference: ..."
    for label in LABELS.values():
        if plain == _plain(label):
            return f"reference: {label}"
    return None


def check_team_name(name: str) -> None:
    """Raise :class:`~scrimmage.errors.ConflictError` when ``name`` imitates a reference row."""
    from .errors import ConflictError

    label = imitated_reference(name)
    if label:
        raise ConflictError(IMITATION.format(name=name, label=label))


__all__ = ["check_team_name", "imitated_reference", "IMITATION"]
