"""Hostile data: values a careful attacker would write, and what each output must do with them.

Every check is one of: the value is refused with file, line and field (and no traceback), or it
reaches every output as text, never as markup, script, another scheme or another host. Most
examples go through the loader and the pure-Python renderers and exports; a few real builds
check what only MkDocs and Material do (the theme's own templates, the PDF).
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
import pybtex.database
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from conftest import ROOT, Build, copy_project, line_of, run_build
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pybtex.style.formatting.plain import Style as PlainStyle
from site_links import bad_links, html_links, link_problem, output_links

from macros.commands.bibtex_import import decode_bib, import_bibtex
from macros.data.data_files import icon_dirs
from macros.data.loader import DataError, load_site_data
from macros.data.safe_values import character_name, check_email, check_link, check_site_url
from macros.data.yaml_source import YamlSyntaxError, read_yaml
from macros.outputs.bibtex import publication_bibtex
from macros.outputs.cv_pdf import CvPdfError, cv_data, render_cv_pdf
from macros.outputs.feed import news_feed
from macros.outputs.json_resume import json_resume_text
from macros.outputs.pdf_fonts import EMBEDDED_RANGES
from macros.outputs.rendering import SiteRenderer
from macros.views.markup import markdown_block, markdown_inline

FIXTURE = ROOT / "tests" / "fixtures" / "hostile" / "data"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# Material's icons, found as the loader finds them.
ICONS = icon_dirs(ROOT)


def fixture_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    return data


def hostile_project(tmp_path: Path) -> Path:
    """A copy of the project with the fixture person's data."""
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "data")
    return project


def set_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(data: Path) -> str:
    with pytest.raises(DataError) as caught:
        load_site_data(data)
    return str(caught.value)


# --- links, e-mail and the site address ------------------------------------------------------

BAD_LINKS = [
    'https://x.org/"onmouseover="alert(1)',
    "https://x.org/'><script>alert(1)</script>",
    "javascript:alert(1)",
    "javascript&#58;alert(1)",
    "JaVaScRiPt:alert(1)",
    "\x01javascript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https://good.example@evil.example/",
    "https://x.org/\u202egnp.exe",
    "https://x.org/a b",
    "mailto:a@b.org?bcc=everyone@b.org",
    "relative/path",
]


@pytest.mark.parametrize("link", BAD_LINKS)
def test_links_are_parsed_and_refused(link: str) -> None:
    with pytest.raises(ValueError):
        check_link(link)


@pytest.mark.parametrize(
    "link", ["https://x.org/a?b=1&c=2#d", "http://127.0.0.1:8000/", "/cv/", "mailto:a@b.org"]
)
def test_good_links_pass(link: str) -> None:
    assert check_link(link) == link


@pytest.mark.parametrize(
    "email", ['"a"@b.org', "a<script>@b.org", "a@b", "Ada <a@b.org>", "a@b.org,c@d.org", "a@@b.org"]
)
def test_email_addresses_are_parsed(email: str) -> None:
    with pytest.raises(ValueError):
        check_email(email)


@pytest.mark.parametrize(
    "url",
    ['https://x.org/"><script>', "https://x.org/?a&b", "https://x.org/#x", "javascript:x", "//x"],
)
def test_site_address_holds_no_character_html_reads(url: str) -> None:
    with pytest.raises(ValueError):
        check_site_url(url)


def test_bad_links_email_and_site_url_stop_the_build_with_file_line_field(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    data = shutil.copytree(FIXTURE, project / "data")
    profile = data / "profile.yml"
    set_line(
        profile, "url: https://example.org/ada", """url: 'https://x.org/"onmouseover="alert(1)'"""
    )
    set_line(profile, "email: ada@example.org", "email: a<b>@example.org")
    set_line(profile, "url: https://example.org/\n", "url: 'https://example.org/\"><script>'\n")
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0
    assert "Traceback" not in build.output
    lines = profile.read_text().splitlines()
    for field, needle in (
        ("links[1].url", "onmouseover"),
        ("email", "email:"),
        ("site.url", "<script>"),
    ):
        line = next(i for i, text in enumerate(lines, 1) if needle in text)
        assert f"data/profile.yml:{line}:" in build.output and f"field '{field}'" in build.output


# --- bounded YAML ----------------------------------------------------------------------------

# Seven lines, nine times more values each: 9**7 (4.8 million) strings once expanded.
ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{new}: &{new} [{', '.join(['*' + old] * 9)}]\n"
    for old, new in zip("abcdef", "bcdefg", strict=True)
)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (ALIAS_BOMB, 5, "stand for more than 10,000 values"),
        ("a: &a [*a]\n", 1, "the alias *a is inside the value it names"),
        ("a: *b\n", 1, "the alias *b names no anchor before it"),
        ("x:\n" + "  " + "[" * 200 + "]" * 200 + "\n", 2, "nested more than 32 levels"),
        ("x: '" + "y" * 300_000 + "'\n", 1, "at most 200,000"),
        ("- a\n---\n- b\n", 2, "a single document"),
        ("? [a]\n: b\n", 1, "a key must be plain text"),
    ],
)
def test_yaml_reading_is_bounded(text: str, line: int, words: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml(text)
    assert caught.value.line == line and words in caught.value.message


def test_a_few_aliases_are_fine() -> None:
    data, positions = read_yaml("a: &a {x: 1}\nb: [*a, *a]\n")
    assert data == {"a": {"x": 1}, "b": [{"x": 1}, {"x": 1}]} and positions[("b", 1)] == (2, 9)


def test_alias_bomb_and_huge_numbers_in_data_files_are_clean_errors(tmp_path: Path) -> None:
    data = fixture_data(tmp_path)
    (data / "skills.yml").write_text(ALIAS_BOMB.replace("a: &a", "- a: &a").replace("\n", "\n  "))
    set_line(data / "talks.yml", "year: 2024", "year: " + "9" * 5000)
    message = problems_of(data)
    assert "data/skills.yml:5:" in message and "more than 10,000 values" in message
    assert "data/talks.yml:3:" in message and "field 'year'" in message


# --- control characters and bidi overrides ---------------------------------------------------


@pytest.mark.parametrize(
    ("file", "path", "value", "field", "char"),
    [
        ("news.yml", (0, "text"), "is \x1b[31m accepted", "text", "U+001B"),
        ("profile.yml", ("name",), "Ada \ufffe Quill", "name", "U+FFFE"),
        ("publications.yml", (0, "authors", 0), "Ada \u202eQuill", "authors[1]", "U+202E"),
        ("talks.yml", (0, "title"), "Talk \x85 two", "title", "U+0085"),
        ("projects.yml", (0, "name"), "Ex\u2066ampler", "name", "U+2066"),
        ("awards.yml", (0, "note"), "Top\nexample.", "note", "U+000A"),
        ("skills.yml", (0, "items", 1), "Ex\ufdd0", "items[2]", "U+FDD0"),
        ("profile.yml", ("links", 0, "label"), "Co\x00de", "links[1].label", "U+0000"),
    ],
)
def test_text_refuses_control_and_bidi_characters(
    tmp_path: Path, file: str, path: tuple[object, ...], value: str, field: str, char: str
) -> None:
    message = problems_of(_with_value(tmp_path, file, path, value))
    assert f"data/{file}:1:" in message and f"field '{field}'" in message, message
    assert char in message, message


# Embedding, override and isolate controls (README: U+202A-U+202E, U+2066-U+2069).
BIDI_CONTROLS = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
# One field of each kind of text: (file, the line's text, the same with {} for the character,
# the line's number, the field as messages name it).
BIDI_FIELDS = {
    "line": ("talks.yml", "title: An Example Talk", 'title: "An Example{}Talk"', 1, "title"),
    "name": ("profile.yml", "name: Ada Quill", 'name: "Ada{}Quill"', 2, "name"),
    "author": (
        "publications.yml",
        "authors: [Ada Quill,",
        'authors: ["Ada{}Quill",',
        3,
        "authors[1]",
    ),
    "label": ("profile.yml", "label: Code", 'label: "Co{}de"', 9, "links[1].label"),
    "markdown": (
        "profile.yml",
        "bio: Ada studies **examples**.",
        'bio: "Ada studies{} **examples**."',
        12,
        "bio",
    ),
    "markdown in a list": (
        "news.yml",
        'text: "*An Example Paper* is accepted."',
        'text: "*An Example{} Paper* is accepted."',
        1,
        "text",
    ),
    "custom section": (
        "service.yml",
        "details: Reviewed *examples*.",
        'details: "Reviewed{} *examples*."',
        9,
        "details",
    ),
}


@pytest.mark.parametrize("kind", BIDI_FIELDS)
@pytest.mark.parametrize("char", BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_bidi_control_is_refused_in_each_kind_of_text(
    tmp_path: Path, char: str, kind: str
) -> None:
    """Every one of the nine turns the rest of a line around (a title or a name that reads
    differently than written); each is refused with file, line and field."""
    file, old, new, line, field = BIDI_FIELDS[kind]
    data = fixture_data(tmp_path)
    set_line(data / file, old, new.format(f"\\u{ord(char):04X}"))  # a YAML escape
    try:
        load_site_data(data)
    except DataError as error:
        message = str(error)
    else:
        pytest.fail(f"{character_name(char)} in data/{file}, field '{field}', was accepted")
    assert f"data/{file}:{line}:" in message and f"field '{field}'" in message, message
    assert f"contains {character_name(char)}, a bidi override character" in message, message
    assert message.startswith("1 problem in the site data"), message  # and no other blamed


def test_markdown_fields_keep_line_breaks_and_tabs(tmp_path: Path) -> None:
    data = fixture_data(tmp_path)
    set_line(data / "profile.yml", "bio: Ada studies **examples**.", 'bio: "One.\\n\\tTwo."')
    assert load_site_data(data).profile.bio == "One.\n\tTwo."


# --- ids, icons, data files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_id", "words"),
    [("index", "reserved"), ("readme", "reserved"), ("a" * 81, "at most 80"), ("A-b", "lower")],
)
def test_bad_ids_are_refused(tmp_path: Path, new_id: str, words: str) -> None:
    data = fixture_data(tmp_path)
    set_line(data / "publications.yml", "id: quill2024example", f"id: {new_id}")
    set_line(data / "experience.yml", "[quill2024example]", "[]")
    message = problems_of(data)
    assert "data/publications.yml:1:" in message and "field 'id'" in message and words in message


def test_unknown_icon_is_a_load_error_with_its_line(tmp_path: Path) -> None:
    data = fixture_data(tmp_path)
    set_line(data / "profile.yml", "fontawesome/brands/github", "fontawesome/brands/nosuchicon")
    message = problems_of(data)
    assert "data/profile.yml:11:" in message and "field 'icon'" in message
    assert "unknown icon 'fontawesome/brands/nosuchicon'" in message


def test_data_files_must_be_regular_files_inside_the_project(tmp_path: Path) -> None:
    data = fixture_data(tmp_path / "project")
    outside = tmp_path / "elsewhere.yml"
    outside.write_text((data / "skills.yml").read_text())
    (data / "skills.yml").unlink()
    (data / "skills.yml").symlink_to(outside)
    (data / "news.yml").unlink()
    os.mkfifo(data / "news.yml")  # reading it would wait for ever
    message = problems_of(data)
    assert "data/skills.yml: the file is a link to" in message and "outside the project" in message
    assert "data/news.yml: the file is not a regular file" in message
    inside = data.parent / "shared-skills.yml"
    inside.write_text(outside.read_text())
    (data / "skills.yml").unlink()
    (data / "skills.yml").symlink_to(inside)
    (data / "news.yml").unlink()
    shutil.copy(FIXTURE / "news.yml", data / "news.yml")
    assert load_site_data(data).skills  # a link inside the project is fine


@pytest.mark.parametrize(
    ("docs_file", "written"),
    [
        ("quill2024example.md", "publications/quill2024example/index.html"),
        ("quill2024example/index.md", "publications/quill2024example/index.html"),
        ("quill2024example.bib", "publications/quill2024example.bib"),
    ],
)
def test_an_id_that_names_a_docs_page_fails_check_and_build(
    tmp_path: Path, docs_file: str, written: str
) -> None:
    """`python -m macros check` and the build both name the id's line and the docs/ file."""
    project = hostile_project(tmp_path)
    shutil.copytree(FIXTURE, project / "data")
    mine = project / "docs" / "publications" / docs_file
    mine.parent.mkdir(parents=True)
    mine.write_text("# Mine\n")
    line = line_of(project / "data" / "publications.yml", "id: quill2024example")
    expected = (
        f"data/publications.yml:{line}:7: publications entry 1 (id 'quill2024example'):"
        f" field 'id': the page or .bib of publication id 'quill2024example' would be written"
        f" to {written}, where docs/publications/{docs_file} goes too"
    )
    check = subprocess.run(
        [sys.executable, "-m", "macros", "--project", str(project), "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1 and expected in check.stderr, check.stdout + check.stderr
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0 and "Traceback" not in build.output
    assert expected in build.output, build.output


# --- import-bibtex ---------------------------------------------------------------------------

NEW_ENTRY = (
    "@article{new1, title={Caf\xe9 Results}, author={M\xfcller, Anna}, journal={J}, year={2021}}\n"
)


def test_import_never_changes_a_byte_of_existing_data(tmp_path: Path) -> None:
    pubs = tmp_path / "publications.yml"
    before = (FIXTURE / "publications.yml").read_text() + (
        "  bibtex: |\n    @misc{quill2024example,\n    []\n    title = {X}}\n"
    )
    before = before.replace(
        "  summary: A *short* summary.\n", "  summary: |\n    One.\n    []\n    Two.\n"
    )
    pubs.write_text(before)
    report = import_bibtex(NEW_ENTRY, pubs)
    assert [p.id for p in report.added] == ["muller2021cafe"]
    after = pubs.read_text()
    assert after.startswith(before)
    assert load_site_data  # the file still loads, with the old entry unchanged
    assert "    []\n    Two." in after


def test_import_replaces_only_a_lone_empty_list(tmp_path: Path) -> None:
    pubs = tmp_path / "publications.yml"
    pubs.write_text("# papers\n[]  # none yet\n")
    import_bibtex(NEW_ENTRY, pubs)
    assert pubs.read_text().startswith("# papers\n  # none yet\n")


def test_import_reads_other_encodings_and_says_which(tmp_path: Path) -> None:
    assert decode_bib(NEW_ENTRY.encode("cp1252"), "x.bib") == (NEW_ENTRY, "cp1252")
    assert decode_bib(NEW_ENTRY.encode("utf-16"), "x.bib")[0] == NEW_ENTRY
    assert decode_bib(b"\xef\xbb\xbf" + NEW_ENTRY.encode(), "x.bib") == (NEW_ENTRY, "utf-8")
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project / "data")
    bib = tmp_path / "refs.bib"
    bib.write_bytes(NEW_ENTRY.encode("cp1252"))
    result = subprocess.run(
        [sys.executable, "-m", "macros", "--project", str(project), "import-bibtex", str(bib)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "as cp1252" in result.stdout and "Café Results" in result.stdout
    bib.write_bytes(bytes(range(256)) * 4)
    result = subprocess.run(
        [sys.executable, "-m", "macros", "--project", str(project), "import-bibtex", str(bib)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "encoding could not be recognised" in result.stderr


def test_import_names_duplicate_keys_as_duplicates(tmp_path: Path) -> None:
    pubs = tmp_path / "publications.yml"
    shutil.copy(FIXTURE / "publications.yml", pubs)
    report = import_bibtex(NEW_ENTRY + NEW_ENTRY.replace("Caf\xe9", "Other"), pubs, dry_run=True)
    assert report.skipped == [
        (
            "new1 (line 2)",
            "duplicate key 'new1' (first used at line 1); the later entry is not imported",
        )
    ]


# --- BibTeX out, read back by a BibTeX style -------------------------------------------------


def formatted(bib: str) -> tuple[pybtex.database.BibliographyData, str]:
    data = pybtex.database.parse_string(bib, "bibtex")
    entry = next(iter(PlainStyle().format_entries(data.entries.values())))
    return data, entry.text.render_as("text")


def test_bibtex_keeps_capitals_and_team_names_through_a_style(tmp_path: Path) -> None:
    site = load_site_data(FIXTURE)
    pub = site.publications[0].model_copy(
        update={
            "title": "LLM-based Serving on GPUs with vLLM: {Braces} & 100% naïve",
            "authors": [
                *site.publications[0].authors[:1],
                type(site.publications[0].authors[0])(name="Research and Development Team"),
                type(site.publications[0].authors[0])(name="Example Lab, Inc."),
                type(site.publications[0].authors[0])(name="王小明"),
            ],
        }
    )
    data, text = formatted(publication_bibtex(pub))
    persons = data.entries[pub.id].persons["author"]
    assert len(persons) == 4
    assert "Research and Development Team" in text and "Example Lab, Inc." in text
    assert "LLM-based Serving on GPUs with vLLM" in text
    unprotected = publication_bibtex(pub).replace("{LLM-based} {Serving}", "LLM-based Serving")
    assert "Llm-based serving" in formatted(unprotected)[1]  # what the braces prevent
    assert "王小明" in publication_bibtex(pub)  # UTF-8, not LaTeX escapes


@pytest.mark.parametrize("text", ["a { b", "a } b", "} {", "\\{", "{{x}", "Ab}C{D"])
def test_bibtex_braces_balance_for_bibtex_itself(text: str) -> None:
    """BibTeX counts every brace, escaped or not: a lone one must not unbalance the entry."""
    site = load_site_data(FIXTURE)
    author = type(site.publications[0].authors[0])(name=text)
    pub = site.publications[0].model_copy(
        update={"title": text, "venue": text, "award": text, "authors": [author]}
    )
    data, _ = formatted(publication_bibtex(pub))
    assert len(data.entries[pub.id].persons["author"]) == 1


@pytest.mark.parametrize("doi", ["10.1234/a}b", "10.1234/a{b", "10.1234/ab\\"])
def test_a_doi_that_would_break_its_bibtex_entry_is_refused(tmp_path: Path, doi: str) -> None:
    """A DOI goes into the .bib verbatim: a brace would end the field early (or never), and a
    trailing backslash hides the closing brace from bibtexparser."""
    message = problems_of(_with_value(tmp_path, "publications.yml", (0, "doi"), doi))
    assert "data/publications.yml:" in message and "field 'doi'" in message
    assert "may not contain '{', '}' or '\\'" in message


def test_unicode_in_bibtex_makes_no_encoder_warnings(caplog: pytest.LogCaptureFixture) -> None:
    site = load_site_data(FIXTURE)
    pub = site.publications[0].model_copy(update={"title": "中文标题 ÆØÅ ß 𝔘"})
    with caplog.at_level(logging.WARNING):
        text = publication_bibtex(pub)
    assert not caplog.records and "中文标题" in text


def test_topics_with_a_bar_keep_the_filter_working(tmp_path: Path) -> None:
    topics = ["A|B", 'it\'s "x"']
    site = load_site_data(_with_value(tmp_path, "publications.yml", (0, "topics"), topics))
    renderer = SiteRenderer(site, icon_dirs=ICONS)
    html = renderer.publication_entry(renderer.publication_view(site.publications[0]))
    parser = TagCollector()
    parser.feed(str(html))
    attributes = [dict(a)["data-topics"] for t, a in parser.tags if t == "li"]
    assert json.loads(attributes[0] or "") == topics


# --- CJK in the PDF --------------------------------------------------------------------------


def test_embedded_font_ranges_have_glyphs() -> None:
    """What pdf_fonts assumes Typst's own fonts draw: each character of those ranges, typeset
    alone with Typst's fonts, comes out of the PDF as itself (a missing glyph reads as \\0)."""
    pypdf = pytest.importorskip("pypdf")
    import unicodedata

    import typst

    chars = [
        chr(c)
        for start, end in EMBEDDED_RANGES
        for c in range(start, end + 1)
        if unicodedata.category(chr(c))[0] not in "CZ"
    ]
    source = Path(__file__).parent / "fixtures" / "hostile" / "glyphs.typ"
    pdf = typst.compile(
        str(source), sys_inputs={"chars": json.dumps(chars)}, ignore_system_fonts=True
    )
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "\x00" not in text


def test_a_character_no_font_has_names_its_field(tmp_path: Path) -> None:
    data = fixture_data(tmp_path)
    set_line(data / "publications.yml", "Ada Quill,", "Ada Quill, 𓀀 Scribe,")
    site = load_site_data(data)
    with pytest.raises(CvPdfError) as caught:
        render_cv_pdf(cv_data(site), site=site)
    message = str(caught.value)
    assert "data/publications.yml: publications entry 1: field 'authors[2].name'" in message
    assert "U+13000" in message and "empty boxes" in message


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-noto-cjk is not installed")
def test_chinese_japanese_korean_print_in_the_pdf(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    project = hostile_project(tmp_path)
    data = shutil.copytree(FIXTURE, project / "data")
    set_line(data / "publications.yml", "Ada Quill,", "Ada Quill, 王小明, 山田太郎, 김민수,")
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert "No known latex representation" not in build.output
    reader = pypdf.PdfReader(build.site / "cv.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    for name in ("王小明", "山田太郎", "김민수"):
        assert name in text
    assert "\x00" not in text
    assert "王小明" in (build.site / "publications.bib").read_text(encoding="utf-8")


# --- property-based: every text and link field of every section ------------------------------


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def html_shape(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """The tags and attribute names of an HTML fragment: what markup it holds."""
    parser = TagCollector()
    parser.feed(html)
    parser.close()
    return [(tag, tuple(name for name, _ in attrs)) for tag, attrs in parser.tags]


def hrefs(html: str) -> list[str]:
    parser = TagCollector()
    parser.feed(html)
    return [v or "" for _, attrs in parser.tags for k, v in attrs if k in ("href", "src")]


# (file, path to the value in that file's YAML, markdown?) for every text and link field.
TEXT_FIELDS = [
    ("profile.yml", ("name",), False),
    ("profile.yml", ("name_variants", 0), False),
    ("profile.yml", ("position",), False),
    ("profile.yml", ("affiliation",), False),
    ("profile.yml", ("affiliation_detail",), False),
    ("profile.yml", ("links", 0, "label"), False),
    ("profile.yml", ("bio",), True),
    ("profile.yml", ("interests", 0), False),
    ("profile.yml", ("site", "description"), False),
    ("education.yml", (0, "institution"), False),
    ("education.yml", (0, "location"), False),
    ("education.yml", (0, "degree"), False),
    ("education.yml", (0, "field"), False),
    ("education.yml", (0, "advisors", 0), False),
    ("education.yml", (0, "gpa"), False),
    ("education.yml", (0, "rank"), False),
    ("education.yml", (0, "details", 0), True),
    ("education.yml", (0, "courses", 0, "name"), False),
    ("education.yml", (0, "courses", 0, "grade"), False),
    ("education.yml", (0, "courses_note"), False),
    ("experience.yml", (0, "organization"), False),
    ("experience.yml", (0, "team"), False),
    ("experience.yml", (0, "role"), False),
    ("experience.yml", (0, "location"), False),
    ("experience.yml", (0, "topic"), False),
    ("experience.yml", (0, "advisors", 0), False),
    ("experience.yml", (0, "highlights", 0), True),
    ("publications.yml", (0, "title"), False),
    ("publications.yml", (0, "authors", 0), False),
    ("publications.yml", (0, "venue"), False),
    ("publications.yml", (0, "venue_short"), False),
    ("publications.yml", (0, "award"), False),
    ("publications.yml", (0, "topics", 0), False),
    ("publications.yml", (0, "summary"), True),
    ("talks.yml", (0, "title"), False),
    ("talks.yml", (0, "event"), False),
    ("talks.yml", (0, "location"), False),
    ("talks.yml", (0, "note"), True),
    ("teaching.yml", (0, "course"), False),
    ("teaching.yml", (0, "institution"), False),
    ("teaching.yml", (0, "role"), False),
    ("teaching.yml", (0, "instructors", 0), False),
    ("teaching.yml", (0, "details"), True),
    ("awards.yml", (0, "title"), False),
    ("awards.yml", (0, "note"), False),
    ("projects.yml", (0, "name"), False),
    ("projects.yml", (0, "subtitle"), False),
    ("projects.yml", (0, "description"), True),
    ("skills.yml", (0, "category"), False),
    ("skills.yml", (0, "items", 0), False),
    ("news.yml", (0, "text"), True),
    ("publications.yml", (0, "abstract"), True),
    ("service.yml", ("title",), False),
    ("service.yml", ("entries", 0, "title"), False),
    ("service.yml", ("entries", 0, "organization"), False),
    ("service.yml", ("entries", 0, "role"), False),
    ("service.yml", ("entries", 0, "location"), False),
    ("service.yml", ("entries", 0, "details"), True),
]
LINK_FIELDS = [
    ("profile.yml", ("links", 0, "url")),
    ("profile.yml", ("email",)),
    ("profile.yml", ("site", "url")),
    ("publications.yml", (0, "links", "code")),
    ("publications.yml", (0, "links", "slides")),
    ("talks.yml", (0, "links", "video")),
    ("projects.yml", (0, "links", "website")),
    ("service.yml", ("entries", 0, "links", "Website")),
]
HOSTILE_PIECES = [
    "<script>alert(1)</script>",
    "$x^2$",
    "$\\text{<script>alert(1)</script>}$",
    "$\\href{javascript:alert(1)}{x}$",
    '$\\text{" onmouseover="alert(1)}$',
    "$$",
    '"onmouseover="alert(1)',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "&#106;avascript&#58;",
    "{{ config }}",
    "{% raw %}",
    "{#",
    "]]><!--",
    "\\",
    "{",
    "}",
    " and ",
    "|",
    "#",
    "$",
    "%",
    "&",
    "~",
    "^",
    "_",
    "`",
    "*",
    "[x](javascript:alert(1))",
    "[x](JavaScript:alert(1))",
    "[x](//evil.example)",
    "<JAVASCRIPT:alert(1)>",
    "![x](https://tracker.example/x.png)",
    "<!--homepage-html-0-0-->",
    "@",
    "\x1b",
    "\x00",
    "\ufffe",
    "\u202e",
    "\u2066",
    "\x85",
    "\n",
    "\t",
    "王小明",
    "עברית",
    "\u0301",
    "🙂",
]
hostile_text = st.one_of(
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=6), min_size=1, max_size=6).map(
        "".join
    ),
    st.text(min_size=1, max_size=20),
)
_LINK_PREFIXES = [
    "https://example.org/",
    "/",
    "https://x.org/",
    "/a/",
    "mailto:",
    "http://",
    "//",
    "",
]
_LINK_SAFE = "ab/?&=#%:;@~.-_+!$()*,é王"
_LINK_UNSAFE = "\"'<> \\`{}|^\x00\x1b\u202e"
hostile_link = st.one_of(
    st.sampled_from(BAD_LINKS),
    *(  # well-formed ones, then ones with the characters a URL may not hold
        st.builds(
            lambda prefix, rest: prefix + rest,
            st.sampled_from(_LINK_PREFIXES),
            st.text(alphabet=alphabet, max_size=12),
        )
        for alphabet in (_LINK_SAFE, _LINK_SAFE, _LINK_SAFE, _LINK_SAFE + _LINK_UNSAFE)
    ),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(_LINK_PREFIXES), hostile_text),
)
ALLOWED_MARKDOWN_TAGS = {"p", "em", "strong", "a", "code", "s", "ul", "ol", "li", "br", "hr"}
ALLOWED_MARKDOWN_TAGS |= {"blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
# A formula's MathML (macros/views/formulas.py allows these and no others), in its div on its
# own line; its text styles use b, i, code, s, u and span.
ALLOWED_MARKDOWN_TAGS |= {"div", "math", "semantics", "annotation", "mrow", "mi", "mn", "mo"}
ALLOWED_MARKDOWN_TAGS |= {"ms", "mtext", "mspace", "msub", "msup", "msubsup", "munder", "mover"}
ALLOWED_MARKDOWN_TAGS |= {"munderover", "mfrac", "msqrt", "mroot", "mstyle", "mpadded"}
ALLOWED_MARKDOWN_TAGS |= {"mphantom", "mtable", "mtr", "mtd", "mmultiscripts", "mprescripts"}
ALLOWED_MARKDOWN_TAGS |= {"none", "merror", "menclose", "b", "i", "u", "span"}


def _with_value(tmp_path: Path, file: str, path: tuple[object, ...], value: object) -> Path:
    """A copy of the fixture data with `value` at `path` of `file`, written as JSON (which is
    YAML) with the characters YAML cannot hold raw escaped, so each reaches the loader."""
    data = tmp_path / "data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(FIXTURE, data)
    document, _ = read_yaml((data / file).read_text())
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    text = _NOT_YAML_PRINTABLE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(document, ensure_ascii=False)
    )
    (data / file).write_text(text, encoding="utf-8")
    return data


# YAML may not hold these raw, and reads U+0085 as a line break: write them as escapes.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _load_or_located_error(data: Path, file: str) -> object | None:
    try:
        return load_site_data(data)
    except DataError as error:
        message = str(error)
        assert "Traceback" not in message
        assert f"data/{file}" in message, message
        return None


def _outputs(site: object) -> dict[str, str]:
    """Every output the pure-Python core makes from the data, by name."""
    renderer = SiteRenderer(site, icon_dirs=ICONS)  # type: ignore[arg-type]
    html = {
        name: renderer.stash.restore(str(macro()))
        for name, macro in renderer.macros().items()
        if name != "section"  # section(name): each one is in cv()
    }
    for pub in site.publications:  # type: ignore[attr-defined]
        bib = publication_bibtex(pub)
        html[f"page {pub.id}"] = renderer.publication_page(pub, bib)
        html[f"head {pub.id}"] = renderer.publication_head(pub, "https://example.org/p/", "/")
        html[f"search {pub.id}"] = renderer.publication_search_entry(pub)[1]
        html[f"bib {pub.id}"] = bib
    html["home head"] = renderer.home_head("https://example.org/")
    return html


SETTINGS = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


_BASELINES: dict[tuple[str, tuple[object, ...]], dict[str, str]] = {}


def _baseline(tmp_path: Path, file: str, path: tuple[object, ...], value: str) -> dict[str, str]:
    """The outputs with a harmless value in the same field: the shape the hostile one must keep."""
    key = (file, path)
    if key not in _BASELINES:
        site = load_site_data(_with_value(tmp_path / "baseline", file, path, value))
        _BASELINES[key] = _outputs(site)
    return _BASELINES[key]


def _placeholder(path: tuple[object, ...], link: bool = False) -> str:
    if path[-1] == "email":
        return "placeholder@example.org"
    return "https://example.org/placeholder/" if link else "Placeholder"


@SETTINGS
@given(field=st.sampled_from(TEXT_FIELDS), value=hostile_text)
@example(  # formulas: MathML with the text escaped, whatever the text holds
    field=("publications.yml", (0, "summary"), True),
    value='$\\text{<script>alert(1)</script>}$ and $\\text{" onmouseover="alert(1)}$',
)
@example(field=("news.yml", (0, "text"), True), value="$x^2$ <img src=x onerror=alert(1)>")
def test_any_text_in_any_field_is_refused_with_its_place_or_stays_text(
    tmp_path: Path, field: tuple[str, tuple[object, ...], bool], value: str
) -> None:
    file, path, markdown = field
    site = _load_or_located_error(_with_value(tmp_path, file, path, value), file)
    if site is None:
        return
    baseline = _baseline(tmp_path, file, path, _placeholder(path))
    for name, output in _outputs(site).items():
        if name.startswith("bib "):
            _check_bibtex(output)
            continue
        shape = html_shape(output)
        if markdown:  # Markdown may add its own few tags, never others or event handlers
            extra = {tag for tag, _ in shape} - {tag for tag, _ in html_shape(baseline[name])}
            assert extra <= ALLOWED_MARKDOWN_TAGS, (name, extra)
            assert not any(a.startswith("on") for _, attrs in shape for a in attrs), name
        else:
            assert shape == html_shape(baseline[name]), (name, output)
        _check_links_and_json(name, output)
    _check_exports(site, value, file, path)


@SETTINGS
@given(field=st.sampled_from(LINK_FIELDS), value=hostile_link)
def test_any_link_is_refused_with_its_place_or_goes_where_written(
    tmp_path: Path, field: tuple[str, tuple[object, ...]], value: str
) -> None:
    file, path = field
    site = _load_or_located_error(_with_value(tmp_path, file, path, value), file)
    if site is None:
        return
    link = value.strip()
    parts = urlsplit(link if path[-1] != "email" else "mailto:" + link)
    assert parts.scheme in ("http", "https", "mailto") or (
        link.startswith("/") and not link.startswith("//")
    ), link
    assert not any(c in link for c in "\"'<>\\ \t\n") and link.isprintable(), link
    baseline = _baseline(tmp_path, file, path, _placeholder(path, link=True))
    for name, output in _outputs(site).items():
        if name.startswith("bib "):
            _check_bibtex(output)
            continue
        tags = [tag for tag, _ in html_shape(output)]
        assert tags == [tag for tag, _ in html_shape(baseline[name])], (name, output)
        _check_links_and_json(name, output)
    _check_exports(site, value, file, path)


def _check_links_and_json(name: str, output: str) -> None:
    shape = html_shape(output)
    assert not any(a.startswith("on") for _, attrs in shape for a in attrs), name
    for href in hrefs(output):
        assert link_problem(href) is None, (name, href, link_problem(href))
        assert href.isprintable() and " " not in href, (name, href)
    for script in _json_scripts(output):
        json.loads(script)


def _json_scripts(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)


def _check_bibtex(bib: str) -> None:
    library = bibtexparser.parse_string(bib, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks and len(library.entries) == 1, bib
    pybtex.database.parse_string(bib, "bibtex")  # BibTeX's own rules: braces balance


def _check_exports(site: object, value: str, file: str, path: tuple[object, ...]) -> None:
    """cv.json and the CV's data parse and hold the text; the feed is well-formed XML."""
    resume = json.loads(json_resume_text(site, "https://example.org/"))  # type: ignore[arg-type]
    feed = ET.fromstring(news_feed(site, "https://example.org/"))  # type: ignore[arg-type]
    assert feed.tag.endswith("feed")
    pdf_data = json.loads(json.dumps(cv_data(site)))  # type: ignore[arg-type]
    text = value.strip()
    if file == "profile.yml" and path == ("name",):
        assert resume["basics"]["name"] == text
        assert pdf_data["name"] == text
        assert (
            feed.find("{http://www.w3.org/2005/Atom}author/{http://www.w3.org/2005/Atom}name").text
            == text
        )  # type: ignore[union-attr]
    if file == "publications.yml" and path == (0, "title"):
        bib = publication_bibtex(site.publications[0])  # type: ignore[attr-defined]
        decoded = bibtexparser.parse_string(bib, append_middleware=[LatexDecodingMiddleware()])
        title = decoded.entries[0].fields_dict["title"].value
        assert _bib_normal(title) == _bib_normal(text), (title, text)


def _bib_normal(text: str) -> str:
    """What LaTeX decoding cannot give back exactly: a straight double quote is typeset as a
    closing quote, and pylatexenc reads `\\textasciicircum` as U+02C6; spaces collapse. Braces
    are text like any other character: none may be lost."""
    for a, b in (('"', "”"), ("^", "ˆ")):
        text = text.replace(a, b)
    return " ".join(text.split())


# --- a real build with hostile but valid values everywhere -----------------------------------


def test_hostile_values_build_into_text_everywhere(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    data = shutil.copytree(FIXTURE, project / "data")
    payload = "Q\"'<script>alert(1)</script>{{ config }}{% raw %}&amp;|"
    for file, path, _ in TEXT_FIELDS:
        document, _ = read_yaml((data / file).read_text())
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = payload + str(target[path[-1]])
        (data / file).write_text(json.dumps(document, ensure_ascii=False))
    document, _ = read_yaml((data / "profile.yml").read_text())
    document["links"][0]["url"] = "https://example.org/?a=1&b=<2>".replace("<2>", "2")
    (data / "profile.yml").write_text(json.dumps(document, ensure_ascii=False))
    started = time.perf_counter()
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert time.perf_counter() - started < 300
    for path in build.site.rglob("*"):
        if path.suffix not in (".html", ".xml", ".json", ".bib", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix in (".html", ".xml"):
            assert "<script>alert(1)" not in text, path

        if path.suffix == ".html":
            assert "\"'<script" not in text, path
        if path.suffix == ".json":
            json.loads(text)
        if path.suffix == ".xml":
            ET.fromstring(text)
        if path.suffix == ".bib":
            pybtex.database.parse_string(text, "bibtex")
    home = build.page("")
    assert "{{ config }}" in home  # shown as written, never run as Jinja
    footer = re.findall(r'<a href="([^"]*)"[^>]*class="md-social__link"', home)
    assert "https://example.org/?a=1&amp;b=2" in footer  # Material's template, escaped by us


# --- links written in Markdown fields ---------------------------------------------------------

# Schemes that run script, show another document or leave the browser; and ways to name another
# host without a scheme, or with a scheme but no `//`.
_OTHER_SCHEMES = ["javascript", "vbscript", "data", "file", "ftp", "tel", "blob", "intent"]
_OTHER_HOSTS = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "HTTPS:/evil.example",
    "http:\\\\evil.example",
    "https://ok.example@evil.example",
    "data:image/png;base64,iVBORw0KGgo=",
]
_MARKDOWN_FORMS = [
    "[x]({})",
    "[x](<{}>)",
    '[x]({} "title")',
    "[x]( {} )",
    "<{}>",
    "**[x]({})**",
    "[x][r]\n\n[r]: {}",
    "[x][r]\n\n[r]: <{}>",
]


@st.composite
def other_scheme(draw: st.DrawFn) -> str:
    """A link target with a scheme that runs script, shows another document or leaves the
    browser, spelt as people (and attackers) do: any case, entities for letters, the colon or
    blanks, tabs and line breaks inside the scheme, blanks and controls before it."""
    letters = []
    for char in draw(st.sampled_from(_OTHER_SCHEMES)):
        char = char.upper() if draw(st.booleans()) else char
        spelt = draw(st.sampled_from([char, char, char, f"&#{ord(char)};", f"&#x{ord(char):X};"]))
        inside = ["", "", "", "\t", "&#9;", "&Tab;", "&#10;", "&NewLine;", "%09", "\x00"]
        letters.append(spelt + draw(st.sampled_from(inside)))
    colon = draw(st.sampled_from([":", ":", "&#58;", "&colon;", "&#x3A;", "%3A"]))
    before = draw(st.sampled_from(["", " ", "\t", "&#32;", "&#1;", "\x01", "&#x20;&#9;"]))
    return before + "".join(letters) + colon + "alert(document.domain)"


def _check_markdown_links(destination: str, form: str, good: str) -> None:
    """Both renderings of a Markdown field that holds the link have no link a browser would
    take to a script, another scheme or another host; a good link beside it still links."""
    text = form.format(destination) + f" and [good]({good})"
    for rendered in (str(markdown_block(text)), str(markdown_inline(text))):
        links = html_links(rendered)
        assert [link for link in links if link_problem(link)] == [], (text, rendered)
        assert good in links, (text, rendered)


_GOOD_LINKS = st.sampled_from(
    ["https://example.org/a?b=1#c", "mailto:ada@example.org", "/cv/", "#x"]
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(destination=other_scheme(), form=st.sampled_from(_MARKDOWN_FORMS), good=_GOOD_LINKS)
def test_markdown_links_to_other_schemes_stay_text(destination: str, form: str, good: str) -> None:
    _check_markdown_links(destination, form, good)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(
    destination=st.sampled_from(_OTHER_HOSTS),
    form=st.sampled_from(_MARKDOWN_FORMS),
    good=_GOOD_LINKS,
)
def test_markdown_links_to_hosts_without_a_proper_scheme_stay_text(
    destination: str, form: str, good: str
) -> None:
    _check_markdown_links(destination, form, good)


# Each in a Markdown field of every section, with a label to find it by on the pages.
HOSTILE_MARKDOWN_LINKS = [
    "[h01](javascript:alert(1))",
    "[h02](JavaScript:alert(1))",
    "[h03](JAVASCRIPT:alert(1))",
    "[h04]( javascript:alert(1))",
    "[h05](<java\tscript:alert(1)>)",
    "[h06](&#106;avascript:alert(1))",
    "[h07](&#x4A;ava&#x53;cript&colon;alert(1))",
    "[h08](javascript&#58;alert(1))",
    "[h09](jav&#x09;ascript:alert(1))",
    "[h10](VBScript:msgbox(1))",
    "[h11](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[h12](DATA:image/png;base64,iVBORw0KGgo=)",
    "[h13](file:///etc/passwd)",
    "[h14](//evil.example/)",
    "[h15](/\\evil.example)",
    "[h16](https:evil.example)",
    "[h17](https://good.example\\@evil.example)",
    "[h18](ftp://evil.example/)",
    "<JavaScript:alert(1)>",
    "[h19][ref]\n\n[ref]: JaVaScRiPt:alert(1)",
]
GOOD_MARKDOWN_LINKS = "[good](https://example.org/good-link) [write](mailto:ada@example.org)"


@pytest.fixture(scope="module")
def hostile_links_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The fictional person's site, built once, with every hostile link above (and two good
    ones) in every Markdown field: bio, details, highlights, summary, abstract, notes, project
    descriptions, news, a custom section's details."""
    tmp = tmp_path_factory.mktemp("hostile-links")
    project = hostile_project(tmp)
    data = shutil.copytree(FIXTURE, project / "data")
    text = "\n\n".join([GOOD_MARKDOWN_LINKS, *HOSTILE_MARKDOWN_LINKS])
    for file, path, markdown in TEXT_FIELDS:
        if not markdown:
            continue
        document, _ = read_yaml((data / file).read_text(encoding="utf-8"))
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = text
        (data / file).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    build = run_build(project, tmp / "site")
    assert build.returncode == 0, build.output
    return build


def test_no_output_links_anywhere_but_http_mailto_or_the_site(hostile_links_site: Build) -> None:
    """Every page, feed.xml, the sitemap, cv.json, the search index, the .bib files and the
    PDF's link annotations: no link to a script, another scheme or a host without a scheme."""
    problems = bad_links(hostile_links_site.site)
    assert not problems, f"{len(problems)} links:\n" + "\n".join(problems[:12])


def test_hostile_markdown_links_show_as_text_and_good_ones_link(
    hostile_links_site: Build,
) -> None:
    """The fields did reach the pages: the good links link, the hostile ones read as text."""
    links: dict[str, set[str]] = {}
    for name, link in output_links(hostile_links_site.site):
        links.setdefault(name, set()).add(link)
    for name in (
        "index.html",
        "cv/index.html",
        "feed.xml",
        "publications/quill2024example/index.html",
    ):
        assert {"https://example.org/good-link", "mailto:ada@example.org"} <= links[name], name
    text = hostile_links_site.text("")
    for number in range(1, 20):  # shown, as the text that was written
        assert f"h{number:02}" in text, number
