"""Markdown for the few data fields meant to carry it (bio, summaries, highlights, notes).

markdown-it-py with `html: False` shows raw HTML as text, and a link is made only to an
http(s) host, a `mailto:` address or a place on the site (anything else stays text), so a field
can use **bold**, *italics* and [links](https://...) but can never inject markup or a script.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

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


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # No images: a picture from another host would be a third-party request on every visit.
    parser = (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable("strikethrough")
        .disable("image")
    )
    parser.validateLink = link_allowed  # type: ignore[method-assign]
    return parser


@lru_cache(maxsize=4096)  # a summary shows on several pages; convert it once
def markdown_block(text: str | None) -> Markup:
    """Render a Markdown field as block HTML (paragraphs, lists)."""
    return Markup(_parser().render(text or "").strip())


@lru_cache(maxsize=4096)
def markdown_inline(text: str | None) -> Markup:
    """Render a one-line Markdown field without the surrounding <p>."""
    return Markup(_parser().renderInline(text or "").strip())


@lru_cache(maxsize=4096)
def markdown_plain(text: str | None) -> str:
    """The text of a Markdown field without any markup, for meta descriptions and JSON-LD."""
    rendered = markdown_block(text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())
