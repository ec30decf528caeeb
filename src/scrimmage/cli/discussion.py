"""``scrimmage discussion``: read and take part in a competition's discussion (or the site forum)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from . import cli
from ._output import echo, table
from .competitions import arena

csv_option = click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
site_option = click.option("--site", is_flag=True, help="The site-wide forum instead of a competition's discussion.")


def _ref(a, ref: str | None, site: bool) -> str | None:
    """The discussion meant: the site forum, REF, or the default competition."""
    if site:
        if ref:
            raise ConfigError("give REF or --site, not both")
        return None
    ref = ref or _default(a)
    if not ref:
        raise ConfigError("no competition given: pass REF, --site for the site forum, or set a default with "
                          "`scrimmage config set competition REF`")
    return ref


def _default(a) -> str | None:
    """The competition of `scrimmage config set competition` (local or remote)."""
    return a.settings.competition if hasattr(a, "settings") else a.default_competition


def _me(a) -> str | None:
    return a.settings.user if hasattr(a, "settings") else None  # remote: the server knows the token's user


def _text(message: str | None, file: str | None, what: str = "text") -> str:
    if bool(message) == bool(file):
        raise ConfigError(f"give the {what} with -m TEXT or -f FILE (one of them)")
    if file:
        path = Path(file)
        if not path.is_file():
            raise ConfigError(f"no file at {path}: give the path of a markdown file")
        return path.read_text(encoding="utf-8", errors="replace")
    return message


@cli.group()
def discussion():
    """Discuss a competition (or the whole arena with --site): topics, replies, votes, search."""


@discussion.command("list")
@click.argument("ref", required=False)
@site_option
@click.option("--sort", type=click.Choice(["active", "new", "votes"]), default="active", show_default=True)
@click.option("--page", type=click.IntRange(1), default=1)
@click.option("--new", "new", is_flag=True, help="Only what changed since your last visit (and mark it seen).")
@csv_option
def list_(ref, site, sort, page, new, as_csv):
    """List the topics (pinned first), or with --new what changed since your last visit."""
    a = arena()
    if new:
        # REF (or the default competition) alone; else everything the user takes part in
        where = None if site or not (ref or _default(a)) else _ref(a, ref, site)
        items = a.discussion.whats_new(_me(a), where)
        if not items and not as_csv:
            echo("Nothing new since your last visit.")
            return
        kinds = {"topic": "new topic", "reply": "reply", "reply-to-you": "reply to you"}
        table(["topic", "post", "what", "competition", "title", "author", "date", "excerpt"],
              [[n.topic_id, n.post_id, kinds[n.kind], n.competition or "(site)", n.title, n.author, n.at, n.excerpt]
               for n in items], as_csv)
        return
    where = _ref(a, ref, site)
    topics, total = a.discussion.topics(where, _me(a), sort, page)
    if not topics and not as_csv:
        if total:
            from ..community.discussion import PAGE  # topics per page (kept off `--help`: it loads the store)

            pages = -(-total // PAGE)
            echo(f"No topics on page {page}: the {total} topic{'s' if total != 1 else ''} fit on "
                 f"{pages} page{'s' if pages != 1 else ''}.")
            return
        echo("No topics yet. Start one with `scrimmage discussion post "
             + ("--site" if where is None else where) + " --title TITLE -m TEXT`.")
        return
    table(["id", "title", "author", "replies", "votes", "lastPost", "flags"],
          [[t.id, t.title, t.author, t.replies, t.votes, t.last_post_at,
            " ".join(f for f, on in (("pinned", t.pinned), ("locked", t.locked), ("hidden", t.hidden)) if on)]
           for t in topics], as_csv, title=None if as_csv else f"{total} topic{'s' if total != 1 else ''}, page {page}")


@discussion.command()
@click.argument("topic_id", type=int)
def show(topic_id):
    """Show a topic and its replies."""
    a = arena()
    thread = a.discussion.thread(topic_id, _me(a))
    t = thread.topic
    flags = "".join(f" [{f}]" for f, on in (("pinned", t.pinned), ("locked", t.locked), ("hidden", t.hidden)) if on)
    echo(f"# {t.title}{flags}")
    echo(f"topic {t.id} in {t.competition or 'the site forum'} · {t.replies} repl{'y' if t.replies == 1 else 'ies'}")
    for p in thread.posts:
        edited = " (edited)" if p.edited_at else ""
        hidden = " [hidden by a moderator]" if p.hidden else ""
        echo("")
        echo(f"--- post {p.id} by {p.author}, {p.created_at:%Y-%m-%d %H:%M} UTC{edited} · {p.votes} vote"
             f"{'s' if p.votes != 1 else ''}{hidden}")
        echo("(deleted by its author)" if p.deleted else p.body)


@discussion.command()
@click.argument("ref", required=False)
@site_option
@click.option("--title", required=True, help="The topic's title.")
@click.option("-m", "--message", help="The text (markdown).")
@click.option("-f", "--file", "file_path", help="A markdown file with the text.")
def post(ref, site, title, message, file_path):
    """Open a topic in REF's discussion (or the site forum with --site)."""
    a = arena()
    thread = a.discussion.create_topic(_ref(a, ref, site), _me(a), title, _text(message, file_path))
    echo(f"Topic {thread.topic.id} posted: {thread.topic.title}")


@discussion.command()
@click.argument("topic_id", type=int)
@click.option("-m", "--message", help="The text (markdown).")
@click.option("-f", "--file", "file_path", help="A markdown file with the text.")
def reply(topic_id, message, file_path):
    """Reply to a topic."""
    a = arena()
    p = a.discussion.reply(topic_id, _me(a), _text(message, file_path))
    echo(f"Reply {p.id} posted in topic {topic_id}.")


@discussion.command()
@click.argument("post_id", type=int)
@click.option("-m", "--message", help="The new text (markdown).")
@click.option("-f", "--file", "file_path", help="A markdown file with the new text.")
@click.option("--title", help="A new title (a topic's opening post only).")
def edit(post_id, message, file_path, title):
    """Edit your post; the text before stays in its history."""
    a = arena()
    a.discussion.edit(post_id, _me(a), _text(message, file_path), title)
    echo(f"Post {post_id} saved.")


@discussion.command()
@click.argument("post_id", type=int)
def delete(post_id):
    """Delete your post (its place in the thread stays)."""
    a = arena()
    a.discussion.delete(post_id, _me(a))
    echo(f"Post {post_id} deleted.")


@discussion.command()
@click.argument("post_id", type=int)
@click.option("--undo", is_flag=True, help="Take your upvote back.")
def vote(post_id, undo):
    """Upvote someone's post."""
    a = arena()
    votes = a.discussion.vote(post_id, _me(a), up=not undo)
    echo(f"Post {post_id} has {votes} vote{'s' if votes != 1 else ''}.")


@discussion.command()
@click.argument("post_id", type=int)
@click.option("--reason", required=True, help="Why (for the host).")
def report(post_id, reason):
    """Report a post to the host."""
    a = arena()
    a.discussion.report(post_id, _me(a), reason)
    echo(f"Post {post_id} reported: the host will look at it.")


@discussion.command()
@click.argument("query")
@click.argument("ref", required=False)
@site_option
@click.option("--everywhere", is_flag=True, help="Every competition's discussion and the site forum.")
@csv_option
def search(query, ref, site, everywhere, as_csv):
    """Search titles and posts (every word must match)."""
    a = arena()
    where = None if everywhere else _ref(a, ref, site)
    hits = a.discussion.search(query, _me(a), where, everywhere)
    if not hits and not as_csv:
        echo(f"Nothing matches {query!r}.")
        return
    table(["topic", "post", "competition", "title", "author", "date", "excerpt"],
          [[h.topic_id, h.post_id, h.competition or "(site)", h.title, h.author, h.created_at, h.excerpt]
           for h in hits], as_csv)


@discussion.command()
@click.argument("topic_id", type=int, metavar="ID")
@click.option("--pin/--unpin", default=None)
@click.option("--lock/--unlock", default=None)
@click.option("--hide/--show", default=None)
@click.option("--post", "is_post", is_flag=True,
              help="ID is a post's: hide or show that post alone (which settles its reports).")
def moderate(topic_id, pin, lock, hide, is_post):
    """Pin, lock or hide topic ID, or with --post hide one post (the host, or an admin)."""
    a = arena()
    if is_post:
        if pin is not None or lock is not None or hide is None:
            raise ConfigError("with --post give --hide or --show (a post is not pinned or locked: its topic is)")
        a.discussion.moderate_post(topic_id, _me(a), hide)
        echo(f"Post {topic_id}: {'hidden' if hide else 'shown'}; its reports are settled.")
        return
    t = a.discussion.moderate_topic(topic_id, _me(a), pinned=pin, locked=lock, hidden=hide)
    state = ", ".join(f for f, on in (("pinned", t.pinned), ("locked", t.locked), ("hidden", t.hidden)) if on)
    echo(f"Topic {t.id}: {state or 'open'}.")


@discussion.command()
@click.argument("ref", required=False)
@site_option
@csv_option
def reports(ref, site, as_csv):
    """Reported posts waiting for the host (--site: every report, for an admin)."""
    a = arena()
    found = a.discussion.reports(_ref(a, ref, site), _me(a))
    if not found and not as_csv:
        echo("No reports waiting.")
        return
    table(["post", "topic", "competition", "title", "author", "reporter", "reason", "date"],
          [[r.post_id, r.topic_id, r.competition or "(site)", r.title, r.author, r.reporter, r.reason, r.created_at]
           for r in found], as_csv)
