"""The files generated for publications: a page and a .bib per paper, and publications.bib.

Plain data (path, text); the MkDocs adapter turns them into generated files at build time,
so no page is ever written by hand for a paper.
"""

from __future__ import annotations

from .bibtex import publication_bibtex
from .exports import GeneratedFile
from .model import SiteData
from .rendering import SiteRenderer, bib_path

ALL_PUBLICATIONS_BIB = "publications.bib"


def page_path(pub_id: str) -> str:
    return f"publications/{pub_id}.md"


def publication_files(site: SiteData, renderer: SiteRenderer) -> list[GeneratedFile]:
    entries = {pub.id: publication_bibtex(pub) for pub in site.publications}
    # publications.bib holds every entry, in the order of data/publications.yml.
    files = [GeneratedFile(ALL_PUBLICATIONS_BIB, "\n".join(entries.values()))]
    for pub in site.publications:
        bibtex = entries[pub.id]
        files.append(GeneratedFile(bib_path(pub.id), bibtex))
        files.append(GeneratedFile(page_path(pub.id), renderer.publication_page(pub, bibtex)))
    return files
