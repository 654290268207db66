"""The files generated for publications: a page and a .bib per paper, and publications.bib.

Plain data (path, text); the MkDocs adapter turns them into generated files at build time,
so no page is ever written by hand for a paper.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from ..data.model import Publication
from ..data.paper_pdf import DOCS_DIR, is_local, published_path, source_path
from ..data.sections import SiteData
from ..views.views import bib_path, paper_page_source
from .bibtex import publication_bibtex
from .exports import GeneratedFile, GeneratedPage
from .rendering import SiteRenderer, publication_page_sections

ALL_PUBLICATIONS_BIB = "publications.bib"


def remote_pdf_papers(site: SiteData) -> list[Publication]:
    """Papers whose PDF is on another host: linked, but not given to Scholar as theirs."""
    return [pub for pub in site.publications if pub.links.pdf and not is_local(pub.links.pdf)]


def local_pdf_sources(site: SiteData) -> set[str]:
    """The files under docs/ that are papers' own PDFs (published beside their pages)."""
    pdfs = (pub.links.pdf for pub in site.publications)
    return {source_path(pdf) for pdf in pdfs if pdf and is_local(pdf)}


def publication_files(
    site: SiteData, renderer: SiteRenderer, project_dir: Path = Path()
) -> tuple[list[GeneratedFile], list[GeneratedPage]]:
    """Every paper's .bib and page, its PDF kept in the project (published beside its page,
    where Scholar looks for it), the resized copies of its figure, and publications.bib."""
    entries = {pub.id: publication_bibtex(pub) for pub in site.publications}
    # publications.bib holds every entry, in the order of data/publications.yml.
    files = [GeneratedFile(ALL_PUBLICATIONS_BIB, "\n".join(entries.values()))]
    pages = []
    for pub in site.publications:
        files.append(GeneratedFile(bib_path(pub.id), entries[pub.id]))
        image = renderer.publication_view(pub).image
        for site_path, cached in image.files.items() if image else ():
            # Linked from the cache (`partial` returns the file: the writer links it).
            files.append(GeneratedFile(site_path, partial(Path, cached)))
        if pub.links.pdf and is_local(pub.links.pdf):
            source = project_dir / DOCS_DIR / source_path(pub.links.pdf)
            files.append(GeneratedFile(published_path(pub.id, pub.links.pdf), source.read_bytes))
        pages.append(
            GeneratedPage(
                paper_page_source(pub.id),
                renderer.publication_page(pub, entries[pub.id]),
                renderer.publication_page_meta(pub),
                publication_page_sections(pub, site.words),
                renderer.publication_search_entry(pub),
            )
        )
    return files, pages
