"""`python -m macros add REF`: one paper from arXiv, Crossref or DBLP into publications.yml.

The entry is made from the service's metadata, validated with the site's model, refused if
the paper is already there (same id, DOI, arXiv id or title) and appended after everything in
the file, which otherwise stays byte for byte as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ...data.loader import load_section
from ...data.model import Profile, Publication
from ..bibtex_import import append_entries, duplicate_of, new_id, yaml_text
from .arxiv import ARXIV_ID, fetch_arxiv
from .crossref import fetch_work
from .dblp import DBLP_KEY, fetch_record
from .http import ARXIV, CROSSREF, DBLP, ScholarlyHttp, Service, ServiceError, shape_error
from .metadata import PaperMetadata

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


class BadReference(ValueError):
    """REF is not `arXiv:ID`, `doi:DOI` or `dblp:KEY`."""


class AlreadyThere(Exception):
    """The paper is in publications.yml already; the message names the entry."""


@dataclass
class AddResult:
    publication: Publication
    yaml: str
    notes: list[str] = field(default_factory=list)


def parse_reference(ref: str) -> tuple[Service, str]:
    """`arXiv:1706.03762v2` -> (ARXIV, '1706.03762'); likewise `doi:...` and `dblp:...`."""
    prefix, _, value = ref.strip().partition(":")
    value = value.strip()
    kind = prefix.lower()
    if kind == "arxiv":
        value = re.sub(r"v\d+$", "", value)
        if ARXIV_ID.match(value):
            return ARXIV, value
        raise BadReference(f"'{ref}': an arXiv id looks like arXiv:1706.03762")
    if kind == "doi":
        value = re.sub(r"^https?://(dx\.)?doi\.org/", "", value)
        if _DOI.match(value):
            return CROSSREF, value
        raise BadReference(f"'{ref}': a DOI looks like doi:10.1145/3600006.3613165")
    if kind == "dblp":
        if DBLP_KEY.match(value):
            return DBLP, value
        raise BadReference(f"'{ref}': a DBLP key looks like dblp:conf/nips/VaswaniSPUJGKP17")
    raise BadReference(f"'{ref}': expected arXiv:ID, doi:DOI or dblp:KEY (e.g. arXiv:1706.03762)")


def _metadata(http: ScholarlyHttp, service: Service, key: str, profile: Profile) -> PaperMetadata:
    try:
        if service is ARXIV:
            return fetch_arxiv(http, key)
        if service is CROSSREF:
            return fetch_work(http, key, profile.email)
        return fetch_record(http, key)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        raise shape_error(service, type(error).__name__) from None


def _names(profile: Profile) -> set[str]:
    return {
        " ".join(n.replace(".", " ").split()).casefold()
        for n in (profile.name, *profile.name_variants)
    }


def add_paper(ref: str, data_dir: Path, http: ScholarlyHttp, dry_run: bool = False) -> AddResult:
    """Fetch REF's metadata, check it, and append it to data/publications.yml (unless dry_run).

    Raises BadReference, ServiceError (NotFound included), AlreadyThere or DataError.
    """
    service, key = parse_reference(ref)
    publications_file = data_dir / "publications.yml"
    existing: list[Publication] = (
        load_section(publications_file, "publications", "data/publications.yml")
        if publications_file.exists()
        else []
    )
    profile: Profile = load_section(data_dir / "profile.yml", "profile", "data/profile.yml")
    for pub in existing:  # known by the very id asked for: no need to ask the service
        if (service is ARXIV and pub.arxiv and pub.arxiv.split("v")[0] == key) or (
            service is CROSSREF and pub.doi and pub.doi.lower() == key.lower()
        ):
            which = "arXiv id" if service is ARXIV else "DOI"
            raise AlreadyThere(
                f"{ref} is already there: duplicate of {pub.id} (same {which})"
                " in data/publications.yml"
            )
    metadata = _metadata(http, service, key, profile)
    fields: dict[str, Any] = {
        "id": new_id(
            metadata.fields["authors"],
            str(metadata.fields["year"]),
            metadata.fields["title"],
            {p.id for p in existing},
        ),
        **metadata.fields,
    }
    try:
        publication = Publication(**fields)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ServiceError(
            service, f"its metadata does not make a valid entry ({problems})"
        ) from None
    duplicate = duplicate_of(publication, existing)
    if duplicate:
        raise AlreadyThere(f"{ref} is already there: {duplicate} in data/publications.yml")
    notes = list(metadata.notes)
    if not _names(profile) & {
        " ".join(a.name.replace(".", " ").split()).casefold() for a in publication.authors
    }:
        notes.append(
            "None of the authors matches your name or its variants in data/profile.yml"
            " (name_variants); add the spelling used here if it is you."
        )
    if not dry_run:
        append_entries(publications_file, [fields])
    return AddResult(publication, yaml_text([fields]), notes)
