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
from urllib.parse import urljoin

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

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# How each kind of link is labelled, on every output.
LINK_LABELS = {
    "pdf": "PDF",
    "arxiv": "arXiv",
    "doi": "DOI",
    "code": "Code",
    "project": "Project",
    "page": "Paper page",
    "slides": "Slides",
    "video": "Video",
    "poster": "Poster",
    "website": "Website",
    "demo": "Demo",
    "event": "Event",
}
AWARD_HEADINGS = {"scholarship": "Scholarships", "honor": "Honors", "competition": "Competitions"}


# --- formatting helpers ---------------------------------------------------------------


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


def format_period(start: str | None, end: str | None) -> str:
    if not start:
        return ""
    return (
        f"{format_partial_date(start)} – {format_partial_date(end)}"
        if end
        else format_partial_date(start)
    )


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def format_years(years: Iterable[int]) -> str:
    return ", ".join(map(str, years))


def paper_path(pub_id: str) -> str:
    """Where a publication's own page lives, relative to the site root."""
    return f"publications/{pub_id}/"


def paper_page_source(pub_id: str) -> str:
    """The source path of a publication's generated page, as if it were under docs/."""
    return f"publications/{pub_id}.md"


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

    def is_owner(self, name: str) -> bool:
        return normalise_name(name) in self.owner_names


def _line(*parts: Part, separator: str = " ") -> tuple[Line, ...]:
    present = tuple(part for part in parts if part.text)
    return (Line(present, separator),) if present else ()


def _markdown_lines(texts: Iterable[str]) -> tuple[Line, ...]:
    return tuple(Line((Part(text, markdown=True),)) for text in texts if text)


def _links(values: Mapping[str, str | None]) -> tuple[Link, ...]:
    return tuple(Link(LINK_LABELS.get(key, key), url) for key, url in values.items() if url)


def _names(label: str, names: Sequence[str], plural: str | None = None) -> tuple[Line, ...]:
    if not names:
        return ()
    return _line(Part(join_names(names), label=plural if plural and len(names) > 1 else label))


# --- one view function per kind of entry ----------------------------------------------


def education_view(item: Education, context: ViewContext) -> EntryView:
    courses = ", ".join(" ".join(filter(None, [c.name, c.grade])) for c in item.courses)
    return EntryView(
        title=item.institution,
        subtitle=" in ".join(filter(None, [item.degree, item.field])),
        when=format_period(item.start, item.end),
        where=item.location or "",
        lines=(
            *_names("Advisor", item.advisors, plural="Advisors"),
            *_line(
                Part(item.gpa or "", label="GPA"),
                Part(item.rank or "", label="Ranking"),
                separator=" | ",
            ),
            *_markdown_lines(item.details),
            *_line(
                Part(
                    courses + "." + (f" {item.courses_note}" if item.courses_note else ""),
                    label="Selected courses",
                )
                if courses
                else Part("")
            ),
        ),
        start=item.start,
        end=item.end,
        fields={
            "institution": item.institution,
            "degree": item.degree,
            "field": item.field,
            "score": "; ".join(
                filter(None, [item.gpa and f"GPA {item.gpa}", item.rank and f"Ranking {item.rank}"])
            ),
            "courses": [" ".join(filter(None, [c.name, c.grade])) for c in item.courses]
            + ([item.courses_note] if item.courses_note else []),
        },
        source=item,
    )


def experience_view(item: Experience, context: ViewContext) -> EntryView:
    papers = [context.publications[pub_id] for pub_id in item.publications]
    return EntryView(
        title=", ".join(filter(None, [item.team, item.organization])),
        subtitle=item.role or "",
        when=format_period(item.start, item.end),
        where=item.location or "",
        lines=(
            *_line(Part(item.topic or "", label="Topic")),
            *_line(Part(f"Advised by {join_names(item.advisors)}" if item.advisors else "")),
            *_markdown_lines(item.highlights),
            *(
                (
                    Line(
                        tuple(
                            Part(
                                pub.title,
                                label="Publications" if i == 0 else "",
                                url="/" + paper_path(pub.id),
                            )
                            for i, pub in enumerate(papers)
                        ),
                        separator="; ",
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
        links=_links(pub.all_links.model_dump()),
        lines=_markdown_lines([pub.summary or ""]),
        start=str(pub.year),
        fields={"venue": pub.venue, "external_url": pub.all_links.arxiv or pub.all_links.doi},
        source=pub,
        image=context.images.get(pub.id),
    )


def talk_view(talk: Talk, context: ViewContext) -> EntryView:
    return EntryView(
        title=talk.title,
        subtitle=", ".join(filter(None, [talk.event, talk.location])),
        when=str(talk.year),
        lines=_markdown_lines([talk.note or ""]),
        links=_links(talk.links.model_dump()),
        start=str(talk.year),
        fields={"type": "talk", "entity": talk.event},
        source=talk,
    )


def teaching_view(item: Teaching, context: ViewContext) -> EntryView:
    term = " ".join(filter(None, [item.term, str(item.year)]))
    return EntryView(
        title=f"{item.course}, {item.institution}",
        subtitle=item.role,
        when=term,
        lines=(
            *_line(Part(f"With {join_names(item.instructors)}" if item.instructors else "")),
            *_markdown_lines([item.details or ""]),
        ),
        start=str(item.year),
        end=str(item.year),
        fields={
            "organization": item.institution,
            "position": item.role,
            "summary": f"{item.course} ({term})",
        },
        source=item,
    )


def award_view(award: Award, context: ViewContext) -> EntryView:
    return EntryView(
        title=award.title,
        subtitle=award.note or "",
        when=format_years(award.years),
        strong=award.highlight,
        group=AWARD_HEADINGS[award.category],
        start=str(max(award.years)),
        source=award,
    )


def project_view(project: Project, context: ViewContext) -> EntryView:
    return EntryView(
        title=project.name,
        subtitle=project.subtitle or "",
        when=str(project.year),
        lines=_markdown_lines([project.description or ""]),
        links=_links(project.links.model_dump()),
        url=project.links.website or project.links.code or "",
        start=str(project.year),
        fields={"keywords": [project.subtitle] if project.subtitle else []},
        source=project,
    )


def skill_view(group: SkillGroup, context: ViewContext) -> EntryView:
    return EntryView(
        title=group.category,
        lines=_line(Part(", ".join(group.items))),
        fields={"keywords": list(group.items)},
        source=group,
    )


def interest_view(interest: str, context: ViewContext) -> EntryView:
    return EntryView(title=interest, source=interest)


def news_view(item: NewsItem, context: ViewContext) -> EntryView:
    return EntryView(
        title=item.text, title_markdown=True, when=format_partial_date(item.date), source=item
    )


def generic_view(item: GenericEntry, context: ViewContext) -> EntryView:
    details = [item.details] if isinstance(item.details, str) else list(item.details or [])
    return EntryView(
        title=item.title,
        subtitle=", ".join(filter(None, [item.role, item.organization])),
        when=format_period(item.start, item.end) if item.start else format_years(item.years),
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


def plain_line(line: Line) -> str:
    """A detail line as plain text (labels followed by a colon), for the PDF and cv.json."""
    return line.separator.join(
        (f"{part.label}: " if part.label else "")
        + (markdown_plain(part.text) if part.markdown else part.text)
        for part in line.parts
    )
