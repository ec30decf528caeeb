"""Template filters: markdown (raw HTML off), scores, dates, sizes."""

from __future__ import annotations

import datetime as dt
import functools

from markupsafe import Markup


@functools.cache
def _md():
    from markdown_it import MarkdownIt

    # commonmark with raw HTML disabled: a description or write-up cannot inject script
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True}).enable("table")


def markdown(text: str | None) -> Markup:
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
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def post_markdown(text: str | None) -> Markup:
    """What people post (discussion, notebooks' notes): markdown, then an allow-list sanitiser."""
    from ..community.markup import render

    return render(text)


def install(env) -> None:
    env.filters.update(markdown=markdown, post_markdown=post_markdown, score=score, when=when, size=size)
    env.globals["medal_label"] = {"gold": "Gold", "silver": "Silver", "bronze": "Bronze"}
