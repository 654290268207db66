"""OpenAlex: citation counts by DOI, many papers a request; an author and their works.

API: `GET /works?filter=doi:10.1/a|10.1/b&select=doi,cited_by_count&per-page=50&api_key=KEY`
answers `{"meta": {...}, "results": [{"doi": "https://doi.org/10.1/a", "cited_by_count": 7}]}`
(OpenAlex API documentation: works, filter, select). `GET /authors/A5023888391` answers the
author (`display_name`, `display_name_alternatives`, `last_known_institutions`), and
`GET /works?filter=author.id:A5023888391&per-page=200&cursor=*` their works a page at a time,
each page's `meta.next_cursor` asking for the next (null after the last; "Paging", cursor
paging). Since February 2026 OpenAlex asks every user for a key; it comes from the environment
variable OPENALEX_API_KEY.
"""

from __future__ import annotations

import re
from typing import Any

from .http import OPENALEX, ScholarlyHttp, shape_error
from .metadata import TYPE_OF_WORK, PaperMetadata, PersonMetadata, clean_text, venue_kind

BATCH = 50
_DOI_URL = "https://doi.org/"


def work_doi(arxiv: str | None, doi: str | None) -> str:
    """The DOI OpenAlex knows a paper by: its own, or the one arXiv registers for a preprint."""
    return (doi or f"10.48550/arXiv.{(arxiv or '').split('v')[0]}").lower()


def citation_counts(http: ScholarlyHttp, dois: list[str], api_key: str) -> dict[str, int]:
    """Count per lower-case DOI, for the DOIs OpenAlex knows."""
    counts: dict[str, int] = {}
    for start in range(0, len(dois), BATCH):
        chunk = dois[start : start + BATCH]
        answer = http.get_json(
            OPENALEX,
            "/works",
            {
                "filter": "doi:" + "|".join(chunk),
                "select": "doi,cited_by_count",
                "per-page": str(BATCH),
                "api_key": api_key,
            },
        )
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise shape_error(OPENALEX, "no 'results' list")
        for work in results:
            if not isinstance(work, dict):
                raise shape_error(OPENALEX, "a result that is not an object")
            doi, count = work.get("doi"), work.get("cited_by_count")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise shape_error(OPENALEX, "a result without a cited_by_count number")
            if isinstance(doi, str) and doi.lower().removeprefix(_DOI_URL) in chunk:
                counts[doi.lower().removeprefix(_DOI_URL)] = count
    return counts


# --- an author and their works, for `init` ------------------------------------------------

OPENALEX_AUTHOR = re.compile(r"^A\d{4,12}$")
PAGE_SIZE = 200  # the most OpenAlex gives a page
MAX_PAGES = 50  # 10,000 works: beyond any one person's record
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(\d{4}\.\d{4,5})(v\d+)?$", re.I)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(v\d+)?", re.I)


def _params(api_key: str | None, **params: str) -> dict[str, str]:
    return params | ({"api_key": api_key} if api_key else {})


def _strings(values: object) -> list[str]:
    return [clean_text(v) for v in values if isinstance(v, str)] if isinstance(values, list) else []


def fetch_author(http: ScholarlyHttp, author_id: str, api_key: str | None) -> PersonMetadata:
    """The author `A5023888391` and every work OpenAlex lists for them (cursor paging)."""
    answer = http.get_json(OPENALEX, f"/authors/{author_id}", _params(api_key))
    name = clean_text(answer.get("display_name") or "") if isinstance(answer, dict) else ""
    if not name:
        raise shape_error(OPENALEX, "an author without display_name")
    institutions = answer.get("last_known_institutions")
    author = PersonMetadata(
        name,
        _strings(answer.get("display_name_alternatives")),
        [
            clean_text(i["display_name"])
            for i in (institutions if isinstance(institutions, list) else [])
            if isinstance(i, dict) and isinstance(i.get("display_name"), str)
        ],
    )
    cursor: str | None = "*"
    for _ in range(MAX_PAGES):
        if cursor is None:
            break
        page = http.get_json(
            OPENALEX,
            "/works",
            _params(
                api_key,
                filter=f"author.id:{author_id}",
                **{"per-page": str(PAGE_SIZE), "cursor": cursor},
            ),
        )
        results = page.get("results") if isinstance(page, dict) else None
        meta = page.get("meta") if isinstance(page, dict) else None
        if not isinstance(results, list) or not isinstance(meta, dict):
            raise shape_error(OPENALEX, "no 'results' list and 'meta'")
        for work in results:
            if not isinstance(work, dict):
                raise shape_error(OPENALEX, "a result that is not an object")
            paper = work_metadata(work)
            if isinstance(paper, str):
                author.skipped.append(paper)
            else:
                author.papers.append(paper)
        next_cursor = meta.get("next_cursor")
        cursor = next_cursor if isinstance(next_cursor, str) and results else None
    return author


def _arxiv_of(work: dict[str, Any], doi: str | None) -> str | None:
    match = _ARXIV_DOI.match(doi or "")
    if match:
        return match.group(1)
    for location in work.get("locations") or []:
        url = location.get("landing_page_url") if isinstance(location, dict) else None
        found = _ARXIV_URL.search(url) if isinstance(url, str) else None
        if found:
            return found.group(1)
    return None


def work_metadata(work: dict[str, Any]) -> PaperMetadata | str:
    """One OpenAlex work as entry fields (venue left out when OpenAlex names none), or why
    it cannot be one."""
    title = clean_text(work.get("title") or work.get("display_name") or "")
    year = work.get("publication_year")
    authors = [
        clean_text(a["author"].get("display_name") or a.get("raw_author_name") or "")
        for a in work.get("authorships") or []
        if isinstance(a, dict) and isinstance(a.get("author"), dict)
    ]
    if not title or not isinstance(year, int) or not all(authors) or not authors:
        return f"OpenAlex {work.get('id', '?')}: a work without title, year or authors"
    raw_doi = work.get("doi") if isinstance(work.get("doi"), str) else None
    doi = raw_doi.removeprefix(_DOI_URL).removeprefix("http://doi.org/") if raw_doi else None
    arxiv = _arxiv_of(work, doi)
    location = work.get("primary_location")
    source = location.get("source") if isinstance(location, dict) else None
    source = source if isinstance(source, dict) else {}
    kind = TYPE_OF_WORK.get(str(work.get("type")), "other")
    if source.get("type") == "conference" and kind == "journal":
        kind = "conference"
    elif source.get("type") == "repository" or (arxiv and kind == "journal" and not source):
        kind = "preprint"
    fields: dict[str, Any] = {"title": title, "authors": authors, "year": year}
    venue = clean_text(source.get("display_name") or "")
    if venue:
        fields["venue"] = venue
        kind = venue_kind(kind, venue)
    fields["type"] = kind
    if arxiv:
        fields["arxiv"] = arxiv
    if doi and not _ARXIV_DOI.match(doi):
        fields["doi"] = doi
    return PaperMetadata(fields)
