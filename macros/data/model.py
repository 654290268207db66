"""The data contract: one pydantic model per file in `data/`.

Every model forbids unknown keys, so a typo such as `titel` is an error rather than a
silently missing field. The JSON Schemas in `schemas/` are generated from these classes
(`python -m macros schema`), so editors check the YAML files as they are typed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..views.formulas import FormulaError
from ..views.markup import check_formulas
from .languages import FREE_TEXT, LanguageCode
from .paper_pdf import is_local, published_path
from .safe_values import (
    check_doi,
    check_email,
    check_id,
    check_line,
    check_link,
    check_notes_page,
    check_site_url,
    check_text,
)

# --- Scalar types ---------------------------------------------------------------------

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _coerce_partial_date(value: object) -> object:
    """YAML reads `2024` as an int and `2024-09-01` as a date; accept both as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError("expected a date written YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        date(year or 1, month or 1, day or 1)
    except ValueError as error:
        raise ValueError(f"not a real date ({error})") from None
    return value


Url = Annotated[str, AfterValidator(check_link)]
Email = Annotated[str, AfterValidator(check_email)]
Identifier = Annotated[str, AfterValidator(check_id)]
Doi = Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$"), AfterValidator(check_doi)]
SiteUrl = Annotated[
    str,
    AfterValidator(check_site_url),
    Field(
        json_schema_extra={
            "format": "uri",
            "pattern": r"^https?://[^\s/?#&\"'<>\\]+(/[^\s?#&\"'<>\\]*)?$",
        }
    ),
]
Year = Annotated[int, Field(ge=1900, le=2100, strict=True)]
NotesPage = Annotated[
    str,
    AfterValidator(check_notes_page),
    Field(
        description="A page of your course notes, written from docs/notes/ (e.g."
        " my-course/index.md): the entry links to it.",
        json_schema_extra={"pattern": r"^[^/\s]+(/[^/\s]+)*\.md$"},
    ),
]
PartialDate = Annotated[
    str,
    BeforeValidator(_coerce_partial_date),
    AfterValidator(_check_partial_date),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _PARTIAL_DATE.pattern},
                {"type": "integer", "minimum": 1900, "maximum": 2100},
            ],
            "description": "YYYY, YYYY-MM or YYYY-MM-DD",
        }
    ),
]


def _check_formulas(value: str) -> str:
    """Refuse a field whose formula cannot be rendered, where the loader can say its file,
    line, entry and field (the error type `formula` is shown without the field's whole text)."""
    try:
        check_formulas(value)
    except FormulaError as error:
        context = {"message": str(error), "tex": error.tex}
        raise PydanticCustomError("formula", "{message}", context) from None
    return value


# Text rendered with Markdown (bold, italics, links, $formulas$); raw HTML in it is shown as text.
# Text rendered with Markdown (bold, italics, links); raw HTML in it is shown as text.
# Free text (`FREE_TEXT`) may be given per language in data/: `{en: ..., zh: ...}` (see
# languages.py); the loader resolves it, so the models only ever hold one string.
MarkdownText = Annotated[
    str,
    Field(min_length=1, json_schema_extra={"format": "markdown"}),
    AfterValidator(check_text),
    AfterValidator(_check_formulas),
    FREE_TEXT,
]
# One line of text (names, titles); `MultilineText` may hold line breaks. Neither may hold
# control characters, noncharacters or bidi overrides (see safe_values).
Text = Annotated[str, Field(min_length=1), AfterValidator(check_line), FREE_TEXT]
MultilineText = Annotated[str, Field(min_length=1), AfterValidator(check_text), FREE_TEXT]
# The same rules for text that is the same in every language: a file path, the spellings an
# author list is matched against, a BibTeX entry.
Line = Annotated[str, Field(min_length=1), AfterValidator(check_line)]
Lines = Annotated[str, Field(min_length=1), AfterValidator(check_text)]


def _unique_languages(value: list[str]) -> list[str]:
    repeated = sorted({code for code in value if value.count(code) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once")
    return value


Languages = Annotated[list[LanguageCode], Field(min_length=1), AfterValidator(_unique_languages)]


class Entry(BaseModel):
    """Base of every data model: unknown keys are errors and text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def date_bounds(value: str) -> tuple[date, date]:
    """The first and last day a partial date stands for: '2024' is 2024-01-01 to 2024-12-31."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        following = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def check_period(start: str, end: str | None) -> None:
    """Refuse an end before the start, compared as the days they stand for (so `start:
    2024-09`, `end: 2024` is a valid period)."""
    if end not in (None, "present") and date_bounds(end)[1] < date_bounds(start)[0]:
        raise ValueError(f"end ({end}) is before start ({start})")


class Period(Entry):
    """A start and end, shared by education and experience entries."""

    start: PartialDate
    end: PartialDate | Literal["present"] | None = None

    @model_validator(mode="after")
    def _end_after_start(self) -> Period:
        check_period(self.start, self.end)
        return self


# --- profile.yml ----------------------------------------------------------------------


class ProfileLink(Entry):
    label: Text
    url: Url
    icon: Annotated[str, Field(pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)+$")] = Field(
        default="material/link",
        description="A Material icon name such as fontawesome/brands/github.",
    )


class SiteSettings(Entry):
    """Site-wide settings that belong to the person, so a fork never edits mkdocs.yml for them."""

    url: SiteUrl | None = Field(
        default=None, description="Where the site is published, e.g. https://example.org/."
    )
    description: Text | None = Field(
        default=None, description="One or two sentences for search engines and link previews."
    )
    languages: Languages | None = Field(
        default=None,
        description="The site's languages, the default first, e.g. [en, zh]: every text field"
        " may then be given per language ({en: ..., zh: ...}). Without it the site is in"
        " English.",
    )
    cv_sections: list[Identifier] = Field(
        default_factory=list,
        description="Names of the CV's sections (data file names, and 'interests') in the order"
        " wanted; sections not listed follow in their usual order.",
    )


class ProfilePhoto(Entry):
    """A photo of the person: on the home page and the social cards (macros/data/photo.py)."""

    file: Line = Field(
        description="A JPEG, PNG or WebP file inside the project, relative to the folder of "
        "mkdocs.yml, e.g. data/images/photo.jpg."
    )
    alt: Text = Field(description="What the photo shows, for screen readers.")
    on_cv: bool = Field(default=False, description="Also print the photo on the PDF CV.")


class Profile(Entry):
    name: Text
    name_variants: list[Line] = Field(
        default_factory=list,
        description="Other spellings in author lists (e.g. 'A. Lovelace'); all are highlighted.",
    )
    position: Text | None = None
    affiliation: Text | None = None
    affiliation_detail: Text | None = None
    email: Email | None = None
    links: list[ProfileLink] = Field(default_factory=list)
    bio: MarkdownText | None = None
    interests: list[Text] = Field(default_factory=list)
    photo: ProfilePhoto | None = None
    site: SiteSettings = Field(default_factory=SiteSettings)


# --- education.yml --------------------------------------------------------------------


class Course(Entry):
    name: Text
    grade: Text | None = None


class Education(Period):
    institution: Text
    location: Text | None = None
    degree: Text
    field: Text | None = None
    advisors: list[Text] = Field(default_factory=list)
    gpa: Text | None = None
    rank: Text | None = None
    details: list[MarkdownText] = Field(default_factory=list)
    courses: list[Course] = Field(default_factory=list)
    courses_note: Text | None = None


# --- experience.yml -------------------------------------------------------------------


class Experience(Period):
    organization: Text
    team: Text | None = None
    role: Text | None = None
    location: Text | None = None
    topic: Text | None = None
    advisors: list[Text] = Field(default_factory=list)
    publications: list[Identifier] = Field(
        default_factory=list, description="Ids of publications that came out of this work."
    )
    highlights: list[MarkdownText] = Field(default_factory=list)


# --- publications.yml -----------------------------------------------------------------


class Author(Entry):
    name: Text
    corresponding: bool = False
    equal_contribution: bool = False


def _author_from_name(value: object) -> object:
    return {"name": value} if isinstance(value, str) else value


AuthorEntry = Annotated[Author, BeforeValidator(_author_from_name)]

PublicationType = Literal[
    "conference", "journal", "workshop", "preprint", "thesis", "book", "chapter", "other"
]


class PublicationLinks(Entry):
    pdf: Url | None = Field(
        default=None,
        description="The paper's PDF: a file under docs/ written as /papers/x.pdf (published"
        " beside the paper's page, where Google Scholar looks), or https://... on another host.",
    )
    arxiv: Url | None = None
    doi: Url | None = None
    code: Url | None = None
    project: Url | None = None
    page: Url | None = Field(default=None, description="The paper's page at the publisher.")
    slides: Url | None = None
    video: Url | None = None
    poster: Url | None = None


def _check_alt(value: str) -> str:
    if not value:
        raise ValueError("empty alt text; say what the figure shows, for readers who cannot see it")
    return value


class PublicationImage(Entry):
    """A figure of the paper (a teaser): beside it in the lists, on its page and its social
    card, never on the CV (macros/data/paper_images.py)."""

    file: Line = Field(
        description="A JPEG, PNG or WebP file inside the project, relative to the folder of "
        "mkdocs.yml, e.g. data/images/teaser.png. Only resized copies are published."
    )
    alt: Annotated[
        str,
        AfterValidator(_check_alt),
        AfterValidator(check_line),
        Field(json_schema_extra={"minLength": 1}),
        FREE_TEXT,
    ] = Field(description="What the figure shows, for screen readers (required, not empty).")


class Publication(Entry):
    id: Identifier = Field(description="Permanent key: anchor, page name and BibTeX key.")
    title: Text
    authors: list[AuthorEntry] = Field(min_length=1)
    venue: Text
    venue_short: Text | None = None
    year: Year
    type: PublicationType = "conference"
    award: Text | None = None
    selected: bool = False
    topics: list[Text] = Field(default_factory=list)
    arxiv: Annotated[str, Field(pattern=r"^\d{4}\.\d{4,5}(v\d+)?$")] | None = None
    doi: Doi | None = None
    links: PublicationLinks = Field(default_factory=PublicationLinks)
    summary: MarkdownText | None = None
    abstract: MarkdownText | None = Field(
        default=None,
        description="The full abstract: shown on the paper's page and given to Google Scholar.",
    )
    image: PublicationImage | None = Field(
        default=None,
        description="A figure shown beside the paper in the lists, on its page and on its"
        " social card: {file, alt}.",
    )
    bibtex: Lines | None = Field(
        default=None,
        description="A BibTeX entry to publish instead of the generated one (e.g. from DBLP).",
    )

    @property
    def all_links(self) -> PublicationLinks:
        """The links, with arXiv and DOI links derived from the ids where none is given."""
        derived = {
            "arxiv": f"https://arxiv.org/abs/{self.arxiv}" if self.arxiv else None,
            "doi": f"https://doi.org/{self.doi}" if self.doi else None,
        }
        given = self.links.model_dump(exclude_none=True)
        if self.links.pdf and is_local(self.links.pdf):  # published beside the paper's page
            given["pdf"] = "/" + published_path(self.id, self.links.pdf)
        # Every value was checked on load (the derived ones are made of checked ids): no
        # second validation, which cost a tenth of a 1,000-paper build.
        return PublicationLinks.model_construct(**{k: v for k, v in derived.items() if v} | given)


# --- the other list files -------------------------------------------------------------


class TalkLinks(Entry):
    video: Url | None = None
    slides: Url | None = None
    event: Url | None = None


class Talk(Entry):
    title: Text
    event: Text
    year: Year
    location: Text | None = None
    links: TalkLinks = Field(default_factory=TalkLinks)
    note: MarkdownText | None = None
    notes: NotesPage | None = None


class Teaching(Entry):
    course: Text
    institution: Text
    term: Literal["Spring", "Summer", "Fall", "Winter"] | None = None
    year: Year
    role: Text | None = Field(
        default=None, description="Your role; without it, 'Teaching Assistant' (in words)."
    )
    instructors: list[Text] = Field(default_factory=list)
    details: MarkdownText | None = None
    notes: NotesPage | None = None


class Award(Entry):
    title: Text
    category: Literal["scholarship", "honor", "competition"]
    years: list[Year] = Field(min_length=1)
    note: Text | None = None
    highlight: bool = Field(default=False, description="Shown in bold, as on the CV.")


class ProjectLinks(Entry):
    code: Url | None = None
    website: Url | None = None
    demo: Url | None = None


class Project(Entry):
    name: Text
    subtitle: Text | None = None
    year: Year
    description: MarkdownText | None = None
    links: ProjectLinks = Field(default_factory=ProjectLinks)


class SkillGroup(Entry):
    category: Text
    items: list[Text] = Field(min_length=1)


class NewsItem(Entry):
    id: Identifier | None = Field(
        default=None,
        description="The item's permanent id in the feed; by default its date and its place"
        " among the items of that date, counted from the bottom of the file.",
    )
    date: PartialDate
    text: MarkdownText


class GenericEntry(Entry):
    """An entry of a section defined in data alone (a file with `title` and `entries`)."""

    title: Text
    organization: Text | None = None
    role: Text | None = None
    location: Text | None = None
    start: PartialDate | None = None
    end: PartialDate | Literal["present"] | None = None
    years: list[Year] = Field(default_factory=list)
    details: MarkdownText | list[MarkdownText] | None = None
    links: dict[Text, Url] = Field(
        default_factory=dict, description="Label -> URL, e.g. {Website: https://example.org}."
    )

    @model_validator(mode="after")
    def _dates(self) -> GenericEntry:
        if self.end is not None and self.start is None:
            raise ValueError("an entry with `end` needs a `start`")
        if self.start is not None and self.years:
            raise ValueError("give either `start`/`end` or `years`, not both")
        if self.start is not None:
            check_period(self.start, self.end)
        return self


ResumeTarget = Literal["projects", "volunteer", "work", "awards", "none"]


class CustomSection(Entry):
    """A data file that is a section of its own: a heading and generic entries."""

    title: Text = Field(description="The section's heading on the CV and on pages.")
    json_resume: ResumeTarget = Field(
        default="projects",
        description="Where the entries go in cv.json (JSON Resume): projects (typed with the"
        " section's title), volunteer, work, awards, or none.",
    )
    entries: list[GenericEntry] = Field(default_factory=list)
