"""Markdown that people post, rendered safely.

Two layers: markdown-it renders CommonMark with raw HTML off and a link check that allows
only ``http``, ``https`` and ``mailto`` links (images: ``https`` only, so never ``data:`` or
``javascript:``; an ``http`` image is shown as a link to it, as pages let only https images
load); then nh3 (the Ammonia sanitiser) keeps an allow-list of tags
and attributes, whatever the renderer produced. Fenced code is highlighted by Pygments with
CSS classes (no inline styles, no script): the first ``MAX_HIGHLIGHTED`` blocks of a text, the
rest shown as plain code, so a post of thousands of tiny blocks costs no more than a long one.
Math between ``$`` signs is left as written, which reads well enough.

Rendered HTML is kept in memory (``RenderCache``), keyed by a digest of the text itself: a
post is rendered once, not on every view of its page or feed; an edit is a new text, so a new
key; the same text renders the same wherever it is shown (thread, history, notebook comments),
and a change to these rules takes effect at the next start, with no stored HTML to redo.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import html
import threading
from urllib.parse import urlsplit

from markupsafe import Markup

#: Fenced code blocks highlighted per text; later ones are shown as plain (escaped) code.
MAX_HIGHLIGHTED = 50
#: Characters of rendered HTML kept in memory, newest used first (a long post renders to a few
#: hundred thousand).
RENDER_CACHE_CHARS = 16_000_000
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"https"})
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
    """``http``/``https``/``mailto`` links and same-site relative links; images from ``https`` only."""
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


@functools.lru_cache(maxsize=256)
def _lexer(name: str):
    """Pygments' lexer for a language name (None if it knows none); built once per name."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return None


@functools.cache
def _formatter():
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True, classprefix="hl-")


def _highlight(code: str, lang: str, _attrs) -> str:
    from pygments import highlight

    lexer = _lexer(lang.strip().split()[0].lower()) if lang.strip() else None
    if lexer is None:
        return ""  # markdown-it escapes and wraps it itself
    return highlight(code, lexer, _formatter())


@functools.cache
def _renderer():
    from markdown_it import MarkdownIt
    from markdown_it.utils import OptionsDict

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
            if _scheme(src) == "http":  # the page's policy would not load it: a link to it instead
                return f'<a href="{html.escape(src)}">{html.escape(alt)}</a>'
            return f"[{html.escape(alt)}: images are shown by https link only]"
        return default_image(tokens, idx, options, env)

    md.add_render_rule("image", image)
    default_fence = md.renderer.rules["fence"]
    plain = OptionsDict({**md.options, "highlight": None})

    def fence(_renderer, tokens, idx, options, env):
        env["fences"] = env.get("fences", 0) + 1
        return default_fence(tokens, idx, options if env["fences"] <= MAX_HIGHLIGHTED else plain, env)

    md.add_render_rule("fence", fence)
    return md


class RenderCache:
    """Rendered HTML by a digest of its text, least recently used out first, at most ``limit``
    characters in all; safe to share between threads."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0
        self._items: collections.OrderedDict[bytes, Markup] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> Markup | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
                self._items.move_to_end(key)
            return found

    def put(self, key: bytes, value: Markup) -> None:
        with self._lock:
            if key in self._items or len(value) > self.limit:
                return
            self._items[key] = value
            self.size += len(value)
            while self.size > self.limit:
                _, old = self._items.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = self.hits = self.misses = 0


CACHE = RenderCache(RENDER_CACHE_CHARS)


def render(text: str | None) -> Markup:
    """``text`` (markdown) as HTML that cannot run script or load anything but https images."""
    key = hashlib.blake2b((text or "").encode("utf-8", "surrogatepass"), digest_size=20).digest()
    found = CACHE.get(key)
    if found is None:
        found = _render(text or "")
        CACHE.put(key, found)
    return found


def _render(text: str) -> Markup:
    import nh3

    raw = _renderer().render(text, {})
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
