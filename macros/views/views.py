"""One view of each entry: what every output shows of it, computed once.

A view holds the entry's formatted values (title, period, places, detail lines, links, authors)
in a shape that does not depend on the section. The web templates, the Typst CV and cv.json all
read views, so a period, a list of names or a paper's address is written the same everywhere,
and the entries come in the same order. Each section's `view` function (named in the registry,
`sections.py`) is the one place that decides how its entries are shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin

from ..data.model import (
    Award,
    Education,
    Experience,
    GenericEntry,
    NewsItem,
    Project,
    Publication,
    SkillGroup,
    Talk,
    Teaching,
)
from ..data.paper_images import PaperImage
from .markup import markdown_plain
from .words import ENGLISH, Words


def link_labels(words: Words = ENGLISH) -> dict[str, str]:
    """How each kind of link is labelled, on every output."""
    return words.links.model_dump()


# The English words of the award groups and link kinds, by key (for readers of the old names).
AWARD_HEADINGS = ENGLISH.award_groups.model_dump()
LINK_LABELS = link_labels()


# --- formatting helpers ---------------------------------------------------------------


def format_partial_date(value: str | None, words: Words = ENGLISH) -> str:
    """'2024-09' -> 'Sep 2024', '2024' -> '2024', 'present' -> 'Present' (in `words`)."""
    return words.date(value)


def format_period(start: str | None, end: str | None, words: Words = ENGLISH) -> str:
    """A start and end ('Sep 2024 - Present' in English), in `words`."""
    return words.period_of(start, end)


def join_names(names: Sequence[str], words: Words = ENGLISH) -> str:
    """'A', 'A and B', 'A, B and C' (in `words`)."""
    return words.join(names)


def format_years(years: Iterable[int], words: Words = ENGLISH) -> str:
    return words.items(years)


def paper_path(pub_id: str) -> str:
    """Where a publication's own page lives, relative to the site root."""
    return f"publications/{pub_id}/"


def paper_page_source(pub_id: str) -> str:
    """The source path of a publication's generated page, as if it were under docs/."""
    return f"publications/{pub_id}.md"


def notes_url(page: str) -> str:
    """The site path of a page under docs/notes/ as `notes:` names it: 'os/intro.md' ->
    '/notes/os/intro/', 'os/index.md' -> '/notes/os/' (MkDocs' directory URLs)."""
    stem = page[: -len(".md")]
    folder, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        stem = folder
    return quote(f"/notes/{stem}/".replace("//", "/"))  # as MkDocs writes a page's URL


def bib_path(pub_id: str) -> str:
    """Where a publication's .bib file lives, relative to the site root."""
    return f"publications/{pub_id}.bib"


def absolute_url(url: str, site_url: str | None) -> str:
    """`url` for a document read outside the site (the PDF, cv.json): site-relative paths are
    joined to the site's address, and dropped ('') when the site has none."""
    if not url or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        return url
    # Site-relative means relative to the site's own path, as on the web ('/repo/' on GitHub Pages).
    return urljoin(site_url.rstrip("/") + "/", url.lstrip("/")) if site_url else ""


def normalise_name(name: str) -> str:
    return re.sub(r"[\s.\-,]+", " ", name).strip().casefold()


# --- the view -------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A piece of a detail line: optional bold label, text (Markdown if `markdown`), link."""

    text: str
    label: str = ""
    markdown: bool = False
    url: str = ""


@dataclass(frozen=True)
class Line:
    """One detail line under an entry, its parts joined by `separator`."""

    parts: tuple[Part, ...]
    separator: str = " "


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class AuthorView:
    name: str
    owner: bool = False
    equal_contribution: bool = False
    corresponding: bool = False

    @property
    def mark(self) -> str:
        return ("†" if self.equal_contribution else "") + ("*" if self.corresponding else "")


@dataclass(frozen=True)
class EntryView:
    """An entry as every output shows it."""

    title: str
    subtitle: str = ""
    when: str = ""
    where: str = ""
    lines: tuple[Line, ...] = ()
    links: tuple[Link, ...] = ()
    url: str = ""  # where the title leads: a site path (from the site root) or a URL
    title_markdown: bool = False
    strong: bool = False  # shown in bold (a highlighted award)
    group: str = ""  # heading of the group the entry is listed under (awards by category)
    start: str | None = None  # the dates as written (YYYY[-MM[-DD]]), for cv.json
    end: str | None = None
    authors: tuple[AuthorView, ...] = ()
    badges: tuple[str, ...] = ()
    # The section's own values for its JSON Resume mapping (institution, degree, ...).
    fields: Mapping[str, Any] = field(default_factory=dict)
    source: Any = None  # the data entry itself, for templates that want more
    image: PaperImage | None = None  # a paper's figure, resized for each place it is shown


@dataclass(frozen=True)
class ViewContext:
    """What views need besides the entry: who the owner is, and the other entries."""

    owner_names: frozenset[str]
    publications: Mapping[str, Publication]
    # Papers' figures by id, resized by the build (none where nothing was resized: `check`).
    images: Mapping[str, PaperImage] = field(default_factory=dict)
    words: Words = ENGLISH  # the fixed words of the language the views are in

    def is_owner(self, name: str) -> bool:
        return normalise_name(name) in self.owner_names


def _line(*parts: Part, separator: str = " ") -> tuple[Line, ...]:
    present = tuple(part for part in parts if part.text)
    return (Line(present, separator),) if present else ()


def _markdown_lines(texts: Iterable[str]) -> tuple[Line, ...]:
    return tuple(Line((Part(text, markdown=True),)) for text in texts if text)


def _links(values: Mapping[str, str | None], words: Words) -> tuple[Link, ...]:
    labels = link_labels(words)
    return tuple(Link(labels.get(key, key), url) for key, url in values.items() if url)


def _names(
    label: str, names: Sequence[str], words: Words, plural: str | None = None
) -> tuple[Line, ...]:
    if not names:
        return ()
    return _line(Part(words.join(names), label=plural if plural and len(names) > 1 else label))


# --- one view function per kind of entry ----------------------------------------------


def education_view(item: Education, context: ViewContext) -> EntryView:
    words = context.words
    courses = words.items(" ".join(filter(None, [c.name, c.grade])) for c in item.courses)
    courses_line = (
        words.courses_with_note.format(courses=courses, note=item.courses_note)
        if item.courses_note
        else words.courses.format(courses=courses)
    )
    return EntryView(
        title=item.institution,
        subtitle=words.degree_in_field.format(degree=item.degree, field=item.field)
        if item.field
        else item.degree,
        when=words.period_of(item.start, item.end),
        where=item.location or "",
        lines=(
            *_names(words.advisor, item.advisors, words, plural=words.advisors),
            *_line(
                Part(item.gpa or "", label=words.gpa),
                Part(item.rank or "", label=words.ranking),
                separator=" | ",
            ),
            *_markdown_lines(item.details),
            *_line(Part(courses_line, label=words.selected_courses) if courses else Part("")),
        ),
        start=item.start,
        end=item.end,
        fields={
            "institution": item.institution,
            "degree": item.degree,
            "field": item.field,
            "score": words.semicolon.join(
                filter(
                    None,
                    [
                        item.gpa and f"{words.gpa} {item.gpa}",
                        item.rank and f"{words.ranking} {item.rank}",
                    ],
                )
            ),
            "courses": [" ".join(filter(None, [c.name, c.grade])) for c in item.courses]
            + ([item.courses_note] if item.courses_note else []),
        },
        source=item,
    )


def experience_view(item: Experience, context: ViewContext) -> EntryView:
    words = context.words
    papers = [context.publications[pub_id] for pub_id in item.publications]
    advised = words.advised_by.format(names=words.join(item.advisors)) if item.advisors else ""
    return EntryView(
        title=words.comma.join(filter(None, [item.team, item.organization])),
        subtitle=item.role or "",
        when=words.period_of(item.start, item.end),
        where=item.location or "",
        lines=(
            *_line(Part(item.topic or "", label=words.topic)),
            *_line(Part(advised)),
            *_markdown_lines(item.highlights),
            *(
                (
                    Line(
                        tuple(
                            Part(
                                pub.title,
                                label=words.publications_label if i == 0 else "",
                                url="/" + paper_path(pub.id),
                            )
                            for i, pub in enumerate(papers)
                        ),
                        separator=words.semicolon,
                    ),
                )
                if papers
                else ()
            ),
        ),
        start=item.start,
        end=item.end,
        fields={
            "organization": item.organization,
            "position": item.role,
            "description": item.team,
        },
        source=item,
    )


def publication_view(pub: Publication, context: ViewContext) -> EntryView:
    return EntryView(
        title=pub.title,
        subtitle=pub.venue,
        when=str(pub.year),
        url="/" + paper_path(pub.id),
        authors=tuple(
            AuthorView(
                author.name,
                context.is_owner(author.name),
                author.equal_contribution,
                author.corresponding,
            )
            for author in pub.authors
        ),
        badges=tuple(b for b in (pub.venue_short, pub.award) if b),
        links=_links(pub.all_links.model_dump(), context.words),
        lines=_markdown_lines([pub.summary or ""]),
        start=str(pub.year),
        fields={"venue": pub.venue, "external_url": pub.all_links.arxiv or pub.all_links.doi},
        source=pub,
        image=context.images.get(pub.id),
    )


def talk_view(talk: Talk, context: ViewContext) -> EntryView:
    return EntryView(
        title=talk.title,
        subtitle=context.words.comma.join(filter(None, [talk.event, talk.location])),
        when=str(talk.year),
        lines=_markdown_lines([talk.note or ""]),
        links=_links(
            {**talk.links.model_dump(), "notes": notes_url(talk.notes) if talk.notes else None},
            context.words,
        ),
        start=str(talk.year),
        fields={"type": "talk", "entity": talk.event},
        source=talk,
    )


def teaching_view(item: Teaching, context: ViewContext) -> EntryView:
    words = context.words
    term = (
        words.term_year.format(term=getattr(words.terms, item.term), year=item.year)
        if item.term
        else str(item.year)
    )
    role = item.role or words.teaching_assistant
    instructors = words.join(item.instructors)
    return EntryView(
        title=words.comma.join([item.course, item.institution]),
        subtitle=role,
        when=term,
        lines=(
            *_line(Part(words.with_instructors.format(names=instructors) if instructors else "")),
            *_markdown_lines([item.details or ""]),
        ),
        links=_links({"notes": notes_url(item.notes) if item.notes else None}, words),
        start=str(item.year),
        end=str(item.year),
        fields={
            "organization": item.institution,
            "position": role,
            "summary": words.course_term.format(course=item.course, term=term),
        },
        source=item,
    )


def award_view(award: Award, context: ViewContext) -> EntryView:
    return EntryView(
        title=award.title,
        subtitle=award.note or "",
        when=context.words.items(award.years),
        strong=award.highlight,
        group=getattr(context.words.award_groups, award.category),
        start=str(max(award.years)),
        source=award,
    )


def project_view(project: Project, context: ViewContext) -> EntryView:
    return EntryView(
        title=project.name,
        subtitle=project.subtitle or "",
        when=str(project.year),
        lines=_markdown_lines([project.description or ""]),
        links=_links(project.links.model_dump(), context.words),
        url=project.links.website or project.links.code or "",
        start=str(project.year),
        fields={"keywords": [project.subtitle] if project.subtitle else []},
        source=project,
    )


def skill_view(group: SkillGroup, context: ViewContext) -> EntryView:
    return EntryView(
        title=group.category,
        lines=_line(Part(context.words.items(group.items))),
        fields={"keywords": list(group.items)},
        source=group,
    )


def interest_view(interest: str, context: ViewContext) -> EntryView:
    return EntryView(title=interest, source=interest)


def news_view(item: NewsItem, context: ViewContext) -> EntryView:
    return EntryView(
        title=item.text, title_markdown=True, when=context.words.date(item.date), source=item
    )


def generic_view(item: GenericEntry, context: ViewContext) -> EntryView:
    words = context.words
    details = [item.details] if isinstance(item.details, str) else list(item.details or [])
    return EntryView(
        title=item.title,
        subtitle=words.comma.join(filter(None, [item.role, item.organization])),
        when=words.period_of(item.start, item.end) if item.start else words.items(item.years),
        where=item.location or "",
        lines=_markdown_lines(details),
        links=tuple(Link(label, url) for label, url in item.links.items()),
        start=item.start or (str(min(item.years)) if item.years else None),
        end=item.end if item.start else (str(max(item.years)) if item.years else None),
        fields={
            "organization": item.organization,
            "position": item.role or (item.title if item.organization else None),
        },
        source=item,
    )


ViewFunction = Callable[[Any, ViewContext], EntryView]


def plain_line(line: Line, words: Words = ENGLISH) -> str:
    """A detail line as plain text (labels followed by a colon), for the PDF and cv.json."""
    return line.separator.join(
        (f"{part.label}{words.colon}{words.colon_space}" if part.label else "")
        + (markdown_plain(part.text) if part.markdown else part.text)
        for part in line.parts
    )
