"""One source, many outputs: the PDF CV, JSON Resume, the news feed, CNAME and .nojekyll."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import PERSON, SITE_URL, Build, run_build
from pypdf import PdfReader

from macros.data.sections import SECTION_FILES, SiteData
from macros.outputs.exports import custom_domain
from macros.outputs.feed import news_feed
from macros.outputs.json_resume import SCHEMA_PATH, json_resume, schema_problems
from macros.views.markup import markdown_plain
from macros.views.views import absolute_url

ATOM = "{http://www.w3.org/2005/Atom}"
# The field that names an entry of each list section; every entry must be in the PDF and cv.json.
ENTRY_LABELS = {
    "education": "institution",
    "experience": "organization",
    "publications": "title",
    "talks": "title",
    "teaching": "course",
    "awards": "title",
    "projects": "name",
    "skills": "category",
}
# Not in JSON Resume's vocabulary, and not on the PDF: the home page and the feed carry them.
NOT_IN_CV = {"news"}


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_runs(path: Path) -> list[tuple[str, str]]:
    """(font name, text) of each run of text in the PDF, in reading order."""
    runs: list[tuple[str, str]] = []

    def visit(text: str, cm: object, tm: object, font: dict | None, size: object) -> None:
        if text.strip():
            runs.append((str((font or {}).get("/BaseFont", "")), text.strip()))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return runs


def bold_texts(path: Path) -> list[str]:
    return [text for font, text in pdf_runs(path) if "Bold" in font]


def pdf_links(path: Path) -> set[str]:
    links = set()
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                links.add(str(action["/URI"]))
    return links


def squash(text: str) -> str:
    """PDF text extraction loses spaces at line breaks and in some glyph runs."""
    return re.sub(r"\s+", "", text)


def pdf_facts(site: SiteData) -> dict[str, list[str]]:
    """What the PDF must show of each section, generically (any person's data)."""
    return {
        "profile": [site.profile.name, site.profile.email or "", *site.profile.interests],
        "education": [e.institution for e in site.education]
        + [e.degree for e in site.education]
        + [c.name for e in site.education for c in e.courses]
        + [markdown_plain(d) for e in site.education for d in e.details],
        "publications": [p.title for p in site.publications]
        + [a.name for p in site.publications for a in p.authors]
        + [p.venue for p in site.publications],
        "experience": [e.organization for e in site.experience]
        + [markdown_plain(h) for e in site.experience for h in e.highlights],
        "talks": [t.title for t in site.talks] + [t.event for t in site.talks],
        "teaching": [t.course for t in site.teaching] + [t.institution for t in site.teaching],
        "awards": [a.title for a in site.awards] + [a.note or "" for a in site.awards],
        "projects": [p.name for p in site.projects],
        "skills": [g.category for g in site.skills] + [i for g in site.skills for i in g.items],
        **{
            section.name: [section.title]
            + [e.title for e in site.section_entries(section)]
            + [e.organization or "" for e in site.section_entries(section)]
            for section in site.custom_sections
        },
    }


def test_pdf_cv_carries_every_section(any_site: Build) -> None:
    """Every entry of every section (news aside) is in the PDF, for any person's data."""
    cv_pdf = any_site.site / "cv.pdf"
    pages = len(PdfReader(cv_pdf).pages)
    assert 1 <= pages <= (2 if len(any_site.data.publications) < 50 else 30), pages
    text = squash(pdf_text(cv_pdf))
    facts = pdf_facts(any_site.data)
    custom = {section.name for section in any_site.data.custom_sections}
    assert set(facts) | NOT_IN_CV == {"profile", *SECTION_FILES, *custom}, "a section is unchecked"
    for section, strings in facts.items():
        for fact in strings:
            if fact:
                assert squash(fact) in text, f"{fact!r} from {section}.yml is not in cv.pdf"


def test_pdf_prints_a_name_in_chinese_characters(built_site: Build) -> None:
    """The co-author written 王小明 is in the PDF's text (a CJK font found on the system)."""
    assert "王小明" in pdf_text(built_site.site / "cv.pdf")


def test_pdf_links_are_clickable_and_fonts_embedded(any_site: Build) -> None:
    cv_pdf = any_site.site / "cv.pdf"
    site = any_site.data
    links = pdf_links(cv_pdf)
    if site.profile.email:
        assert f"mailto:{site.profile.email}" in links
    base = (site.profile.site.url or "").rstrip("/")
    for pub in site.publications:
        if base:
            assert f"{base}/publications/{pub.id}/" in links
    for page in PdfReader(cv_pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            if descriptor.get("/Subtype") == "/Type3":  # glyphs drawn inline (colour emoji)
                assert descriptor.get("/CharProcs"), descriptor
                continue
            descendants = descriptor.get("/DescendantFonts")
            if descendants:
                descriptor = descendants[0].get_object()
            info = descriptor["/FontDescriptor"].get_object()
            assert any(k in info for k in ("/FontFile", "/FontFile2", "/FontFile3")), info


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://elena.example.org/", "https://elena.example.org/publications/p/"),
        ("https://me.github.io/homepage/", "https://me.github.io/homepage/publications/p/"),
        ("https://me.github.io/homepage", "https://me.github.io/homepage/publications/p/"),
        (None, ""),
    ],
)
def test_links_in_the_pdf_and_cv_json_keep_the_sites_path(
    site_url: str | None, expected: str
) -> None:
    """A site served from a project's path (GitHub Pages) keeps it in the outputs' links."""
    assert absolute_url("/publications/p/", site_url) == expected
    assert absolute_url("https://example.org/x", site_url) == "https://example.org/x"


def test_owner_is_highlighted_in_the_pdf(built_site: Build) -> None:
    """The owner's name and each of its variants are set in a bold font in the author lists,
    and no co-author is."""
    bold = bold_texts(built_site.site / "cv.pdf")
    for name in (PERSON, "E. Vasquez-Thorn", "Elena V. Thorn", "elena  vasquez-thorn"):
        assert name in bold, f"{name!r} is not bold in cv.pdf; bold runs: {bold}"
    for name in ("Tomasz Brightwater", "Priya Dunmore", "Oskar Lindqvist", "Jonah Pike"):
        assert not any(name in text for text in bold), f"{name!r} is bold in cv.pdf"


def test_highlighted_award_is_bold_in_the_pdf(built_site: Build) -> None:
    bold = bold_texts(built_site.site / "cv.pdf")
    assert "Northwind Graduate Fellowship" in bold, bold
    assert not any("Hollowmere Merit Scholarship" in text for text in bold), bold


def resume_strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in resume_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in resume_strings(item)]
    return [value] if isinstance(value, str) else []


def test_json_resume_validates_and_carries_every_section(any_site: Build) -> None:
    """cv.json is valid JSON Resume and holds every entry of every section (news aside)."""
    site = any_site.data
    resume = json.loads((any_site.site / "cv.json").read_text())
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft4Validator(schema).validate(resume)
    assert set(ENTRY_LABELS) | NOT_IN_CV == set(SECTION_FILES)
    assert resume["basics"]["name"] == site.profile.name
    assert [i["name"] for i in resume.get("interests", [])] == list(site.profile.interests)
    strings = resume_strings(resume)
    for section, field in ENTRY_LABELS.items():
        for entry in getattr(site, section):
            label = getattr(entry, field)
            assert any(label in s for s in strings), f"{label!r} ({section}) is not in cv.json"
    names = [p["name"] for p in resume.get("publications", [])]
    assert sorted(names) == sorted(p.title for p in site.publications)
    for section in site.custom_sections:
        if section.resume is not None:
            for entry in site.section_entries(section):
                assert any(entry.title in s for s in strings), f"{entry.title!r} not in cv.json"
    talks = [p for p in resume.get("projects", []) if p.get("type") == "talk"]
    assert [t["name"] for t in talks] == [t.title for t in site.talks]
    assert [t["entity"] for t in talks] == [t.event for t in site.talks]
    skills = {g["name"]: g["keywords"] for g in resume.get("skills", [])}
    assert skills == {g.category: list(g.items) for g in site.skills}


def test_schema_check_reports_where_the_export_breaks(built_site: Build) -> None:
    site = built_site.data
    resume = json_resume(site, site.profile.site.url)
    assert schema_problems(resume) == []
    resume["basics"]["email"] = 42
    assert schema_problems(resume) == ["basics/email: 42 is not of type 'string'"]


def test_feed_has_every_news_item_and_is_discoverable(any_site: Build) -> None:
    news = any_site.data.news
    root = ET.fromstring((any_site.site / "feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    # News items carry their text as content; posts (test_writings.py) a summary.
    entries = [e for e in root.findall(f"{ATOM}entry") if e.find(f"{ATOM}content") is not None]
    assert len(entries) == len(news)
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [markdown_plain(item.text) for item in news]  # newest first
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)
    pubs = any_site.data.publications
    for url in ("", "publications", *(f"publications/{p.id}" for p in pubs[:1])):
        assert re.search(
            r'<link rel="alternate feed" type="application/atom\+xml" title="News" '
            r'href="[./]*/feed.xml">',
            any_site.page(url),
        ), url


def test_feed_ids_are_the_same_in_every_build(built_site: Build) -> None:
    """A reader shows an item twice if its id changes: the build's ids (made in another
    process) are the ones made again here, and differ between items."""
    root = ET.fromstring((built_site.site / "feed.xml").read_bytes())
    built = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
    built = [i for i in built if "#post-" not in i]  # the posts' ids: test_writings.py
    site = built_site.data
    again = ET.fromstring(news_feed(site, site.profile.site.url or "/").encode("utf-8"))
    assert built == [e.findtext(f"{ATOM}id") for e in again.findall(f"{ATOM}entry")]
    assert len(set(built)) == len(site.news) == 3
    assert all(i.startswith(SITE_URL) for i in built), built


def test_cname_and_nojekyll(built_site: Build) -> None:
    assert (built_site.site / "CNAME").read_text() == "elena.example.org\n"
    assert (built_site.site / ".nojekyll").exists()


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://elena.example.org/", "elena.example.org"),
        ("https://me.github.io/site/", None),
        ("http://127.0.0.1:8000/", None),
        (None, None),
    ],
)
def test_custom_domain(url: str | None, domain: str | None) -> None:
    assert custom_domain(url) == domain


def test_one_data_change_reaches_every_output(project: Path, tmp_path: Path) -> None:
    pubs = project / "data" / "publications.yml"
    pubs.write_text(pubs.read_text().replace("Quiet Queues: Tail", "Hushed Queues: Tail"))
    news = project / "data" / "news.yml"
    news.write_text(news.read_text().replace("Gave a talk at", "Spoke at"))
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    site = build.site
    assert "HushedQueues:Tail" in squash(pdf_text(site / "cv.pdf"))
    assert "Hushed Queues: Tail" in (site / "cv.json").read_text()
    bib = (site / "publications.bib").read_text()
    assert "{Hushed} {Queues:} {Tail}" in bib  # capitals braced for BibTeX styles
    assert "Hushed Queues: Tail" in build.text("publications/vasquezthorn2024quiet")
    assert "Spoke at" in (site / "feed.xml").read_text()
    assert "Spoke at" in build.text("")


def test_broken_cv_template_fails_the_build(project: Path, tmp_path: Path) -> None:
    template = project / "macros" / "templates" / "cv.typ"
    template.write_text(template.read_text() + "\n#let broken = (\n")
    build = run_build(project, tmp_path / "site", strict=False)
    assert build.returncode != 0
    assert "cv.typ" in build.output
    assert "Traceback" not in build.output
