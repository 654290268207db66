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
import charset_normalizer
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.model import Block, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ..data.loader import load_section
from ..data.model import Publication
from .atomic_write import write_atomically

try:
    from yaml import CBaseLoader as _FastLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import BaseLoader as _FastLoader  # type: ignore[assignment]

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


# Text that LaTeX decoding would leave as it is, braces aside: most of a DBLP export. Decoding
# such values is skipped, which was most of the time an import took.
_PLAIN_LATEX = re.compile(r"[A-Za-z0-9 .,:;!?()/+@=\n{}-]*")


class _LatexDecoding(LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding, skipped where there is nothing to decode."""

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if "--" not in python_string and _PLAIN_LATEX.fullmatch(python_string):
            return python_string.replace("{", "").replace("}", ""), ""
        return super()._transform_python_value_string(python_string)


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


class _KnownPublications:
    """Ids, DOIs, arXiv ids and titles seen so far, indexed: each look-up costs the same
    however long the file is, so an import is linear in the number of entries."""

    def __init__(self, pubs: list[Publication]) -> None:
        self.ids: set[str] = set()
        self._by: dict[tuple[str, str], str] = {}
        for pub in pubs:
            self.add(pub)

    @staticmethod
    def _keys(pub: Publication) -> list[tuple[str, str]]:
        keys = [("id", pub.id)]
        if pub.doi:
            keys.append(("DOI", pub.doi.lower()))
        if pub.arxiv:
            keys.append(("arXiv id", pub.arxiv.split("v")[0]))
        return [*keys, ("title", normalise_title(pub.title))]

    def add(self, pub: Publication) -> None:
        self.ids.add(pub.id)
        for key in self._keys(pub):
            self._by.setdefault(key, pub.id)

    def duplicate_of(self, pub: Publication) -> str | None:
        for kind, value in self._keys(pub):
            other = self._by.get((kind, value))
            if other is not None:
                return f"duplicate of {other} (same {kind})"
        return None


def duplicate_of(pub: Publication, existing: list[Publication]) -> str | None:
    """Why `pub` is already among `existing` (same id, DOI, arXiv id or title), or None."""
    return _KnownPublications(existing).duplicate_of(pub)


def _yaml_writer() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def yaml_mapping_text(fields: dict[str, Any]) -> str:
    """A mapping (profile.yml) as YAML in the layout of our data files."""
    buffer = io.StringIO()
    _yaml_writer().dump(CommentedMap(fields), buffer)
    return buffer.getvalue()


def yaml_text(entries: list[dict[str, Any]]) -> str:
    """The entries as YAML in the layout of our data files, separated by blank lines."""
    yaml = _yaml_writer()
    blocks = []
    for fields in entries:
        buffer = io.StringIO()
        yaml.dump([CommentedMap(fields)], buffer)
        # The top-level list sits at column 0 in our files; ruamel indents it by the offset.
        lines = buffer.getvalue().splitlines()
        blocks.append("\n".join(line[2:] if line.startswith("  ") else line for line in lines))
    return "\n\n".join(blocks) + "\n"


def decode_bib(data: bytes, name: str) -> tuple[str, str]:
    """The text of a .bib file and the encoding it was read in: UTF-8 (with or without BOM)
    when it is, else what charset-normalizer detects; ValueError if it cannot tell."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ValueError(
            f"{name}: not UTF-8, and its encoding could not be recognised;"
            " save it as UTF-8 and import it again"
        )
    # Between single-byte code pages that read the bytes equally well, a short file cannot
    # tell; Windows-1252 (Western European) is by far the most common one in .bib files.
    if not best.encoding.startswith("utf"):
        western = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
        if western is not None and western.chaos <= best.chaos:
            best = western
    return str(best), best.encoding


def _failed_block_reason(block: Block) -> str:
    if isinstance(block, DuplicateBlockKeyBlock):
        first = block.previous_block.start_line + 1 if block.previous_block else None
        where = f" (first used at line {first})" if first else ""
        return f"duplicate key '{block.key}'{where}; the later entry is not imported"
    if isinstance(block, DuplicateFieldKeyBlock):
        return f"an entry with a field given twice ({block.error})"
    return "not a well-formed BibTeX entry"


def _without_empty_flow_list(original: str) -> str:
    """The file with its top-level `[]` taken out (and nothing else changed), so new entries
    can follow as a block list; the file as it is if its list is not an empty `[]`."""
    events = yaml.parse(original, Loader=_FastLoader)
    first = next(
        (e for e in events if isinstance(e, (yaml.NodeEvent, yaml.CollectionStartEvent))), None
    )
    end = next(events, None)
    if not (
        isinstance(first, yaml.SequenceStartEvent)
        and first.flow_style
        and isinstance(end, yaml.SequenceEndEvent)
    ):
        return original
    # The marks count characters (libyaml's leave out a byte-order mark at the start). The
    # same parser as the site's: the pure-Python one refuses some files the site reads (`[]\t`).
    shift = 1 if original.startswith("\ufeff") and _FastLoader is not yaml.BaseLoader else 0
    start, stop = first.start_mark.index + shift, end.end_mark.index + shift
    blanks = re.match(r"[ \t]*", original[stop:])
    if blanks and "\t" in blanks.group():  # YAML allows a tab after `[]`, not at a line's start
        stop += blanks.end()
    return original[:start] + original[stop:]


def import_bibtex(bib_text: str, publications_file: Path, dry_run: bool = False) -> ImportReport:
    """Append the new entries of `bib_text` to `publications_file`; report added and skipped.

    What is in the file stays byte for byte (but a lone `[]`, which a block list replaces),
    and the import is refused if the existing entries would read differently afterwards."""
    existing: list[Publication] = load_section(publications_file, "publications")
    library = bibtexparser.parse_string(bib_text, append_middleware=[_LatexDecoding()])
    report = ImportReport()
    for block in library.failed_blocks:
        key = getattr(block, "key", None)
        label = f"{key} (line {block.start_line + 1})" if key else f"line {block.start_line + 1}"
        report.skipped.append((label, _failed_block_reason(block)))
    known = _KnownPublications(existing)
    new_fields: list[dict[str, Any]] = []
    for entry in library.entries:
        try:
            fields = entry_to_fields(entry, known.ids)
            pub = Publication(**fields)
        except ValueError as error:  # ValidationError is a ValueError too
            reason = (
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
                if isinstance(error, ValidationError)
                else str(error)
            )
            report.skipped.append((entry.key, reason))
            continue
        duplicate = known.duplicate_of(pub)
        if duplicate:
            report.skipped.append((entry.key, duplicate))
            continue
        known.add(pub)
        new_fields.append(fields)
        report.added.append(pub)
    if new_fields and not dry_run:
        append_entries(publications_file, new_fields, existing)
    return report


def _newline(text: str) -> str:
    """The file's line end, which new lines follow: CRLF where the file has it."""
    return "\r\n" if "\r\n" in text else "\n"


def _separator(kept: str) -> str:
    """What goes between the file as it is and the new entries: a blank line after an entry,
    and a line end at least, so the first new entry starts at column 0 of a line of its own."""
    tail = kept.replace("\r\n", "\n")
    if tail == "" or tail.endswith("\n\n") or (tail.endswith("\n") and not tail.strip()):
        separator = ""
    elif tail.endswith("\n"):
        separator = "\n"
    else:
        separator = "\n" if not tail.strip() else "\n\n"
    return separator.replace("\n", _newline(kept))


def append_entries(
    publications_file: Path,
    new_fields: list[dict[str, Any]],
    existing: list[Publication] | None = None,
) -> None:
    """Append entries as YAML text after everything in the file, validate the whole result
    with the site's model (DataError if it fails), then replace the file atomically.

    What is in the file stays byte for byte (but a lone `[]`, which a block list replaces),
    and nothing is written if the existing entries would read differently afterwards."""
    original = (
        # As bytes: reading text would turn CRLF line ends into LF, changing every line.
        publications_file.read_bytes().decode("utf-8")
        if publications_file.exists()  # a missing file is an empty section
        else "# yaml-language-server: $schema=../schemas/publications.schema.json\n"
    )
    if existing is None:
        existing = (
            load_section(publications_file, "publications") if publications_file.exists() else []
        )
    kept = _without_empty_flow_list(original)
    updated = kept + _separator(kept) + yaml_text(new_fields).replace("\n", _newline(original))
    with tempfile.TemporaryDirectory() as scratch:  # validate the whole file before writing
        candidate = Path(scratch) / publications_file.name
        candidate.write_text(updated, encoding="utf-8")
        merged = load_section(
            candidate, "publications", str(publications_file), publications_file.parent
        )
    if merged[: len(existing)] != existing:
        raise ValueError(
            f"{publications_file}: appending would change existing entries (the file ends"
            " inside a block that keeps trailing lines?); nothing was written"
        )
    write_atomically(publications_file, updated)
