"""One source, many outputs: the PDF CV, JSON Resume, the news feed, CNAME and .nojekyll."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, Build, run_build
from pypdf import PdfReader

from macros.exports import custom_domain
from macros.json_resume import SCHEMA_PATH, json_resume, schema_problems
from macros.loader import load_site_data
from macros.markup import markdown_plain

SITE = load_site_data(ROOT / "data")
ATOM = "{http://www.w3.org/2005/Atom}"


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


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


@pytest.fixture(scope="module")
def cv_pdf(built_site: Build) -> Path:
    return built_site.site / "cv.pdf"


def test_pdf_cv_carries_every_section(cv_pdf: Path) -> None:
    reader = PdfReader(cv_pdf)
    assert 1 <= len(reader.pages) <= 2
    text = squash(pdf_text(cv_pdf))
    facts = [SITE.profile.name, SITE.profile.email or ""]
    facts += [e.institution for e in SITE.education] + [
        c.name for e in SITE.education for c in e.courses
    ]
    facts += [p.title for p in SITE.publications] + [
        a.name for p in SITE.publications for a in p.authors
    ]
    facts += [e.organization for e in SITE.experience] + [t.title for t in SITE.talks]
    facts += [t.course for t in SITE.teaching] + [a.title for a in SITE.awards]
    facts += [p.name for p in SITE.projects] + [i for g in SITE.skills for i in g.items]
    facts += [markdown_plain(h) for e in SITE.experience for h in e.highlights]
    for fact in facts:
        assert squash(fact) in text, f"{fact!r} is not in cv.pdf"


def test_pdf_links_are_clickable_and_fonts_embedded(cv_pdf: Path) -> None:
    links = pdf_links(cv_pdf)
    assert f"mailto:{SITE.profile.email}" in links
    for pub in SITE.publications:
        assert f"https://chaofanlin.com/publications/{pub.id}/" in links
    for page in PdfReader(cv_pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            descendants = descriptor.get("/DescendantFonts")
            if descendants:
                descriptor = descendants[0].get_object()
            info = descriptor["/FontDescriptor"].get_object()
            assert any(k in info for k in ("/FontFile", "/FontFile2", "/FontFile3")), info


def test_owner_is_highlighted_in_the_pdf(cv_pdf: Path) -> None:
    """The owner's name is set in bold (a bold font) in the author lists."""
    reader = PdfReader(cv_pdf)
    fonts = {
        str(f.get_object().get("/BaseFont"))
        for p in reader.pages
        for f in p["/Resources"]["/Font"].values()
    }
    assert any("Bold" in name for name in fonts), fonts


def test_json_resume_validates_and_matches_the_data(built_site: Build) -> None:
    resume = json.loads((built_site.site / "cv.json").read_text())
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft4Validator(schema).validate(resume)
    assert resume["basics"]["name"] == SITE.profile.name
    assert [p["name"] for p in resume["publications"]] == [p.title for p in SITE.publications]
    assert {e["institution"] for e in resume["education"]} == {
        e.institution for e in SITE.education
    }
    assert {a["title"] for a in resume["awards"]} == {a.title for a in SITE.awards}
    talks = [p for p in resume["projects"] if p.get("type") == "talk"]
    assert [t["name"] for t in talks] == [t.title for t in SITE.talks]


def test_schema_check_reports_where_the_export_breaks() -> None:
    resume = json_resume(SITE, SITE.profile.site.url)
    assert schema_problems(resume) == []
    resume["basics"]["email"] = 42
    assert schema_problems(resume) == ["basics/email: 42 is not of type 'string'"]


def test_feed_has_every_news_item_and_is_discoverable(built_site: Build) -> None:
    root = ET.fromstring((built_site.site / "feed.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(SITE.news)
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [markdown_plain(item.text) for item in SITE.news]  # newest first
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)
    for url in ("", "publications", "publications/lin2024parrot"):
        assert re.search(
            r'<link rel="alternate feed" type="application/atom\+xml" title="News" '
            r'href="[./]*/feed.xml">',
            built_site.page(url),
        ), url


def test_cname_and_nojekyll(built_site: Build) -> None:
    assert (built_site.site / "CNAME").read_text() == "chaofanlin.com\n"
    assert (built_site.site / ".nojekyll").exists()


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://chaofanlin.com/", "chaofanlin.com"),
        ("https://me.github.io/site/", None),
        ("http://127.0.0.1:8000/", None),
        (None, None),
    ],
)
def test_custom_domain(url: str | None, domain: str | None) -> None:
    assert custom_domain(url) == domain


def test_one_data_change_reaches_every_output(project: Path, tmp_path: Path) -> None:
    pubs = project / "data" / "publications.yml"
    pubs.write_text(
        pubs.read_text().replace("Parrot: Efficient Serving", "Macaw: Efficient Serving")
    )
    news = project / "data" / "news.yml"
    news.write_text(news.read_text().replace("Started my Ph.D.", "Began my Ph.D."))
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    site = build.site
    assert "Macaw:EfficientServing" in squash(pdf_text(site / "cv.pdf"))
    assert "Macaw: Efficient Serving" in (site / "cv.json").read_text()
    bib = (site / "publications.bib").read_text()
    assert "{Macaw:} {Efficient} {Serving}" in bib  # capitals braced for BibTeX styles
    assert "Macaw: Efficient Serving" in build.text("publications/lin2024parrot")
    assert "Began my Ph.D." in (site / "feed.xml").read_text()
    assert "Began my Ph.D." in build.text("")


def test_broken_cv_template_fails_the_build(project: Path, tmp_path: Path) -> None:
    template = project / "macros" / "templates" / "cv.typ"
    template.write_text(template.read_text() + "\n#let broken = (\n")
    build = run_build(project, tmp_path / "site", strict=False)
    assert build.returncode != 0
    assert "cv.typ" in build.output
    assert "Traceback" not in build.output
