"""Markdown for the few data fields meant to carry it (bio, summaries, highlights, notes).

markdown-it-py with `html: False` shows raw HTML as text and refuses `javascript:` links,
so a field can use **bold**, *italics* and [links](https://...) but can never inject markup.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # No images: a picture from another host would be a third-party request on every visit.
    return (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable("strikethrough")
        .disable("image")
    )


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
