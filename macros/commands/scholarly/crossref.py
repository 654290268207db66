"""Crossref: a DOI's metadata and its `is-referenced-by-count`, from the REST API.

API: `GET /works/{doi}` answers `{"status": "ok", "message-type": "work", "message": {...}}`
(Crossref REST API documentation). The owner's e-mail goes in the User-Agent and in `mailto`,
which puts the requests in Crossref's "polite" pool.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .http import CROSSREF, ScholarlyHttp, shape_error
from .metadata import TYPE_OF_WORK, PaperMetadata, clean_text, venue_kind


def _work(http: ScholarlyHttp, doi: str, mailto: str | None) -> dict[str, Any]:
    params = {"mailto": mailto} if mailto else None
    answer = http.get_json(CROSSREF, f"/works/{quote(doi, safe='/:;()._-')}", params)
    if not isinstance(answer, dict) or not isinstance(answer.get("message"), dict):
        raise shape_error(CROSSREF, "no 'message' object")
    return answer["message"]


def _first(message: dict[str, Any], key: str) -> str | None:
    values = message.get(key)
    if isinstance(values, list) and values and isinstance(values[0], str):
        return clean_text(values[0]) or None
    return None


def _year(message: dict[str, Any]) -> int | None:
    """The year of first publication: `issued` is the earliest of print and online."""
    for key in ("issued", "published", "published-print", "published-online"):
        date = message.get(key)
        parts = date.get("date-parts") if isinstance(date, dict) else None
        first = parts[0] if isinstance(parts, list) and parts else None
        if isinstance(first, list) and first and isinstance(first[0], int):
            return first[0]
    return None


def _authors(message: dict[str, Any]) -> list[str]:
    names = []
    for author in message.get("author") or []:
        if not isinstance(author, dict):
            raise shape_error(CROSSREF, "an author that is not an object")
        name = " ".join(
            clean_text(author[k]) for k in ("given", "family") if isinstance(author.get(k), str)
        ) or clean_text(author.get("name") or "")
        if name:
            names.append(name)
    return names


def fetch_work(http: ScholarlyHttp, doi: str, mailto: str | None) -> PaperMetadata:
    """The work with this DOI as entry fields; a proceedings article becomes a conference paper
    whose venue is its `container-title`."""
    message = _work(http, doi, mailto)
    title = _first(message, "title")
    subtitle = _first(message, "subtitle")
    if title and subtitle and subtitle.casefold() not in title.casefold():
        title = f"{title}: {subtitle}"
    authors = _authors(message)
    year = _year(message)
    kind = TYPE_OF_WORK.get(str(message.get("type")), "other")
    venue = _first(message, "container-title")
    if venue is None and kind in ("thesis", "book", "other"):
        venue = clean_text(message.get("publisher") or "") or None
    if not title or not authors or year is None or not venue:
        missing = [
            n
            for n, v in (("title", title), ("authors", authors), ("year", year), ("venue", venue))
            if not v
        ]
        raise shape_error(CROSSREF, f"the work has no {', '.join(missing)}")
    kind = venue_kind(kind, venue)
    fields: dict[str, Any] = {
        "title": title,
        "authors": authors,
        "venue": venue,
    }
    short = _first(message, "short-container-title")
    if short and short != venue:
        fields["venue_short"] = short
    fields |= {"year": year, "type": kind, "doi": str(message.get("DOI") or doi)}
    return PaperMetadata(fields)


def citation_count(http: ScholarlyHttp, doi: str, mailto: str | None) -> int:
    """Crossref's `is-referenced-by-count` for the DOI (NotFound when Crossref has no such DOI)."""
    count = _work(http, doi, mailto).get("is-referenced-by-count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise shape_error(CROSSREF, "no 'is-referenced-by-count' number")
    return count
