"""The public score a submission shows: the one place that decides it, for every face.

On a competition with ``leaderboard = "ladder"`` (Blum & Hardt's parameter-free
Ladder, see :func:`scrimmage.leaderboard.ladder_accepts`) a participant must
never see a raw public score before the close, or the Ladder would only hide
the climb from someone who reads the leaderboard alone. So, until the
competition closes, each submission shows the team's **Ladder score** right
after it: the public score of the team's last submission the Ladder accepted
(the submission itself when it was accepted, else the earlier one it failed
to beat). Once the competition closes, every submission shows its raw public
score. On an ordinary (``kaggle``) leaderboard the raw public score is always
shown.

The submit output, the submissions list (CLI, notebook, web), the JSON API and
the official ``kaggle`` client all read ``SubmissionInfo.public_score``, which
``Arena`` fills from :func:`shown_public_scores`.
"""

from __future__ import annotations

from typing import Iterable


def ladder_hides_raw(leaderboard: str, closed: bool) -> bool:
    """True while a competition shows Ladder scores instead of raw public scores."""
    return leaderboard == "ladder" and not closed


def shown_public_scores(rows: Iterable) -> dict[int, float | None]:
    """``submission id -> shown public score`` for one team's submissions on a Ladder board before close.

    ``rows`` hold ``id``, ``created_at``, ``status``, ``public_score`` and ``ladder_accepted``, in any order.
    """
    shown: dict[int, float | None] = {}
    current = None
    for r in sorted(rows, key=lambda r: (r.created_at, r.id)):
        if r.status == "complete" and r.public_score is not None and r.ladder_accepted:
            current = r.public_score
        shown[r.id] = current if r.status == "complete" else None
    return shown
