"""The web CV, the PDF CV and cv.json carry the same facts in the same order: all three are
made from the registry's sections and the same entry views."""

from __future__ import annotations

import json
import re

import pytest
from conftest import Build, run_build
from pypdf import PdfReader

from macros.data.loader import load_site_data
from macros.data.sections import SiteData
from macros.views.markup import markdown_plain
from macros.views.views import EntryView

SERVICE = """title: Academic Service
entries:
  - {title: Reviewer, organization: Some Conference 2026, years: [2026]}
  - {title: Session chair, organization: A Workshop, start: 2025-05}
"""


@pytest.fixture(scope="module")
def build_and_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, SiteData]:
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("agree"))
    (project / "data" / "service.yml").write_text(SERVICE, encoding="utf-8")
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    return build, load_site_data(project / "data")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def in_order(haystack: str, needles: list[str]) -> list[str]:
    """The needles not found in order (each after the one before)."""
    missing, position = [], 0
    for needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            missing.append(needle)
        else:
            position = found + len(needle)
    return missing


def shown_title(view: EntryView) -> str:
    return markdown_plain(view.title) if view.title_markdown else view.title


def facts(site: SiteData) -> list[tuple[str, str]]:
    """(title, when) of every entry of every CV section, in the CV's order."""
    return [
        (shown_title(view), view.when)
        for section in site.cv_sections()
        for view in site.views(section)
    ]


def test_web_cv_and_pdf_list_the_same_entries_in_the_same_order(
    build_and_data: tuple[Build, SiteData],
) -> None:
    build, site = build_and_data
    entries = facts(site)
    assert entries, "the CV is empty"
    needles = [text for pair in entries for text in pair if text]
    web = squash(build.text("cv"))
    pdf = squash(" ".join(p.extract_text() for p in PdfReader(build.site / "cv.pdf").pages))
    assert in_order(web, [squash(n) for n in needles]) == []
    assert in_order(pdf, [squash(n) for n in needles]) == []
    headings = [s.title for s in site.cv_sections() if site.views(s)]
    assert in_order(web, [squash(h) for h in headings]) == []
    assert in_order(pdf.casefold(), [squash(h).casefold() for h in headings]) == []


def test_cv_json_lists_each_section_in_the_same_order(
    build_and_data: tuple[Build, SiteData],
) -> None:
    build, site = build_and_data
    resume = json.loads((build.site / "cv.json").read_text(encoding="utf-8"))
    for section in site.cv_sections():
        if section.resume is None:
            continue
        items = resume.get(section.resume, [])
        text = json.dumps(items, ensure_ascii=False)
        names = [
            json.dumps(view.fields.get("organization") or shown_title(view), ensure_ascii=False)
            for view in site.views(section)
        ]
        assert in_order(text, names) == [], section.name


def test_no_section_is_left_out_of_any_output(build_and_data: tuple[Build, SiteData]) -> None:
    """Every section with entries has its heading on the web CV and in the PDF, and its
    entries in cv.json."""
    build, site = build_and_data
    pdf = " ".join(p.extract_text() for p in PdfReader(build.site / "cv.pdf").pages).casefold()
    cv = build.page("cv")
    resume = (build.site / "cv.json").read_text(encoding="utf-8")
    for section in site.cv_sections():
        if not site.views(section):
            continue
        assert f">{section.title}<" in cv.replace("&amp;", "&"), section.name
        assert section.title.casefold() in pdf, section.name
        if section.resume:
            first = site.views(section)[0]
            key = first.fields.get("organization") or shown_title(first)
            assert json.dumps(key, ensure_ascii=False)[1:-1] in resume, section.name
    assert "Academic Service" in cv


def test_an_entry_reads_the_same_in_the_three(build_and_data: tuple[Build, SiteData]) -> None:
    """Names joined the same way, periods written the same way (one view for all)."""
    build, site = build_and_data
    web = build.text("cv")
    pdf = " ".join(
        " ".join(p.extract_text() for p in PdfReader(build.site / "cv.pdf").pages).split()
    )
    for section in site.cv_sections():
        for view in site.views(section):
            for line in view.lines:
                for part in line.parts:
                    if part.text and not part.markdown and len(part.text) < 60:
                        assert part.text in web, (section.name, part.text)
                        assert squash(part.text) in squash(pdf), (section.name, part.text)
