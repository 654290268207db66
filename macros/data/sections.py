"""The section registry: every section of the site declared once.

A section is a data file (`data/<name>.yml`) with an entry model, the fields that name an entry
in error messages, a place on the CV, a layout (which template shows it on the web and
which block of `cv.typ` prints it) and a place in JSON Resume. The loader, the JSON Schemas,
the macros, the web CV, the PDF CV and cv.json all read this table, so a section it knows
cannot be missing from one of them by accident. A built-in section's heading and empty note
are words of the site's language (`words.sections.<name>`, `words.empty.<name>`): `SiteData`
hands out the sections with them filled in.

Sections a user defines in data alone (a file with `title` and `entries`) get the same shape
from `custom_section`, with the generic entry model and view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from ..views.views import (
    EntryView,
    ViewContext,
    ViewFunction,
    award_view,
    education_view,
    experience_view,
    generic_view,
    interest_view,
    news_view,
    normalise_name,
    project_view,
    publication_view,
    skill_view,
    talk_view,
    teaching_view,
)
from ..views.words import ENGLISH, WordOverrides, Words
from .languages import DEFAULT_LANGUAGES, LanguageCode
from .metrics import Metrics
from .model import (
    Award,
    CustomSection,
    Education,
    Entry,
    Experience,
    GenericEntry,
    NewsItem,
    Profile,
    Project,
    Publication,
    SkillGroup,
    Talk,
    Teaching,
)
from .paper_images import PaperImage

# How a section is laid out: the web template `<layout>.html` (or `<section>.html` where the
# user made one) and the block of cv.typ that prints it.
Layout = Literal["entries", "publications", "awards", "skills", "tags", "news"]
# Where a section's entries go in JSON Resume (see json_resume.py), or nowhere.
ResumePlace = Literal[
    "work", "education", "publications", "awards", "projects", "skills", "interests", "volunteer"
]


@dataclass(frozen=True)
class Section:
    name: str  # data/<name>.yml; also the name `section()` takes and the CV's anchor
    model: type[Entry]  # the model of one entry
    view: ViewFunction  # how an entry is shown, on every output
    layout: Layout = "entries"
    label_keys: tuple[str, ...] = ("title", "name")  # fields that name an entry in errors
    resume: ResumePlace | None = None
    on_cv: bool = True
    # The heading on the CV (web and PDF), and the note where a page lists the section and it
    # is empty: words of the site's language, filled in by `SiteData.sections` (a section
    # made in data takes its title from its file).
    title: str = ""
    empty_note: str = ""
    custom: bool = False  # defined by a data file alone
    # Sorts the entries for every output (a key function of the entry), or keeps file order.
    sort_key: Any = None
    sort_reverse: bool = False
    resume_type: str | None = None  # JSON Resume project `type` (talks; custom sections)


# The built-in sections, in their order on the CV. `interests` is read from profile.yml.
BUILTIN_SECTIONS: tuple[Section, ...] = (
    Section(
        "education",
        Education,
        education_view,
        label_keys=("institution",),
        resume="education",
    ),
    Section(
        "interests",
        Profile,
        interest_view,
        layout="tags",
        resume="interests",
    ),
    Section(
        "publications",
        Publication,
        publication_view,
        layout="publications",
        label_keys=("id", "title"),
        resume="publications",
        sort_key=lambda pub: pub.year,
        sort_reverse=True,
    ),
    Section(
        "experience",
        Experience,
        experience_view,
        label_keys=("organization",),
        resume="work",
    ),
    Section(
        "talks",
        Talk,
        talk_view,
        resume="projects",
        resume_type="talk",
    ),
    Section(
        "awards",
        Award,
        award_view,
        layout="awards",
        resume="awards",
        sort_key=lambda award: ["scholarship", "honor", "competition"].index(award.category),
    ),
    Section(
        "projects",
        Project,
        project_view,
        resume="projects",
    ),
    Section(
        "teaching",
        Teaching,
        teaching_view,
        label_keys=("course",),
        resume="work",
    ),
    Section(
        "skills",
        SkillGroup,
        skill_view,
        layout="skills",
        label_keys=("category",),
        resume="skills",
    ),
    Section(
        "news",
        NewsItem,
        news_view,
        layout="news",
        label_keys=("date",),
        on_cv=False,
    ),
)
SECTIONS_BY_NAME: dict[str, Section] = {section.name: section for section in BUILTIN_SECTIONS}
# Sections that are fields of profile.yml rather than files of their own.
PROFILE_SECTIONS = frozenset({"interests"})
# The data files the site reads besides list sections: their models.
PROFILE_FILE = "profile"
# Data files that hold one mapping of their own rather than a section's entries; each is
# optional (a missing file, or one with only comments, means the model's defaults) and is a
# field of SiteData by the same name.
MAPPING_FILES: dict[str, type[Metrics]] = {"metrics": Metrics}
# data/words.yml: the person's own fixed words, per language (see views/words.py); optional.
WORDS_FILE = "words"
WORDS_FILE_SHAPE = dict[LanguageCode, WordOverrides]  # type: ignore[valid-type]
# Data files of built-in sections (a list of entries each).
SECTION_FILES: dict[str, type[Entry]] = {
    s.name: s.model for s in BUILTIN_SECTIONS if s.name not in PROFILE_SECTIONS
}


def custom_section(name: str, data: CustomSection, words: Words = ENGLISH) -> Section:
    """The registry entry of a section defined in `data/<name>.yml` alone."""
    return Section(
        name,
        GenericEntry,
        generic_view,
        title=data.title,
        empty_note=words.empty.other,
        resume=None if data.json_resume == "none" else data.json_resume,
        resume_type=data.title if data.json_resume == "projects" else None,
        custom=True,
    )


def worded_sections(words: Words) -> tuple[Section, ...]:
    """The built-in sections with their headings and empty notes in `words`."""
    return tuple(
        replace(
            section,
            title=getattr(words.sections, section.name),
            empty_note=getattr(words.empty, section.name),
        )
        for section in BUILTIN_SECTIONS
    )


@dataclass(frozen=True)
class SiteData:
    """Everything in `data/`, validated, in one language; what the renderers and exports read.

    `entries` holds every list section by name (built-in and custom); a section whose file is
    missing is empty. Built-in sections can also be read as attributes (`site.talks`). Text
    given per language in data/ is here in `language` (the default's where it has none), and
    `words` are that language's fixed words.
    """

    profile: Profile
    entries: Mapping[str, tuple[Any, ...]]
    custom_sections: tuple[Section, ...] = ()
    publication_by_id: Mapping[str, Publication] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)  # data/metrics.yml: citation counts
    # Papers' figures resized for the site, by id: set by the build (`with_images`), which
    # alone writes files; loading and checking the data leaves it empty.
    images: Mapping[str, PaperImage] = field(default_factory=dict)
    language: str = DEFAULT_LANGUAGES[0]
    languages: tuple[str, ...] = DEFAULT_LANGUAGES  # the site's languages, the default first
    words: Words = ENGLISH
    # The owner's name in every language, highlighted in author lists in each of them.
    owner_names: tuple[str, ...] = ()

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def __repr__(self) -> str:
        # Short on purpose: mkdocs-macros turns every page variable into JSON for its debug log
        # on each build, printed or not, and the dataclass's own repr of 1,000 papers costs
        # a fifth of a second.
        counts = ", ".join(f"{name}: {len(items)}" for name, items in self.entries.items())
        return f"SiteData({self.profile.name!r}, {self.language}; {counts})"

    def __getattr__(self, name: str) -> tuple[Any, ...]:
        if name in SECTION_FILES:
            return self.entries.get(name, ())
        if name in PROFILE_SECTIONS:
            return tuple(getattr(self.profile, name))
        raise AttributeError(name)

    @property
    def publications(self) -> tuple[Publication, ...]:
        return self.entries.get("publications", ())

    @property
    def news(self) -> tuple[NewsItem, ...]:
        return self.entries.get("news", ())

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        """Every section: the built-in ones, then the custom ones by file name."""
        return worded_sections(self.words) + self.custom_sections

    def section(self, name: str) -> Section:
        for section in self.sections:
            if section.name == name:
                return section
        known = ", ".join(s.name for s in self.sections)
        raise KeyError(f"no section named '{name}' (sections: {known})")

    def section_entries(self, section: Section) -> list[Any]:
        """A section's entries in the order every output lists them."""
        if section.name in PROFILE_SECTIONS:
            items: list[Any] = list(getattr(self.profile, section.name))
        else:
            items = list(self.entries.get(section.name, ()))
        if section.sort_key is not None:
            items.sort(key=section.sort_key, reverse=section.sort_reverse)
        return items

    def cv_sections(self) -> list[Section]:
        """The CV's sections in order: those named in `site.cv_sections` first, as listed, then
        the built-in ones in their usual order, then the custom ones by file name."""
        on_cv = [s for s in self.sections if s.on_cv]
        wanted = list(self.profile.site.cv_sections)
        first = [s for name in wanted for s in on_cv if s.name == name]
        return first + [s for s in on_cv if s.name not in wanted]

    @cached_property
    def view_context(self) -> ViewContext:
        names = (self.profile.name, *self.profile.name_variants, *self.owner_names)
        return ViewContext(
            frozenset(normalise_name(n) for n in names),
            self.publication_by_id,
            self.images,
            self.words,
        )

    @cached_property
    def _views(self) -> dict[str, tuple[EntryView, ...]]:
        return {}

    def views(self, section: Section) -> tuple[EntryView, ...]:
        """The views of a section's entries, made once per build for every output."""
        views = self._views.get(section.name)
        if views is None:
            context = self.view_context
            views = tuple(section.view(item, context) for item in self.section_entries(section))
            self._views[section.name] = views
        return views

    def with_images(self, images: Mapping[str, PaperImage]) -> SiteData:
        """A copy whose views show the papers' resized figures (before any view is made)."""
        return replace(self, images=images)

    def model_copy(self, update: Mapping[str, Any]) -> SiteData:
        """A copy with some fields or sections replaced (`{"publications": [...]}`), as pydantic
        models offer it: for tests and tools."""
        sections = {k: tuple(v) for k, v in update.items() if k in self.entries}
        fields = {k: v for k, v in update.items() if k not in sections}
        entries = {**self.entries, **sections}
        by_id = {pub.id: pub for pub in entries.get("publications", ())}
        return replace(self, **{"entries": entries, "publication_by_id": by_id, **fields})
