"""Processes a test left running on purpose, found by their command line (``sleep TAG``)."""

from __future__ import annotations

import os
import signal
import time


def sleepers(tag: str) -> list[int]:
    """The ids of every ``sleep TAG`` process on the machine."""
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if fh.read().split(b"\0")[:2] == [b"sleep", tag.encode()]:
                    out.append(int(pid))
        except OSError:
            continue
    return out


def gone(tag: str) -> bool:
    """True once no ``sleep TAG`` is left (waits up to 30 s: a safety net, not a timing)."""
    deadline = time.monotonic() + 30  # the sandbox is torn down as its first process dies
    while sleepers(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not sleepers(tag)


def appears(tag: str, within: float = 300) -> bool:
    """True once a ``sleep TAG`` runs (waits up to ``within`` seconds: a safety net, not a timing)."""
    deadline = time.monotonic() + within
    while not sleepers(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    return bool(sleepers(tag))


def kill(tag: str) -> None:
    for pid in sleepers(tag):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
