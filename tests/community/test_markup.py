"""What people post is rendered harmless: hostile markdown against the sanitising renderer."""

from __future__ import annotations

import sys
from html.parser import HTMLParser

import pytest

from scrimmage.community.markup import excerpt, link_allowed, render

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src='https://evil.example'></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    "[x](//evil.example/steal)",
    "<javascript:alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    "```html\n<script>alert(1)</script>\n```",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=p></form>",
    "[x]: javascript:alert(1)\n\n[link][x]",
    "<details open ontoggle=alert(1)>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
]


class _Tags(HTMLParser):
    """Every element and attribute of a piece of HTML, as a browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str):
    parser = _Tags()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_harmless(text):
    out = str(render(text))
    for tag, attrs in elements(out):
        assert tag not in {"script", "iframe", "svg", "style", "form", "input", "details", "object", "embed"}, out
        assert not [a for a in attrs if a.startswith("on")], out  # no event handler survives
        for name in ("href", "src"):
            url = (attrs.get(name) or "").strip()
            if url:
                assert url.startswith(("https://", "http://", "mailto:", "/", "#")), out
                assert not url.startswith("//"), out


def test_ordinary_markdown_renders():
    out = str(render("# Title\n\nSome **bold**, `code`, a [link](https://scikit-learn.org) and "
                     "![plot](https://example.org/p.png)\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n"
                     "```python\nimport numpy as np\n```\n\n$\\hat{y} = X\\beta$"))
    assert "<h1>Title</h1>" in out and "<strong>bold</strong>" in out and "<code>code</code>" in out
    assert '<a href="https://scikit-learn.org" rel="nofollow noopener noreferrer">link</a>' in out
    assert '<img src="https://example.org/p.png" alt="plot">' in out
    assert "<table>" in out and 'style="text-align:right"' in out
    assert '<span class="hl-kn">import</span>' in out  # highlighted by Pygments, with classes only
    assert "$\\hat{y} = X\\beta$" in out  # math stays readable


def test_images_by_link_only_say_so():
    assert str(render("![chart](/files/chart.png)")) == "<p>[chart: images are shown by https link only]</p>\n"
    assert elements(str(render("![chart](data:image/png;base64,AAAA)"))) == [("p", {})]  # left as text


@pytest.mark.parametrize("url, image, ok", [
    ("https://a.example/x", False, True), ("http://a.example", True, False), ("https://a.example/i.png", True, True), ("mailto:a@b.c", False, True),
    ("/c/titanic", False, True), ("#post-3", False, True), ("notes/page", False, True),
    ("mailto:a@b.c", True, False), ("/local.png", True, False), ("javascript:x", False, False),
    ("//evil.example", False, False), ("data:image/png;base64,AA", True, False), ("java%09script:x", False, False),
])
def test_link_rule(url, image, ok):
    assert link_allowed(url, image=image) is ok


def test_an_http_image_is_a_link_to_it():
    # pages load images by https only (their Content-Security-Policy): an http one would not show
    assert str(render('![a "chart"](http://127.0.0.1:8000/c.png?a=1&b=2)')) == (
        '<p><a href="http://127.0.0.1:8000/c.png?a=1&amp;b=2" rel="nofollow noopener noreferrer">'
        'a "chart"</a></p>\n')


def test_excerpt():
    assert excerpt("a\n\n  b  c") == "a b c"
    assert excerpt("word " * 100, 20) == "word word word word…"


def test_only_the_first_blocks_are_highlighted(monkeypatch):
    from scrimmage.community import markup

    monkeypatch.setattr(markup, "MAX_HIGHLIGHTED", 2)
    out = str(markup.render("```python\nimport a\n```\n" * 3 + "\nand `import b`, then\n\n```python\nimport c\n```"))
    assert out.count('<span class="hl-kn">import</span>') == 2  # the third and fourth blocks: plain code
    assert out.count('<pre><code class="language-python">import') == 2
    assert "import c" in out and "<code>import b</code>" in out


def test_a_lexer_is_made_once_per_language():
    from scrimmage.community import markup

    markup.lexer.cache_clear()
    markup.render("```Python\nx = 1\n```\n\n```python\ny = 2\n```\n\n```nosuchlanguage\nz\n```\n" + "q" * 5)
    info = markup.lexer.cache_info()
    assert (info.misses, info.hits) == (1, 1)  # a language off the list is never looked up


def test_the_render_cache_keeps_the_newest_within_its_size():
    from markupsafe import Markup

    from scrimmage.community.markup import RenderCache, _cost

    five = _cost(Markup("12345"))
    assert five == sys.getsizeof(Markup("12345")) + 200  # the string in memory and the entry's own bytes
    cache = RenderCache(2 * five + 10)
    cache.put(b"a", Markup("12345"))
    cache.put(b"b", Markup("12345"))
    assert cache.get(b"a") == "12345"  # now the newest used
    cache.put(b"c", Markup("123"))
    assert cache.get(b"b") is None and cache.get(b"a") == "12345" and cache.size == five + _cost(Markup("123"))
    cache.put(b"d", Markup("x" * (2 * five + 10)))  # bigger than the whole cache: not kept
    assert cache.get(b"d") is None and cache.size == five + _cost(Markup("123"))


def test_tiny_entries_count_what_they_hold():
    from markupsafe import Markup

    from scrimmage.community.markup import RenderCache

    cache = RenderCache(10_000)
    for i in range(1_000):
        cache.put(i.to_bytes(4, "big"), Markup("x"))
    assert len(cache._items) < 10_000 / 200 and cache.size <= 10_000


CHAPEL = "```chapel\n'" + "\\" * 60 + "\n```\n"  # backtracks for minutes in Pygments' Chapel lexer


def test_a_language_off_the_list_is_plain_code_and_never_reaches_pygments(monkeypatch):
    from scrimmage.community import markup

    def refuse(*_args, **_kw):
        raise AssertionError("a lexer was looked up")

    monkeypatch.setattr(markup, "lexer", refuse)
    monkeypatch.setattr("pygments.lexers.get_lexer_by_name", refuse)
    for text in (CHAPEL, "```csharp\n" + "a\n" * 6000 + "```\n", "```nosuchlanguage\n<b>\n```\n"):
        out = str(markup._render(text))
        assert out.startswith("<pre><code class=\"language-") and "hl-" not in out and "<b>" not in out
    assert "'" + "\\" * 60 in str(markup._render(CHAPEL))


def test_the_languages_highlighted_are_those_the_benchmark_checked():
    """benchmarks/lexers.py timed these lexers on hostile input (docs/performance.md); add one only after it
    passes there."""
    from scrimmage.community.markup import LEXERS

    assert sorted(set(LEXERS.values())) == ["bash", "diff", "json", "julia", "markdown", "python", "sql", "text"]
    assert LEXERS["py"] == LEXERS["ipython3"] == "python" and "r" not in LEXERS and "yaml" not in LEXERS


def test_a_long_block_is_plain_code(monkeypatch):
    from scrimmage.community import markup

    monkeypatch.setattr(markup, "MAX_HIGHLIGHT_CHARS", 20)
    out = str(markup._render("```python\nimport a\n```\n\n```python\nimport numpy as np, pandas as pd\n```"))
    assert out.count('<span class="hl-kn">import</span>') == 1
    assert '<pre><code class="language-python">import numpy as np, pandas as pd' in out


def _table(columns: int, rows: int) -> str:
    return "|a" * columns + "|\n" + "|-" * columns + "|\n" + "|\n" * rows


def test_tables_of_too_many_cells_are_shown_as_written():
    from scrimmage.community import markup

    out = str(markup.render(_table(700, 30) + "\n<b>x</b>\n"))
    assert out.startswith('<p class="muted small">Shown as written: its tables would have over 20,000 cells.</p>'
                          '<pre>|a|a|a')
    assert "<table>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    key = markup.CACHE.hits
    assert markup.render(_table(700, 30) + "\n<b>x</b>\n") == out and markup.CACHE.hits == key + 1  # kept
    assert "<table>" in str(markup.render(_table(20, 50)))  # 1,020 cells: a table


def test_a_link_reference_repeated_is_shown_as_written():
    from scrimmage.community import markup

    text = "[a]: https://x.example/" + "A" * 20_000 + "\n\n" + "[a] " * 5_000
    out = str(markup._render(text))
    assert out.startswith('<p class="muted small">Shown as written: its formatting would take over 800,500 '
                          'characters.</p><pre>[a]: https://x.example/AAA')
    assert len(out) < 41_000


def test_html_over_the_limit_is_shown_as_written(monkeypatch):
    from scrimmage.community import markup

    monkeypatch.setattr(markup, "MIN_RENDER_LIMIT", 100)
    monkeypatch.setattr(markup, "RENDER_RATIO", 1)
    assert markup.render_limit("**a** " * 30) == 180
    out = str(markup._render("**a** " * 30))
    assert out == ('<p class="muted small">Shown as written: its formatting would take 577 characters, over the '
                   'limit of 180.</p><pre>' + "**a** " * 30 + "</pre>")


def test_the_render_limit():
    from scrimmage.community.markup import render_limit

    assert render_limit("x") == 20_000 and render_limit("x" * 10_000) == 200_000
    assert render_limit("x" * 100_000) == 1_000_000
