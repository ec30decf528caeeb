"""Template filters: markdown (raw HTML off), scores, dates, sizes."""

from __future__ import annotations

import datetime as dt
import functools

from markupsafe import Markup

from ..limits import human_size


@functools.cache
def _md():
    from markdown_it import MarkdownIt

    # commonmark with raw HTML disabled: a description or write-up cannot inject script
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable("table")


def markdown(text: str | None) -> Markup:
    """What a competition's host writes (description, data, evaluation): markdown, raw HTML off.
    What participants write (posts, comments, write-ups) is shown with :func:`post_markdown`."""
    return Markup(_md().render(text or ""))


def score(value) -> str:
    return "—" if value is None else f"{value:.5f}"


def when(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M") + " UTC"


def size(n: int) -> str:
    """A file size for a page (``1.5 KB``)."""
    return human_size(n, sep=" ")


def post_markdown(text: str | None) -> Markup:
    """What people post (discussion, notebooks' comments, write-ups): markdown, then an allow-list
    sanitiser, bounded in size and kept rendered (``community.markup``)."""
    from ..community.markup import render

    return render(text)


def install(env) -> None:
    env.filters.update(markdown=markdown, post_markdown=post_markdown, score=score, when=when, size=size)
    env.globals["medal_label"] = {"gold": "Gold", "silver": "Silver", "bronze": "Bronze"}
