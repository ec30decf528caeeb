"""A shared notebook's file: read and checked, then rendered once to static HTML that runs nothing.

A notebook (``.ipynb``) is rendered by nbconvert's ``basic`` template after its outputs are
filtered: JavaScript and widget outputs are dropped, SVG too (it can carry script), and an
output over :data:`MAX_OUTPUT` is replaced by a note. A script (``.py``) is highlighted by
Pygments. Code is highlighted as posts' code is (``markup.LEXERS``): only in the languages
whose lexers run in linear time, whatever the notebook's ``language_info`` or a cell's
``magics_language`` (or a fence in a markdown cell) names, each cell or block up to
``markup.MAX_HIGHLIGHT_CHARS`` characters and at most :data:`MAX_HIGHLIGHTED_CHARS` in all;
anything else is shown as plain (escaped) code. Either way the HTML then goes through nh3
with an allow-list of tags and attributes: no ``<script>``, ``<iframe>``, ``<style>``, event
handlers or ``javascript:`` links survive, and an image survives only as a ``data:image/png|jpeg|gif;base64`` URL.
The page that shows it is served besides with a Content-Security-Policy that runs no script
(see ``web/pages/notebooks.py``). Nothing here executes the notebook.
"""

from __future__ import annotations

import contextvars
import functools
import html as html_lib
import json
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, LimitError

# nbconvert highlights with Pygments' Python lexer when IPython's is not installed, which is fine,
# but says so on every render: a learner pushing a notebook saw a library's source line
warnings.filterwarnings("ignore", message="IPython3 lexer unavailable", category=UserWarning)

MAX_FILE_MB = 20
MAX_CELLS = 2_000
MAX_OUTPUT = 2_000_000  # characters of one output's data
KINDS = {".ipynb": "notebook", ".py": "script"}
#: Characters of code highlighted per notebook or script; the rest is shown as plain code.
MAX_HIGHLIGHTED_CHARS = 200_000
#: Characters of markdown (cells and outputs) rendered per notebook; the rest is shown as written.
MAX_MARKDOWN_CHARS = 50_000
#: Output types kept (the first one present wins, in this order, as Jupyter shows them).
KEPT_MIME = ("text/html", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/gif", "text/plain")
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*\Z")
_LINK = re.compile(r"(https?:|mailto:|#)", re.I)
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}
_CLASSED = ("code", "div", "pre", "span", "table", "td", "th", "tr")
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
              "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "ol": {"start"},
              **{t: {"class"} for t in _CLASSED if t not in ("td", "th")}}
ATTRIBUTES["td"] |= {"class"}
ATTRIBUTES["th"] |= {"class"}


@dataclass(frozen=True)
class Rendered:
    kind: str  # notebook | script
    cells: int
    html: str  # the sanitised body
    note: str  # what was left out, for the reader ("" when nothing)


def kind_of(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    if suffix not in KINDS:
        raise ConfigError(f"{Path(file_name).name!r} is neither a notebook (.ipynb) nor a Python script (.py): "
                          "share one of those")
    return KINDS[suffix]


def check_size(size: int) -> None:
    if size > MAX_FILE_MB * 1_000_000:
        raise LimitError(f"the notebook is {size / 1e6:.1f} MB, over the {MAX_FILE_MB} MB limit: clear large "
                         "outputs (or save fewer images) and share it again")


def render(file_name: str, data: bytes) -> Rendered:
    """Check ``data`` (the file ``file_name``) and render it to sanitised HTML; a clear error otherwise."""
    kind = kind_of(file_name)
    check_size(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{Path(file_name).name!r} is not UTF-8 text: save it again as UTF-8") from None
    if kind == "script":
        return _render_script(text)
    return _render_notebook(file_name, text)


def strip_outputs(data: bytes) -> bytes:
    """The notebook without outputs (for a copy that starts clean); scripts unchanged."""
    try:
        nb = json.loads(data)
    except ValueError:
        return data
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(nb, indent=1, ensure_ascii=False).encode()


def document(body: str, title: str) -> str:
    """A whole page around a rendered body, with its own style (no script, no external resource)."""
    from html import escape

    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{_css()}</style></head><body><main class=\"nb\">{body}</main></body></html>")


def sanitise(html: str) -> str:
    import nh3

    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     attribute_filter=_attribute, url_schemes={"http", "https", "mailto", "data"},
                     link_rel="nofollow noopener noreferrer", strip_comments=True)


def _attribute(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src":
        return value if _DATA_IMAGE.match(value.strip()) else None
    if tag == "a" and attr == "href":
        return value if _LINK.match(value.strip()) else None
    return value


def _render_script(text: str) -> Rendered:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    lines = text.count("\n") + 1
    if len(text) > MAX_HIGHLIGHTED_CHARS:
        html = _plain_code(text)
    else:
        html = highlight(text, PythonLexer(), HtmlFormatter(cssclass="highlight"))
    return Rendered("script", lines, sanitise(html), "")


#: The language a notebook being rendered is written in, and how many characters of it were
#: highlighted so far (the exporter is shared, so this is per call).
_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="python")
_HIGHLIGHTED: contextvars.ContextVar[list[int]] = contextvars.ContextVar("highlighted")
_MARKDOWN: contextvars.ContextVar[list[int]] = contextvars.ContextVar("markdown")


def _plain_code(source: str) -> str:
    return f'<div class="highlight"><pre>{html_lib.escape(source)}\n</pre></div>'


def _highlighted(source: str, language: str | None) -> str | None:
    """``source`` highlighted if its language is one of ``markup.LEXERS`` and the notebook's budget
    allows; None otherwise."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    from . import markup

    name = markup.lexer_name(language)
    used = _HIGHLIGHTED.get([0])
    if name is None or len(source) > markup.MAX_HIGHLIGHT_CHARS or used[0] + len(source) > MAX_HIGHLIGHTED_CHARS:
        return None
    used[0] += len(source)
    return highlight(source, markup.lexer(name), HtmlFormatter(cssclass="highlight"))


def _markdown_allowed(source: str) -> bool:
    """Whether the notebook's markdown budget (:data:`MAX_MARKDOWN_CHARS`) still covers ``source``."""
    used = _MARKDOWN.get([0])
    if used[0] + len(source) > MAX_MARKDOWN_CHARS:
        return False
    used[0] += len(source)
    return True


def _markdown_as_written(source: str) -> str:
    from . import markup

    return str(markup.plain(source, f"Shown as written: the notebook's markdown is over {MAX_MARKDOWN_CHARS:,} "
                                    "characters."))


def _highlight_cell(source: str, language: str | None = None, metadata=None) -> str:
    """nbconvert's ``highlight_code`` filter for code cells, in the notebook's language only."""
    return _highlighted(source, language or _LANGUAGE.get()) or _plain_code(source)


def _render_notebook(file_name: str, text: str) -> Rendered:
    import nbformat
    from nbformat.reader import NotJSONError

    name = Path(file_name).name
    try:
        nb = nbformat.reads(text, as_version=4)
    except NotJSONError:
        raise ConfigError(f"{name!r} is not a notebook: it is not JSON; save it again from Jupyter") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{name!r} is not a notebook Jupyter can read ({_first_line(exc)}); "
                          "save it again from Jupyter") from None
    cells = nb.get("cells") if isinstance(nb.get("cells"), list) else None
    if cells is None:
        raise ConfigError(f"{name!r} is not a notebook: it has no list of cells; save it again from Jupyter")
    if len(cells) > MAX_CELLS:
        raise LimitError(f"the notebook has {len(cells):,} cells, over the limit of {MAX_CELLS:,}: "
                         "split it into smaller notebooks")
    dropped, large = _filter_outputs(nb)
    nb.metadata.pop("widgets", None)
    info = nb.metadata.get("language_info") if isinstance(nb.metadata.get("language_info"), dict) else {}
    language = info.get("pygments_lexer") or info.get("name") or "python"
    tokens = (_LANGUAGE.set(language if isinstance(language, str) else ""), _HIGHLIGHTED.set([0]),
              _MARKDOWN.set([0]))
    try:
        body, _ = _exporter().from_notebook_node(nb)
    except Exception as exc:  # nbconvert raises many types on malformed cells
        raise ConfigError(f"{name!r} could not be rendered ({_first_line(exc)}); "
                          "check it opens in Jupyter and share it again") from None
    finally:
        _LANGUAGE.reset(tokens[0])
        _HIGHLIGHTED.reset(tokens[1])
        _MARKDOWN.reset(tokens[2])
    notes = []
    if dropped:
        notes.append(f"{dropped} output{'s' if dropped != 1 else ''} with script, widgets or SVG not shown")
    if large:
        notes.append(f"{large} output{'s' if large != 1 else ''} over {MAX_OUTPUT / 1e6:g} MB not shown")
    return Rendered("notebook", len(cells), sanitise(body), "; ".join(notes))


def _filter_outputs(nb) -> tuple[int, int]:
    """Keep in each output only the types a page may show; count what went."""
    from nbformat import v4

    dropped = large = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") in ("display_data", "execute_result"):
                data = out.get("data", {})
                mime = next((m for m in KEPT_MIME if m in data), None)
                if mime is None or (mime == "text/plain" and set(data) - {"text/plain"} - set(KEPT_MIME)):
                    dropped += 1
                    if mime is None:
                        continue
                value = data[mime]
                value = "".join(value) if isinstance(value, list) else str(value)
                if len(value) > MAX_OUTPUT:
                    large += 1
                    out = v4.new_output("stream", name="stdout",
                                        text=f"[an output of {len(value) / 1e6:.1f} MB is not shown]\n")
                else:
                    out["data"] = {mime: value}
                    out["metadata"] = {}
            elif out.get("output_type") == "stream":
                text = out.get("text", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                if len(text) > MAX_OUTPUT:
                    large += 1
                    out["text"] = text[:MAX_OUTPUT] + "\n[… output cut]\n"
            kept.append(out)
        cell["outputs"] = kept
        cell.get("metadata", {}).pop("widgets", None)
    return dropped, large


def _unchanged(text: str) -> str:
    return text


def _ansi_plain(text: str) -> str:
    """An output's text without its terminal colours, escaped: nbconvert's ansi2html took 10 s for
    100,000 colour codes (an output may hold 2 MB of them)."""
    from nbconvert.filters.ansi import strip_ansi

    return html_lib.escape(strip_ansi(text), quote=False)


@functools.cache
def _exporter():
    from mistune import HTMLRenderer
    from nbconvert import HTMLExporter
    from nbconvert.exporters.html import contextfilter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class Renderer(IPythonRenderer):
        def block_code(self, code: str, info: str | None = None) -> str:
            lang = (info or "").split(maxsplit=1)[:1]
            found = _highlighted(code, lang[0] if lang else None)
            return found if found is not None else HTMLRenderer.block_code(self, code, info)

    class Exporter(HTMLExporter):
        @contextfilter
        def markdown2html(self, context, source):
            if not _markdown_allowed(source):
                return _markdown_as_written(source)
            cell = context.get("cell", {})
            renderer = Renderer(escape=False, attachments=cell.get("attachments", {}), embed_images=self.embed_images,
                                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                                anchor_link_text=self.anchor_link_text,
                                exclude_anchor_links=self.exclude_anchor_links)
            return MarkdownWithMath(renderer=renderer).render(source)

    roots = {Path(p) / "share" / "jupyter" / "nbconvert" / "templates" for p in (sys.prefix, sys.base_prefix)}
    dirs = [str(p) for p in roots if p.is_dir()]
    # nbconvert's strip_files_prefix rewrites Jupyter's files/ links with a regex whose time grows with the
    # square of a run of "[" (10,000 took 0.9 s; 30,000, 6 s): nothing here serves files/ links, so it is
    # left out; its ansi2html took 10 s for 100,000 colour codes: colours are dropped
    return Exporter(template_name="basic", extra_template_basedirs=dirs, extra_template_paths=dirs,
                    exclude_anchor_links=True,
                    filters={"highlight_code": _highlight_cell, "strip_files_prefix": _unchanged,
                             "ansi2html": _ansi_plain})


@functools.cache
def _css() -> str:
    from pygments.formatters import HtmlFormatter

    return ("body{font:15px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1d232a;background:#fff}"
            ".nb{max-width:60rem;margin:auto}.cell{margin:.8rem 0}.prompt{display:none}"
            ".input_area,.highlight{background:#f6f8fa;border-radius:4px;padding:.4rem .6rem;overflow:auto}"
            "pre{margin:0;white-space:pre-wrap;word-break:break-word;font:13px/1.4 ui-monospace,monospace}"
            ".output_area{padding:.3rem .6rem;overflow:auto}.output_stderr{background:#fdecec}"
            "img{max-width:100%}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.2rem .4rem}"
            + HtmlFormatter().get_style_defs(".highlight"))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
