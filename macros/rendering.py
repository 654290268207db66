"""Turning validated site data into page fragments through the Jinja templates in `templates/`.

Templates autoescape, so text from data shows literally; only fields meant for Markdown go
through `markup`. Fragments are emitted as HTML blocks without blank lines, which Python-Markdown
leaves alone, or as Markdown (`.md` templates) where headings should reach the table of contents.
"""

from __future__ import annotations

import html
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .jsonld import person, scholarly_article
from .markup import markdown_block, markdown_inline, markdown_plain
from .model import Publication, SiteData

TEMPLATES_DIR = Path(__file__).parent / "templates"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PUBLICATION_TYPE_LABELS = {
    "conference": "Conference",
    "journal": "Journal",
    "workshop": "Workshop",
    "preprint": "Preprint",
    "thesis": "Thesis",
    "book": "Book",
    "chapter": "Book chapter",
    "other": "Other",
}
AWARD_HEADINGS = {"scholarship": "Scholarships", "honor": "Honors", "competition": "Competitions"}
# The <h2> sections of a paper's page, (anchor, heading): its table of contents.
PUBLICATION_PAGE_SECTIONS = (("cite", "Cite"),)


def format_partial_date(value: str | None) -> str:
    """'2024-09' -> 'Sep 2024', '2024' -> '2024', 'present' -> 'Present'."""
    if not value:
        return ""
    if value == "present":
        return "Present"
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{month} {int(parts[2])}, {parts[0]}"


def format_period(start: str, end: str | None) -> str:
    return (
        f"{format_partial_date(start)} – {format_partial_date(end)}"
        if end
        else format_partial_date(start)
    )


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def paper_path(pub_id: str) -> str:
    """Where a publication's own page lives, relative to the site root."""
    return f"publications/{pub_id}/"


def bib_path(pub_id: str) -> str:
    """Where a publication's .bib file lives, relative to the site root."""
    return f"publications/{pub_id}.bib"


def author_marks(pubs: Iterable[Publication]) -> dict[str, bool]:
    """Which author marks the papers use, so a legend explains only those."""
    authors = [a for p in pubs for a in p.authors]
    return {
        "corresponding": any(a.corresponding for a in authors),
        "equal_contribution": any(a.equal_contribution for a in authors),
    }


def search_text(value: object) -> Markup:
    """Text escaped as Material's search indexer escapes it: `<`, `>`, `&`, but not quotes,
    which its search would otherwise have to match as `&#39;`."""
    return Markup(html.escape(str(value), quote=False))


def _normalise_name(name: str) -> str:
    return re.sub(r"[\s.\-,]+", " ", name).strip().casefold()


class IconLibrary:
    """Inline SVG icons looked up by Material's names (e.g. 'fontawesome/brands/github')."""

    def __init__(self, icon_dirs: Iterable[Path]) -> None:
        self.icon_dirs = [Path(d) for d in icon_dirs]

    def __call__(self, name: str) -> Markup:
        for directory in self.icon_dirs:
            path = directory / f"{name}.svg"
            if path.is_file():
                return Markup('<span class="twemoji">{}</span>').format(
                    Markup(path.read_text(encoding="utf-8").strip())
                )
        if not self.icon_dirs:
            return Markup("")
        raise ValueError(
            f"unknown icon '{name}': no {name}.svg in {', '.join(map(str, self.icon_dirs))}"
        )


class HtmlStash:
    """HTML fragments kept out of Python-Markdown's way.

    A macro puts an HTML comment into the page's Markdown; after conversion, `restore` swaps
    each comment for its fragment. Markdown never re-reads the fragment, so nothing in it can
    be reinterpreted, and large lists cost nothing to convert.
    """

    def __init__(self) -> None:
        self._token = secrets.token_hex(6)
        self._fragments: dict[str, str] = {}
        self._pattern = re.compile(f"<!--homepage-html-{self._token}-\\d+-->")

    def put(self, html: str) -> str:
        key = f"<!--homepage-html-{self._token}-{len(self._fragments)}-->"
        self._fragments[key] = html
        return key

    def restore(self, html: str) -> str:
        return self._pattern.sub(lambda match: self._fragments[match.group(0)], html)


class SiteRenderer:
    """Renders each section of the site; one public method per macro a page can call."""

    def __init__(
        self,
        site: SiteData,
        icon_dirs: Sequence[Path] = (),
        templates_dir: Path = TEMPLATES_DIR,
        base_path: str = "/",
    ) -> None:
        """`base_path` is the site's path on its host ('/' or '/repo/'), for links across pages."""
        self.site = site
        self.stash = HtmlStash()
        self._entries: dict[str, Markup] = {}
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.owner_names = {
            _normalise_name(n) for n in (site.profile.name, *site.profile.name_variants)
        }
        self.env = Environment(
            loader=FileSystemLoader(templates_dir),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # a renderer lives for one build; don't stat templates per use
        )
        self.env.filters.update(
            md=markdown_block,
            md_inline=markdown_inline,
            partial_date=format_partial_date,
            join_names=join_names,
            search_text=search_text,
        )
        self.env.globals.update(
            icon=IconLibrary(icon_dirs),
            period=format_period,
            is_owner=self.is_owner,
            profile=site.profile,
            html_block=self._render,
            base_path=self.base_path,
            paper_url=self.paper_url,
            bib_path=bib_path,
            publication_entry=self.publication_entry,
        )

    def publication_entry(self, pub: Publication) -> Markup:
        """A paper as one item of a list (`publication` in _publication.html), rendered once
        per build: the home page, the publications page and the CV list the same entries."""
        entry = self._entries.get(pub.id)
        if entry is None:
            entry = self.env.get_template("_publication.html").module.publication(pub)  # type: ignore[attr-defined]
            self._entries[pub.id] = entry
        return entry

    def paper_url(self, pub: Publication) -> str:
        """The site-absolute address of a publication's own page."""
        return self.base_path + paper_path(pub.id)

    def is_owner(self, name: str) -> bool:
        return _normalise_name(name) in self.owner_names

    def _render_html(self, template: str, **context: Any) -> Markup:
        """An HTML template, rendered as it is (for the theme, or inside other HTML)."""
        return Markup(self.env.get_template(template).render(**context).strip())

    def _render(self, template: str, **context: Any) -> Markup:
        """Page source from a template: Markdown for `.md`, a stashed HTML block for `.html`."""
        if template.endswith(".html"):
            text = self.stash.put(self._render_html(template, **context))
        else:
            text = self.env.get_template(template).render(**context).strip()
        return Markup("\n\n" + text + "\n\n")

    # --- macros -------------------------------------------------------------------------

    def profile_card(self, name_as_heading: bool = False) -> str:
        """Name, position, affiliation and links; the name is the page's <h1> if asked."""
        return self._render("profile_card.html", name_as_heading=name_as_heading)

    def bio(self) -> str:
        return self._render("bio.html")

    def interests(self) -> str:
        return self._render("interests.html", interests=self.site.profile.interests)

    def news(self, limit: int | None = None) -> str:
        items = self.site.news if limit is None else self.site.news[:limit]
        return self._render("news.html", items=items)

    def publications(
        self,
        selected: bool | None = None,
        by_year: bool = True,
        year: int | None = None,
        heading_level: int = 2,
        filters: bool = False,
    ) -> str:
        pubs = [
            p
            for p in self.site.publications
            if (selected is None or p.selected == selected) and (year is None or p.year == year)
        ]
        pubs.sort(key=lambda p: p.year, reverse=True)
        groups = [(y, list(g)) for y, g in groupby(pubs, key=lambda p: p.year)] if by_year else []
        return self._render(
            "publications.md",
            facets=self._facets(pubs) if filters and pubs else [],
            pubs=pubs,
            groups=groups,
            legend=author_marks(pubs),
            heading="#" * heading_level,
        )

    def education(self) -> str:
        return self._render("education.html", items=self.site.education)

    def experience(self) -> str:
        return self._render(
            "experience.html", items=self.site.experience, publications=self.site.publication_by_id
        )

    def talks(self) -> str:
        return self._render("talks.html", items=self.site.talks)

    def teaching(self) -> str:
        return self._render("teaching.html", items=self.site.teaching)

    def awards(self, category: str | None = None, heading_level: int | None = 2) -> str:
        """Awards grouped by category, under headings (`heading_level=None` for none)."""
        if category is not None and category not in AWARD_HEADINGS:
            raise ValueError(
                f"awards(category={category!r}): expected one of {', '.join(AWARD_HEADINGS)}"
            )
        groups = [
            (AWARD_HEADINGS[c], [a for a in self.site.awards if a.category == c])
            for c in AWARD_HEADINGS
            if category in (None, c)
        ]
        return self._render(
            "awards.md",
            groups=[g for g in groups if g[1]],
            heading="#" * heading_level if heading_level else "",
        )

    def projects(self) -> str:
        return self._render("projects.html", items=self.site.projects)

    def skills(self) -> str:
        return self._render("skills.html", items=self.site.skills)

    # --- generated publication pages ---------------------------------------------------

    def publication_page(self, pub: Publication, bibtex: str) -> str:
        """The HTML of a publication's own page."""
        return self._render_html(
            "publication_page.html",
            pub=pub,
            bibtex=bibtex.strip(),
            legend=author_marks([pub]),
            sections=dict(PUBLICATION_PAGE_SECTIONS),
        )

    def publication_page_meta(self, pub: Publication) -> dict[str, str]:
        """Title and description of a publication's page, escaped as the theme expects them,
        and the paper's id, which tells the theme to add its Google Scholar tags."""
        return {
            "title": str(Markup.escape(pub.title)),
            "description": str(Markup.escape(self._publication_description(pub))),
            "publication": pub.id,
        }

    def publication_search_entry(self, pub: Publication) -> tuple[str, str]:
        """Title and text of the paper's entry in the site search, made from its data."""
        text = self._render_html(
            "publication_search.html", pub=pub, summary=markdown_plain(pub.summary)
        )
        return str(search_text(pub.title)), str(text)

    @staticmethod
    def _publication_description(pub: Publication) -> str:
        if pub.summary:
            return markdown_plain(pub.summary)
        return f"{join_names([a.name for a in pub.authors])}. {pub.venue}, {pub.year}."

    def publication_head(self, pub: Publication, page_url: str | None, site_url: str) -> str:
        """Google Scholar meta tags and JSON-LD for the <head> of a publication's page."""
        links = pub.all_links
        return self._render_html(
            "publication_head.html",
            pub=pub,
            pdf_url=urljoin(site_url, links.pdf) if links.pdf else None,
            jsonld=scholarly_article(pub, page_url),
        )

    def home_head(self, site_url: str | None) -> str:
        """JSON-LD `Person` for the <head> of the home page."""
        return self._render_html("home_head.html", jsonld=person(self.site, site_url))

    # --- helpers ------------------------------------------------------------------------

    def _facets(self, pubs: list[Publication]) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
        """Filter fields with the number of papers for each year, type and topic."""
        years = Counter(str(p.year) for p in pubs)
        types = Counter(p.type for p in pubs)
        topics = Counter(t for p in pubs for t in p.topics)
        facets = [
            ("year", "Year", [(y, y, n) for y, n in sorted(years.items(), reverse=True)]),
            (
                "type",
                "Type",
                [(t, PUBLICATION_TYPE_LABELS[t], n) for t, n in sorted(types.items())],
            ),
            ("topic", "Topic", [(t, t, n) for t, n in sorted(topics.items())]),
        ]
        return facets

    def macros(self) -> dict[str, Callable[..., str]]:
        """The functions pages may call, by name."""
        names = (
            "profile_card",
            "bio",
            "interests",
            "news",
            "publications",
            "education",
            "experience",
            "talks",
            "teaching",
            "awards",
            "projects",
            "skills",
        )
        return {name: getattr(self, name) for name in names}
