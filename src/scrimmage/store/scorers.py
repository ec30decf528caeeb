"""Whether the process scoring a pending submission is still alive, seen from any machine.

A pending submission records its scorer: the host name and the process id. On the scorer's
own machine the process id answers. From another machine (replicas sharing one PostgreSQL
database) only the database can: every process that scores holds, for as long as it lives,
a session advisory lock named after its host and process id, on a connection of its own.
When the process dies its connection ends and the lock is released, so a replica that can
take the lock knows the scorer is gone. The lock is held in shared mode: every store a process
opens on the database (an arena, a CLI command, a test) holds it side by side without waiting
on the others, and a checker's exclusive try still fails while any of them lives.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from ..scratch import pid_alive

#: How often (seconds) the held lock's connection is checked before a scoring: a database restart ends it.
RECHECK_S = 30.0


def lock_key(host: str, pid: int) -> int:
    """The advisory lock (a signed 64-bit number) of the scorer ``pid`` on ``host``."""
    digest = hashlib.sha256(f"scrimmage-scorer\0{host}\0{pid}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Presence:
    """This process's scorer lock on PostgreSQL (nothing elsewhere): taken before its first scoring, held until it ends."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.host, self.pid = socket.gethostname(), os.getpid()
        self._conn: Connection | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def hold(self) -> None:
        if self.engine.dialect.name != "postgresql":
            return
        with self._lock:
            if self._conn is not None and time.monotonic() - self._checked < RECHECK_S:
                return
            if self._conn is not None:
                try:
                    self._conn.execute(text("SELECT 1")).scalar()
                    self._conn.commit()
                    self._checked = time.monotonic()
                    return
                except Exception:  # noqa: BLE001 - the connection ended (a database restart): take the lock again
                    self._conn.invalidate()
                    self._conn = None
            conn = self.engine.connect()
            conn.detach()  # a connection of its own, out of the pool, for the process's life
            conn.execute(text("SELECT pg_advisory_lock_shared(:key)"), {"key": lock_key(self.host, self.pid)})
            conn.commit()  # the lock is the session's: it outlives the transaction
            self._conn, self._checked = conn, time.monotonic()

    def is_gone(self, conn: Connection, host: str | None, pid: int | None) -> bool:
        """True when the scorer ``pid`` on ``host`` has certainly stopped (asked inside a transaction on ``conn``)."""
        if host == self.host:
            return not pid_alive(pid)
        if conn.dialect.name != "postgresql" or pid is None:
            return False
        # the scorer's lock is free only when its connection, hence the scorer, is gone; released at commit
        return bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(host, pid)}).scalar())
