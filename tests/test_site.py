"""End to end: build the real site with `mkdocs build` and read the real HTML."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import (
    FIXTURE_DATA,
    FORK_DATA,
    PERSON,
    ROOT,
    SITE_URL,
    Build,
    article,
    html_text,
    line_of,
    run_build,
)
from markupsafe import escape
from pypdf import PdfReader

from macros.data.loader import load_site_data
from macros.data.schema import section_schema
from macros.data.sections import SECTION_FILES
from macros.outputs.json_resume import schema_problems
from macros.outputs.rendering import AWARD_HEADINGS, format_partial_date
from macros.views.markup import markdown_block
from macros.views.views import notes_url

# Where each data file's entries must appear.
SECTION_PAGES = {
    "profile": [""],
    "education": ["cv"],
    "experience": ["research", "cv"],
    "publications": ["publications", "cv"],
    "talks": ["talks", "cv"],
    "teaching": ["teaching", "cv"],
    "awards": ["awards", "cv"],
    "projects": ["projects", "cv"],
    "skills": ["cv"],
    "news": [""],
}
# Fields that steer the rendering rather than being shown as text.
NOT_SHOWN = {
    "icon",
    "name_variants",
    "type",
    "selected",
    "corresponding",
    "equal_contribution",
    "highlight",
    "id",
    "publications",
    "bibtex",  # shown on the paper's own page (test_publications.py)
    "photo",  # an image, not text (tests/test_social_cards.py)
    "image",  # a paper's figure: its alt text is an attribute (tests/test_paper_images.py)
}
DATE_FIELDS = {"start", "end", "date"}


def markdown_fields(section: str) -> frozenset[str]:
    """The fields of a section that are Markdown (`format: markdown` in its JSON Schema)."""
    found: set[str] = set()

    def walk(schema: Any, name: str = "") -> None:
        if isinstance(schema, dict):
            if schema.get("format") == "markdown" and name:
                found.add(name)
            for key, value in schema.items():
                if key == "properties":
                    for prop, sub in value.items():
                        walk(sub, prop)
                else:
                    walk(value, name)
        elif isinstance(schema, list):
            for item in schema:
                walk(item, name)

    walk(section_schema(section))
    return frozenset(found)


def expected_facts(
    value: Any, field: str = "", markdown: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """(kind, text) pairs for every shown leaf of a data entry: kind is 'text' or 'html'.
    Text fields must show exactly as written; Markdown fields as their rendered text."""
    if field in NOT_SHOWN or value is None or isinstance(value, bool):
        return []
    if field == "site":  # the profile's site settings go into the home page's head
        return [
            *(
                [("html", f'<meta name="description" content="{escape(value["description"])}">')]
                if value["description"]
                else []
            ),
            *(
                [("html", f'<link rel="canonical" href="{value["url"].rstrip("/")}/">')]
                if value["url"]
                else []
            ),
        ]
    if isinstance(value, dict):
        return [fact for key, item in value.items() for fact in expected_facts(item, key, markdown)]
    if isinstance(value, list):
        return [fact for item in value for fact in expected_facts(item, field, markdown)]
    if field == "category" and value in AWARD_HEADINGS:
        return [("text", AWARD_HEADINGS[value])]
    if field in DATE_FIELDS:
        return [("text", format_partial_date(str(value)))]
    text = str(value)
    if re.match(r"^(https?://|mailto:)", text):
        return [("html", f'href="{html.escape(text)}"')]
    if field == "arxiv":
        return [("html", f'href="https://arxiv.org/abs/{text}"')]
    if field == "notes":  # a link to the page of docs/notes/, under the site's own path
        return [("html", f'{notes_url(text).lstrip("/")}">Notes</a>')]
    if field == "doi":
        return [("html", f'href="https://doi.org/{html.escape(text)}"')]
    if field in markdown:
        return [("text", html_text(markdown_block(text)))]
    return [("text", " ".join(text.split()))]


@pytest.mark.parametrize("section", list(SECTION_PAGES))
def test_every_fact_of_every_entry_is_on_its_pages(any_site: Build, section: str) -> None:
    """Generic: holds for the fictional person and for whatever data/ the project has. A page
    the project does not have (a fork deletes the pages it does not want) is not checked."""
    data = getattr(any_site.data, section)
    entries = [data] if section == "profile" else data
    if any_site.data.profile.name == PERSON:
        assert entries, f"the fixture's {section}.yml is empty"
    pages = [url for url in SECTION_PAGES[section] if any_site.has_engine_page(url)]
    if entries and any_site.data.profile.name == PERSON:  # a fork may leave sections out
        assert pages, f"no page shows data/{section}.yml"
    for url in pages:
        page = any_site.page(url)
        text = any_site.text(url)
        for entry in entries:
            for kind, fact in expected_facts(entry.model_dump(), markdown=markdown_fields(section)):
                haystack = page if kind == "html" else text
                assert fact in haystack, f"{fact!r} from data/{section}.yml is not on /{url}"


def test_every_entry_of_a_section_made_in_data_is_on_the_cv(any_site: Build) -> None:
    """Generic, for sections of one's own: heading and every entry's title, as written."""
    site = any_site.data
    if site.profile.name == PERSON:
        assert site.custom_sections, "the fixture has a section of its own"
    if not any_site.has_engine_page("cv"):
        return  # the person's own CV page promises nothing
    text = any_site.text("cv")
    for section in site.custom_sections:
        assert section.title in text, section.name
        for entry in site.section_entries(section):
            assert entry.title in text and (entry.organization or "") in text, entry.title


def test_selected_publications_are_on_the_home_page(any_site: Build) -> None:
    pubs = any_site.data.publications
    if not any_site.has_engine_page(""):
        return  # a home page of the person's own lists what they choose
    text = any_site.text("")
    for pub in pubs:
        assert (pub.title in text) == pub.selected, pub.id


def test_only_the_selected_papers_are_on_the_home_page(built_site: Build) -> None:
    """The fixture has both kinds, so listing every paper (or none) fails here."""
    pubs = built_site.data.publications
    assert {p.selected for p in pubs} == {True, False}
    page = built_site.page("")
    listed = re.findall(r'<li class="pub(?: pub--image)?" id="pub-([^"]+)"', page)
    assert listed == [p.id for p in sorted(pubs, key=lambda p: -p.year) if p.selected]


def test_publication_titles_are_in_the_search_index(any_site: Build) -> None:
    index = json.loads((any_site.site / "search" / "search_index.json").read_text())
    indexed = " ".join(html_text(doc["text"]) + " " + doc["title"] for doc in index["docs"])
    # Chinese is split into words, with U+200B between them (as Material does for pages).
    indexed = indexed.replace("\u200b", "")
    for pub in any_site.data.publications:
        assert html.escape(pub.title, quote=False) in indexed, pub.id


def test_owner_is_highlighted_and_marks_have_a_legend(built_site: Build) -> None:
    page = built_site.page("publications")
    # The name and both variants, each in bold; co-authors are not.
    for name in (PERSON, "E. Vasquez-Thorn", "Elena V. Thorn", "elena  vasquez-thorn"):
        assert f"<strong>{name}</strong>" in page, name
    for name in ("Tomasz Brightwater", "王小明", "Priya Dunmore", "Rafael O&#39;Connell"):
        assert f"<strong>{name}" not in page, name
        assert name in page, name
    assert 'Priya Dunmore<sup class="pub-mark" title="Corresponding author">*</sup>' in page
    assert 'Tomasz Brightwater<sup class="pub-mark" title="Equal contribution">†</sup>' in page
    text = built_site.text("publications")
    assert "Corresponding author." in text and "Equal contribution." in text


def test_highlighted_award_is_bold_on_the_site(built_site: Build) -> None:
    for url in ("awards", "cv"):
        if not built_site.has_page(url):
            continue
        page = built_site.page(url)
        assert "<strong>Northwind Graduate Fellowship</strong>" in page, url
        assert "Hollowmere Merit Scholarship" in page, url
        assert "<strong>Hollowmere Merit Scholarship" not in page, url


def test_citation_counts_from_metrics_are_shown(built_site: Build) -> None:
    lattice = built_site.text("publications/vasquezthorn2025lattice")
    assert "cited by 12 · Semantic Scholar · 2026-01-15" in lattice
    assert "cited by 3 · OpenAlex · 2026-01-14" in built_site.text("publications")
    assert "cited by" not in built_site.text("publications/vasquezthorn2023wander")
    assert "Cited 15 times in total" in built_site.text("")


def test_text_from_data_is_escaped_on_every_page(built_site: Build) -> None:
    """HTML, Markdown and Jinja look-alikes in plain text fields show as written."""
    shown = {
        "Summit on &lt;i&gt;Systems&lt;/i&gt; &amp; *Things* {{ event }}": ["talks", "cv"],
        "Lattice Gardens: &lt;b&gt;x&lt;/b&gt; Scheduling *y* for {{ z }} &amp; &#34;Sparse&#34;"
        " Hardware": ["", "publications", "cv", "publications/vasquezthorn2025lattice"],
        "Imaginary Collegiate Programming Contest &lt;Regional&gt;": ["awards", "cv"],
        "Caches &amp; storage &lt;tiers&gt;": ["", "research", "cv"],
    }
    for html_text_, urls in shown.items():
        for url in urls:
            if built_site.has_page(url):
                page = built_site.page(url)
                assert html_text_ in page, f"{html_text_!r} not on /{url}"
                assert "<i>Systems</i>" not in page and "<b>x</b>" not in page, url
                assert "<em>Things</em>" not in page and "<em>y</em>" not in page, url


def test_home_page_describes_the_person_in_json_ld(built_site: Build) -> None:
    (raw,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', built_site.page(""), re.S
    )
    person = json.loads(raw)
    assert person["@type"] == "Person" and person["name"] == PERSON
    assert person["url"] == SITE_URL
    assert person["jobTitle"] == "Research Scientist in Distributed Systems"
    assert person["affiliation"]["name"] == "Northwind Institute of Technology"
    assert person["sameAs"] == [
        "https://code.example.org/evthorn",
        "https://blog.example.org/elena",
    ]
    assert person["alumniOf"] == [{"@type": "CollegeOrUniversity", "name": "Hollowmere College"}]


def test_no_request_to_another_host(built_site: Build) -> None:
    """Scripts, styles, images and fonts all come from the site itself."""
    for page in built_site.site.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|img|link|iframe|source)\b[^>]*>", source):
            if "<link" in tag and re.search(r'rel="?(canonical|alternate)', tag):
                continue
            assert not re.search(r'(src|href)="(https?:)?//', tag), f"{page}: {tag}"
        assert "fonts.googleapis" not in source and "fonts.gstatic" not in source


def test_no_script_holds_up_the_first_paint(built_site: Build) -> None:
    """Every script file is deferred (Material's bundle included), so the page paints first."""
    for page in built_site.site.rglob("*.html"):
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page.read_text(encoding="utf-8"))
        assert any("bundle." in tag for tag in scripts), page
        for tag in scripts:
            assert re.search(r"\s(defer|async)[\s>]", tag), f"{page}: {tag}"


def test_transitions_are_not_left_off_without_a_palette_toggle(
    project: Path, tmp_path: Path
) -> None:
    """The start-up mark that turns transitions off is set only where Material removes it."""
    assert "data-md-color-switching" in (ROOT / "macros" / "theme" / "main.html").read_text()
    config = project / "macros" / "mkdocs.yml"  # the engine's palette, as a fork could set it
    text = config.read_text()
    start = text.index("  palette:\n")
    end = text.index("\nextra:")
    config.write_text(
        text[:start] + "  palette:\n    scheme: default\n    primary: indigo\n" + text[end:]
    )
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert 'data-md-component="palette"' not in build.page("")
    assert "data-md-color-switching" not in build.page("")


def test_every_data_file_points_editors_at_its_schema() -> None:
    for folder, schemas in ((ROOT / "data", "../schemas"), (FIXTURE_DATA, "../../../../schemas")):
        for path in folder.glob("*.yml"):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            # A built-in section's own schema, or the one of every section made in data.
            own = (ROOT / "schemas" / f"{path.stem}.schema.json").is_file()
            schema = path.stem if own else "section"
            assert first == f"# yaml-language-server: $schema={schemas}/{schema}.schema.json"
            assert (ROOT / "schemas" / f"{schema}.schema.json").is_file()


def test_schemas_are_up_to_date() -> None:
    from macros.data.schema import schema_text

    for path in (ROOT / "schemas").glob("*.schema.json"):
        section = path.name.removesuffix(".schema.json")
        assert path.read_text(encoding="utf-8") == schema_text(section), (
            f"{path.name} is stale: run `python -m macros schema`"
        )


# --- editing a copy of the project ----------------------------------------------------

NEW_ENTRIES = {
    "publications.yml": """
- id: zz-new-paper
  title: "Zebra Quokka: A Brand New Paper <b>bold?</b> {{ 7*7 }} *stars*"
  authors: [Someone Else, {name: E. Vasquez-Thorn, equal_contribution: true}]
  venue: Workshop on New Things
  venue_short: WNT 2026
  year: 2026
  type: workshop
  selected: true
  topics: [Quokka Topic]
  summary: A **new** summary.
""",
    "education.yml": "\n- {institution: Quokka University, degree: Visitor, start: 2026-01}\n",
    "experience.yml": "\n- {organization: Quokka Labs, start: 2026-02, highlights: [Quokka work]}",
    "talks.yml": "\n- {title: Quokka Talk, event: Quokka Con, year: 2026}\n",
    "teaching.yml": "\n- {course: Quokka 101, institution: Quokka U, year: 2026}\n",
    "awards.yml": "\n- {title: Quokka Prize, category: honor, years: [2026]}\n",
    "projects.yml": "\n- {name: Quokka Project, year: 2026, description: Quokka things.}\n",
    "skills.yml": "\n- {category: Quokka Skills, items: [Hopping]}\n",
    "news.yml": "\n- {date: 2026-03, text: Quokka news.}\n",
}


def test_added_entries_show_up_everywhere(project: Path, tmp_path: Path) -> None:
    for name, text in NEW_ENTRIES.items():
        with (project / "data" / name).open("a", encoding="utf-8") as handle:
            handle.write(text)
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    title = "Zebra Quokka: A Brand New Paper <b>bold?</b> {{ 7*7 }} *stars*"
    for url in ("", "publications", "cv", "publications/zz-new-paper"):
        assert title in build.text(url), url
        assert "&lt;b&gt;bold?&lt;/b&gt; {{ 7*7 }} *stars*" in build.page(url)
        assert "<em>stars</em>" not in build.page(url)
    assert "## 2026" not in build.text("publications")
    assert re.search(r'<h2 id="2026">2026', build.page("publications"))
    assert "Equal contribution." in build.text("publications")
    index = json.loads((build.site / "search" / "search_index.json").read_text())
    (entry,) = [d for d in index["docs"] if d["location"] == "publications/zz-new-paper/"]
    # Escaped as Material's indexer escapes (its search results show titles as HTML).
    assert (
        entry["title"]
        == "Zebra Quokka: A Brand New Paper &lt;b&gt;bold?&lt;/b&gt; {{ 7*7 }} *stars*"
    )
    assert "Workshop on New Things" in entry["text"]
    assert schema_problems(json.loads((build.site / "cv.json").read_text())) == []
    checks = {
        "cv": [
            "Quokka University",
            "Quokka Labs",
            "Quokka Talk",
            "Quokka 101",
            "Quokka Prize",
            "Quokka Project",
            "Quokka Skills",
            "Hopping",
            "Quokka Topic",
        ],
        "research": ["Quokka Labs", "Quokka work"],
        "talks": ["Quokka Talk", "Quokka Con"],
        "teaching": ["Quokka 101"],
        "awards": ["Quokka Prize"],
        "projects": ["Quokka Project", "Quokka things."],
        "": ["Quokka news.", "Mar 2026"],
    }
    for url, needles in checks.items():
        if not build.has_page(url):
            continue  # a page this project does not have
        text = build.text(url)
        for needle in needles:
            assert needle in text, f"{needle} not on /{url}"


# --- mistakes fail the build, without --strict and without a traceback -------------------


def test_data_mistake_fails_plain_build_with_location(project: Path, tmp_path: Path) -> None:
    pubs = project / "data" / "publications.yml"
    pubs.write_text(pubs.read_text().replace("  venue_short: JCC", "  venue_shrt: JCC"))
    build = run_build(project, tmp_path / "site", strict=False)
    assert build.returncode != 0
    line = line_of(pubs, "venue_shrt")
    assert (
        f"data/publications.yml:{line}:3: publications entry 2 (id 'vasquezthorn2024quiet'): "
        "field 'venue_shrt': unknown field" in build.output
    )
    assert "Traceback" not in build.output


def test_yaml_syntax_error_fails_plain_build(project: Path, tmp_path: Path) -> None:
    (project / "data" / "talks.yml").write_text("- title: [unclosed\n")
    build = run_build(project, tmp_path / "site", strict=False)
    assert build.returncode != 0
    assert "data/talks.yml:2:1: YAML syntax error" in build.output
    assert "Traceback" not in build.output


@pytest.mark.parametrize(
    ("call", "words"),
    [
        ("{{ publications(colour='red') }}", "unexpected keyword argument 'colour'"),
        ("{{ no_such_macro() }}", "unknown macro or variable 'no_such_macro'"),
        ("{{ typo }}", "unknown macro or variable 'typo'"),
    ],
)
def test_page_mistake_fails_plain_build(
    project: Path, tmp_path: Path, call: str, words: str
) -> None:
    page = project / "docs" / "notes.md"  # a page of the user's own, outside the nav
    page.write_text(f"# Notes\n\nSome text.\n\n{call}\n")
    build = run_build(project, tmp_path / "site", strict=False)
    assert build.returncode != 0
    assert words in build.output
    (message,) = [text for text in build.output.splitlines() if words in text]
    assert message.startswith("ERROR   -  docs/notes.md:5: "), message
    assert "Traceback" not in build.output
    assert not (tmp_path / "site" / "notes" / "index.html").exists()


PAGE_WITH_CALLS = """---
title: Notes
---

# Notes

{{ section("talks") }}

{{ publications(by_year=false) }}

{{ section("teaching") }}

%s
"""


@pytest.mark.parametrize(
    ("call", "where"),
    [
        ('{{ section("no-such-section") }}', "docs/notes.md:13: section('no-such-section'): "),
        ("{{ publications(colour='red') }}", "docs/notes.md:13: publications(colour='red'): "),
        (  # the loop's call and the written one both fit: the line is not known for sure
            '{% for name in ["talks", "no-such-section"] %}{{ section(name) }}{% endfor %}\n\n'
            '{{ section("no-such-section") }}',
            "docs/notes.md (one of the calls on lines 13, 15; which one is not known):"
            " section('no-such-section'): ",
        ),
        (  # the included file may hold the failing call too
            '{% include "part.txt" %}\n\n{{ section("no-such-section") }}',
            "docs/notes.md (one of the calls on line 15, or a file it includes; which one is"
            " not known): section('no-such-section'): ",
        ),
        (  # called under another name: no written call fits
            '{% set show = section %}{{ show("no-such-section") }}',
            "docs/notes.md (the line is not known: the call is not written as such in the"
            " page): section('no-such-section'): ",
        ),
    ],
)
def test_failing_macro_call_is_reported_at_its_own_line(
    project: Path, tmp_path: Path, call: str, where: str
) -> None:
    """Good calls to the same and other macros come first; the front matter counts too."""
    (project / "docs" / "notes.md").write_text(PAGE_WITH_CALLS % call)
    (project / "docs" / "part.txt").write_text('{{ section("no-such-section") }}\n')
    build = run_build(project, tmp_path / "site", strict=False)
    assert build.returncode != 0 and "Traceback" not in build.output
    (message,) = [text for text in build.output.splitlines() if "docs/notes.md" in text]
    assert message.startswith(f"ERROR   -  {where}"), message
    assert '"no section' not in message  # a KeyError's message, not its repr


# --- nothing about the owner outside data/ and docs/ -----------------------------------


def owner_strings(data_dir: Path) -> list[str]:
    """What names the person of a data/ folder: name, its variants, e-mail, site host, links."""
    profile = load_site_data(data_dir).profile
    strings = [profile.name, *profile.name_variants, profile.email or ""]
    strings += [urlparse(profile.site.url or "").hostname or ""]
    strings += [link.url for link in profile.links if link.url.startswith("http")]
    return [s for s in strings if len(s) > 3]


def test_owner_is_not_hard_coded_outside_data_and_docs() -> None:
    """Neither the owner (data/) nor the fixture person is written into code or theme; the
    tests name the fixture person only, never the owner."""
    checks = [
        (ROOT / "mkdocs.yml", [*owner_strings(ROOT / "data"), *owner_strings(FIXTURE_DATA)]),
        *(
            (path, owner_strings(ROOT / "data") + owner_strings(FIXTURE_DATA))
            for folder in ("macros",)
            for path in (ROOT / folder).rglob("*")
        ),
        *(
            (path, owner_strings(ROOT / "data"))
            for path in (ROOT / "tests").rglob("*")
            if FORK_DATA not in path.parents  # the fork check's person: the owner in a fork
        ),
    ]
    for path, strings in checks:
        if path.suffix in (".py", ".html", ".md", ".yml", ".typ", ".css", ".js", ".json", ".bib"):
            text = path.read_text(encoding="utf-8")
            for string in strings:
                found = re.search(rf"(?<!\w){re.escape(string)}(?!\w)", text, re.I)
                assert not found, f"{path.relative_to(ROOT)} names {string!r}"


def test_site_settings_come_from_the_profile(project: Path, tmp_path: Path) -> None:
    profile = project / "data" / "profile.yml"
    text = profile.read_text().replace(f"name: {PERSON}", "name: Ada <Lovelace>")
    text = text.replace("  description: >-\n", '  description: >-\n    Quote " and <b>tag</b>.\n')
    text = text.replace(SITE_URL, "https://ada.example.org/sub/")
    text = text.replace("https://code.example.org/evthorn", "https://code.example.org/ada")
    profile.write_text(text)
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    home = build.page("")
    assert "<title>Home - Ada &lt;Lovelace&gt;</title>" in home
    assert '<link rel="canonical" href="https://ada.example.org/sub/">' in home
    assert "Copyright &copy; Ada &lt;Lovelace&gt;" in home
    assert '<meta name="description" content="Quote &#34; and &lt;b&gt;tag&lt;/b&gt;.' in home
    assert "<Lovelace>" not in home and "&amp;lt;" not in home
    assert '<h1 class="profile-name">Ada &lt;Lovelace&gt;</h1>' in home
    assert 'href="https://code.example.org/ada" target="_blank" rel="noopener" title="Code"' in home
    # Links across pages follow the site's path.
    assert 'href="/sub/publications/vasquezthorn2025lattice/"' in build.page("research")


def test_data_used_directly_in_a_page_is_escaped(project: Path, tmp_path: Path) -> None:
    talks = project / "data" / "talks.yml"
    talks.write_text(talks.read_text().replace("title: Gardening", "title: <i>Gardening"))
    page = project / "docs" / "index.md"  # the person's home page replaces the engine's
    engine_home = project / "macros" / "pages" / "index.md"
    page.write_text(engine_home.read_text() + "\nFirst talk: {{ site_data.talks[0].title }}\n")
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert "First talk: &lt;i&gt;Gardening Jobs" in build.page("")
    assert "<i>Gardening" not in build.page("")


def test_empty_list_files_build(project: Path, tmp_path: Path) -> None:
    for path in (project / "data").glob("*.yml"):
        if path.stem in SECTION_FILES:
            path.write_text(path.read_text().splitlines()[0] + "\n[]\n")
        elif path.stem != "profile":
            path.unlink()  # a section of one's own is a title and entries, never empty
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert "No publications yet." in build.text("publications")
    if build.has_page("talks"):
        assert "No talks yet." in build.text("talks")
    assert "No news yet." in build.text("")


def test_missing_data_file_is_an_empty_section(project: Path, tmp_path: Path) -> None:
    """A fork without awards deletes the file (and its page): the CV and the PDF leave the
    section out, heading and all."""
    (project / "data" / "awards.yml").unlink()
    (project / "docs" / "awards.md").unlink(missing_ok=True)  # a fork may have none
    config = project / "mkdocs.yml"
    config.write_text(
        "\n".join(line for line in config.read_text().splitlines() if "awards.md" not in line)
    )
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    cv = build.page("cv")
    assert 'id="honors-and-awards"' not in cv and "Honors and awards" not in build.text("cv")
    assert 'id="education"' in cv


def test_section_made_in_data_alone(project: Path, tmp_path: Path) -> None:
    """A YAML file with `title` and `entries` is a section: on the web CV, in the PDF, in
    cv.json and on any page through `section()`, with no code or template touched."""
    (project / "data" / "service.yml").write_text(
        "title: Academic Service\n"
        "entries:\n"
        "  - {title: Reviewer, organization: Some Conference 2026, years: [2026],"
        " details: Reviewed **five** papers.}\n"
        "  - title: Program committee <b>member</b>\n"
        "    organization: Another Workshop\n"
        "    start: 2025-03\n"
        "    end: 2025\n"
        "    links: {Call for papers: https://example.org/cfp}\n"
    )
    (project / "docs" / "service.md").write_text('# Service\n\n{{ section("service") }}\n')
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    for url in ("cv", "service"):
        text = build.text(url)
        assert "Reviewer" in text and "Some Conference 2026" in text, url
        assert "Program committee <b>member</b>" in text, url  # shown as written, not run
        assert "Mar 2025 – 2025" in text, url
    page = build.page("service")
    assert "Reviewed <strong>five</strong> papers." in page
    assert (
        '<a class="md-button entry-link" href="https://example.org/cfp">Call for papers</a>' in page
    )
    assert '<h2 id="academic-service">Academic Service' in build.page("cv")
    pdf = " ".join(p.extract_text() for p in PdfReader(build.site / "cv.pdf").pages)
    assert "Academic Service" in pdf and "Reviewer, Some Conference 2026" in pdf
    resume = json.loads((build.site / "cv.json").read_text())
    service = [p for p in resume["projects"] if p.get("type") == "Academic Service"]
    assert [p["name"] for p in service] == ["Reviewer", "Program committee <b>member</b>"]
    assert service[0]["entity"] == "Some Conference 2026"
    assert schema_problems(resume) == []


class _Ancestors(HTMLParser):
    """Records, for each element with a class, the tags and classes it sits in."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "path", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        names = (dict(attrs).get("class") or "").split() or [tag]
        self.stack.append(names[0])
        for name in names:
            self.found.setdefault(name, list(self.stack[:-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def test_macros_stay_inside_admonitions_and_lists(project: Path, tmp_path: Path) -> None:
    """Jinja indents only the first line of a macro's output; the rest is indented to the
    call's column, so the section stays inside the admonition or list item around it."""
    (project / "docs" / "talks.md").write_text(
        '# Talks\n\n!!! note "Talks"\n\n    {{ talks() }}\n\n    {{ awards() }}\n\n'
        "- An item\n\n    {{ skills() }}\n\n> {{ news(limit=1) }}\n\nAfter.\n"
    )
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    parser = _Ancestors()
    parser.feed(article(build.page("talks")))
    assert "admonition" in parser.found["entries--talks"]
    assert "admonition" in parser.found["entries--awards"]
    assert "li" in parser.found["skills"]
    assert "blockquote" in parser.found["news"]
    assert "<!--homepage" not in build.page("talks")
