"""The limits on failed uploads and on kept files, checked before a submission is stored.

Rejected submissions do not count against the daily limit, but a team may make
at most ``FAILED_PER_DAY_FACTOR`` x ``daily_limit`` of them per UTC day; and the
kept files of a team, and of the whole server, stay within their quotas. A file
refused here is not stored; nothing already stored is ever removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .config import Settings
from .errors import LimitError, QuotaError
from .limits import FAILED_PER_DAY_FACTOR, SERVER_STORAGE_MB, TEAM_STORAGE_MB
from .store import usage


@dataclass(frozen=True)
class Quotas:
    team_mb: float = TEAM_STORAGE_MB
    server_mb: float = SERVER_STORAGE_MB
    failed_factor: int = FAILED_PER_DAY_FACTOR

    @classmethod
    def of(cls, settings: Settings) -> "Quotas":
        return cls(team_mb=settings.team_storage_mb or TEAM_STORAGE_MB,
                   server_mb=settings.server_storage_mb or SERVER_STORAGE_MB)

    def check(self, conn, team_id: int, size: int, daily_limit: int, now: dt.datetime) -> None:
        """Raise when the team may not store a ``size``-byte submission now."""
        failed, cap = usage.failed_today(conn, team_id, now), self.failed_factor * daily_limit
        if failed >= cap:
            raise LimitError(failed_message(failed, cap, daily_limit, self.failed_factor))
        team = usage.stored_bytes(conn, team_id)
        if team + size > self.team_mb * 1e6:
            raise QuotaError(
                f"your team's kept submission files take {team / 1e6:.1f} MB; this {size / 1e6:.1f} MB file would "
                f"pass the team storage quota of {self.team_mb:g} MB; nothing was stored: ask the arena's admin to "
                "raise team_storage_mb"
            )
        server = usage.stored_bytes(conn)
        if server + size > self.server_mb * 1e6:
            raise QuotaError(
                f"the arena's kept submission files take {server / 1e6:.1f} MB; this {size / 1e6:.1f} MB file would "
                f"pass the server storage quota of {self.server_mb:g} MB; nothing was stored: ask the arena's admin "
                "to raise server_storage_mb"
            )


def failed_message(failed: int, cap: int, daily_limit: int, factor: int = FAILED_PER_DAY_FACTOR) -> str:
    return (f"too many rejected submissions today: your team has had {failed} of {cap} "
            f"({factor} x the daily limit of {daily_limit}) per UTC day; fix the problems listed with your "
            "earlier submissions and try again after midnight UTC; this file was not stored")


__all__ = ["Quotas", "failed_message"]
