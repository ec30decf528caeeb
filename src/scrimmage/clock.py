"""The arena's clock: times are naive UTC everywhere (in the store, the records and the faces)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now, as naive UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
