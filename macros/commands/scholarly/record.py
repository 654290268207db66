"""A person's record from ORCID, DBLP and OpenAlex, merged into one: one entry per paper.

Two papers are the same when they share a DOI (compared without case: DOIs are
case-insensitive, and ORCID, DBLP and OpenAlex spell them differently), an arXiv id (without
its version) or a title (compared as `normalise_title` does: letters and digits only, without
case). An arXiv preprint and its published version are one paper when they share one of these
(the same title, usually): the entry is the published one (venue, year, type, DOI) and keeps the
arXiv id, so the site links both; the command says so for each.

Fields come from the best source for the paper: a published version before a preprint, then
DBLP (curated author lists and venue names), OpenAlex, ORCID; what the best one lacks (a DOI,
an arXiv id, a venue of the same kind) is filled in from the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..bibtex_import import normalise_title
from .dblp import fetch_person
from .http import ScholarlyHttp
from .metadata import PaperMetadata, PersonMetadata
from .openalex import fetch_author
from .orcid import Affiliation, fetch_orcid

SOURCES = ("DBLP", "OpenAlex", "ORCID")  # preferred first, for a paper's fields
_MIN_TITLE_KEY = 12  # shorter titles ("Introduction") do not make two papers one


@dataclass
class Found:
    """One paper as one source gives it."""

    source: str
    metadata: PaperMetadata


@dataclass
class MergedPaper:
    fields: dict[str, Any]  # entry fields but `id`; `venue` or `authors` may be missing
    sources: list[str]
    preprint_merged: str | None = None  # arXiv id of a preprint merged into this version


def paper_keys(fields: dict[str, Any]) -> set[tuple[str, str]]:
    """What makes two papers one: DOI without case, arXiv id without version, title."""
    keys = set()
    if fields.get("doi"):
        keys.add(("doi", str(fields["doi"]).lower()))
    if fields.get("arxiv"):
        keys.add(("arxiv", re.sub(r"v\d+$", "", str(fields["arxiv"]))))
    title = normalise_title(str(fields.get("title", "")))
    if len(title) >= _MIN_TITLE_KEY:
        keys.add(("title", title))
    return keys


def _rank(found: Found) -> tuple[bool, int]:
    return (found.metadata.fields.get("type") == "preprint", SOURCES.index(found.source))


def merge_papers(found: list[Found]) -> list[MergedPaper]:
    """One entry per paper, in the order each paper was first seen."""
    parent = list(range(len(found)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    first_with: dict[tuple[str, str], int] = {}
    for index, item in enumerate(found):
        for key in paper_keys(item.metadata.fields):
            if key in first_with:
                parent[root(index)] = root(first_with[key])
            else:
                first_with[key] = index
    groups: dict[int, list[Found]] = {}
    for index, item in enumerate(found):
        groups.setdefault(root(index), []).append(item)
    return [_merge_group(group) for group in groups.values()]


def _merge_group(group: list[Found]) -> MergedPaper:
    ranked = sorted(group, key=_rank)
    best = ranked[0]
    fields = dict(best.metadata.fields)
    published = fields.get("type") != "preprint"
    for other in ranked[1:]:
        theirs = other.metadata.fields
        same_kind = (theirs.get("type") != "preprint") == published
        for key in ("authors", "doi", "arxiv", "links"):
            if key in theirs:
                fields.setdefault(key, theirs[key])
        if same_kind:
            for key in ("venue", "venue_short"):
                if key in theirs:
                    fields.setdefault(key, theirs[key])
    merged = published and any(
        f.metadata.fields.get("type") == "preprint" and f.metadata.fields.get("arxiv")
        for f in group
    )
    return MergedPaper(
        fields,
        sorted({f.source for f in group}, key=SOURCES.index),
        fields.get("arxiv") if merged else None,
    )


@dataclass
class PersonRecord:
    """Everything the services say about the person, merged."""

    name: str
    name_variants: list[str] = field(default_factory=list)
    affiliation: str | None = None
    position: str | None = None
    email: str | None = None
    bio: str | None = None
    interests: list[str] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    education: list[Affiliation] = field(default_factory=list)
    employment: list[Affiliation] = field(default_factory=list)
    papers: list[MergedPaper] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # papers each source listed


def _distinct(names: list[str], but: str) -> list[str]:
    seen = {" ".join(but.split()).casefold()}
    kept = []
    for name in names:
        key = " ".join(name.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            kept.append(" ".join(name.split()))
    return kept


def fetch_record(
    http: ScholarlyHttp,
    orcid: str | None = None,
    dblp: str | None = None,
    openalex: str | None = None,
    openalex_key: str | None = None,
) -> PersonRecord:
    """Ask each service named for its part of the record; any failure raises ServiceError.
    Names, affiliations and links are taken in the order ORCID, DBLP, OpenAlex."""
    record = PersonRecord(name="")
    found: dict[str, PersonMetadata] = {}
    if orcid:
        person = found["ORCID"] = fetch_orcid(http, orcid)
        record.email = person.emails[0] if person.emails else None
        record.bio = person.biography
        record.interests = person.keywords
        record.education = person.education
        record.employment = person.employment
        current = [a for a in person.employment if a.end is None]
        record.position = current[0].role if current else None
        record.links.append(
            {"label": "ORCID", "url": f"https://orcid.org/{orcid}", "icon": "simple/orcid"}
        )
        record.links += [{"label": label, "url": url} for label, url in person.urls]
    if dblp:
        found["DBLP"] = fetch_person(http, dblp)
        record.links.append(
            {"label": "DBLP", "url": f"https://dblp.org/pid/{dblp}.html", "icon": "simple/dblp"}
        )
    if openalex:
        found["OpenAlex"] = fetch_author(http, openalex, openalex_key)
        record.links.append({"label": "OpenAlex", "url": f"https://openalex.org/{openalex}"})
    people = list(found.values())
    record.name = people[0].name
    others = [p.name for p in people[1:]] + [n for p in people for n in p.other_names]
    record.name_variants = _distinct(others, but=record.name)
    affiliations = [a for p in people for a in p.affiliations]
    record.affiliation = affiliations[0] if affiliations else None
    record.papers = merge_papers([Found(s, paper) for s, p in found.items() for paper in p.papers])
    record.notes = [note for p in people for note in p.skipped]
    record.counts = {source: len(p.papers) for source, p in found.items()}
    return record
