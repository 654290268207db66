"""BibTeX in: turn entries exported by DBLP or Google Scholar into `publications.yml` entries.

New entries are validated with the same model as the site, checked against the existing ones
(same id, DOI, arXiv id or title) and appended to the file as YAML text, so everything already
in the file (comments, order, layout) stays byte for byte as it was.
"""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.model import Entry
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .atomic_write import write_atomically
from .loader import load_section
from .model import Publication

TYPE_OF_ENTRY = {
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "conference",
    "article": "journal",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "misc": "preprint",
    "unpublished": "preprint",
    "techreport": "other",
}
_ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?")
_DBLP_NUMBER = re.compile(r"\s+\d{4}$")


@dataclass
class ImportReport:
    """What an import did: ids added, and entries skipped with the reason."""

    added: list[Publication] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"added   {pub.id}: {pub.title}" for pub in self.added]
        out += [f"skipped {key}: {reason}" for key, reason in self.skipped]
        out.append(f"{len(self.added)} added, {len(self.skipped)} skipped.")
        return out


def normalise_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", title.casefold())


def _field(entry: Entry, name: str) -> str | None:
    value = entry.fields_dict.get(name)
    if value is None:
        return None
    text = " ".join(str(value.value).replace("{", "").replace("}", "").split())
    return text or None


def person_name(name: str) -> str:
    """'Curie, Marie' -> 'Marie Curie'; DBLP's homonym numbers ('Wei Wang 0001') are dropped."""
    name = _DBLP_NUMBER.sub("", " ".join(name.split()))
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    return name


def _arxiv_id(entry: Entry) -> str | None:
    candidates = [
        _field(entry, "eprint"),
        _field(entry, "volume"),
        _field(entry, "url"),
        _field(entry, "journal"),
    ]
    if (_field(entry, "archiveprefix") or "").lower() == "arxiv" or any(
        "arxiv" in (c or "").lower() or (c or "").startswith("abs/") for c in candidates
    ):
        for candidate in candidates:
            match = _ARXIV_ID.search(candidate or "")
            if match:
                return match.group(1)
    return None


def _publication_type(entry: Entry, venue: str, arxiv: str | None) -> str:
    kind = TYPE_OF_ENTRY.get(entry.entry_type.lower(), "other")
    if kind == "conference" and "workshop" in venue.lower():
        return "workshop"
    if kind == "journal" and arxiv and re.search(r"corr|arxiv", venue, re.I):
        return "preprint"
    return kind


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def new_id(authors: list[str], year: str, title: str, taken: set[str]) -> str:
    """Surname of the first author, year and first title word: `curie1903radiation`."""
    surname = re.sub(r"[^a-z0-9]", "", _ascii(authors[0].split()[-1] if authors else "anon"))
    word = next(
        (w for w in re.findall(r"[a-z0-9]+", _ascii(title)) if w not in {"a", "an", "the", "on"}),
        "paper",
    )
    base = f"{surname or 'anon'}{year}{word}"
    candidate, suffix = base, 0
    while candidate in taken:
        suffix += 1
        candidate = f"{base}{chr(ord('a') + suffix - 1)}" if suffix <= 26 else f"{base}-{suffix}"
    return candidate


def entry_to_fields(entry: Entry, taken_ids: set[str]) -> dict[str, Any]:
    """The YAML fields of one BibTeX entry, in the order a person would write them."""
    title = _field(entry, "title")
    if not title:
        raise ValueError("it has no title")
    year = _field(entry, "year")
    if not year or not year.isdigit():
        raise ValueError(f"it has no usable year (got {year!r})")
    authors = [person_name(a) for a in re.split(r"\s+and\s+", _field(entry, "author") or "") if a]
    if not authors:
        raise ValueError("it has no authors")
    venue = next(
        (
            v
            for v in (
                _field(entry, k)
                for k in (
                    "booktitle",
                    "journal",
                    "school",
                    "publisher",
                    "howpublished",
                    "institution",
                )
            )
            if v
        ),
        None,
    )
    arxiv = _arxiv_id(entry)
    if venue is None:
        venue = "arXiv" if arxiv else None
    if venue is None:
        raise ValueError("it names no venue (booktitle, journal, school, publisher, ...)")
    fields: dict[str, Any] = {
        "id": new_id(authors, year, title, taken_ids),
        "title": title,
        "authors": authors,
        "venue": venue,
        "year": int(year),
        "type": _publication_type(entry, venue, arxiv),
    }
    if arxiv:
        fields["arxiv"] = arxiv
    doi = _field(entry, "doi")
    if doi:
        fields["doi"] = re.sub(r"^https?://(dx\.)?doi\.org/", "", doi)
    links: dict[str, str] = {}
    url = _field(entry, "url")
    if url and url.startswith(("http://", "https://")) and "arxiv.org" not in url:
        links["page" if not url.lower().endswith(".pdf") else "pdf"] = url
    if links:
        fields["links"] = links
    return fields


def duplicate_of(pub: Publication, existing: list[Publication]) -> str | None:
    for other in existing:
        if other.id == pub.id:
            return f"duplicate of {other.id} (same id)"
        if pub.doi and other.doi and pub.doi.lower() == other.doi.lower():
            return f"duplicate of {other.id} (same DOI)"
        if pub.arxiv and other.arxiv and pub.arxiv.split("v")[0] == other.arxiv.split("v")[0]:
            return f"duplicate of {other.id} (same arXiv id)"
        if normalise_title(pub.title) == normalise_title(other.title):
            return f"duplicate of {other.id} (same title)"
    return None


def yaml_text(entries: list[dict[str, Any]]) -> str:
    """The entries as YAML in the layout of our data files, separated by blank lines."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    blocks = []
    for fields in entries:
        buffer = io.StringIO()
        yaml.dump([CommentedMap(fields)], buffer)
        # The top-level list sits at column 0 in our files; ruamel indents it by the offset.
        lines = buffer.getvalue().splitlines()
        blocks.append("\n".join(line[2:] if line.startswith("  ") else line for line in lines))
    return "\n\n".join(blocks) + "\n"


def import_bibtex(bib_text: str, publications_file: Path, dry_run: bool = False) -> ImportReport:
    """Append the new entries of `bib_text` to `publications_file`; report added and skipped."""
    existing: list[Publication] = load_section(publications_file, "publications")
    library = bibtexparser.parse_string(bib_text, append_middleware=[LatexDecodingMiddleware()])
    report = ImportReport()
    for block in library.failed_blocks:
        report.skipped.append((f"line {block.start_line + 1}", "not a well-formed BibTeX entry"))
    known = list(existing)
    new_fields: list[dict[str, Any]] = []
    for entry in library.entries:
        try:
            fields = entry_to_fields(entry, {p.id for p in known})
            pub = Publication(**fields)
        except ValueError as error:  # ValidationError is a ValueError too
            reason = (
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
                if isinstance(error, ValidationError)
                else str(error)
            )
            report.skipped.append((entry.key, reason))
            continue
        duplicate = duplicate_of(pub, known)
        if duplicate:
            report.skipped.append((entry.key, duplicate))
            continue
        known.append(pub)
        new_fields.append(fields)
        report.added.append(pub)
    if new_fields and not dry_run:
        append_entries(publications_file, new_fields)
    return report


def append_entries(publications_file: Path, new_fields: list[dict[str, Any]]) -> None:
    """Append entries as YAML text after everything in the file, validate the whole result
    with the site's model (DataError if it fails), then replace the file atomically."""
    original = (
        publications_file.read_text(encoding="utf-8")
        if publications_file.exists()  # a missing file is an empty section
        else "# yaml-language-server: $schema=../schemas/publications.schema.json\n"
    )
    separator = (
        ""
        if original.endswith("\n\n") or not original
        else ("\n" if original.endswith("\n") else "\n\n")
    )
    updated = original + separator + yaml_text(new_fields)
    if re.search(r"^\s*\[\]\s*$", original, re.M):  # an empty `[]` list becomes a block list
        updated = re.sub(r"^\s*\[\]\s*$\n?", "", original, flags=re.M) + yaml_text(new_fields)
    with tempfile.TemporaryDirectory() as scratch:  # validate the whole file before writing
        candidate = Path(scratch) / publications_file.name
        candidate.write_text(updated, encoding="utf-8")
        load_section(candidate, "publications", str(publications_file))
    write_atomically(publications_file, updated)
