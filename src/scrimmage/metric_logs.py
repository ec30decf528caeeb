"""The host's metric log, seen from every server of an arena.

Each server appends what a competition's metric file printed to its own log
(``SCRIMMAGE_HOME/logs/REF.metric.log``, see :func:`scrimmage.hostmetric.log_path`) and, after
each scoring that changed it, puts a copy into the arena's store under
``logs/REF/SERVER.metric.log``. The host's page reads the copies of every server, so it shows
what the metric printed whichever server scored.
"""

from __future__ import annotations

import hashlib
import logging
import socket
from pathlib import Path

from .hostmetric import LOG_FILE_LIMIT, log_path, read_log
from .errors import StorageError
from .storage import Storage

LOGS = "logs"
log = logging.getLogger(__name__)


def server_name(home: Path) -> str:
    """This server's name among the arena's: its host name and its home."""
    return f"{socket.gethostname()}-{hashlib.sha256(str(home).encode()).hexdigest()[:8]}"


def publish(objects: Storage, home: Path, ref: str) -> None:
    """Put this server's log of ``ref`` into the store when it changed since it was put there; a store that does
    not answer is noted in the server's own log and the scoring goes on (the next one puts it)."""
    local = log_path(home, ref)
    if not local.is_file():
        return
    key = f"{LOGS}/{ref}/{server_name(home)}.metric.log"
    try:
        kept = objects.head(key)
        if kept is None or kept.size != local.stat().st_size:  # the log only grows (or is cut to half its size)
            objects.put_file(key, local)
    except StorageError as exc:
        log.warning("the metric log of %s was not put into the store: %s", ref, exc.detail)


def read(objects: Storage, home: Path, ref: str, limit: int = 20_000) -> str:
    """The end of what ``ref``'s metric file printed on every server (this one's own log when the store has none)."""
    copies = objects.list(f"{LOGS}/{ref}")
    if not copies:
        return read_log(log_path(home, ref), limit)
    if len(copies) == 1:
        return _tail(objects.read_bytes(copies[0].key), limit)
    each = max(limit // len(copies), 1_000)
    return "".join(f"=== {c.name.removesuffix('.metric.log')} ===\n{_tail(objects.read_bytes(c.key), each)}"
                   for c in sorted(copies, key=lambda c: c.modified))


def _tail(data: bytes, limit: int) -> str:
    return data[-min(limit, LOG_FILE_LIMIT):].decode("utf-8", "replace")


__all__ = ["publish", "read", "server_name"]
