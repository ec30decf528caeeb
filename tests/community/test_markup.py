"""What people post is rendered harmless: hostile markdown against the sanitising renderer."""

from __future__ import annotations

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

    markup._lexer.cache_clear()
    markup.render("```Python\nx = 1\n```\n\n```python\ny = 2\n```\n\n```nosuchlanguage\nz\n```\n" + "q" * 5)
    info = markup._lexer.cache_info()
    assert (info.misses, info.hits) == (2, 1)


def test_the_render_cache_keeps_the_newest_within_its_size():
    from markupsafe import Markup

    from scrimmage.community.markup import RenderCache

    cache = RenderCache(10)
    cache.put(b"a", Markup("12345"))
    cache.put(b"b", Markup("12345"))
    assert cache.get(b"a") == "12345"  # now the newest used
    cache.put(b"c", Markup("123"))
    assert cache.get(b"b") is None and cache.get(b"a") == "12345" and cache.size == 8
    cache.put(b"d", Markup("x" * 11))  # bigger than the whole cache: not kept
    assert cache.get(b"d") is None and cache.size == 8
