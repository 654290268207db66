"""DBLP: a record's metadata by its key (`conf/nips/VaswaniSPUJGKP17`), as DBLP's XML.

API: `GET /rec/{key}.xml` answers `<dblp><inproceedings key=...>...</inproceedings></dblp>`
(dblp's "How to use the dblp API" FAQ). DBLP asks for a pause of one to two seconds between
requests and answers 429 with `Retry-After` when asked too fast.
"""

from __future__ import annotations

import re
from typing import Any

from ..bibtex_import import TYPE_OF_ENTRY, person_name
from .http import DBLP, ScholarlyHttp, shape_error
from .metadata import PaperMetadata, clean_text, venue_kind

DBLP_KEY = re.compile(r"^[a-z]+(/[A-Za-z0-9_-]+){2,}$")
# DBLP's record types are BibTeX's entry types: the kinds are bibtex_import's, for the records
# that are publications (not `proceedings` volumes, `www` pages or `data`).
PUBLICATION_RECORDS = (
    "inproceedings",
    "article",
    "book",
    "incollection",
    "phdthesis",
    "mastersthesis",
)
TYPE_OF_RECORD = {tag: TYPE_OF_ENTRY[tag] for tag in PUBLICATION_RECORDS}
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)$")
_ARXIV_IN = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?$")


def fetch_record(http: ScholarlyHttp, key: str) -> PaperMetadata:
    """The DBLP record `key` as entry fields."""
    root = http.get_xml(DBLP, f"/rec/{key}.xml")
    records = list(root) if root.tag == "dblp" else []
    if len(records) != 1 or records[0].tag not in TYPE_OF_RECORD:
        raise shape_error(DBLP, "no publication record in <dblp>")
    record = records[0]
    title = clean_text(
        "".join(record.find("title").itertext()) if record.find("title") is not None else ""
    )
    title = title[:-1] if title.endswith(".") else title
    authors = [person_name(clean_text("".join(a.itertext()))) for a in record.findall("author")]
    year_text = (record.findtext("year") or "").strip()
    venue = clean_text(
        record.findtext("booktitle")
        or record.findtext("journal")
        or record.findtext("school")
        or record.findtext("publisher")
        or ""
    )
    if not title or not authors or not year_text.isdigit() or not venue:
        raise shape_error(DBLP, "a record without title, authors, year or venue")
    kind = TYPE_OF_RECORD[record.tag]
    arxiv = None
    if (record.findtext("eprinttype") or "").strip().lower() == "arxiv" or venue == "CoRR":
        match = _ARXIV_IN.search(
            (record.findtext("eprint") or record.findtext("volume") or "").strip()
        )
        arxiv = match.group(1) if match else None
    kind = "preprint" if venue == "CoRR" and arxiv else venue_kind(kind, venue)
    fields: dict[str, Any] = {
        "title": title,
        "authors": authors,
        "venue": venue,
        "year": int(year_text),
        "type": kind,
    }
    if arxiv:
        fields["arxiv"] = arxiv
    links: dict[str, str] = {}
    for ee in record.findall("ee"):
        url = (ee.text or "").strip()
        doi = _DOI_URL.match(url)
        if doi and "doi" not in fields:
            fields["doi"] = doi.group(1)
        elif url.startswith("https://") and "arxiv.org" not in url and "page" not in links:
            links["page"] = url
    if links:
        fields["links"] = links
    return PaperMetadata(fields)
