"""Shared notebooks ("Code"): notebooks and scripts shared for a competition.

Each push of a notebook (``owner/slug``) is a new version, rendered once to sanitised static
HTML (:mod:`.notebook_files`) and kept with its file under ``notebooks/`` in the arena's store. A
notebook may name one of its author's team's submissions: its page shows that submission's
public score, and the private score after the close. Visibility: ``private`` (the author and
their team), ``competition`` (its participants and host), ``public`` (anyone). Anyone who may
see a notebook may upvote it (once, never their own), comment on it, download any version and
copy it under their own name. After the close the host highlights top solutions. A notebook is
never executed: it shows the outputs its author ran.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..errors import AuthError, ConfigError, ConflictError, ForbiddenError, LimitError, NotFoundError
from ..store import community as cq
from ..store import notebooks as q
from ..store import utcnow
from . import discussion as d
from . import notebook_files as files
from .guards import no_private_score, plain
from .records import Comment, Notebook, NotebookPage, NotebookVersion

VISIBILITIES = ("private", "competition", "public")
SORTS = q.SORTS
MAX_TITLE = 200
MAX_SLUG = 100
MAX_VERSIONS = 100
PAGE = 50
SIGN_IN = "sign in to share, upvote or comment on notebooks"
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?\Z")


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:MAX_SLUG].strip("-")
    return slug or "notebook"


class Notebooks:
    """The shared notebooks of one arena (``arena.notebooks``)."""

    def __init__(self, arena):
        self.arena = arena
        self.store = arena.store
        self.objects = arena.objects  # files under notebooks/ in the arena's store

    # sharing ---------------------------------------------------------------------------
    def push(self, ref: str, user: str, file_name: str, data: bytes, *, slug: str | None = None,
             title: str | None = None, visibility: str | None = None, submission: int | None = None) -> Notebook:
        """Share ``data`` (the file ``file_name``) as a new version of ``user/slug`` for competition ``ref``."""
        return self._push(ref, user, file_name, data, slug=slug, title=title, visibility=visibility,
                          submission=submission)

    def _push(self, ref: str, user: str, file_name: str, data: bytes, *, slug: str | None, title: str | None,
              visibility: str | None, submission: int | None = None, copied_from: int | None = None) -> Notebook:
        comp = self._open(ref)
        if visibility is not None and visibility not in VISIBILITIES:
            raise ConfigError(f"unknown visibility {visibility!r}: use one of {', '.join(VISIBILITIES)}")
        title = check_title(title) if title is not None else None
        slug = check_slug(slug if slug is not None else slugify(title or Path(file_name).stem))
        rendered = files.render(file_name, data)
        with self.store.write() as conn:
            me = self._author(conn, user)
            self._check_no_private_score(conn, me, (title or "") + "\n" + data.decode("utf-8", "replace"),
                                         "this notebook")
            row = q.notebook(conn, me.name, slug)
            cid = self._competition_id(conn, comp.ref)
            if row is None:
                nb_id = q.add_notebook(conn, cid, me.id, slug, title or check_title(Path(file_name).stem),
                                       rendered.kind, visibility or "private", utcnow(), copied_from)
            else:
                if row.competition_id != cid:
                    raise ConflictError(f"your notebook {me.name}/{slug} is shared for {row.competition!r}: "
                                        f"choose another slug (id) for {comp.ref!r}")
                if row.kind != rendered.kind:
                    raise ConflictError(f"{me.name}/{slug} is a {row.kind}: a new version must be a {row.kind} "
                                        "too (or choose another slug)")
                nb_id = row.id
                values = {k: v for k, v in (("title", title), ("visibility", visibility)) if v is not None}
                q.set_notebook(conn, nb_id, **values)
            if submission is not None:
                if q.team_submission(conn, int(submission), cid, me.id) is None:
                    raise NotFoundError(f"submission {submission} is not one of your team's in {comp.ref!r}: "
                                        f"link one from `scrimmage competitions submissions {comp.ref}`")
                q.set_notebook(conn, nb_id, submission_id=int(submission))
            number = q.lock_notebook(conn, nb_id) + 1
            if number > MAX_VERSIONS:
                raise LimitError(f"{me.name}/{slug} has {MAX_VERSIONS} versions, the most a notebook keeps: "
                                 "share this one under another slug")
            self._save_version(conn, me.id, nb_id, number, file_name, data, rendered)
            row = q.notebook_by_id(conn, nb_id, me.id)
        return self._record(row)

    def copy(self, owner: str, slug: str, user: str, new_slug: str | None = None) -> Notebook:
        """"Copy and edit": the latest version of ``owner/slug`` as a new private notebook of ``user``."""
        with self.store.read() as conn:
            me = self._user(conn, user)
            if me is None and (not user or user == "anonymous"):
                raise AuthError(SIGN_IN)
            row = self._row(conn, owner, slug, me)
            latest = q.version(conn, row.id, row.version)
            data = self.objects.read_bytes(latest.path)
            wanted = check_slug(new_slug) if new_slug is not None else slug
            taken = me is not None and q.slug_taken(conn, me.id, wanted)
            if taken and new_slug is not None:
                raise ConflictError(f"you have a notebook {user}/{wanted} already: choose another slug")
            n = 1
            while taken:
                n += 1
                wanted = f"{slug[:MAX_SLUG - 8]}-copy{'' if n == 2 else f'-{n - 1}'}"
                taken = q.slug_taken(conn, me.id, wanted)
        return self._push(row.competition, user, latest.file_name, data, slug=wanted, title=row.title,
                          visibility="private", copied_from=row.id)

    def set_visibility(self, owner: str, slug: str, user: str, visibility: str) -> Notebook:
        if visibility not in VISIBILITIES:
            raise ConfigError(f"unknown visibility {visibility!r}: use one of {', '.join(VISIBILITIES)}")
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._row(conn, owner, slug, me)
            if row.user_id != me.id:
                raise ForbiddenError("only its author can change who sees a notebook")
            q.set_notebook(conn, row.id, visibility=visibility)
            return self._record(q.notebook_by_id(conn, row.id, me.id))

    def highlight(self, owner: str, slug: str, user: str, on: bool = True) -> Notebook:
        """The host (or an admin) marks a top solution, once the competition has closed."""
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._row(conn, owner, slug, me)
            if not self._hosts(conn, me, row.competition_id):
                raise ForbiddenError("only the competition's host or an admin can highlight notebooks")
            if not self.arena.competition(row.competition, full=False).closed:
                raise ConflictError(f"{row.competition!r} is open: highlight top solutions after it closes")
            q.set_notebook(conn, row.id, highlighted=bool(on))
            return self._record(q.notebook_by_id(conn, row.id, me.id))

    # reading -----------------------------------------------------------------------------------
    def list(self, ref: str | None, viewer: str | None = None, sort: str = "votes", mine: bool = False,
             owner: str | None = None, page: int = 1, size: int = PAGE) -> list[Notebook]:
        if sort not in SORTS:
            raise ConfigError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        comp = self._open(ref) if ref is not None else None
        with self.store.read() as conn:
            me = self._user(conn, viewer)
            if mine and me is None:
                if viewer is None:
                    raise AuthError(SIGN_IN)
                return []  # a name without an account yet (a local user who has done nothing): nothing of theirs
            owner_id = me.id if mine else None
            if owner is not None and not mine:
                who = cq.user(conn, owner)
                if who is None:
                    return []
                owner_id = who.id
            teams = q.participations(conn, me.id) if me else {}
            places = sorted(set(teams) | set(q.hosted(conn, me.id))) if me else []
            for cid in q.hosted(conn, me.id) if me else []:
                teams.setdefault(cid, [me.id])
            rows = q.listing(conn, self._competition_id(conn, comp.ref) if comp else None, me.id if me else None,
                             places, teams, bool(me and me.role == "admin"), sort,
                             comp.greater_is_better if comp else True, owner_id, size,
                             (max(1, int(page)) - 1) * size)
        closed: dict[str, bool] = {}
        return [self._record(r, closed) for r in rows]

    def page(self, owner: str, slug: str, viewer: str | None = None) -> NotebookPage:
        with self.store.read() as conn:
            me = self._user(conn, viewer)
            row = self._row(conn, owner, slug, me)
            versions = [_version(v) for v in q.versions(conn, row.id)]
            comments = [Comment(c.id, c.author, None if c.deleted_at else c.body, c.created_at,
                                c.deleted_at is not None) for c in q.comments(conn, row.id)]
            can = self._hosts(conn, me, row.competition_id)
        return NotebookPage(self._record(row), versions, comments, can)

    def get(self, owner: str, slug: str, viewer: str | None = None) -> Notebook:
        with self.store.read() as conn:
            return self._record(self._row(conn, owner, slug, self._user(conn, viewer)))

    def file(self, owner: str, slug: str, viewer: str | None = None,
             version: int | None = None) -> tuple[str, NotebookVersion, Notebook]:
        """The key of a version's file in the arena's store (the latest by default), as shared."""
        with self.store.read() as conn:
            row = self._row(conn, owner, slug, self._user(conn, viewer))
            v = self._version_row(conn, row, version)
        return v.path, _version(v), self._record(row)

    def download(self, owner: str, slug: str, viewer: str | None = None,
                 version: int | None = None) -> tuple[str, bytes, Notebook]:
        """A version's file name and bytes, and the notebook (for ``kernels pull``)."""
        key, v, nb = self.file(owner, slug, viewer, version)
        return v.file_name, self.objects.read_bytes(key), nb

    def rendered(self, owner: str, slug: str, viewer: str | None = None, version: int | None = None) -> str:
        """A version's sanitised HTML page."""
        with self.store.read() as conn:
            row = self._row(conn, owner, slug, self._user(conn, viewer))
            v = self._version_row(conn, row, version)
        return self.objects.read_bytes(v.rendered_path).decode("utf-8")

    # votes and comments ----------------------------------------------------------------------------
    def vote(self, owner: str, slug: str, user: str, up: bool = True) -> int:
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._row(conn, owner, slug, me)
            if row.user_id == me.id:
                raise ForbiddenError("you cannot upvote your own notebook")
            if up and not q.vote(conn, row.id, me.id, utcnow()):
                raise ConflictError("you have upvoted this notebook already")
            if not up and not q.unvote(conn, row.id, me.id):
                raise ConflictError("you have not upvoted this notebook")
            return q.votes_of(conn, row.id)

    def comment(self, owner: str, slug: str, user: str, body: str) -> Comment:
        body = _check_body(body)
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._row(conn, owner, slug, me)
            cq.lock_user(conn, me.id)
            now = utcnow()
            count, oldest = q.comments_since(conn, me.id, now - d.POST_WINDOW)
            if count >= d.MAX_POSTS:
                wait = max(1, int(((oldest + d.POST_WINDOW) - now).total_seconds() // 60) + 1)
                raise LimitError(f"you are commenting too fast: at most {d.MAX_POSTS} comments in "
                                 f"{int(d.POST_WINDOW.total_seconds() // 60)} minutes; try again in {wait} "
                                 f"minute{'s' if wait != 1 else ''}")
            self._check_no_private_score(conn, me, body, "this comment")
            cid = q.add_comment(conn, row.id, me.id, body, now)
            c = q.comment(conn, cid)
        return Comment(c.id, c.author, c.body, c.created_at, False)

    def delete_comment(self, comment_id: int, user: str) -> None:
        with self.store.write() as conn:
            me = self._author(conn, user)
            c = q.comment(conn, _id(comment_id))
            if c is None:
                raise NotFoundError(f"no comment {comment_id}")
            row = q.notebook_by_id(conn, c.notebook_id, me.id)
            self._check_sees(conn, row, me)
            if c.user_id != me.id and not self._hosts(conn, me, row.competition_id):
                raise ForbiddenError("only its author (or the host) can delete a comment")
            if c.deleted_at is None:
                q.delete_comment(conn, c.id, utcnow())

    # rules ---------------------------------------------------------------------------------------------
    def _save_version(self, conn, user_id: int, nb_id: int, number: int, file_name: str, data: bytes,
                      rendered: files.Rendered) -> None:
        folder = f"notebooks/{user_id}/{nb_id}"
        suffix = Path(file_name).suffix.lower()
        rel_file, rel_html = f"{folder}/v{number}{suffix}", f"{folder}/v{number}.html"
        written = []
        try:
            title, kept_name = Path(file_name).name, Path(file_name).name[-200:]
            for rel, content, name in ((rel_file, data, kept_name),
                                       (rel_html, files.document(rendered.html, title).encode(), None)):
                self.objects.put_bytes(rel, content, name=name)
                written.append(rel)
            q.add_version(conn, nb_id, number, utcnow(), file_name=kept_name,
                          path=rel_file, rendered_path=rel_html, size_bytes=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), cells=rendered.cells, note=rendered.note)
        except BaseException:
            for key in written:
                self.objects.delete(key)
            raise

    def _record(self, r, closed: dict[str, bool] | None = None) -> Notebook:
        closed = {} if closed is None else closed
        if r.competition not in closed:
            closed[r.competition] = self.arena.competition(r.competition, full=False).closed
        return Notebook(f"{r.owner}/{r.slug}", r.owner, r.slug, r.competition, r.title, r.kind, r.visibility,
                        r.version, r.votes, r.comments, bool(r.highlighted), r.submission_id, r.public_score,
                        r.private_score if closed[r.competition] else None, r.copied_from_ref, r.created_at,
                        r.updated_at, bool(r.voted))

    def _open(self, ref: str | None):
        if not ref or any(ch < " " for ch in ref):
            raise NotFoundError(f"no competition {ref!r}")
        return self.arena.competition(ref, full=False)

    def _competition_id(self, conn, ref: str) -> int:
        comp = cq.competition(conn, ref)
        if comp is None:
            raise NotFoundError(f"no competition {ref!r}")
        return comp.id

    def _user(self, conn, name: str | None):
        if not name or name == "anonymous":
            return None
        return cq.user(conn, name)

    def _author(self, conn, name: str | None):
        if not name or name == "anonymous":
            raise AuthError(SIGN_IN)
        me = cq.user(conn, name)
        if me is None:
            self.store.ensure_user(conn, name)
            me = cq.user(conn, name)
        if me.suspended_at is not None:
            raise ForbiddenError("your account is suspended: you cannot share or comment; ask an admin")
        return me

    def _check_no_private_score(self, conn, me, text: str, what: str) -> None:
        no_private_score(self.arena, conn, me, text, what)

    def _hosts(self, conn, me, competition_id: int) -> bool:
        return me is not None and (me.role == "admin" or cq.competition_host(conn, competition_id) == me.id)

    def _sees(self, conn, row, me) -> bool:
        if row.visibility == "public":
            return True
        if me is None:
            return False
        if me.role == "admin" or row.user_id == me.id:
            return True
        if row.visibility == "competition":
            return row.competition_id in q.participations(conn, me.id) or self._hosts(conn, me, row.competition_id)
        return me.id in q.team_of(conn, row.competition_id, row.user_id)

    def _check_sees(self, conn, row, me) -> None:
        if row is None or not self._sees(conn, row, me):
            raise NotFoundError("no such notebook, or it is not shared with you")

    def _row(self, conn, owner: str, slug: str, me):
        row = q.notebook(conn, owner, slug, me.id if me else None)
        if row is None or not self._sees(conn, row, me):
            raise NotFoundError(f"no notebook {owner}/{slug}, or it is not shared with you")
        return row

    def _version_row(self, conn, row, number: int | None):
        v = q.version(conn, row.id, row.version if number is None else _id(number))
        if v is None:
            raise NotFoundError(f"{row.owner}/{row.slug} has no version {number} (it has 1 to {row.version})")
        return v


def _id(value) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        return -1
    return value if 0 < value < 2**31 else -1


def check_title(title: str) -> str:
    title = " ".join(plain(title).split())
    if not title:
        raise ConfigError("a notebook needs a title")
    if len(title) > MAX_TITLE:
        raise ConfigError(f"the title is too long: at most {MAX_TITLE} characters (it has {len(title):,})")
    return title


def check_slug(slug: str) -> str:
    if not _SLUG.match(slug or ""):
        raise ConfigError(f"bad notebook slug {slug!r}: use lower-case letters, digits and dashes "
                          f"(at most {MAX_SLUG}), e.g. 'my-first-model'")
    return slug


def _check_body(body: str) -> str:
    body = "".join(ch for ch in (body or "") if ch >= " " or ch in "\t\n\r").strip()
    if not body:
        raise ConfigError("the comment is empty: write something")
    if len(body) > d.MAX_BODY:
        raise ConfigError(f"the comment is too long: at most {d.MAX_BODY:,} characters (it has {len(body):,})")
    return body


def _version(v) -> NotebookVersion:
    return NotebookVersion(v.number, v.file_name, v.size_bytes, v.sha256, v.cells, v.note, v.created_at)
