"""Reference scores: where a submission stands against scrimmage's own pipelines.

Every catalogue competition and every lesson carries the public and private
scores of three reference pipelines fitted on its own split (see
:mod:`scrimmage.references.pipelines` and ``docs/lessons.md``):

* ``constant``: the best constant prediction from the training target;
* ``simple``: a linear model (logistic or ridge regression) on lightly prepared columns;
* ``strong``: histogram gradient boosting.

This module is pure: it reads reference scores from a competition's settings
and places leaderboard rows and submissions among them. Nothing here touches
the store or fits a model.

The medal rule, for a competition with fewer than :data:`FEW_TEAMS` teams
(a learner alone, a small class), on the leaderboard's side (public or private):

* **bronze**: beats the simple model (and the constant baseline);
* **silver**: beats the point halfway from the bronze bar to the gold bar;
* **gold**: beats every reference, the strong model included.

"Beats" means strictly better in the metric's direction; a tie does not beat.
When the strong model is not better than the simple one, the bars meet and
beating the simple model is gold; when the simple model is not better than the
constant baseline (a competition whose signal is in tables to join), the
constant baseline sets the bronze bar.

>>> refs = [Reference("simple", 0.80, 0.79), Reference("strong", 0.90, 0.88)]
>>> reference_medal(0.86, refs, greater=True)
'silver'
>>> standing(0.81, refs, greater=True)
'beats the simple model'
>>> move(public_rank=5, rank=2)
'+3'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

__all__ = [
    "FEW_TEAMS", "LABELS", "NAMES", "BoardRow", "Reference", "beaten", "beats", "board_rows", "from_settings",
    "medal_legend", "move", "reference_medal", "standing", "thresholds",
]

#: The reference pipelines, from the weakest to the strongest.
NAMES = ("constant", "simple", "strong")
#: How each reference is called in tables and messages.
LABELS = {"constant": "constant baseline", "simple": "simple model", "strong": "strong model"}
#: Below this many teams, medals go by reference instead of by team count.
FEW_TEAMS = 20


@dataclass(frozen=True)
class Reference:
    """One reference pipeline's scores on a competition's split."""

    name: str
    public: float | None
    private: float | None
    model: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)

    def score(self, private: bool = False) -> float | None:
        return self.private if private else self.public


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def from_settings(settings: dict | None) -> list[Reference]:
    """The competition's ``reference_scores``, in :data:`NAMES` order (other names after).

    Rows that are not a table with a text ``name`` are skipped; a score that is
    not a finite number is ``None``.
    """
    out = []
    for row in (settings or {}).get("reference_scores") or []:
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            continue
        out.append(Reference(row["name"], _number(row.get("public")), _number(row.get("private")),
                             str(row.get("model") or "")))
    order = {name: i for i, name in enumerate(NAMES)}
    return sorted(out, key=lambda r: order.get(r.name, len(NAMES)))


def beats(score: float | None, other: float | None, greater: bool) -> bool:
    """``score`` is strictly better than ``other``."""
    if score is None or other is None:
        return False
    return score > other if greater else score < other


def _get(refs: Iterable[Reference], name: str, private: bool) -> float | None:
    for r in refs:
        if r.name == name:
            return r.score(private)
    return None


def _bars(refs: Sequence[Reference], greater: bool, private: bool) -> dict[str, tuple[float, str]]:
    """The bronze and the gold bar, each as ``(score, name of the reference that sets it)``.

    Empty when the simple and the strong model are both missing; with only one
    of them, that one serves for both.
    """
    scores = {n: _get(refs, n, private) for n in NAMES}
    if scores["simple"] is None and scores["strong"] is None:
        return {}
    simple = "simple" if scores["simple"] is not None else "strong"
    strong = "strong" if scores["strong"] is not None else "simple"

    def best(*names):
        top = None
        for n in names:
            if scores[n] is not None and (top is None or beats(scores[n], scores[top], greater)):
                top = n
        return top

    bronze = best("constant", simple)
    gold = best(bronze, strong)
    return {"bronze": (scores[bronze], bronze), "gold": (scores[gold], gold)}


def thresholds(refs: Sequence[Reference], greater: bool, private: bool = False) -> dict[str, float]:
    """The score each medal must beat: ``{"bronze": ..., "silver": ..., "gold": ...}``.

    Empty when the simple and the strong model are both missing; with only one
    of them, that one serves for both.
    """
    bars = _bars(refs, greater, private)
    if not bars:
        return {}
    bronze, gold = bars["bronze"][0], bars["gold"][0]
    return {"bronze": bronze, "silver": (bronze + gold) / 2, "gold": gold}


def medal_legend(board) -> str:
    """The line below a leaderboard whose medals go by reference (empty otherwise): the rule in words, as
    :func:`thresholds`' bars stand on the board's side; which reference sets the bronze bar and which the gold
    one, or, when no reference beats the bronze bar's, that the bars meet and beating it is gold."""
    refs, few = _side(board)
    bars = _bars(refs, board.competition.greater_is_better, board.private) if few else {}
    if not bars:
        return ""
    bronze, gold = (LABELS[bars[medal][1]] for medal in ("bronze", "gold"))
    if bars["gold"][1] == bars["bronze"][1]:
        rule = (f"no reference beats the {bronze}, so the bars meet: gold beats it, and with it every reference; "
                "there is no silver or bronze.")
    else:
        rule = f"bronze beats the {bronze}, silver is halfway from there to the {gold}, gold beats every reference."
    return f"Medals by reference (fewer than {FEW_TEAMS} teams): {rule}"


def reference_medal(score: float | None, refs: Sequence[Reference], greater: bool,
                    private: bool = False) -> str | None:
    """``gold``, ``silver``, ``bronze`` or ``None`` for ``score`` by the rule above."""
    cut = thresholds(refs, greater, private)
    if not cut or score is None:
        return None
    if beats(score, cut["gold"], greater):
        return "gold"
    if beats(score, cut["silver"], greater):
        return "silver"
    if beats(score, cut["bronze"], greater):
        return "bronze"
    return None


def beaten(score: float | None, refs: Sequence[Reference], greater: bool, private: bool = False) -> list[str]:
    """The names of the references ``score`` beats."""
    return [r.name for r in refs if beats(score, r.score(private), greater)]


def standing(score: float | None, refs: Sequence[Reference], greater: bool, private: bool = False) -> str:
    """Where ``score`` stands in words: the strongest reference it beats."""
    if score is None:
        return ""
    scored = [r for r in refs if r.score(private) is not None]
    if not scored:
        return ""
    won = set(beaten(score, scored, greater, private))
    for r in reversed(scored):
        if r.name in won:
            return f"beats the {r.label}"
    return f"does not beat the {scored[0].label}"


def move(public_rank: int | None, rank: int | None) -> str:
    """The public-to-private move of a team: ``+3`` (up three places), ``-2``, ``0``."""
    if public_rank is None or rank is None:
        return ""
    d = public_rank - rank
    return f"+{d}" if d > 0 else str(d)


@dataclass(frozen=True)
class BoardRow:
    """A leaderboard row for display: a team's, or a reference's (``is_reference``)."""

    rank: int | None
    team_id: int | None
    team_name: str
    submission_date: Any
    score: float | None
    entries: int | None
    public_rank: int | None = None
    move: str = ""
    medal: str | None = None
    by_reference: str = ""
    is_reference: bool = False


def board_rows(board) -> list[BoardRow]:
    """A :class:`~scrimmage.records.Leaderboard` with its references interleaved by score.

    The teams keep their rank; each reference sits below every team it does not
    beat (and above the others), marked ``is_reference``, with no rank. With
    fewer than :data:`FEW_TEAMS` teams and reference scores present, each team's
    ``medal`` is its medal by reference and ``by_reference`` says where it stands
    (e.g. ``"silver: beats the simple model"``); otherwise ``medal`` stays the
    leaderboard's own (by team count, private leaderboard only).
    """
    greater = board.competition.greater_is_better
    private = board.private
    refs, few = _side(board)
    teams = []
    for r in board.rows:
        medal = r.medal if private else None
        by_ref = ""
        if few:
            medal = reference_medal(r.score, refs, greater, private)
            by_ref = standing(r.score, refs, greater, private)
            by_ref = f"{medal}: {by_ref}" if medal else by_ref
        teams.append(BoardRow(r.rank, r.team_id, r.team_name, r.submission_date, r.score, r.entries,
                              r.public_rank if private else None, move(r.public_rank, r.rank) if private else "",
                              medal, by_ref))
    out: list[BoardRow] = []
    pending = sorted(refs, key=lambda ref: ref.score(private), reverse=greater)
    for row in teams:
        while pending and beats(pending[0].score(private), row.score, greater):
            out.append(_reference_row(pending.pop(0), private))
        out.append(row)
    out.extend(_reference_row(ref, private) for ref in pending)
    return out


def _side(board) -> tuple[list[Reference], bool]:
    """The references scored on the board's side, and whether its medals go by them (fewer than FEW_TEAMS teams)."""
    comp = board.competition
    refs = [r for r in from_settings(comp.settings) if r.score(board.private) is not None]
    n_teams = max(len(board.rows), getattr(comp, "team_count", 0) or 0)
    return refs, bool(refs) and n_teams < FEW_TEAMS


def _reference_row(ref: Reference, private: bool) -> BoardRow:
    return BoardRow(None, None, f"reference: {ref.label}", None, ref.score(private), None, is_reference=True)
