"""Markdown that people post, rendered safely.

Two layers: markdown-it renders CommonMark with raw HTML off and a link check that allows
only ``http``, ``https`` and ``mailto`` links (images: ``https`` only, so never ``data:`` or
``javascript:``; an ``http`` image is shown as a link to it, as pages let only https images
load); then nh3 (the Ammonia sanitiser) keeps an allow-list of tags
and attributes, whatever the renderer produced. Fenced code is highlighted by Pygments with
CSS classes (no inline styles, no script), and only in the languages of ``LEXERS``: a short
list whose lexers were checked to run in linear time on hostile input
(``benchmarks/lexers.py``; some other Pygments lexers backtrack for seconds on a line of 50
characters, holding the whole server). Any other language, a block over ``MAX_HIGHLIGHT_CHARS``
and every block after the first ``MAX_HIGHLIGHTED`` of a text are shown as plain (escaped)
code, so a post of thousands of tiny blocks costs no more than a long one.
Math between ``$`` signs is left as written, which reads well enough.

The rendered size of a text is bounded (:func:`render_limit`): at most ``RENDER_RATIO`` times
its length (never less than ``MIN_RENDER_LIMIT``) and at most ``MAX_RENDERED`` characters, and
its tables at most ``MAX_TABLE_CELLS`` cells in all (markdown pads every row to the header's
width, so 2 characters of a row can make hundreds of cells). Link references can repeat a long
address thousands of times; tables, a huge page. A text over either bound is shown as written,
escaped in a ``<pre>``, after a one-line note; the bound is checked on the parsed text before
its HTML is made, and again on the HTML.

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
import sys
import threading
from urllib.parse import urlsplit

from markupsafe import Markup

#: Fenced code blocks highlighted per text; later ones are shown as plain (escaped) code.
MAX_HIGHLIGHTED = 50
#: A longer fenced block is shown as plain code.
MAX_HIGHLIGHT_CHARS = 5_000
#: The languages highlighted (as written after the fence, in lower case) and Pygments' name of
#: each lexer; checked against hostile input by ``benchmarks/lexers.py`` (R, YAML, TOML, INI,
#: JavaScript and shell sessions failed it: time growing with the square of the length). Others:
#: plain code.
LEXERS = {
    "python": "python", "py": "python", "python3": "python", "ipython": "python", "ipython3": "python",
    "sql": "sql", "bash": "bash", "sh": "bash", "shell": "bash", "json": "json", "julia": "julia",
    "markdown": "markdown", "md": "markdown", "diff": "diff", "text": "text", "plaintext": "text",
}
#: A text renders to at most RENDER_RATIO times its length in characters, never less than
#: MIN_RENDER_LIMIT and never more than MAX_RENDERED; tables hold at most MAX_TABLE_CELLS cells.
RENDER_RATIO = 20
MIN_RENDER_LIMIT = 20_000
MAX_RENDERED = 1_000_000
MAX_TABLE_CELLS = 20_000
#: Bytes of rendered HTML kept in memory (each entry counts its string's size plus
#: CACHE_ENTRY_BYTES for its key and bookkeeping), least recently used out first.
RENDER_CACHE_BYTES = 64_000_000
CACHE_ENTRY_BYTES = 200
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
def lexer(name: str):
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


def lexer_name(lang: str | None) -> str | None:
    """Pygments' name of the lexer for a fence's language, if highlighted at all (see ``LEXERS``)."""
    words = (lang or "").split()
    return LEXERS.get(words[0].lower()) if words else None


def render_limit(text: str) -> int:
    """The most characters ``text`` may render to."""
    return min(MAX_RENDERED, max(MIN_RENDER_LIMIT, RENDER_RATIO * len(text)))


def _highlight(code: str, lang: str, _attrs) -> str:
    from pygments import highlight

    name = lexer_name(lang)
    if name is None or len(code) > MAX_HIGHLIGHT_CHARS:
        return ""  # markdown-it escapes and wraps it itself
    return highlight(code, lexer(name), _formatter())


class _TooLarge(Exception):
    """A text whose HTML would be over its bound (see :func:`render_limit`)."""


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
    table = md.block.ruler.__rules__[md.block.ruler.__find__("table")].fn

    def bounded_table(state, start, end, silent):
        if silent or not table(state, start, end, True):
            return table(state, start, end, silent)
        # rows are padded to the header's width: count the cells this table may make before making them
        columns = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]].count("|") + 1
        cells = state.env.get("cells", 0)
        line = start
        while line < end and not state.isEmpty(line):
            cells += columns
            if cells > MAX_TABLE_CELLS:
                raise _TooLarge(f"its tables would have over {MAX_TABLE_CELLS:,} cells")
            line += 1
        state.env["cells"] = cells
        return table(state, start, end, silent)

    md.block.ruler.at("table", bounded_table)
    return md


class RenderCache:
    """Rendered HTML by a digest of its text, least recently used out first, at most ``limit``
    bytes in all (each entry: its string's size in memory plus ``CACHE_ENTRY_BYTES``); safe to
    share between threads."""

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
            if key in self._items or _cost(value) > self.limit:
                return
            self._items[key] = value
            self.size += _cost(value)
            while self.size > self.limit:
                _, old = self._items.popitem(last=False)
                self.size -= _cost(old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = self.hits = self.misses = 0


def _cost(value: str) -> int:
    """Bytes an entry of the cache holds: its string and, roughly, its key and place."""
    return sys.getsizeof(value) + CACHE_ENTRY_BYTES


CACHE = RenderCache(RENDER_CACHE_BYTES)


def render(text: str | None) -> Markup:
    """``text`` (markdown) as HTML that cannot run script or load anything but https images."""
    key = hashlib.blake2b((text or "").encode("utf-8", "surrogatepass"), digest_size=20).digest()
    found = CACHE.get(key)
    if found is None:
        found = _render(text or "")
        CACHE.put(key, found)
    return found


def _render(text: str) -> Markup:
    limit = render_limit(text)
    try:
        clean = _render_bounded(text, limit)
    except _TooLarge as exc:
        return plain(text, f"Shown as written: {exc}.")
    if len(clean) > limit:
        return plain(text, f"Shown as written: its formatting would take {len(clean):,} characters, "
                           f"over the limit of {limit:,}.")
    return Markup(clean)


def plain(text: str, note: str) -> Markup:
    """``text`` as written (escaped, in a ``<pre>``) after a one-line ``note``."""
    return Markup(f'<p class="muted small">{html.escape(note)}</p><pre>{html.escape(text)}</pre>')


def _render_bounded(text: str, limit: int) -> str:
    import nh3

    md = _renderer()
    env: dict = {}
    tokens = md.parse(text, env)
    # what the HTML will at least hold, without making it: a link reference repeats its address
    size = 0
    for token in tokens:
        for t in token.children or (token,):
            size += len(t.content) + sum(len(str(v)) for v in t.attrs.values())
        if size > limit:
            raise _TooLarge(f"its formatting would take over {limit:,} characters")
    raw = md.renderer.render(tokens, md.options, env)
    return nh3.clean(
        raw,
        tags=set(TAGS),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def excerpt(text: str | None, length: int = 200) -> str:
    """The first ``length`` characters of ``text`` as plain text (for lists and feeds)."""
    plain = " ".join((text or "").split())
    return plain if len(plain) <= length else plain[: length - 1].rstrip() + "…"
