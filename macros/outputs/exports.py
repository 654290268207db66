"""The site-wide files made from the data at build time, besides the pages.

`cv.pdf` (Typst), `cv.json` (JSON Resume), `feed.xml` (Atom news feed), and for GitHub Pages
`CNAME` (the custom domain, so `mkdocs gh-deploy` can never drop it) and `.nojekyll`; and
`robots.txt`, pointing crawlers at the sitemap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

from ..data.photo import ResizedPhoto
from ..data.sections import SiteData
from .cv_pdf import cv_data, render_cv_pdf, with_photo
from .json_resume import json_resume_text
from .rendering import SiteRenderer

CV_PDF_PATH = "cv.pdf"
CV_JSON_PATH = "cv.json"


@dataclass(frozen=True)
class GeneratedFile:
    path: str  # relative to the site root, with forward slashes
    # A function for content that is slow to make (the PDF): the build can make it on the side;
    # or that gives a file to copy (a resized image in the cache).
    content: str | bytes | Callable[[], bytes | Path]


@dataclass(frozen=True)
class GeneratedPage:
    """A page made from data, as finished HTML: it needs no Markdown pass, and skipping that
    pass makes it cheaper to build than a plain Markdown page."""

    path: str  # source path under docs/, e.g. `publications/<id>.md` (served at .../<id>/)
    html: str
    meta: dict[str, str]  # as front matter would give it; title and description HTML-escaped
    sections: tuple[tuple[str, str], ...] = ()  # (anchor, heading) for the table of contents
    # (title, text as HTML) of its search entry, made from data: the search need not parse it.
    search_entry: tuple[str, str] | None = None


def custom_domain(site_url: str | None) -> str | None:
    """The host to put in CNAME: none for github.io addresses, local or missing URLs."""
    host = urlparse(site_url or "").hostname
    if not host or host in ("localhost", "127.0.0.1") or host.endswith(".github.io"):
        return None
    return host


def robots_txt(site_url: str | None) -> str:
    """Allow every crawler and point it at the sitemap MkDocs writes."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


def language_site_url(site_url: str | None, folder: str) -> str | None:
    """The address of one language's site: the site's own, with the language's folder."""
    return site_url.rstrip("/") + "/" + folder if site_url and folder else site_url


def site_files(
    site: SiteData,
    renderer: SiteRenderer,
    photo: ResizedPhoto | None = None,
    project_dir: Path | None = None,
    folder: str = "",
) -> list[GeneratedFile]:
    """cv.pdf, cv.json, CNAME and .nojekyll, all from the same data (and the profile photo on
    the PDF where profile.yml asks for it). feed.xml, which carries the posts too, is written
    once they are built (see `feed.news_feed` and `language_site_url`).

    `site` is the data in one of the site's languages; `folder` is where that language's site
    is published under the site's address ('' for the default language, 'zh/' for another): another
    language gets its own PDF CV and feed, and nothing that belongs to the whole site (cv.json
    stays in the default language, CNAME, robots.txt and .nojekyll are the root's).
    """
    site_url = language_site_url(site.profile.site.url, folder)
    pdf_data = cv_data(site, site_url)
    if photo is not None and photo.cv_photo and project_dir is not None:
        pdf_data = with_photo(pdf_data, photo.cv_photo, photo.alt)
    files = [
        GeneratedFile(CV_PDF_PATH, partial(render_cv_pdf, pdf_data, site=site, root=project_dir)),
    ]
    if folder:
        return files
    files += [
        GeneratedFile(CV_JSON_PATH, json_resume_text(site, site_url)),
        GeneratedFile(".nojekyll", ""),
        GeneratedFile("robots.txt", robots_txt(site_url)),
    ]
    domain = custom_domain(site_url)
    if domain:
        files.append(GeneratedFile("CNAME", domain + "\n"))
    return files
