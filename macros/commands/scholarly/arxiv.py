"""arXiv: a paper's metadata from the arXiv API (an Atom feed), by its arXiv id.

API: `GET /api/query?id_list=1706.03762` (arXiv API User's Manual). arXiv asks for no more
than one request every three seconds.
"""

from __future__ import annotations

import re

from .http import ARXIV, NotFound, ScholarlyHttp, shape_error
from .metadata import PaperMetadata, clean_text

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"
ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}$")
_ID_IN_URL = re.compile(r"abs/(\d{4}\.\d{4,5})(v\d+)?$")


def fetch_arxiv(http: ScholarlyHttp, arxiv_id: str) -> PaperMetadata:
    """The preprint `arxiv_id` (without version) as entry fields."""
    feed = http.get_xml(ARXIV, "/api/query", {"id_list": arxiv_id, "max_results": "1"})
    if feed.tag != f"{ATOM}feed":
        raise shape_error(ARXIV, "not an Atom feed")
    entries = feed.findall(f"{ATOM}entry")
    if not entries:
        raise NotFound(ARXIV, f"no paper has the id {arxiv_id}")
    entry = entries[0]
    found_id = _ID_IN_URL.search((entry.findtext(f"{ATOM}id") or "").strip())
    if clean_text(entry.findtext(f"{ATOM}title") or "") == "Error" or not found_id:
        raise NotFound(ARXIV, f"no paper has the id {arxiv_id}")
    if found_id.group(1) != arxiv_id:
        raise shape_error(ARXIV, f"asked for {arxiv_id}, got {found_id.group(1)}")
    title = clean_text(entry.findtext(f"{ATOM}title") or "")
    authors = [
        clean_text(author.findtext(f"{ATOM}name") or "")
        for author in entry.findall(f"{ATOM}author")
    ]
    published = (entry.findtext(f"{ATOM}published") or "").strip()
    if not title or not authors or not all(authors) or not re.match(r"^\d{4}-", published):
        raise shape_error(ARXIV, "an entry without title, authors or date")
    metadata = PaperMetadata(
        {
            "title": title,
            "authors": authors,
            "venue": "arXiv preprint",
            "venue_short": "arXiv",
            "year": int(published[:4]),
            "type": "preprint",
            "arxiv": arxiv_id,
        }
    )
    doi = clean_text(entry.findtext(f"{ARXIV_NS}doi") or "")
    journal = clean_text(entry.findtext(f"{ARXIV_NS}journal_ref") or "")
    if doi or journal:
        said = "; ".join(
            part
            for part in (
                f"DOI {doi}" if doi else "",
                f"journal reference '{journal}'" if journal else "",
            )
            if part
        )
        metadata.notes.append(
            f"arXiv says this paper has been published ({said}). It is entered as a preprint;"
            " when you like, update its venue, year and type in data/publications.yml"
            + (f' and add `doi: "{doi}"`.' if doi else ".")
        )
    return metadata
