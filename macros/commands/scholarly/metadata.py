"""What a service says about a paper, before it becomes a `publications.yml` entry."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PaperMetadata:
    """The entry's fields (all but `id`) and notes for the user (e.g. "published since")."""

    fields: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def clean_text(value: object) -> str:
    """One line of plain text: markup such as Crossref's `<i>` removed, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]{1,200}>", "", str(value)))
    return " ".join(text.split())


def venue_kind(kind: str, venue: str) -> str:
    """A conference paper whose venue is a workshop is a workshop paper (Crossref and DBLP
    both file workshops under conferences)."""
    return "workshop" if kind == "conference" and "workshop" in venue.casefold() else kind
