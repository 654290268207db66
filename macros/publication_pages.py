"""The files generated for publications: a page and a .bib per paper, and publications.bib.

Plain data (path, text); the MkDocs adapter turns them into generated files at build time,
so no page is ever written by hand for a paper.
"""

from __future__ import annotations

from .bibtex import publication_bibtex
from .exports import GeneratedFile, GeneratedPage
from .rendering import PUBLICATION_PAGE_SECTIONS, SiteRenderer, bib_path
from .sections import SiteData

ALL_PUBLICATIONS_BIB = "publications.bib"


def page_path(pub_id: str) -> str:
    return f"publications/{pub_id}.md"


def publication_files(
    site: SiteData, renderer: SiteRenderer
) -> tuple[list[GeneratedFile], list[GeneratedPage]]:
    """Every paper's .bib and page, and publications.bib."""
    entries = {pub.id: publication_bibtex(pub) for pub in site.publications}
    # publications.bib holds every entry, in the order of data/publications.yml.
    files = [GeneratedFile(ALL_PUBLICATIONS_BIB, "\n".join(entries.values()))]
    pages = []
    for pub in site.publications:
        files.append(GeneratedFile(bib_path(pub.id), entries[pub.id]))
        pages.append(
            GeneratedPage(
                page_path(pub.id),
                renderer.publication_page(pub, entries[pub.id]),
                renderer.publication_page_meta(pub),
                PUBLICATION_PAGE_SECTIONS,
                renderer.publication_search_entry(pub),
            )
        )
    return files, pages
