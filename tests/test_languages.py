"""Languages in the data and fixed words per language (issue 21): text given per language is
resolved at load time with a fallback to the default language; mistakes name file, line and
field; the schemas take the mappings where text goes; `check` counts missing translations;
every fixed word comes from the table of the site's language, none from a template."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import (
    FIXTURE_DATA,
    PERSON,
    ROOT,
    Build,
    copy_project,
    generated_site,
    line_of,
    run_build,
)
from pypdf import PdfReader

from macros.__main__ import main
from macros.data.languages import MATERIAL_LANGUAGES
from macros.data.loader import DataError, load_languages, load_site_data
from macros.data.sections import BUILTIN_SECTIONS, SiteData
from macros.outputs.cv_pdf import CvPdfError, cv_data, render_cv_pdf
from macros.outputs.feed import news_feed
from macros.outputs.rendering import TEMPLATES_DIR, SiteRenderer, indent_macro_output
from macros.views.words import ENGLISH, WORDS_DIR, words_for

TRILINGUAL = ROOT / "tests" / "fixtures" / "trilingual" / "data"


def render(site: SiteData, macro: str, **arguments: object) -> str:
    """A macro's output with its stashed HTML put back, as the built page has it."""
    renderer = SiteRenderer(site)
    source = renderer.macros()[macro](**arguments)
    return renderer.stash.restore(indent_macro_output(source))


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_site_data(data_dir)
    return [str(p) for p in caught.value.problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE_DATA, tmp_path / "data"))


# --- the languages a site may have ------------------------------------------------------


def test_the_language_codes_are_materials() -> None:
    """Any language Material has a theme translation for, and no other."""
    material = pytest.importorskip("material")
    folder = Path(material.__file__).parent / "templates" / "partials" / "languages"
    assert {path.stem for path in folder.glob("*.html")} == MATERIAL_LANGUAGES


def test_a_site_without_languages_is_english() -> None:
    site = load_site_data(TRILINGUAL.parent.parent / "fork" / "data")
    assert (site.language, site.languages, site.words) == ("en", ("en",), ENGLISH)


# --- text per language ------------------------------------------------------------------


def test_text_is_resolved_per_language() -> None:
    loaded = load_languages(FIXTURE_DATA)
    assert loaded.languages == ("en", "zh")
    en, zh = loaded.sites["en"], loaded.sites["zh"]
    assert load_site_data(FIXTURE_DATA) == en
    assert load_site_data(FIXTURE_DATA, "zh") == zh
    assert (en.language, zh.language, zh.default_language) == ("en", "zh", "en")
    assert en.profile.position == "Research Scientist in Distributed Systems"
    assert zh.profile.position == "分布式系统研究科学家"
    assert en.interests == ("Cluster scheduling", "Caches & storage <tiers>")
    assert zh.interests == ("集群调度", "Caches & storage <tiers>")  # the second falls back
    assert [s.title for s in zh.custom_sections] == ["服务与<外联>"]
    assert zh.news[2].text == "以实习生身份加入 Bramblecloud Labs <as>。"
    # Text given only as a plain string is the default language's, in every language.
    assert zh.profile.bio == en.profile.bio and zh.publications[0].title == en.publications[0].title
    # Everything that is not text is the same.
    assert [p.id for p in zh.publications] == [p.id for p in en.publications]
    with pytest.raises(ValueError, match="'fr' is not one of the site's languages"):
        load_site_data(FIXTURE_DATA, "fr")


def test_a_missing_translation_falls_back_to_the_default_language() -> None:
    """A mapping without the language shows the default language's text."""
    loaded = load_languages(TRILINGUAL)
    en, zh, de = (loaded.sites[code] for code in ("en", "zh", "de"))
    assert zh.profile.affiliation == en.profile.affiliation == "Institute of Imaginary Networks"
    assert de.profile.affiliation == "Institut für imaginäre Netze"
    assert zh.publications[0].summary == "Paths that are **not** there, measured."
    assert zh.talks[0].title == "Counting Ghost Packets"
    assert de.talks[0].title == "Geisterpakete zählen"
    assert zh.profile.site.description == en.profile.site.description


def test_the_owner_is_highlighted_by_a_name_of_any_language(data_dir: Path) -> None:
    replace(data_dir / "profile.yml", f"name: {PERSON}", f"name: {{en: {PERSON}, zh: 薇丝}}")
    zh = load_site_data(data_dir, "zh")
    assert zh.profile.name == "薇丝"
    assert f"<strong>{PERSON}</strong>" in render(zh, "publications")


# --- mistakes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "field", "words"),
    [
        (  # a language the site does not list
            "profile.yml",
            "zh: 分布式系统研究科学家}",
            "zh: 分布式系统研究科学家, fr: Chercheuse}",
            "fr: Chercheuse",
            "position.fr",
            "'fr' is not one of the site's languages (en, zh)",
        ),
        (  # no text in the default language
            "profile.yml",
            "position: {en: Research Scientist in Distributed Systems, zh: 分布式系统研究科学家}",
            "position: {zh: 分布式系统研究科学家}",
            "position:",
            "position",
            "no text in the site's default language 'en'",
        ),
        (  # a mapping on a year
            "publications.yml",
            "  year: 2024\n",
            "  year: {en: 2024, zh: 2024}\n",
            "year: {en",
            "year",
            "is not free text",
        ),
        (  # on a DOI
            "publications.yml",
            "  doi: 10.5555/jcc.2024.017\n",
            "  doi: {en: 10.5555/jcc.2024.017}\n",
            "doi: {en",
            "doi",
            "is not free text",
        ),
        (  # on links
            "talks.yml",
            "  links:\n    video: https://example.org/talks/lattice-video\n"
            "    slides: https://example.org/talks/lattice-slides.pdf\n",
            "  links: {en: {video: https://example.org/talks/lattice-video}}\n",
            "links: {en",
            "links",
            "is not free text",
        ),
        (  # on an id
            "publications.yml",
            "- id: vasquezthorn2023wander\n",
            "- id: {en: vasquezthorn2023wander, zh: vasquezthorn2023wander}\n",
            "id: {en",
            "id",
            "is not free text",
        ),
        (  # on a whole list of texts
            "publications.yml",
            "  topics: [Storage tiers, Logging]\n",
            "  topics: {en: [Storage tiers, Logging]}\n",
            "topics: {en",
            "topics",
            "give each item of the list per language",
        ),
        (  # a language Material has no translation for
            "profile.yml",
            "  languages: [en, zh]\n",
            "  languages: [en, cn]\n",
            "languages: [en, cn]",
            "site.languages[2]",
            "'cn' is not a language Material for MkDocs has a theme translation for",
        ),
        (  # a translation is checked as the text is
            "profile.yml",
            "zh: 分布式系统研究科学家}",
            'zh: "分布式\\u202e系统"}',
            'zh: "分布式',
            "position.zh",
            "bidi override",
        ),
    ],
)
def test_a_language_mistake_names_file_line_and_field(
    data_dir: Path, file: str, old: str, new: str, needle: str, field: str, words: str
) -> None:
    replace(data_dir / file, old, new)
    found = problems(data_dir)
    line = line_of(data_dir / file, needle)
    assert any(
        p.startswith(f"data/{file}:{line}:") and f"field '{field}'" in p and words in p
        for p in found
    ), found


def test_an_entry_with_a_mistake_is_named_by_its_default_text(data_dir: Path) -> None:
    replace(data_dir / "publications.yml", "- id: vasquezthorn2023wander\n", "- id: {en: x}\n")
    assert any("publications entry 3 (id 'x'): field 'id'" in p for p in problems(data_dir))


@pytest.mark.parametrize(
    ("words", "needle", "field", "message"),
    [
        ("fr: {present: maintenant}\n", "fr:", "fr", "'fr' is not one of the site's languages"),
        ("en: {presnt: Now}\n", "presnt", "en.presnt", "unknown field; allowed fields here are"),
        ("zh:\n  date_month: '{mnth}'\n", "date_month", "zh.date_month", "unknown placeholder"),
        ("en: {sections: {talk: Talks}}\n", "talk:", "en.sections.talk", "unknown field"),
    ],
)
def test_a_mistake_in_ones_own_words_names_file_line_and_field(
    data_dir: Path, words: str, needle: str, field: str, message: str
) -> None:
    (data_dir / "words.yml").write_text(words, encoding="utf-8")
    found = problems(data_dir)
    line = line_of(data_dir / "words.yml", needle)
    assert any(
        p.startswith(f"data/words.yml:{line}:") and f"field '{field}'" in p and message in p
        for p in found
    ), found


# --- the JSON Schemas -------------------------------------------------------------------


def schema_errors(name: str, document: object) -> list[str]:
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


def test_the_schemas_take_a_mapping_exactly_where_text_goes() -> None:
    profile = {"name": "Ada", "bio": {"en": "I *study*.", "zh": "我研究。"}}
    assert schema_errors("profile", profile) == []
    assert schema_errors("profile", {**profile, "site": {"languages": ["en", "zh"]}}) == []
    assert schema_errors("profile", {"name": "Ada", "bio": {"xx": "?"}})  # no language code
    assert schema_errors("profile", {"name": "Ada", "site": {"languages": ["cn"]}})
    # (Authors as objects: the schema does not know the plain-string form the loader takes.)
    paper = {"id": "a1", "title": {"en": "T", "zh": "题"}, "authors": [{"name": "A"}]}
    paper["venue"] = {"en": "V"}
    assert schema_errors("publications", [{**paper, "year": 2024}]) == []
    assert schema_errors("publications", [{**paper, "year": {"en": 2024}}])
    assert schema_errors("publications", [{**paper, "year": 2024, "doi": {"en": "10.1/x"}}])
    assert schema_errors("words", {"zh": {"present": "现在", "sections": {"talks": "报告"}}}) == []
    assert schema_errors("words", {"xx": {"present": "?"}})
    assert schema_errors("words", {"en": {"presnt": "Now"}})


# --- python -m macros check -------------------------------------------------------------


def test_check_counts_the_missing_translations_of_each_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--project", str(TRILINGUAL.parent), "check"]) == 0
    out = capsys.readouterr().out
    assert "Languages: en, zh, de (the default is en)." in out
    assert "zh: 14 of 21 texts have no translation (they show the en text)." in out
    assert "de: 9 of 21 texts have no translation (they show the en text)." in out
    assert out.count("no table of words for 'de'") == 1
    assert main(["--project", str(TRILINGUAL.parent), "check", "--missing"]) == 0
    listed = capsys.readouterr().out
    line = line_of(TRILINGUAL / "talks.yml", "event:")
    assert f"  data/talks.yml:{line}:10: talks entry 1 (title 'Counting Ghost Packets'):" in listed


def test_check_of_a_one_language_site_says_nothing_of_languages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--project", str(TRILINGUAL.parent.parent / "fork"), "check"]) == 0
    out = capsys.readouterr().out
    assert "Languages" not in out and "translation" not in out


# --- fixed words --------------------------------------------------------------------------


def leaves(value: object, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        return {
            k: v for key, item in value.items() for k, v in leaves(item, f"{prefix}{key}.").items()
        }
    if isinstance(value, list):
        return {f"{prefix}{i}": str(item) for i, item in enumerate(value)}
    return {prefix.rstrip("."): str(value)}


def test_the_chinese_table_has_every_word() -> None:
    """Checked here, as the loader fills a word a table lacks with the English one."""
    import yaml

    tables = {path.stem: yaml.safe_load(path.read_text()) for path in WORDS_DIR.glob("*.yml")}
    assert set(tables) == {"en", "zh"}
    assert set(leaves(tables["zh"])) == set(leaves(tables["en"]))


def test_dates_and_periods_in_each_language() -> None:
    zh = words_for("zh")
    assert ENGLISH.period_of("2024-09", "present") == "Sep 2024 – Present"
    assert zh.period_of("2024-09", "present") == "2024年9月 – 至今"
    assert (ENGLISH.date("2024-09-05"), zh.date("2024-09-05")) == ("Sep 5, 2024", "2024年9月5日")
    assert (ENGLISH.join(["A", "B", "C"]), zh.join(["A", "B", "C"])) == ("A, B and C", "A、B、C")


def test_headings_come_from_the_words_not_the_registry() -> None:
    assert {section.title for section in BUILTIN_SECTIONS} == {""}
    zh = load_site_data(FIXTURE_DATA, "zh")
    titles = {section.name: section.title for section in zh.sections}
    assert titles["education"] == "教育背景" and titles["publications"] == "发表论文"
    assert titles["service"] == "服务与<外联>"  # a section of one's own: its title is data


@pytest.fixture(scope="module")
def zh_site() -> SiteData:
    return load_site_data(FIXTURE_DATA, "zh")


def test_a_chinese_render_has_chinese_words(zh_site: SiteData) -> None:
    cv = render(zh_site, "cv")
    for expected in (
        "## 教育背景",
        "## 研究兴趣",
        "## 发表论文",
        "## 荣誉与奖项",
        "### 奖学金",
        "## 服务与&lt;外联&gt;",
        "2021年9月 – 至今",  # education: 2021-09 to present
        "<strong>导师：</strong>Priya Dunmore、Oskar Lindqvist",
        "<strong>排名：</strong>2 / 120",
        "计算机科学 博士",
        "2023年秋季学期",
        "授课教师：Jonah Pike",
        "（金牌。）",
        'title="通讯作者"',
        '<span><sup class="pub-mark">*</sup> 通讯作者。</span>',
        "<strong>Elena Vasquez-Thorn</strong>以粗体标出。",
        '被引 <span class="pub-cited-count">12</span> 次 · Semantic Scholar · 2026-01-15',
        ">代码</a>",
    ):
        assert expected in cv, expected
    for english in ("Present", "Advisors:", "Ranking", "Scholarships", "Corresponding author"):
        assert english not in cv, english
    home = render(zh_site, "citation_total")
    assert '共被引 <span class="citation-total-count">15</span> 次（' in home
    filters = render(zh_site, "publications", filters=True)
    for expected in (
        "清除筛选",
        'aria-label="筛选论文"',
        'data-status="共 {total} 篇，显示 {shown} 篇。"',
        "全部（4）",
        ">年份\n",
        ">类型\n",
        "会议论文 (1)",
    ):
        assert expected in filters, expected
    renderer = SiteRenderer(zh_site)
    pub = zh_site.publications[1]
    page = renderer.publication_page(pub, "@article{x}")
    for expected in (
        "下载 BibTeX",
        "全部论文",
        '<h2 id="cite">引用',
        'title="永久链接"',
        "尾部依然",
    ):
        assert expected in page, expected


def test_an_empty_section_has_a_chinese_note(zh_site: SiteData) -> None:
    empty = zh_site.model_copy(update={"talks": [], "news": []})
    assert "暂无学术报告。" in render(empty, "talks")
    assert "暂无动态。" in render(empty, "news")


def test_the_feed_and_the_pdf_in_chinese(zh_site: SiteData) -> None:
    feed = news_feed(zh_site, "https://elena.example.org/")
    assert "<title>Elena Vasquez-Thorn：动态</title>" in feed
    assert "<language>zh</language>" in feed or 'xml:lang="zh"' in feed
    data = cv_data(zh_site, zh_site.profile.site.url)
    assert (data["lang"], data["words"]["title"]) == ("zh", "Elena Vasquez-Thorn – 简历")
    try:
        pdf = render_cv_pdf(data)
    except CvPdfError as error:  # no CJK font on this machine
        pytest.skip(str(error))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    squashed = re.sub(r"\s+", "", text)
    for expected in (
        "教育背景",
        "2021年9月–至今",
        "导师：PriyaDunmore、OskarLindqvist",
        "通讯作者。",
    ):
        assert expected in squashed, expected
    for english in ("Education", "Present", "Corresponding author", "Advisors"):
        assert english not in text, english


def test_a_word_of_ones_own_replaces_the_engines(data_dir: Path) -> None:
    (data_dir / "words.yml").write_text(
        "en: {present: Now, sections: {talks: Talks and lectures}}\nzh: {present: 现在}\n",
        encoding="utf-8",
    )
    loaded = load_languages(data_dir)
    en, zh = loaded.sites["en"], loaded.sites["zh"]
    cv = render(en, "cv")
    assert "Sep 2021 – Now" in cv and "## Talks and lectures" in cv and "Present" not in cv
    assert "## Education" in cv  # the other words stay the engine's
    assert "2021年9月 – 现在" in render(zh, "cv")
    assert loaded.notes == ()


def test_a_language_without_a_table_uses_english_words() -> None:
    loaded = load_languages(TRILINGUAL)
    de = loaded.sites["de"]
    assert de.words == ENGLISH
    cv = render(de, "cv")
    assert "## Education" in cv and "Oct 2019 – Mar 2024" in cv
    assert "Universität Anderswo" in cv  # the data's own German
    assert len(loaded.notes) == 1 and "'de'" in loaded.notes[0]


# --- builds -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trilingual_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The three-language person with one word of her own, built strictly."""
    project = copy_project(tmp_path_factory.mktemp("trilingual"), data=TRILINGUAL)
    (project / "data" / "words.yml").write_text("en: {sections: {talks: Lectures}}\n")
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    return build


def test_a_language_without_a_table_is_said_once_and_passes_strict(
    trilingual_build: Build,
) -> None:
    assert trilingual_build.output.count("no table of words for 'de'") == 1
    assert "INFO" in next(
        line for line in trilingual_build.output.splitlines() if "no table of words" in line
    )


def test_a_word_of_ones_own_shows_on_the_site(trilingual_build: Build) -> None:
    assert '<h1 id="lectures">Lectures' in trilingual_build.page("talks")
    assert '<h2 id="talks">' not in trilingual_build.page("cv")
    assert ">Lectures<" in trilingual_build.page("cv")


def test_a_one_language_site_has_no_language_artefacts(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A site that lists no languages is today's: English, no alternates, no Chinese word."""
    build = generated_site("one-each", tmp_path_factory)
    chinese = [
        word
        for word in leaves(words_for("zh").model_dump()).values()
        if re.search(r"[\u4e00-\u9fff]", word) and len(word) >= 3
    ]
    pages = list(build.site.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert '<html lang="en"' in page, path
        assert "hreflang" not in page and "/zh/" not in page, path
        assert not [word for word in chinese if word in page], path
    cv = build.text("cv")
    for english in ("Education", "Publications", "Talks", "Curriculum Vitae"):
        assert english in cv, english
    assert "Download all as BibTeX" in build.page("publications")


# --- no fixed word outside the tables ---------------------------------------------------

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_READ_ATTRIBUTES = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')


def _visible_words(template: str) -> list[str]:
    """Letters a template prints itself: its text between tags and the attributes people read
    (Jinja expressions, tags and comments left out)."""
    text = _JINJA.sub(" ", template)
    found = _READ_ATTRIBUTES.findall(text)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[a-z]+;", " ", text)
    found += text.split()
    return [word for word in found if re.search(r"[A-Za-z]{2,}", word)]  # not 'w' in srcset


@pytest.mark.parametrize(
    "path",
    [
        *sorted(TEMPLATES_DIR.glob("*.html")),
        *sorted(TEMPLATES_DIR.glob("*.md")),
        ROOT / "macros" / "theme" / "404.html",
    ],
    ids=lambda path: path.name,
)
def test_no_template_prints_a_word_of_its_own(path: Path) -> None:
    assert _visible_words(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "macros" / "pages").glob("*.md")), ids=lambda path: path.name
)
def test_no_engine_page_prints_a_word_of_its_own(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    text = re.sub(r"\]\([^)]*\)|\{ [^}]*\}|:[a-z-]+:", " ", text)  # link targets, attributes, icons
    assert _visible_words(text) == []
