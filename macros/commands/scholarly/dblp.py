"""DBLP: a record's metadata by its key (`conf/nips/VaswaniSPUJGKP17`), and a person's page.

API: `GET /rec/{key}.xml` answers `<dblp><inproceedings key=...>...</inproceedings></dblp>`;
`GET /pid/{pid}.xml` answers `<dblpperson name pid n>` with a `<person>` (names, affiliation
notes) and one `<r>` per publication, each holding a record of the same shape (dblp's
"How to use the dblp API" FAQ). DBLP asks for a pause of one to two seconds between requests
and answers 429 with `Retry-After` when asked too fast.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from ..bibtex_import import TYPE_OF_ENTRY, person_name
from .http import DBLP, ScholarlyHttp, ServiceError, shape_error
from .metadata import PaperMetadata, PersonMetadata, clean_text, venue_kind

DBLP_KEY = re.compile(r"^[a-z]+(/[A-Za-z0-9_-]+){2,}$")
DBLP_PID = re.compile(r"^[0-9a-z]+/[0-9A-Za-z_-]+$")
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
    return record_metadata(records[0])


def _text(element: ET.Element | None) -> str:
    return clean_text("".join(element.itertext())) if element is not None else ""


def record_metadata(record: ET.Element) -> PaperMetadata:
    """One DBLP publication record (`<inproceedings>`, `<article>`, ...) as entry fields."""
    title = _text(record.find("title"))
    title = title[:-1] if title.endswith(".") else title
    authors = [person_name(_text(a)) for a in record.findall("author")]
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


def fetch_person(http: ScholarlyHttp, pid: str) -> PersonMetadata:
    """The person page `pid` (`12/3456`): every publication record, in DBLP's order."""
    root = http.get_xml(DBLP, f"/pid/{pid}.xml")
    name = person_name(root.get("name") or "") if root.tag == "dblpperson" else ""
    if not name:
        raise shape_error(DBLP, "no <dblpperson name=...>")
    person = PersonMetadata(name)
    about = root.find("person")
    if about is not None:
        person.other_names = [person_name(_text(a)) for a in about.findall("author")]
        person.affiliations = [
            _text(note) for note in about.findall("note") if note.get("type") == "affiliation"
        ]
    for wrapper in root.findall("r"):
        for record in wrapper:
            if record.tag not in TYPE_OF_RECORD:
                continue  # proceedings volumes edited, home pages, data sets
            try:
                person.papers.append(record_metadata(record))
            except ServiceError as error:
                person.skipped.append(f"DBLP {record.get('key', '?')}: {error}")
    return person
