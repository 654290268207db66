"""The fixed words of every output, one table per language.

Everything the engine prints that does not come from `data/` (section headings, "Present",
month names and date formats, labels, list joins, link labels, the publication legend, the
filters, notes for empty sections, the citation line, the feed's title, the words of the PDF)
is a field of `Words`. The engine ships a table per language in `macros/words/<code>.yml`
(English and Chinese); a language without one uses the English table. A person changes any
word from `data/words.yml` (`{en: {present: Now}}`), which the loader validates like every data
file. Templates get the table as `words`; words with `{placeholders}` are filled with `fill`.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from markupsafe import Markup
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

WORDS_DIR = Path(__file__).parent.parent / "words"
# The table every language falls back to.
FALLBACK_LANGUAGE = "en"


def _no_line_breaks(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("a word may not hold a line break")
    return value


Word = Annotated[str, AfterValidator(_no_line_breaks)]


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as error:
        message = f"not a valid pattern ({error}); write a literal brace as {{{{ or }}}}"
        raise ValueError(message) from None


def Pattern(*names: str) -> Any:  # a type, named as one
    """A word with `{placeholders}` filled in by the engine: only `names` may appear."""

    def check(value: str) -> str:
        _no_line_breaks(value)
        unknown = sorted(_placeholders(value) - set(names))
        if unknown:
            allowed = ", ".join("{" + name + "}" for name in names)
            raise ValueError(
                f"unknown placeholder {', '.join('{' + n + '}' for n in unknown)};"
                f" this word may use {allowed}"
            )
        return value

    allowed = ", ".join("{" + name + "}" for name in names)
    return Annotated[str, AfterValidator(check), Field(description=f"Placeholders: {allowed}.")]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionWords(_Table):
    """One word per built-in section, by its name (the data file's name)."""

    education: Word
    interests: Word
    publications: Word
    experience: Word
    talks: Word
    awards: Word
    projects: Word
    teaching: Word
    skills: Word
    news: Word


class EmptyNotes(SectionWords):
    """Shown where a page lists a section that has no entries."""

    other: Word = Field(description="For a section of one's own.")


class AwardGroups(_Table):
    scholarship: Word
    honor: Word
    competition: Word


class PublicationTypes(_Table):
    conference: Word
    journal: Word
    workshop: Word
    preprint: Word
    thesis: Word
    book: Word
    chapter: Word
    other: Word


class Terms(_Table):
    """The terms of teaching.yml, as its `term:` values are written."""

    Spring: Word
    Summer: Word
    Fall: Word
    Winter: Word


class LinkLabels(_Table):
    """The labels of the links of papers, talks and projects, by their key in the data."""

    pdf: Word
    arxiv: Word
    doi: Word
    code: Word
    project: Word
    page: Word
    slides: Word
    video: Word
    poster: Word
    website: Word
    demo: Word
    event: Word
    notes: Word = Field(description="A course's or talk's link to its notes (docs/notes/).")


class PageWords(_Table):
    """Headings and descriptions of the engine's pages (macros/pages/)."""

    home: Word
    research: Word
    interests: Word = Field(description="The research page's heading above the interests.")
    awards: Word = Field(description="The awards page's title.")
    cv: Word = Field(description="The CV page's title.")
    selected_publications: Word
    publications_intro: Word
    download_all_bibtex: Word
    follow_news: Word
    cv_pdf: Word = Field(description="The home page's link to the PDF CV.")
    pdf: Word = Field(description="The CV page's button to the PDF.")
    json_resume: Word = Field(description="The CV page's button to cv.json.")
    not_found: Word = Field(description="The 404 page's heading.")
    not_found_text: Word
    not_found_search: Word
    blog: Word = Field(description="The blog's tab and front page (docs/blog/).")
    notes: Word = Field(description="The tab of the course notes (docs/notes/).")
    latest_posts: Word = Field(description="The heading of posts(heading_level=...).")
    all_posts: Word = Field(description="The button under the latest posts, to the blog.")


class PageDescriptions(_Table):
    """What search engines and link previews show of each engine page (`description`)."""

    research: Word
    publications: Word
    talks: Word
    teaching: Word
    awards: Word
    projects: Word
    cv: Word


class PaletteWords(_Table):
    """The names of the colour scheme toggle's three states (theme.palette in mkdocs.yml)."""

    light: Word = Field(description="On the toggle while the scheme follows the system.")
    dark: Word = Field(description="On the toggle while the scheme is light.")
    system: Word = Field(description="On the toggle while the scheme is dark.")


class Words(_Table):
    """Every fixed word of one language. Patterns name their placeholders."""

    sections: SectionWords = Field(description="Section headings, by section name.")
    empty: EmptyNotes
    award_groups: AwardGroups
    publication_types: PublicationTypes
    terms: Terms
    links: LinkLabels
    pages: PageWords
    page_descriptions: PageDescriptions
    palette: PaletteWords
    months: tuple[Word, ...] = Field(
        min_length=12, max_length=12, description="January to December, as dates show them."
    )
    date_month: Pattern("year", "month") = Field(description="A month: 'Sep 2024'.")
    date_day: Pattern("year", "month", "day") = Field(description="A day: 'Sep 5, 2024'.")
    present: Word = Field(description="The end of an ongoing period.")
    period: Pattern("start", "end")
    list_separator: Word = Field(description="Between the items of a list: 'A, B and C'.")
    list_last: Word = Field(description="Before the last item of a list of three or more.")
    list_pair: Word = Field(description="Between the two items of a list of two.")
    comma: Word = Field(description="Between the parts of a title: 'Team, Organization'.")
    colon: Word = Field(description="After a label ('Advisor:'), inside its bold.")
    colon_space: Word = Field(description="After the label's colon, before the text.")
    semicolon: Word = Field(description="Between the items of a line: 'Paper A; Paper B'.")
    degree_in_field: Pattern("degree", "field")
    advisor: Word
    advisors: Word
    gpa: Word
    ranking: Word
    selected_courses: Word
    courses: Pattern("courses")
    courses_with_note: Pattern("courses", "note")
    topic: Word
    advised_by: Pattern("names")
    publications_label: Word = Field(description="Before the papers of an experience entry.")
    term_year: Pattern("term", "year")
    with_instructors: Pattern("names")
    teaching_assistant: Word = Field(description="A teaching entry's role when none is given.")
    course_term: Pattern("course", "term")
    award_note: Pattern("note")
    equal_contribution: Word
    corresponding_author: Word
    legend_owner: Pattern("name")
    legend_corresponding: Word
    legend_equal: Word
    author_separator: Word
    venue_year: Pattern("venue", "year")
    cited_by: Pattern("count", "service", "date")
    citation_total: Pattern("count", "services", "date")
    citation_total_one: Pattern("count", "services", "date")
    publication_description: Pattern("authors", "venue", "year")
    download_bibtex: Word
    all_publications: Word
    abstract: Word
    cite: Word
    permalink: Word
    filter_form: Word
    filter_search: Word
    filter_placeholder: Word
    filter_all: Pattern("count")
    filter_clear: Word
    filter_status: Pattern("shown", "total")
    facet_year: Word
    facet_type: Word
    facet_topic: Word
    feed_title: Pattern("name")
    feed_title_posts: Pattern("name") = Field(description="The feed's title when it has posts.")
    cv_title: Pattern("name")
    et_al: Word = Field(description="After the authors a social card leaves out.")
    code_block: Pattern("number") = Field(
        description="The name of a code block's buttons (its copy button), for screen readers."
    )
    email: Word = Field(description="The name of the e-mail link in the footer.")
    copyright: Pattern("name") = Field(description="The footer's line.")

    def __repr__(self) -> str:  # mkdocs-macros logs every variable; keep it short
        return f"Words({self.sections.publications!r}, ...)"

    # --- formatting -----------------------------------------------------------------------

    def date(self, value: str | None) -> str:
        """'2024-09' -> 'Sep 2024', '2024' -> '2024', 'present' -> 'Present'."""
        if not value:
            return ""
        if value == "present":
            return self.present
        parts = value.split("-")
        if len(parts) == 1:
            return parts[0]
        month = self.months[int(parts[1]) - 1]
        if len(parts) == 2:
            return self.date_month.format(year=parts[0], month=month)
        return self.date_day.format(year=parts[0], month=month, day=int(parts[2]))

    def period_of(self, start: str | None, end: str | None) -> str:
        if not start:
            return ""
        if not end:
            return self.date(start)
        return self.period.format(start=self.date(start), end=self.date(end))

    def join(self, names: Iterable[str]) -> str:
        """'A', 'A and B', 'A, B and C' (in English)."""
        names = list(names)
        if len(names) < 3:
            return self.list_pair.join(names)
        return self.list_separator.join(names[:-1]) + self.list_last + names[-1]

    def items(self, values: Iterable[object]) -> str:
        """Items in a row, without a last 'and': years, skills, courses."""
        return self.list_separator.join(map(str, values))

    def labelled(self, label: str, text: str) -> str:
        """'Label: text' as plain text."""
        return f"{label}{self.colon}{self.colon_space}{text}"


def fill(pattern: str, **values: Any) -> Markup:
    """A pattern filled in a template: the word is escaped, and so is every value that is
    not already HTML (Markup)."""
    return Markup.escape(pattern).format(**values)


# --- the tables ---------------------------------------------------------------------------


def _read_table(path: Path) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def shipped_languages() -> tuple[str, ...]:
    """The languages the engine has a table for."""
    return tuple(sorted(path.stem for path in WORDS_DIR.glob("*.yml")))


@cache
def _table(language: str) -> dict[str, Any]:
    return _read_table(WORDS_DIR / f"{language}.yml")


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@cache
def _shipped(language: str) -> Words:
    if language != FALLBACK_LANGUAGE and language in shipped_languages():
        return Words.model_validate(_merge(_table(FALLBACK_LANGUAGE), _table(language)))
    return Words.model_validate(_table(FALLBACK_LANGUAGE))


def words_for(language: str, overrides: Mapping[str, Any] | None = None) -> Words:
    """The words of `language`: the engine's table (English where it has none for the
    language), with the person's own words from data/words.yml over it."""
    words = _shipped(language)
    if not overrides:
        return words
    return Words.model_validate(_merge(words.model_dump(), overrides))


ENGLISH = _shipped(FALLBACK_LANGUAGE)


def word_table_notes(languages: Iterable[str], overridden: Iterable[str] = ()) -> list[str]:
    """One sentence for each language the engine has no table for (its words are English,
    but for those the person gives in data/words.yml: the languages in `overridden`)."""
    shipped = shipped_languages()
    mine = set(overridden)
    notes = []
    for language in languages:
        if language in shipped:
            continue
        given = (
            "English, but for those data/words.yml gives under"
            if language in mine
            else "English; give them in data/words.yml under"
        )
        notes.append(
            f"the engine has no table of words for '{language}' (it has {', '.join(shipped)}):"
            f" its fixed words (headings, dates, labels) are {given} '{language}:'"
        )
    return notes


def _optional(model: type[BaseModel]) -> type[BaseModel]:
    """The same table with every word optional: what data/words.yml may give of it."""
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, _Table):
            annotation = _optional(annotation)
        metadata = tuple(field.metadata)
        if metadata:
            annotation = Annotated[(annotation, *metadata)]  # type: ignore[assignment]
        fields[name] = (annotation | None, Field(default=None, description=field.description))
    return create_model(  # type: ignore[call-overload,no-any-return]
        f"{model.__name__}Overrides", __base__=_Table, __doc__=model.__doc__, **fields
    )


# The words a person may give in data/words.yml for one language: any of them.
WordOverrides = _optional(Words)
