"""Leaderboards as pure functions: ranking, ties, final selection, medals, shake-up, Ladder.

Input is a list of :class:`Entry` (one per scored submission); nothing here
touches the store.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from .errors import METRIC_UNDEFINED

if TYPE_CHECKING:  # numpy is loaded where it is used: showing a public leaderboard needs none
    import numpy as np


@dataclass(frozen=True)
class Entry:
    submission_id: int
    team_id: int
    team_name: str
    created_at: dt.datetime
    public: float | None
    private: float | None
    selected: bool = False
    ladder_accepted: bool | None = None


@dataclass(frozen=True)
class Row:
    rank: int
    team_id: int
    team_name: str
    score: float
    submission_id: int
    submission_date: dt.datetime
    entries: int
    public_rank: int | None = None
    medal: str | None = None


def _key(score: float, when: dt.datetime, greater: bool):
    return (-score if greater else score, when)


def _better(a: float, b: float, greater: bool) -> bool:
    return a > b if greater else a < b


def _rank(best: dict[int, Entry], field: str, greater: bool, counts: dict[int, int]) -> list[Row]:
    ordered = sorted(best.values(), key=lambda e: (*_key(getattr(e, field), e.created_at, greater), e.submission_id))
    return [
        Row(rank=i, team_id=e.team_id, team_name=e.team_name, score=getattr(e, field),
            submission_id=e.submission_id, submission_date=e.created_at, entries=counts[e.team_id])
        for i, e in enumerate(ordered, start=1)
    ]


def _by_team(entries: Iterable[Entry]) -> dict[int, list[Entry]]:
    teams: dict[int, list[Entry]] = {}
    for e in sorted(entries, key=lambda e: (e.created_at, e.submission_id)):
        teams.setdefault(e.team_id, []).append(e)
    return teams


def public_leaderboard(entries: Sequence[Entry], greater: bool, mode: str = "kaggle",
                       counts: Mapping[int, int] | None = None) -> list[Row]:
    """Each team's best public score; ties go to the earlier submission.

    In ``ladder`` mode a team's shown score is that of its last submission the
    Ladder accepted (see :func:`ladder_accepts`).

    ``counts`` (team id -> scored submissions) lets ``entries`` hold only each
    team's candidates (the store's pre-selection) while rows still show every
    team's number of entries.
    """
    teams = _by_team(e for e in entries if e.public is not None)
    best: dict[int, Entry] = {}
    for team_id, subs in teams.items():
        if mode == "ladder":
            accepted = [e for e in subs if e.ladder_accepted]
            if accepted:
                best[team_id] = accepted[-1]
            continue
        top = subs[0]
        for e in subs[1:]:
            if _better(e.public, top.public, greater):
                top = e
        best[team_id] = top
    return _rank(best, "public", greater, counts or {t: len(s) for t, s in teams.items()})


def final_submissions(subs: Sequence[Entry], n_final: int, greater: bool) -> list[Entry]:
    """The team's selected submissions, or (none selected) its best ``n_final`` public ones."""
    chosen = [e for e in subs if e.selected]
    if chosen:
        return chosen[:n_final]
    scored = [e for e in subs if e.public is not None]
    return sorted(scored, key=lambda e: (*_key(e.public, e.created_at, greater), e.submission_id))[:n_final]


def private_leaderboard(entries: Sequence[Entry], greater: bool, n_final: int, mode: str = "kaggle",
                        counts: Mapping[int, int] | None = None) -> list[Row]:
    """Teams ranked by the best private score among their final submissions, with medals.

    ``counts`` as in :func:`public_leaderboard`: ``entries`` may then hold only
    each team's candidates (selected ones, its best ``n_final`` public ones and,
    in ladder mode, its last accepted one).
    """
    teams = _by_team(entries)
    best: dict[int, Entry] = {}
    for team_id, subs in teams.items():
        finals = [e for e in final_submissions(subs, n_final, greater) if e.private is not None]
        if finals:
            best[team_id] = min(finals, key=lambda e: (*_key(e.private, e.created_at, greater), e.submission_id))
    rows = _rank(best, "private", greater, counts or {t: len(s) for t, s in teams.items()})
    public_rank = {r.team_id: r.rank for r in public_leaderboard(entries, greater, mode)}
    n = len(rows)
    return [
        Row(**{**r.__dict__, "public_rank": public_rank.get(r.team_id), "medal": medal(r.rank, n)})
        for r in rows
    ]


def medal_cutoffs(n_teams: int) -> dict[str, int]:
    """Last rank that earns each medal, by Kaggle's progression thresholds."""
    n = n_teams
    if n < 100:
        return {"gold": math.floor(0.1 * n), "silver": math.floor(0.2 * n), "bronze": math.floor(0.4 * n)}
    if n < 250:
        return {"gold": 10, "silver": math.floor(0.2 * n), "bronze": math.floor(0.4 * n)}
    if n < 1000:
        return {"gold": 10 + math.floor(0.002 * n), "silver": 50, "bronze": 100}
    return {"gold": 10 + math.floor(0.002 * n), "silver": math.floor(0.05 * n), "bronze": math.floor(0.1 * n)}


def medal(rank: int, n_teams: int) -> str | None:
    for name, last in medal_cutoffs(n_teams).items():
        if rank <= last:
            return name
    return None


@dataclass(frozen=True)
class ShakeUp:
    teams: int
    mean_shift: float  # mean |private rank - public rank| / teams
    top_shift: float  # the same over the top 10 % of the private leaderboard
    spearman: float | None


def shake_up(rows: Sequence[Row]) -> ShakeUp:
    pairs = [(r.public_rank, r.rank) for r in rows if r.public_rank is not None]
    n = len(pairs)
    if n == 0:
        return ShakeUp(0, 0.0, 0.0, None)
    import numpy as np

    pub = np.array([p for p, _ in pairs], dtype=float)
    prv = np.array([q for _, q in pairs], dtype=float)
    shift = np.abs(pub - prv) / n
    top = max(1, math.ceil(0.1 * n))
    order = np.argsort(prv)[:top]
    rho = None
    if n >= 2:
        from scipy.stats import spearmanr

        rho = float(spearmanr(pub, prv).statistic)
    return ShakeUp(n, float(shift.mean()), float(shift[order].mean()), rho)


def ladder_accepts(new_losses: np.ndarray, best_losses: np.ndarray | None) -> bool:
    """Parameter-free Ladder (Blum & Hardt 2015) on per-row losses (lower is better).

    Accept when the new mean loss beats the best by more than one standard
    error of the per-row loss difference.
    """
    import numpy as np

    new_losses = np.asarray(new_losses, dtype=float)
    if best_losses is None:
        return True
    diff = new_losses - np.asarray(best_losses, dtype=float)
    n = len(diff)
    if n < 2:
        return bool(diff.mean() < 0)
    return bool(diff.mean() < -diff.std(ddof=1) / math.sqrt(n))


def ladder_accepts_bootstrap(score: Callable[[np.ndarray], float], y_true: np.ndarray, new_pred: np.ndarray,
                             best_pred: np.ndarray, greater: bool, n_boot: int = 200, seed: int = 0) -> bool:
    """Ladder for metrics that are not a mean of per-row losses (AUC, F1, ...).

    Accept when the new score beats the best by more than one bootstrap
    standard error of the score difference over the scored rows.
    """
    import numpy as np

    def diff(idx):
        d = score(y_true[idx], new_pred[idx]) - score(y_true[idx], best_pred[idx])
        return d if greater else -d

    n = len(y_true)
    observed = diff(np.arange(n))
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        try:
            samples.append(diff(idx))
        except METRIC_UNDEFINED:  # a resample with one class only
            continue
    se = float(np.std(samples, ddof=1)) if len(samples) > 1 else 0.0
    return bool(observed > se)
