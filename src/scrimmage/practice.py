"""What the built-in catalogue competitions are, said plainly wherever one is shown.

They are built from public data sets whose test labels anyone can read in the source
package, so their leaderboards are practice on your honour, never a contest.
"""

from __future__ import annotations

HONOUR_NOTICE = (
    "Practice on your honour: this competition is built from a public data set, and anyone can read its "
    "test labels in the source package. Its leaderboard is not a contest and proves nothing about a model "
    "unless you play fair."
)


def is_catalogue(ref: str) -> bool:
    """Whether ``ref`` is one of the built-in catalogue competitions."""
    from . import catalog

    return ref in catalog.refs()


def honour_notice(ref: str) -> str | None:
    """The notice to show beside competition ``ref``, or None when it is not a catalogue competition."""
    return HONOUR_NOTICE if is_catalogue(ref) else None


__all__ = ["HONOUR_NOTICE", "is_catalogue", "honour_notice"]
