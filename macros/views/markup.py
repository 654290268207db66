"""Markdown for the few data fields meant to carry it (bio, summaries, highlights, notes).

markdown-it-py with `html: False` shows raw HTML as text, and a link is made only to an
http(s) host, a `mailto:` address or a place on the site (anything else stays text), so a field
can use **bold**, *italics* and [links](https://...) but can never inject markup or a script.

Formulas, `$...$` and `$$...$$`, follow pymdownx.arithmatex's rules as the pages do (no space
inside the dollars, so `$5 and $10` stays text; `\\$` is a dollar sign) and become MathML
(formulas.py) on web pages; plain outputs (meta tags, JSON-LD, the feed, the PDF) get the TeX
as written, never MathML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .formulas import mathml, written

_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def link_allowed(url: str) -> bool:
    """Whether a Markdown link may point at `url` (as markdown-it normalised it: entities
    decoded, spaces and controls percent-encoded): http(s) with a host and no user name,
    mailto:, or a path or fragment on this site. An allow-list, never a list of bad schemes:
    markdown-it's own check lets `//other.host`, `data:image/...`, `ftp:` and `tel:` through."""
    scheme = _SCHEME.match(url)
    if scheme is None:  # on this site, unless it names another host (`//host`, `\\host`)
        return not re.match(r"[/\\]{2}", url)
    name = scheme[1].lower()
    if name == "mailto":
        return True
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # `https://[::1` and the like: no host at all
        return False
    return (
        name in ("http", "https")
        and url[scheme.end() : scheme.end() + 2] == "//"
        and bool(host)
        and "@" not in parts.netloc
    )


def _formula(tokens: Sequence[Token], index: int, as_mathml: bool, display: bool) -> str:
    tex = tokens[index].content.strip()
    if not as_mathml:  # the TeX as written, as text
        shown = escapeHtml(written(tex, display))
        return f"<p>{shown}</p>\n" if display else shown
    if display:  # Material scrolls a wide formula inside div.arithmatex, as on the pages
        return f'<div class="arithmatex">{mathml(tex, True)}</div>\n'
    return str(mathml(tex, False))


@lru_cache(maxsize=2)
def _parser(as_mathml: bool = True) -> MarkdownIt:
    """The field parser; formulas become MathML, or stay TeX text (`as_mathml=False`)."""
    # No images: a picture from another host would be a third-party request on every visit.
    parser = (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable("strikethrough")
        .disable("image")
    )
    parser.validateLink = link_allowed  # type: ignore[method-assign]
    # arithmatex's rules (see the module's docstring): `$$` inside a paragraph is no display
    # formula there either, and a display formula holds no blank line.
    dollarmath_plugin(
        parser,
        allow_labels=False,
        allow_space=False,
        allow_digits=True,
        allow_blank_lines=False,
        double_inline=False,
    )
    parser.add_render_rule(
        "math_inline", lambda _, tokens, i, *__: _formula(tokens, i, as_mathml, display=False)
    )
    parser.add_render_rule(
        "math_block", lambda _, tokens, i, *__: _formula(tokens, i, as_mathml, display=True)
    )
    return parser


@lru_cache(maxsize=4096)  # a summary shows on several pages; convert it once
def markdown_block(text: str | None, as_mathml: bool = True) -> Markup:
    """Render a Markdown field as block HTML (paragraphs, lists)."""
    return Markup(_parser(as_mathml).render(text or "").strip())


@lru_cache(maxsize=4096)
def markdown_inline(text: str | None, as_mathml: bool = True) -> Markup:
    """Render a one-line Markdown field without the surrounding <p>."""
    return Markup(_parser(as_mathml).renderInline(text or "").strip())


@lru_cache(maxsize=4096)
def markdown_plain(text: str | None) -> str:
    """The text of a Markdown field without any markup, for meta descriptions, JSON-LD, the
    feed's titles and the PDF: a formula is its TeX, `$x^2$`."""
    rendered = markdown_block(text, as_mathml=False)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())


def check_formulas(text: str) -> None:
    """Raise FormulaError for the first formula of a field that cannot be shown, so that the
    data is refused when it is read (with its file and line) rather than a page failing later.
    Both renderings are made, as a field may be shown as a block or as one line; they are
    cached, so the pages then take them for free."""
    if "$" in text:
        markdown_block(text)
        markdown_inline(text)
