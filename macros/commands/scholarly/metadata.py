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


@dataclass
class PersonMetadata:
    """What one service says about a person: names, affiliations (current first), papers."""

    name: str
    other_names: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    papers: list[PaperMetadata] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # records that make no paper, and why


# Work types of Crossref, ORCID and OpenAlex (the three vocabularies descend from Crossref's and
# do not clash) as publication types. OpenAlex calls conference papers `article` too: its
# client tells them apart by their source.
TYPE_OF_WORK = {
    "proceedings-article": "conference",
    "conference-paper": "conference",
    "journal-article": "journal",
    "article": "journal",
    "review": "journal",
    "letter": "journal",
    "posted-content": "preprint",
    "preprint": "preprint",
    "working-paper": "preprint",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "dissertation": "thesis",
    "dissertation-thesis": "thesis",
}


def clean_text(value: object) -> str:
    """One line of plain text: markup such as Crossref's `<i>` removed, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]{1,200}>", "", str(value)))
    return " ".join(text.split())


def venue_kind(kind: str, venue: str) -> str:
    """A conference paper whose venue is a workshop is a workshop paper (Crossref and DBLP
    both file workshops under conferences)."""
    return "workshop" if kind == "conference" and "workshop" in venue.casefold() else kind
