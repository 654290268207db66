"""BibTeX out: one entry per publication, written with bibtexparser (never by concatenation).

Keys are the publication ids, so they never change once published. Text fields are encoded
for LaTeX with pylatexenc (`&` -> `\\&`, `é` -> `\\'e`); URLs, DOIs and arXiv ids are left as is.
An entry may carry its own `bibtex`, which is then used verbatim (after a parse check).
"""

from __future__ import annotations

import bibtexparser
from bibtexparser.entrypoint import default_unparse_stack
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat
from pylatexenc.latexencode import unicode_to_latex

from .model import Publication
from .paper_pdf import is_local

ENTRY_TYPES = {
    "conference": "inproceedings",
    "workshop": "inproceedings",
    "journal": "article",
    "preprint": "misc",
    "thesis": "phdthesis",
    "book": "book",
    "chapter": "incollection",
    "other": "misc",
}
VENUE_FIELDS = {
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "article": "journal",
    "phdthesis": "school",
    "book": "publisher",
    "misc": "howpublished",
}


class BibtexOverrideError(ValueError):
    """A publication's own `bibtex` text is not exactly one well-formed entry."""


# ASCII text without these characters is LaTeX already (most titles and names). Only the rest
# goes through the encoder, which is most of the time writing BibTeX would take otherwise.
_LATEX_SPECIAL = frozenset('"#$%&<>\\^_{}~')


def latex(text: str) -> str:
    if text.isascii() and _LATEX_SPECIAL.isdisjoint(text):
        return text
    return unicode_to_latex(text, non_ascii_only=False, replacement_latex_protection="braces")


def _format() -> BibtexFormat:
    style = BibtexFormat()
    style.indent = "  "
    style.block_separator = "\n"
    return style


def publication_entry(pub: Publication) -> Entry:
    """The bibtexparser entry generated from the publication's fields."""
    entry_type = ENTRY_TYPES[pub.type]
    fields = [
        ("title", latex(pub.title)),
        ("author", " and ".join(latex(a.name) for a in pub.authors)),
        (VENUE_FIELDS[entry_type], latex(pub.venue)),
        ("year", str(pub.year)),
    ]
    if pub.doi:
        fields.append(("doi", pub.doi))
    if pub.arxiv:
        fields += [("eprint", pub.arxiv), ("archiveprefix", "arXiv")]
    # A PDF kept in the project has no address outside the site: a .bib travels without it.
    remote_pdf = pub.links.pdf if pub.links.pdf and not is_local(pub.links.pdf) else None
    url = pub.links.page or remote_pdf or pub.all_links.arxiv
    if url:
        fields.append(("url", url))
    if pub.award:
        fields.append(("note", latex(pub.award)))
    return Entry(entry_type, pub.id, [Field(key, value) for key, value in fields])


def parse_override(pub: Publication) -> Entry:
    """The publication's own `bibtex` entry; raises BibtexOverrideError if it is not one entry."""
    library = bibtexparser.parse_string(pub.bibtex or "")
    if library.failed_blocks or len(library.entries) != 1:
        problem = (
            "it could not be parsed"
            if library.failed_blocks
            else (f"it holds {len(library.entries)} entries")
        )
        raise BibtexOverrideError(f"expected exactly one BibTeX entry, but {problem}")
    return library.entries[0]


def publication_bibtex(pub: Publication) -> str:
    """The publication's BibTeX entry as text: its own `bibtex`, or the generated one."""
    library = Library()
    library.add(parse_override(pub) if pub.bibtex else publication_entry(pub))
    # The library is ours alone: let the writer change it in place rather than deep-copy it.
    return (
        bibtexparser.write_string(
            library,
            unparse_stack=default_unparse_stack(allow_inplace_modification=True),
            bibtex_format=_format(),
        ).strip()
        + "\n"
    )
