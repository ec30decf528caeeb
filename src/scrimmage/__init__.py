"""scrimmage: a self-hosted arena of Kaggle-style practice competitions.

The notebook API::

    import scrimmage
    comp = scrimmage.competition("breast-cancer")
    train, test = comp.load()
    comp.submit(predictions, message="baseline")
"""

from __future__ import annotations

from . import metrics
from .errors import HostVisibleError, ParticipantVisibleError, ScrimmageError

__version__ = "0.1.0"

__all__ = [
    "HostVisibleError",
    "ParticipantVisibleError",
    "ScrimmageError",
    "__version__",
    "competition",
    "metrics",
    "profile",
]


def competition(ref: str | None = None, *, user: str | None = None):
    """The competition ``ref`` as a notebook object (see :class:`scrimmage.notebook.Competition`)."""
    from .notebook import Competition

    return Competition.open(ref, user=user)


def profile(name: str | None = None, *, user: str | None = None):
    """A learner's profile (yours by default): results, medals, tiers, tracks, posts."""
    from .arena import Arena

    arena = Arena(user=user)
    return arena.profiles.get(name or arena.settings.user, arena.settings.user)
