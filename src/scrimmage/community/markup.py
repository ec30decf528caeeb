"""Markdown that people post, rendered safely.

Two layers: markdown-it renders CommonMark with raw HTML off and a link check that allows
only ``http``, ``https`` and ``mailto`` links (images: ``http`` and ``https`` only, so never
``data:`` or ``javascript:``); then nh3 (the Ammonia sanitiser) keeps an allow-list of tags
and attributes, whatever the renderer produced. Fenced code is highlighted by Pygments with
CSS classes (no inline styles, no script). Math between ``$`` signs is left as written, which
reads well enough.
"""

from __future__ import annotations

import functools
import html
from urllib.parse import urlsplit

from markupsafe import Markup

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
})
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "pre": {"class"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}


def _scheme(url: str) -> str | None:
    """The URL's scheme in lower case; '' for a relative link; None for one that cannot be read."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return parts.scheme.lower()


def link_allowed(url: str, image: bool = False) -> bool:
    """``http``/``https``/``mailto`` links and same-site relative links; images from ``http(s)`` only."""
    scheme = _scheme(url)
    if scheme is None:
        return False
    if image:
        return scheme in IMAGE_SCHEMES
    if scheme:
        return scheme in LINK_SCHEMES
    # relative: a path, query or fragment on this site; never "//host" nor anything that reads as a scheme
    head = url.strip().split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return not url.strip().startswith("//") and ":" not in head and "%" not in head


def _highlight(code: str, lang: str, _attrs) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang.strip().split()[0]) if lang.strip() else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""  # markdown-it escapes and wraps it itself
    return highlight(code, lexer, HtmlFormatter(nowrap=True, classprefix="hl-"))


@functools.cache
def _renderer():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                   "highlight": _highlight}).enable(["table", "strikethrough"])

    def validate(url: str) -> bool:
        return link_allowed(url)

    md.validateLink = validate
    default_image = md.renderer.rules.get("image")

    def image(_renderer, tokens, idx, options, env):
        src = tokens[idx].attrGet("src") or ""
        if not link_allowed(src, image=True):
            alt = tokens[idx].content or "image"
            return f"[{html.escape(alt)}: images are shown by http(s) link only]"
        return default_image(tokens, idx, options, env)

    md.add_render_rule("image", image)
    return md


def render(text: str | None) -> Markup:
    """``text`` (markdown) as HTML that cannot run script or load anything but http(s) images."""
    import nh3

    raw = _renderer().render(text or "")
    clean = nh3.clean(
        raw,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )
    return Markup(clean)


def excerpt(text: str | None, length: int = 200) -> str:
    """The first ``length`` characters of ``text`` as plain text (for lists and feeds)."""
    plain = " ".join((text or "").split())
    return plain if len(plain) <= length else plain[: length - 1].rstrip() + "…"
