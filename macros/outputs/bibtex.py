"""BibTeX out: one entry per publication, written with bibtexparser (never by concatenation).

Keys are the publication ids, so they never change once published. Every LaTeX special
character in the text fields (title, authors, venue, note) is escaped (`&` -> `\\&`, `{` -> `\\{`),
so LaTeX prints the text as written and no text can end a field early; other characters stay
as they are (UTF-8). Capitals in titles and names that BibTeX would split are protected with
braces. URLs, DOIs and arXiv ids are left as is (the data model admits no brace in them).
An entry may carry its own `bibtex`, which is then used verbatim (after a parse check).
"""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser.entrypoint import default_unparse_stack
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from ..data.model import Publication
from ..data.paper_pdf import is_local

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


# What stands in a .bib field for each character LaTeX reads as markup, so LaTeX prints the
# character. Everything else, non-ASCII letters, CJK and emoji included, is written as it is
# (the .bib files are UTF-8, which biber, bibtexu and LaTeX's inputenc read). The commands are
# braced, `{\textbackslash}`: BibTeX then takes the group for one character and never changes
# its case. `@` is braced too: it starts an entry, and a parser that looks for one at the
# start of a line then cannot take text for an entry.
_LATEX_OF = {
    "\\": r"{\textbackslash}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    '"': "''",
    "<": r"\ensuremath{<}",
    ">": r"\ensuremath{>}",
    "@": "{@}",
}
# BibTeX finds the end of a field by counting braces, escaped or not. Braces that pair up in
# the text are written `\{` `\}`, which balance for BibTeX too; a lone one (a `}` before any
# `{`, a `{` never closed) as a command without a brace in its name, or it would end the field.
_LONE_BRACE = {"{": r"\ensuremath{\lbrace}", "}": r"\ensuremath{\rbrace}"}
_LATEX_SPECIAL = frozenset(_LATEX_OF) | frozenset(_LONE_BRACE)
_AND = re.compile(r"\band\b", re.IGNORECASE)


def _braces_balance(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _lone_braces(text: str) -> set[int]:
    """Where in `text` the braces are that pair with no other."""
    opened: list[int] = []
    lone: set[int] = set()
    for index, char in enumerate(text):
        if char == "{":
            opened.append(index)
        elif char == "}":
            if opened:
                opened.pop()
            else:
                lone.add(index)
    return lone | set(opened)


def latex(text: str) -> str:
    """Text for a BibTeX field: every LaTeX special character escaped so that it prints as
    written, and BibTeX's count of braces balanced, so no text can end the field early."""
    if _LATEX_SPECIAL.isdisjoint(text):
        return text
    lone = _lone_braces(text)
    return "".join(
        (_LONE_BRACE[char] if index in lone else "\\" + char)
        if char in _LONE_BRACE
        else _LATEX_OF.get(char, char)
        for index, char in enumerate(text)
    )


def _protected(text: str) -> str:
    """`text` in braces, which BibTeX styles leave as it is. A group that starts with a
    command, `{\\&Co}`, is one of BibTeX's "special characters", whose letters styles do
    lower-case: such text gets two braces."""
    return "{{" + text + "}}" if text.startswith("\\") else "{" + text + "}"


def latex_title(text: str) -> str:
    """A title whose capitals survive BibTeX styles, which lower-case titles ('LLM-based'
    would print as 'llm-based'): each word with a capital letter is put in braces."""
    words = []
    for word in latex(text).split(" "):
        if not any(char.isupper() for char in word):
            words.append(word)
        elif _braces_balance(word):
            words.append(_protected(word))
        else:  # part of a pair of braces around several words: protect its capitals one by one
            words.append("".join("{" + c + "}" if c.isupper() else c for c in word))
    return " ".join(words)


def latex_name(name: str) -> str:
    """An author for the `author` field: braced whole where BibTeX would split it (a name
    with the word 'and', such as a team's) or turn it around (a comma)."""
    text = latex(name)
    return _protected(text) if _AND.search(name) or "," in name else text


def _format() -> BibtexFormat:
    style = BibtexFormat()
    style.indent = "  "
    style.block_separator = "\n"
    return style


def publication_entry(pub: Publication) -> Entry:
    """The bibtexparser entry generated from the publication's fields."""
    entry_type = ENTRY_TYPES[pub.type]
    fields = [
        ("title", latex_title(pub.title)),
        ("author", " and ".join(latex_name(a.name) for a in pub.authors)),
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
