"""Every internal link and anchor of the built site resolves; external URLs are well formed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from conftest import Build
from site_links import bad_links


class LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        for key in ("href", "src"):
            if values.get(key) and tag in ("a", "link", "script", "img", "source"):
                self.links.append(values[key] or "")


def parse(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def target_file(site: Path, page: Path, link: str, site_url: str = "") -> Path | None:
    """The file a link points to inside the site, or None for another host. The site is
    served at `site_url`, whose path ('/' or '/repo/') prefixes the site's own links."""
    base = (urlparse(site_url).path or "/").rstrip("/") + "/"  # with or without the slash
    page_url = base + str(page.relative_to(site))
    url = urlparse(urljoin(page_url, link))
    if (url.scheme or url.netloc) and url.netloc != urlparse(site_url).netloc:
        return None
    url_path = url.path or "/"
    if not url_path.startswith(base):
        return site / "outside-the-site" / url_path.lstrip("/")  # does not exist
    path = site / unquote(url_path[len(base) :])
    return path / "index.html" if path.is_dir() or url_path.endswith("/") else path


def test_internal_links_and_anchors_resolve(any_site: Build) -> None:
    """Generic: for the fixture person and for the real data/ alike."""
    site = any_site.site
    site_url = any_site.data.profile.site.url or ""
    pages = {page: parse(page) for page in site.rglob("*.html")}
    broken = []
    for page, collector in pages.items():
        if page.name == "404.html":
            continue
        for link in collector.links:
            if link.startswith(("mailto:", "data:", "javascript:")):
                continue
            target = target_file(site, page, link, site_url)
            if target is None:
                continue
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {link}")
                continue
            fragment = urlparse(link).fragment
            if fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    assert broken == []


def test_external_urls_are_well_formed(any_site: Build) -> None:
    for page in any_site.site.rglob("*.html"):
        for link in parse(page).links:
            if link.startswith(("http://", "https://")):
                url = urlparse(link)
                assert url.netloc and re.match(r"^[a-z0-9.-]+(:\d+)?$", url.netloc, re.I), link
                assert " " not in link, link
            elif link.startswith("mailto:"):
                assert re.match(r"^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$", link), link


def test_every_link_of_every_output_goes_to_http_mailto_or_the_site(any_site: Build) -> None:
    """Pages (JSON-LD and meta tags too), feed.xml, the sitemap, cv.json, the search index,
    the .bib files and the PDF: each link is http(s) with a host, mailto: or on the site."""
    problems = bad_links(any_site.site)
    assert not problems, "\n".join(problems[:12])


def test_a_broken_link_is_caught(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">b</a><a href="#x">x</a>')
    page = tmp_path / "a" / "index.html"
    assert not target_file(tmp_path, page, "../b/").exists()
    assert "x" not in parse(page).ids
