"""Turning the sections' entry views into page fragments through the templates in `templates/`.

Each section is rendered by `<section>.html`/`.md` where the user made one, else by its layout's
template (`entries.html`, `publications.md`, ...), from the views in `views.py`. Templates
autoescape, so text from data shows literally; only fields meant for Markdown go through
`markup`. An HTML fragment reaches the page as a placeholder comment that `HtmlStash` swaps for it
after Markdown (Python-Markdown never re-reads it); `.md` templates give Markdown where headings
should reach the table of contents. Each macro's output is marked so the MkDocs adapter can
indent it to where the macro was called (`indent_macro_output`).
"""

from __future__ import annotations

import html
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import partial, wraps
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pydantic import BaseModel

from ..data.model import Publication
from ..data.paper_pdf import is_local, published_path
from ..data.sections import BUILTIN_SECTIONS, Section, SiteData
from ..views.markup import markdown_block, markdown_inline, markdown_plain
from ..views.views import AWARD_HEADINGS as AWARD_HEADINGS  # for readers of the old name
from ..views.views import EntryView, bib_path, paper_path
from ..views.views import format_partial_date as format_partial_date
from ..views.views import format_period as format_period
from ..views.words import ENGLISH, Words, fill
from .jsonld import blog_posting, person, scholarly_article
from .writings import BLOG_DIR, PostSummary

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
# A person's copy of a template, in their own folder, replaces the engine's (see ownership.yml).
PERSON_TEMPLATES = Path("overrides") / "templates"


def template_dirs(project_dir: Path | None) -> tuple[Path, ...]:
    """Where templates are looked up: the person's overrides/templates/ first, then the engine's."""
    if project_dir is not None and (project_dir / PERSON_TEMPLATES).is_dir():
        return (project_dir / PERSON_TEMPLATES, TEMPLATES_DIR)
    return (TEMPLATES_DIR,)


def template_file(name: str, project_dir: Path | None) -> Path:
    """The file of template `name` (`cv.typ`, ...): the person's copy if they made one."""
    for folder in template_dirs(project_dir):
        if (folder / name).is_file():
            return folder / name
    return TEMPLATES_DIR / name


# A macro's output starts and ends with these marks, so that `indent_macro_output` can indent
# it to the column of the macro call (inside an admonition, a list item, a blockquote).
BLOCK_START = "<!--homepage-block-->"
BLOCK_END = "<!--/homepage-block-->"


def publication_page_sections(
    pub: Publication, words: Words = ENGLISH
) -> tuple[tuple[str, str], ...]:
    """The <h2> sections of this paper's page, (anchor, heading) in order: its table of
    contents. The abstract comes first, on the pages of papers that have one."""
    abstract = (("abstract", words.abstract),) if pub.abstract else ()
    return (*abstract, ("cite", words.cite))


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


class MarkdownWords:
    """The fixed words for a Markdown page (the engine's pages in macros/pages/): each escaped
    as Python-Markdown escapes text (`<`, `>`, `&`; quotes stay as they are), so a word shows
    as written and the page is the same as with the word typed into it."""

    def __init__(self, words: Any) -> None:
        self._words = words

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._words, name)
        if isinstance(value, str):
            return Markup(html.escape(value, quote=False))
        if isinstance(value, BaseModel):
            return MarkdownWords(value)
        return value

    def __repr__(self) -> str:
        return f"MarkdownWords({self._words!r})"


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
        templates_dirs: Sequence[Path] = (TEMPLATES_DIR,),
        base_path: str = "/",
    ) -> None:
        """`base_path` is the site's path on its host ('/' or '/repo/'), for links across pages."""
        self.site = site
        self.words = site.words  # the fixed words of the site's language
        self.stash = HtmlStash()
        self._entries: dict[tuple[str, bool], Markup] = {}
        self._publication_views: dict[str, EntryView] | None = None
        # The published posts, newest first: set by the MkDocs adapter, which finds them once
        # Material's blog has read them (none without a blog).
        self.posts_source: Callable[[], Sequence[PostSummary]] = tuple
        # (macro, its arguments, exception) raised while a page rendered, for the MkDocs
        # adapter to report at the failing call's line.
        self.macro_errors: list[tuple[str, tuple[Any, ...], dict[str, Any], Exception]] = []
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.templates_dirs = tuple(templates_dirs)
        self.env = Environment(
            loader=FileSystemLoader(self.templates_dirs),
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
            partial_date=self.words.date,
            join_names=self.words.join,
            search_text=search_text,
            fill=fill,
        )
        self.env.globals.update(
            words=self.words,
            icon=IconLibrary(icon_dirs),
            period=self.words.period_of,
            is_owner=self.is_owner,
            profile=site.profile,
            html_block=self._render,
            base_path=self.base_path,
            site_path=self.site_path,
            paper_url=self.paper_url,
            bib_path=bib_path,
            publication_entry=self.publication_entry,
            citation=site.metrics.shown,  # a paper's stored count, or None (data/metrics.yml)
        )

    def publication_entry(self, view: EntryView, with_image: bool = True) -> Markup:
        """A paper as one item of a list (`publication` in _publication.html), rendered once
        per build: the home page, the publications page and the CV list the same entries,
        but the CV without the paper's figure (`with_image=False`)."""
        pub = view.source
        key = (pub.id, with_image and view.image is not None)
        entry = self._entries.get(key)
        if entry is None:
            macro = self.env.get_template("_publication.html").module.publication  # type: ignore[attr-defined]
            # A person's own copy from before figures takes the view alone (and shows none).
            entry = macro(view, with_image) if "with_image" in macro.arguments else macro(view)
            self._entries[key] = entry
        return entry

    def publication_view(self, pub: Publication) -> EntryView:
        if self._publication_views is None:
            views = self.site.views(self.site.section("publications"))
            self._publication_views = {view.source.id: view for view in views}
        return self._publication_views[pub.id]

    def site_path(self, url: str) -> str:
        """A view's link as the page needs it: a path from the site root ('/x/') gets the
        site's own path on its host in front; anything else is left as it is."""
        return self.base_path + url[1:] if url.startswith("/") and not url.startswith("//") else url

    def paper_url(self, pub: Publication) -> str:
        """The site-absolute address of a publication's own page."""
        return self.base_path + paper_path(pub.id)

    def is_owner(self, name: str) -> bool:
        return self.site.view_context.is_owner(name)

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

    def _template_for(self, section: Section) -> str:
        """`<section>.md` or `.html` where the user made one, else the layout's template."""
        for name in (section.name, section.layout):
            for suffix in (".md", ".html"):
                if any((d / f"{name}{suffix}").is_file() for d in self.templates_dirs):
                    return name + suffix
        raise FileNotFoundError(f"no template for the section '{section.name}'")

    def _section_body(
        self, section: Section, views: Sequence[EntryView], heading_level: int = 2, **extra: Any
    ) -> Markup:
        by_group = [(group, list(items)) for group, items in groupby(views, lambda v: v.group)]
        return self._render(
            self._template_for(section),
            section=section,
            views=list(views),
            by_group=by_group,
            heading="#" * heading_level if heading_level else "",
            **extra,
        )

    # --- macros -------------------------------------------------------------------------

    def section(self, name: str, heading_level: int = 2) -> str:
        """Any section, built-in or from data, in its template; `heading_level` is the level
        of the headings inside it (awards by category, publications by year)."""
        section = self.site.section(name)
        if section.layout == "publications":
            return self.publications(heading_level=heading_level)
        return self._section_body(section, self.site.views(section), heading_level)

    def cv(self, heading_level: int = 2) -> str:
        """Every section of the CV that has entries, under its heading, in the CV's order."""
        parts = []
        for section in self.site.cv_sections():
            if self.site.views(section):
                parts.append(f"{'#' * heading_level} {Markup.escape(section.title)}")
                if section.layout == "publications":  # a CV lists papers without figures
                    parts.append(self.publications(heading_level=heading_level + 1, images=False))
                else:
                    parts.append(self.section(section.name, heading_level=heading_level + 1))
        return Markup("\n\n".join(parts))

    def profile_card(self, name_as_heading: bool = False) -> str:
        """Name, position, affiliation and links; the name is the page's <h1> if asked."""
        return self._render("profile_card.html", name_as_heading=name_as_heading)

    def bio(self) -> str:
        return self._render("bio.html")

    def citation_total(self) -> str:
        """The papers' stored citation counts added up, if metrics.yml says `show_total: true`."""
        metrics = self.site.metrics
        total = metrics.total([p.id for p in self.site.publications])
        return self._render("citation_total.html", total=total if metrics.show_total else None)

    def news(self, limit: int | None = None) -> str:
        section = self.site.section("news")
        views = self.site.views(section)
        return self._section_body(section, views if limit is None else views[:limit])

    def posts(self, limit: int | None = None, heading_level: int = 0) -> str:
        """The latest posts, newest first, each a link with its date; under a "Latest posts"
        heading of `heading_level` with a link to the blog when asked (nothing at all, heading
        included, while there are no posts)."""
        posts = list(self.posts_source())
        return self._render(
            "posts.md",
            posts=posts if limit is None else posts[:limit],
            heading="#" * heading_level,
            blog_url=self.site_path(f"/{BLOG_DIR}/"),
        )

    def publications(
        self,
        selected: bool | None = None,
        by_year: bool = True,
        year: int | None = None,
        heading_level: int = 2,
        filters: bool = False,
        images: bool = True,
    ) -> str:
        """The papers (the selected ones, or one year's), newest first, by year if asked; with
        their figures unless `images=False` (the CV)."""
        section = self.site.section("publications")
        views = [
            v
            for v in self.site.views(section)
            if (selected is None or v.source.selected == selected)
            and (year is None or v.source.year == year)
        ]
        groups = (
            [(y, list(g)) for y, g in groupby(views, key=lambda v: v.source.year)]
            if by_year
            else []
        )
        pubs = [v.source for v in views]
        return self._section_body(
            section,
            views,
            heading_level,
            facets=self._facets(pubs) if filters and pubs else [],
            groups=groups,
            legend=author_marks(pubs),
            images=images,
        )

    def awards(self, category: str | None = None, heading_level: int | None = 2) -> str:
        """Awards grouped by category, under headings (`heading_level=None` for none)."""
        categories = list(type(self.words.award_groups).model_fields)
        if category is not None and category not in categories:
            raise ValueError(
                f"awards(category={category!r}): expected one of {', '.join(categories)}"
            )
        section = self.site.section("awards")
        views = [
            v for v in self.site.views(section) if category is None or v.source.category == category
        ]
        return self._section_body(section, views, heading_level or 0)

    # --- generated publication pages ---------------------------------------------------

    def publication_page(self, pub: Publication, bibtex: str) -> str:
        """The HTML of a publication's own page."""
        return self._render_html(
            "publication_page.html",
            pub=pub,
            view=self.publication_view(pub),
            bibtex=bibtex.strip(),
            legend=author_marks([pub]),
            sections=dict(publication_page_sections(pub, self.words)),
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

    def _publication_description(self, pub: Publication) -> str:
        if pub.summary:
            return markdown_plain(pub.summary)
        authors = self.words.join([a.name for a in pub.authors])
        return self.words.publication_description.format(
            authors=authors, venue=pub.venue, year=pub.year
        )

    def publication_head(
        self,
        pub: Publication,
        page_url: str | None,
        site_url: str,
        image_url: str | list[str] | None = None,
        original: Publication | None = None,
        language: str | None = None,
    ) -> str:
        """Google Scholar meta tags and JSON-LD for the <head> of a publication's page.

        `citation_pdf_url` only for a PDF published beside the page: Scholar ignores others.
        `image_url` is the absolute address of the page's picture (its social card), if any, or
        the addresses of its pictures (the paper's figure, then the card).
        On a page in another language than the default one, `original` is the paper in the
        default language: Scholar's tags keep the paper's own title, authors and abstract on
        every language's page, where JSON-LD describes the page in its `language`.
        """
        pdf = pub.links.pdf
        cited = original or pub
        return self._render_html(
            "publication_head.html",
            pub=cited,
            pdf_url=urljoin(site_url, published_path(pub.id, pdf))
            if pdf and is_local(pdf)
            else None,
            abstract=markdown_plain(cited.abstract),
            jsonld=scholarly_article(
                pub, page_url, self.is_owner, self.site.profile.site.url, image_url, language
            ),
        )

    def home_head(self, site_url: str | None, image_url: str | None = None) -> str:
        """JSON-LD `Person` for the <head> of the home page; `image_url` as for a paper."""
        return self._render_html("home_head.html", jsonld=person(self.site, site_url, image_url))

    def math_head(self, font_url: str) -> str:
        """The math font's `@font-face` and `math` rule, for the <head> of a page with formulas
        (`font_url` relative to the page)."""
        return self._render_html("math_head.html", font_url=font_url)

    def post_head(self, post: PostSummary, page_url: str | None, image_url: str | None) -> str:
        """Open Graph's article tags and JSON-LD `BlogPosting` for the <head> of a post."""
        return self._render_html(
            "post_head.html",
            post=post,
            jsonld=blog_posting(post, page_url, self.site, image_url),
        )

    # --- helpers ------------------------------------------------------------------------

    def _facets(self, pubs: list[Publication]) -> list[tuple[str, str, list[tuple[str, str, int]]]]:
        """Filter fields with the number of papers for each year, type and topic."""
        years = Counter(str(p.year) for p in pubs)
        types = Counter(p.type for p in pubs)
        topics = Counter(t for p in pubs for t in p.topics)
        words = self.words
        labels = words.publication_types.model_dump()
        facets = [
            ("year", words.facet_year, [(y, y, n) for y, n in sorted(years.items(), reverse=True)]),
            ("type", words.facet_type, [(t, labels[t], n) for t, n in sorted(types.items())]),
            ("topic", words.facet_topic, [(t, t, n) for t, n in sorted(topics.items())]),
        ]
        return facets

    def macros(self) -> dict[str, Callable[..., str]]:
        """The functions pages may call, by name: one per built-in section (the ones with
        options have methods of their own), `section(name)` for any section, and `cv()`."""
        macros: dict[str, Callable[..., str]] = {
            section.name: partial(self.section, section.name) for section in BUILTIN_SECTIONS
        }
        macros.update(
            section=self.section,
            cv=self.cv,
            profile_card=self.profile_card,
            bio=self.bio,
            news=self.news,
            posts=self.posts,
            publications=self.publications,
            awards=self.awards,
            citation_total=self.citation_total,
        )
        return {name: _marked(function) for name, function in macros.items()}


def _marked(function: Callable[..., str]) -> Callable[..., str]:
    """A macro whose output is marked at both ends, for `indent_macro_output`."""

    @wraps(function)
    def marked(*args: Any, **kwargs: Any) -> str:
        return Markup(BLOCK_START) + function(*args, **kwargs) + Markup(BLOCK_END)

    return marked


_MARKED_BLOCK = re.compile(
    f"^(?P<prefix>[^\n]*?){re.escape(BLOCK_START)}(?P<body>.*?){re.escape(BLOCK_END)}",
    re.S | re.M,
)
# What may stand before a macro call for its output to belong to that block: indentation,
# blockquote marks, a list item's marker.
_BLOCK_PREFIX = re.compile(r"[ \t>]*(?:(?:[-*+]|\d+[.)])[ \t]+)?")


def indent_macro_output(markdown: str) -> str:
    """Indent each macro's output to the column of its call, so that a macro inside an
    admonition, a list item or a blockquote stays inside it (Jinja only indents the first
    line). Output after other text on its line is left as it is."""

    def indent(match: re.Match[str]) -> str:
        prefix, body = match["prefix"], match["body"]
        if not _BLOCK_PREFIX.fullmatch(prefix):
            return prefix + body
        pad = "".join(c if c in " \t>" else " " for c in prefix)
        lines = body.split("\n")
        rest = [pad + line if line.strip() else pad.rstrip() for line in lines[1:]]
        return prefix + "\n".join([lines[0], *rest])

    return _MARKED_BLOCK.sub(indent, markdown)
