"""The limits on failed uploads and on kept files, checked before a submission is stored.

Rejected submissions do not count against the daily limit, but a team may make
at most ``FAILED_PER_DAY_FACTOR`` x ``daily_limit`` of them per UTC day; and the
kept files of a team, and of the whole server, stay within their quotas. A file
refused here is not stored; nothing already stored is ever removed.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import weakref
from dataclasses import dataclass

from .config import Settings
from .errors import LimitError, QuotaError
from .limits import FAILED_PER_DAY_FACTOR, SERVER_STORAGE_MB, TEAM_STORAGE_MB
from .store import usage

#: The arena's kept bytes are one sum over every submission, which grows with them. Far from the server
#: quota a total counted at most RECOUNT_SECONDS ago, plus what this process let in since, is used instead:
#: it misses only what other processes stored meanwhile, so it is trusted only while the file would leave
#: more than RECOUNT_MARGIN of the quota free; nearer the quota every check counts again.
RECOUNT_SECONDS = 30.0
RECOUNT_MARGIN = 0.1


@dataclass(frozen=True)
class Quotas:
    team_mb: float = TEAM_STORAGE_MB
    server_mb: float = SERVER_STORAGE_MB
    failed_factor: int = FAILED_PER_DAY_FACTOR

    @classmethod
    def of(cls, settings: Settings) -> "Quotas":
        return cls(team_mb=settings.team_storage_mb or TEAM_STORAGE_MB,
                   server_mb=settings.server_storage_mb or SERVER_STORAGE_MB)

    def check(self, conn, team_id: int, size: int, daily_limit: int, now: dt.datetime) -> usage.TeamUsage:
        """Raise when the team may not store a ``size``-byte submission now; else return what it has used."""
        used = usage.team_usage(conn, team_id, now)
        failed, cap = used.failed_today, self.failed_factor * daily_limit
        if failed >= cap:
            raise LimitError(failed_message(failed, cap, daily_limit, self.failed_factor))
        team = used.stored_bytes
        if team + size > self.team_mb * 1e6:
            raise QuotaError(
                f"your team's kept submission files take {team / 1e6:.1f} MB; this {size / 1e6:.1f} MB file would "
                f"pass the team storage quota of {self.team_mb:g} MB; nothing was stored: ask the arena's admin to "
                "raise team_storage_mb"
            )
        server = _server_bytes(conn, size, self.server_mb * 1e6)
        if server + size > self.server_mb * 1e6:
            raise QuotaError(
                f"the arena's kept submission files take {server / 1e6:.1f} MB; this {size / 1e6:.1f} MB file would "
                f"pass the server storage quota of {self.server_mb:g} MB; nothing was stored: ask the arena's admin "
                "to raise server_storage_mb"
            )
        return used


class _Counted:
    """The arena's kept bytes as last counted in one database, and what this process let in since."""

    def __init__(self):
        self.lock = threading.Lock()
        self.at = -RECOUNT_SECONDS
        self.total = 0


_now = time.monotonic
_counted: "weakref.WeakKeyDictionary[object, _Counted]" = weakref.WeakKeyDictionary()
_counted_lock = threading.Lock()


def _server_bytes(conn, size: int, quota: float) -> int:
    """The arena's kept bytes for a check of a ``size``-byte file against ``quota``: counted in ``conn`` unless
    a recent count leaves room to spare (see RECOUNT_SECONDS)."""
    with _counted_lock:
        counted = _counted.setdefault(conn.engine, _Counted())
    with counted.lock:
        if (_now() - counted.at < RECOUNT_SECONDS
                and counted.total + size <= (1 - RECOUNT_MARGIN) * quota):
            total = counted.total
        else:
            total = usage.stored_bytes(conn)
            counted.at, counted.total = _now(), total
        if total + size <= quota:  # let in: counted until the next count (a check that stores nothing over-counts)
            counted.total += size
        return total


def failed_message(failed: int, cap: int, daily_limit: int, factor: int = FAILED_PER_DAY_FACTOR) -> str:
    return (f"too many rejected submissions today: your team has had {failed} of {cap} "
            f"({factor} x the daily limit of {daily_limit}) per UTC day; fix the problems listed with your "
            "earlier submissions and try again after midnight UTC; this file was not stored")


__all__ = ["Quotas", "failed_message"]
