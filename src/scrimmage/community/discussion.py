"""Discussion: a forum per competition and one for the whole site.

Topics open with a post; replies follow. Authors edit (the text before each edit is kept)
and delete (softly: the thread keeps its place, the text is gone). Anyone signed in upvotes
others' posts, once each, and reports a post; the competition's host and the admins pin,
lock and hide topics and posts and see the reports. Posting is limited per user. Search is
the database's own full-text index. Nothing here shows a score; a host or admin (who can see
private scores) cannot post one of them before the close.
"""

from __future__ import annotations

import datetime as dt

from ..errors import AuthError, ConfigError, ConflictError, ForbiddenError, LimitError, NotFoundError
from ..store import community as q
from ..store import forum_search, utcnow
from .guards import no_private_score, plain
from .records import Edit, Hit, NewItem, Post, Report, Thread, Topic

MAX_TITLE = 200
MAX_BODY = 50_000
MAX_REASON = 500
MAX_QUERY = 200
#: Different words one search may have (each is a lookup in the full-text index).
MAX_SEARCH_WORDS = 16
#: Posts (topics and replies) one user may write within POST_WINDOW.
MAX_POSTS = 10
#: Edits one user may make within POST_WINDOW (each keeps the text before it).
MAX_EDITS = 30
POST_WINDOW = dt.timedelta(minutes=10)
PAGE = 50
#: The last page a list goes to: past it a page is empty (and its offset stays a 64-bit integer).
MAX_PAGE = 100_000
SORT_NAMES = ("active", "new", "votes")
#: Who the server acts as for a visitor without an account (see accounts.ANONYMOUS).
_NOBODY = "anonymous"
SIGN_IN = "sign in to take part in the discussion"


class Discussion:
    """The discussion service of one arena (``arena.discussion``)."""

    def __init__(self, arena):
        self.arena = arena
        self.store = arena.store

    # reading ---------------------------------------------------------------------------
    def topics(self, ref: str | None, viewer: str | None = None, sort: str = "active",
               page: int = 1) -> tuple[list[Topic], int]:
        """One page of a discussion's topics (pinned first), and how many there are."""
        self._open(ref)
        if sort not in SORT_NAMES:
            raise ConfigError(f"unknown sort {sort!r}: use one of {', '.join(SORT_NAMES)}")
        page = _page(page)
        with self.store.read() as conn:
            cid, mod = self._scope(conn, ref, viewer)
            rows = q.topics(conn, cid, sort, mod, PAGE, (page - 1) * PAGE)
            total = q.count_topics(conn, cid, mod)
        return [_topic(r) for r in rows], total

    def thread(self, topic_id: int, viewer: str | None = None, page: int = 1) -> Thread:
        with self.store.read() as conn:
            row = self._topic_row(conn, topic_id, viewer)
            me = self._user(conn, viewer)
            mod = self._moderates(conn, me, row.competition_id)
            rows = q.posts(conn, topic_id, me.id if me else None, PAGE * 4, (_page(page) - 1) * PAGE * 4)
        posts = [_post(r, mod) for r in rows if mod or not r.hidden or (me is not None and r.user_id == me.id)]
        signed_in = me is not None
        return Thread(_topic(row), posts, mod, signed_in and (mod or not row.locked))

    def post(self, post_id: int, viewer: str | None = None) -> Post:
        """One post ``viewer`` can see, wherever it is in its thread."""
        with self.store.read() as conn:
            row = self._post_row(conn, post_id, viewer)
            me = self._user(conn, viewer)
            mod = self._moderates(conn, me, q.topic(conn, row.topic_id).competition_id)
            return _post(q.post(conn, row.id, me.id if me else None), mod)

    def topic_of(self, post_id: int, viewer: str | None = None) -> int:
        """The topic of a post ``viewer`` can see."""
        with self.store.read() as conn:
            return self._post_row(conn, post_id, viewer).topic_id

    def history(self, post_id: int, viewer: str | None = None) -> list[Edit]:
        """The texts a post had before each edit, newest first."""
        with self.store.read() as conn:
            row = self._post_row(conn, post_id, viewer)
            if row.deleted_at is not None:
                return []
            return [Edit(r.editor, r.edited_at, r.title, r.body) for r in q.edits(conn, row.id)]

    def search(self, query: str, viewer: str | None = None, ref: str | None = None, everywhere: bool = False,
               limit: int = 20) -> list[Hit]:
        """Posts whose text or topic title match ``query``, best first (the database's full-text search)."""
        self._open(ref)
        query = plain(query).strip()
        if not query:
            raise ConfigError("search for something: give a few words")
        if len(query) > MAX_QUERY:
            raise ConfigError(f"the search is too long: at most {MAX_QUERY} characters")
        terms = forum_search.parse(query)
        if len(terms.words) > MAX_SEARCH_WORDS:
            raise ConfigError(f"the search has too many different words: at most {MAX_SEARCH_WORDS} "
                              f"(it has {len(terms.words)}); leave some out")
        from .markup import excerpt

        with self.store.read() as conn:
            cid, _ = self._scope(conn, ref, viewer) if not everywhere else (None, False)
            rows = forum_search.search(conn, terms, cid, everywhere, max(1, min(int(limit), 100)))
        return [Hit(r.topic_id, r.post_id, r.competition, r.title, r.author, excerpt(r.body), r.created_at)
                for r in rows]

    # writing ---------------------------------------------------------------------------------
    def create_topic(self, ref: str | None, user: str, title: str, body: str) -> Thread:
        self._open(ref)
        title, body = _check_title(title), _check_body(body)
        with self.store.write() as conn:
            me = self._author(conn, user)
            cid, mod = self._scope(conn, ref, user)
            self._check_rate(conn, me.id)
            self._check_no_private_score(conn, me, title + "\n" + body)
            topic_id, _ = q.add_topic(conn, cid, me.id, title, body, utcnow())
        return self.thread(topic_id, user)

    def reply(self, topic_id: int, user: str, body: str) -> Post:
        body = _check_body(body)
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._topic_row(conn, topic_id, user)
            mod = self._moderates(conn, me, row.competition_id)
            if row.locked and not mod:
                raise ForbiddenError("this topic is locked: it takes no more replies")
            self._check_rate(conn, me.id)
            self._check_no_private_score(conn, me, body)
            post_id = q.add_reply(conn, topic_id, me.id, body, utcnow())
            return _post(q.post(conn, post_id, me.id), mod)

    def edit(self, post_id: int, user: str, body: str, title: str | None = None) -> Post:
        """Change a post's text (and its topic's title, for the opening post); the old text is kept."""
        body = _check_body(body)
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._post_row(conn, post_id, user)
            if row.user_id != me.id:
                raise ForbiddenError("only its author can edit a post")
            if row.deleted_at is not None:
                raise ConflictError("this post was deleted: it cannot be edited")
            if title is not None:
                if not row.opening:
                    raise ConfigError("only a topic's opening post has a title")
                title = _check_title(title)
            topic = q.topic(conn, row.topic_id)
            mod = self._moderates(conn, me, topic.competition_id)
            self._check_rate(conn, me.id, editing=True)
            self._check_no_private_score(conn, me, (title or "") + "\n" + body)
            q.edit_post(conn, row, me.id, body, title, utcnow())
            return _post(q.post(conn, post_id, me.id), mod)

    def delete(self, post_id: int, user: str) -> None:
        """The author deletes a post: its place in the thread stays, its text goes (deleting an
        opening post removes its topic from the lists)."""
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._post_row(conn, post_id, user)
            if row.user_id != me.id:
                raise ForbiddenError("only its author can delete a post (hosts hide posts instead)")
            if row.deleted_at is not None:
                return
            now = utcnow()
            q.set_post(conn, post_id, deleted_at=now)
            if row.opening:
                q.set_topic(conn, row.topic_id, deleted_at=now)

    def vote(self, post_id: int, user: str, up: bool = True) -> int:
        """Upvote a post (once per user, never your own), or take the upvote back; the new count."""
        with self.store.write() as conn:
            me = self._author(conn, user)
            row = self._post_row(conn, post_id, user)
            if row.user_id == me.id:
                raise ForbiddenError("you cannot upvote your own post")
            if row.deleted_at is not None:
                raise ConflictError("this post was deleted")
            if up and not q.vote(conn, post_id, me.id, utcnow()):
                raise ConflictError("you have upvoted this post already")
            if not up and not q.unvote(conn, post_id, me.id):
                raise ConflictError("you have not upvoted this post")
            return q.post(conn, post_id).votes

    def report(self, post_id: int, user: str, reason: str) -> None:
        reason = " ".join(plain(reason).split())
        if not reason:
            raise ConfigError("say why you report this post (a few words for the host)")
        if len(reason) > MAX_REASON:
            raise ConfigError(f"the reason is too long: at most {MAX_REASON} characters")
        with self.store.write() as conn:
            me = self._author(conn, user)
            self._post_row(conn, post_id, user)
            if not q.report(conn, post_id, me.id, reason, utcnow()):
                raise ConflictError("you have reported this post already; the host will look at it")

    # moderation --------------------------------------------------------------------------------
    def moderate_topic(self, topic_id: int, user: str, *, pinned: bool | None = None, locked: bool | None = None,
                       hidden: bool | None = None) -> Topic:
        with self.store.write() as conn:
            row = self._topic_row(conn, topic_id, user)
            self._require_moderator(conn, user, row.competition_id)
            values = {k: v for k, v in (("pinned", pinned), ("locked", locked), ("hidden", hidden)) if v is not None}
            if values:
                q.set_topic(conn, topic_id, **values)
                if "hidden" in values:
                    q.set_post(conn, row.opening_id, hidden=values["hidden"])
            return _topic(q.topic(conn, topic_id))

    def moderate_post(self, post_id: int, user: str, hidden: bool) -> None:
        with self.store.write() as conn:
            row = self._post_row(conn, post_id, user)
            topic = q.topic(conn, row.topic_id)
            self._require_moderator(conn, user, topic.competition_id)
            q.set_post(conn, post_id, hidden=hidden)
            if row.opening:
                q.set_topic(conn, row.topic_id, hidden=hidden)
            q.resolve_reports(conn, post_id, utcnow())

    def reports(self, ref: str | None, user: str) -> list[Report]:
        """Reported posts not yet dealt with: a host sees their competition's, an admin everyone's."""
        self._open(ref)
        with self.store.read() as conn:
            me = self._user(conn, user)
            if ref is None:
                if me is None or me.role != "admin":
                    raise ForbiddenError("only an admin sees the reports of the whole site")
                rows = q.open_reports(conn, None, everywhere=True)
            else:
                cid, _ = self._scope(conn, ref, user)
                self._require_moderator(conn, user, cid)
                rows = q.open_reports(conn, cid, everywhere=False)
        return [Report(r.id, r.post_id, r.topic_id, r.competition, r.title, r.author, r.reporter, r.reason,
                       r.created_at, bool(r.hidden)) for r in rows]

    # what's new -----------------------------------------------------------------------------------
    def whats_new(self, user: str, ref: str | None = None, mark: bool = True, limit: int = 100) -> list[NewItem]:
        """What changed since the user's last visit: new topics and replies in the competitions they
        joined (or in ``ref`` alone) and the site forum, and replies in topics they posted in."""
        self._open(ref)
        from .markup import excerpt

        with self.store.write() as conn:
            me = self._author(conn, user)
            seen = q.seen(conn, me.id)
            if ref is not None:
                cid, _ = self._scope(conn, ref, user)
                places = {cid: (ref, me.created_at)}
            else:
                places = {cid: (cref, me.created_at) for cid, cref in q.involved(conn, me.id).items()}
                places.update(q.joined(conn, me.id))
                places[None] = ("", me.created_at)
            since = {cid: seen.get(scope or "", start) for cid, (scope, start) in places.items()}
            rows = q.new_posts(conn, me.id, since, limit)
            if mark:
                now = utcnow()
                for scope, _ in places.values():
                    q.mark_seen(conn, me.id, scope or "", now)
        out = []
        for r in rows:
            kind = "topic" if r.opening else ("reply-to-you" if r.replied_to_me else "reply")
            out.append(NewItem(kind, r.topic_id, r.post_id, r.competition, r.title, r.author, r.created_at,
                               excerpt(r.body)))
        return out

    def feed(self, ref: str | None, base_url: str, limit: int = 50) -> str:
        """An Atom feed of a discussion's newest posts."""
        self._open(ref)
        from .feed import atom

        with self.store.read() as conn:
            cid, _ = self._scope(conn, ref, None)
            rows = q.recent(conn, cid, limit)
        return atom(ref, rows, base_url)

    # rules --------------------------------------------------------------------------------------------
    def _user(self, conn, name: str | None):
        if not name or name == _NOBODY or plain(name) != name:
            return None
        return q.user(conn, name)

    def _author(self, conn, name: str | None):
        """The signed-in user who acts; a local user is made on first use, as for submissions."""
        if not name or name == _NOBODY:
            raise AuthError(SIGN_IN)
        me = q.user(conn, name)
        if me is None:
            self.store.ensure_user(conn, name)
            me = q.user(conn, name)
        if getattr(me, "suspended_at", None) is not None:
            raise ForbiddenError("your account is suspended: you cannot post; ask an admin")
        return me

    def _scope(self, conn, ref: str | None, viewer: str | None) -> tuple[int | None, bool]:
        """A discussion's competition id (None: the site forum) and whether ``viewer`` moderates it."""
        me = self._user(conn, viewer)
        if ref is None:
            return None, me is not None and me.role == "admin"
        comp = q.competition(conn, ref)
        if comp is None:
            raise NotFoundError(f"no competition {ref!r}")
        return comp.id, self._moderates(conn, me, comp.id)

    def _open(self, ref: str | None) -> None:
        """Make sure ``ref`` exists before a transaction starts: a catalogue competition is built
        on first use (which writes), and an unknown ref gets the list of known ones."""
        if ref is not None:
            if plain(ref) != ref:
                raise NotFoundError(f"no competition {ref!r}")
            self.arena.competition(ref, full=False)

    def _moderates(self, conn, me, competition_id: int | None) -> bool:
        if me is None:
            return False
        if me.role == "admin":
            return True
        if competition_id is None:
            return False
        return q.competition_host(conn, competition_id) == me.id

    def _require_moderator(self, conn, user: str | None, competition_id: int | None) -> None:
        if not self._moderates(conn, self._user(conn, user), competition_id):
            where = "the site forum" if competition_id is None else "this competition's discussion"
            raise ForbiddenError(f"only {'an admin' if competition_id is None else 'the host or an admin'} "
                                 f"can moderate {where}")

    def _topic_row(self, conn, topic_id: int, viewer: str | None):
        row = q.topic(conn, _id(topic_id))
        if row is None or row.deleted_at is not None:
            raise NotFoundError(f"no topic {topic_id}")
        if row.hidden and not self._moderates(conn, self._user(conn, viewer), row.competition_id):
            raise NotFoundError(f"no topic {topic_id}")
        return row

    def _post_row(self, conn, post_id: int, viewer: str | None):
        row = q.post(conn, _id(post_id))
        if row is None:
            raise NotFoundError(f"no post {post_id}")
        topic = self._topic_row(conn, row.topic_id, viewer)
        me = self._user(conn, viewer)
        if row.hidden and not (self._moderates(conn, me, topic.competition_id) or (me and me.id == row.user_id)):
            raise NotFoundError(f"no post {post_id}")
        return row

    def _check_rate(self, conn, user_id: int, editing: bool = False) -> None:
        q.lock_user(conn, user_id)
        now = utcnow()
        count, oldest = (q.edits_since if editing else q.posts_since)(conn, user_id, now - POST_WINDOW)
        limit, doing, what = (MAX_EDITS, "editing", "edits") if editing else (MAX_POSTS, "posting", "posts")
        if count >= limit:
            wait = max(1, int(((oldest + POST_WINDOW) - now).total_seconds() // 60) + 1)
            raise LimitError(f"you are {doing} too fast: at most {limit} {what} in "
                             f"{int(POST_WINDOW.total_seconds() // 60)} minutes; try again in {wait} minute"
                             f"{'s' if wait != 1 else ''}")

    def _check_no_private_score(self, conn, me, text: str) -> None:
        no_private_score(self.arena, conn, me, text, "this post")


def _id(value) -> int:
    """A topic or post id from a path: anything that is not a 64-bit id finds nothing."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        return -1
    return value if 0 < value < 2**63 else -1


def _page(value) -> int:
    """A page number from a query: 1 up to MAX_PAGE (a page past the end is empty, never an error)."""
    return max(1, min(int(value), MAX_PAGE))


def _check_title(title: str) -> str:
    title = " ".join(plain(title).split())
    if not title:
        raise ConfigError("a topic needs a title")
    if len(title) > MAX_TITLE:
        raise ConfigError(f"the title is too long: at most {MAX_TITLE} characters (it has {len(title):,})")
    return title


def _check_body(body: str) -> str:
    body = plain(body).strip()
    if not body:
        raise ConfigError("the post is empty: write something")
    if len(body) > MAX_BODY:
        raise ConfigError(f"the post is too long: at most {MAX_BODY:,} characters (it has {len(body):,})")
    return body


def _topic(r) -> Topic:
    return Topic(r.id, r.competition, r.title, r.author, r.created_at, r.last_post_at, r.reply_count, r.votes,
                 bool(r.pinned), bool(r.locked), bool(r.hidden))


def _post(r, moderator: bool) -> Post:
    deleted = r.deleted_at is not None
    body = None if deleted else r.body
    return Post(r.id, r.topic_id, r.author, body, r.votes, r.created_at, r.edited_at, bool(r.opening),
                bool(r.hidden), deleted, bool(r.voted))
