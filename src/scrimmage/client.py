"""A remote arena over HTTP: the same methods the CLI calls on :class:`~scrimmage.arena.Arena`.

``scrimmage --server URL …`` (or ``scrimmage config set server URL``) makes the
CLI use this instead of the local store; the token comes from ``scrimmage
config set token TOKEN`` (or ``SCRIMMAGE_TOKEN``). Errors arrive as the JSON
envelope and are raised again as :class:`~scrimmage.errors.ScrimmageError`, so
the CLI prints them exactly as it prints local ones; only a request refused for want of a
token is told, in the CLI's words, where to create one and how to give it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from . import wire
from .errors import (
    AuthError,
    ConflictError,
    ForbiddenError,
    LimitError,
    NotFoundError,
    ScoringError,
    ScrimmageError,
)

_BY_STATUS = {401: AuthError, 403: ForbiddenError, 404: NotFoundError, 409: ConflictError, 429: LimitError}


@dataclass(frozen=True)
class RemoteFile:
    """A public file on the server: its name, and ``stat()`` with size and time like a local path."""

    name: str
    size: int
    modified: dt.datetime

    def stat(self):
        return SimpleNamespace(st_size=self.size, st_mtime=self.modified.replace(tzinfo=dt.timezone.utc).timestamp())


class RemoteArena:
    def __init__(self, server: str, token: str | None = None, competition: str | None = None, timeout: float = 600):
        import httpx

        self.server = server.rstrip("/")
        self.default_competition = competition
        self.token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers["Accept"] = "application/json"
        self.http = httpx.Client(base_url=self.server, headers=headers, timeout=timeout, follow_redirects=False)

    @property
    def discussion(self):
        from .community.remote import RemoteDiscussion

        return RemoteDiscussion(self)

    @property
    def profiles(self):
        from .community.remote import RemoteProfiles

        return RemoteProfiles(self)

    @property
    def notebooks(self):
        from .community.remote import RemoteNotebooks

        return RemoteNotebooks(self)

    # the Arena's methods -------------------------------------------------------------
    def list_competitions(self, tag: str | None = None, search: str | None = None):
        params = {k: v for k, v in (("tag", tag), ("search", search)) if v}
        return [wire.competition_from_dict(d) for d in self._get("/api/competitions", params=params)]

    def competition(self, ref: str | None):
        return wire.competition_from_dict(self._get(f"/api/competitions/{self._ref(ref)}"))

    def files(self, ref: str | None) -> list[RemoteFile]:
        return [RemoteFile(d["name"], d["size"], dt.datetime.fromisoformat(d["modified"]))
                for d in self._get(f"/api/competitions/{self._ref(ref)}/files")]

    def download(self, ref: str | None, dest: str | Path, file: str | None = None, on_progress=None) -> list[Path]:
        from .downloads import download_files

        ref = self._ref(ref)
        return download_files(self.files(ref), dest, file,
                              lambda f: self._stream(f"/api/competitions/{ref}/files/{f.name}"), on_progress)

    @contextmanager
    def _stream(self, url: str):
        """The bytes the server answers to GET ``url``, a megabyte at a time (an error answer raises)."""
        with self._call("stream", "GET", url) as resp:
            self._check(resp, stream=True)
            yield resp.iter_bytes(1 << 20)

    def submit(self, ref: str | None, path: str | Path, message: str = "", user: str | None = None):
        path = Path(path)
        if not path.is_file():
            raise NotFoundError(f"no file at {path}: give the path of your submission CSV")
        with open(path, "rb") as fh:
            data = self._json(self._call("request", "POST", f"/api/competitions/{self._ref(ref)}/submissions",
                                         files={"file": (path.name, fh)}, data={"message": message}))
        return wire.submission_from_dict(data)

    def submissions(self, ref: str | None, user: str | None = None):
        return [wire.submission_from_dict(d) for d in self._get(f"/api/competitions/{self._ref(ref)}/submissions")]

    def used_today(self, ref: str | None, user: str | None = None) -> tuple[int, int]:
        """(your team's submissions that count against today's (UTC) limit, the daily limit), from its submissions."""
        from .store import utcnow

        midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        used = sum(1 for s in self.submissions(ref) if s.status != "error" and s.date >= midnight)
        return used, self.competition(ref).daily_limit

    def select(self, ref: str | None, sub_id: int, user: str | None = None, unselect: bool = False):
        resp = self._call("request", "POST", f"/api/competitions/{self._ref(ref)}/submissions/{sub_id}/select",
                          json={"unselect": unselect})
        return wire.submission_from_dict(self._json(resp))

    def leaderboard(self, ref: str | None, private: bool = False, user: str | None = None):
        params = {"private": "true"} if private else {}
        return wire.leaderboard_from_dict(self._get(f"/api/competitions/{self._ref(ref)}/leaderboard", params=params))

    def create_competition(self, folder: str | Path, host: str | None = None):
        folder = Path(folder)
        if not folder.is_dir():
            raise NotFoundError(f"no competition folder at {folder}: give the folder that holds competition.toml")
        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / f"{folder.resolve().name}.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
                for p in sorted(folder.rglob("*")):
                    if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts):
                        zf.write(p, Path(folder.resolve().name) / p.relative_to(folder))
            with open(archive, "rb") as fh:
                resp = self._call("request", "POST", "/api/competitions", files={"bundle": (archive.name, fh)})
        return wire.competition_from_dict(self._json(resp))

    def require_can_create(self, what: str) -> None:
        """Refuse at once, before any work, when the token's user may not create ``what`` on the server."""
        if self._get("/api/me")["role"] not in ("host", "admin"):
            raise ForbiddenError(f"only hosts and admins can create {what} on {self.server}; ask an admin for the "
                                 "host role")

    def close(self, ref: str | None, user: str | None = None):
        return wire.competition_from_dict(self._json(self._call("request", "POST", f"/api/competitions/{self._ref(ref)}/close")))

    # HTTP ----------------------------------------------------------------------------
    def _ref(self, ref: str | None) -> str:
        ref = ref or self.default_competition
        if not ref:
            raise ScrimmageError("no competition given: pass REF, or set a default with "
                                 "`scrimmage config set competition REF`")
        return ref

    def _call(self, how: str, method: str, url: str, **kw):
        import httpx

        try:
            if how == "stream":
                return self.http.stream(method, url, **kw)
            return self.http.request(method, url, **kw)
        except httpx.HTTPError as exc:
            raise ScrimmageError(f"cannot reach the arena server at {self.server} ({exc}); "
                                 "check `scrimmage config set server URL`") from None

    def response(self, method: str, url: str, **kw):
        """The server's answer to a request; an error answer raises its ScrimmageError."""
        resp = self._call("request", method, url, **kw)
        self._check(resp)
        return resp

    def send(self, method: str, url: str, **kw):
        """The JSON the server answers to a request (see :meth:`response`)."""
        return self.response(method, url, **kw).json()

    def _get(self, url: str, **kw):
        return self.send("GET", url, **kw)

    def _json(self, resp):
        self._check(resp)
        return resp.json()

    def _check(self, resp, stream: bool = False) -> None:
        if resp.status_code < 400:
            return
        if stream:
            resp.read()
        try:
            body = resp.json()
            message, problems = body["error"], body.get("errors") or []
        except (ValueError, KeyError, TypeError):  # not our envelope: a proxy's page, say
            message, problems = f"the server at {self.server} answered {resp.status_code} {resp.reason_phrase}", []
        if resp.status_code == 401 and not self.token:  # the server's words are about HTTP headers
            message = (f"the arena server at {self.server} needs your API token: create one on your account page "
                       f"({self.server}/account), then run `scrimmage config set token TOKEN` or set SCRIMMAGE_TOKEN")
        if resp.status_code == 422 and not problems:
            exc = ScoringError(message)
        else:
            exc = _BY_STATUS.get(resp.status_code, ScrimmageError)(message, problems)
        exc.status = resp.status_code
        raise exc


__all__ = ["RemoteArena", "RemoteFile"]
