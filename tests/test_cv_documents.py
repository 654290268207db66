"""The PDF CV is a tagged PDF/UA-1 document with real headings and absolute links; cv.json
follows JSON Resume's formats and puts each value where the schema means it."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import IO, Any

import pytest
from conftest import FIXTURE_DATA, Build, run_build
from pypdf import PdfReader

from macros.data.loader import load_site_data
from macros.data.sections import SiteData
from macros.data.yaml_source import read_yaml
from macros.outputs.cv_pdf import cv_data, render_cv_pdf
from macros.outputs.json_resume import json_resume, schema_problems
from macros.outputs.rendering import SiteRenderer


def structure_tags(path: Path | IO[bytes]) -> Counter[str]:
    """How often each structure type (H1, P, Link, ...) occurs in the PDF's tag tree."""
    root = PdfReader(path).trailer["/Root"]
    found: Counter[str] = Counter()

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if hasattr(node, "keys"):
            if "/S" in node:
                found[str(node["/S"])] += 1
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(root["/StructTreeRoot"])
    return found


def pdf_uris(path: Path) -> list[str]:
    return [
        str(a.get_object()["/A"]["/URI"])
        for page in PdfReader(path).pages
        for a in page.get("/Annots") or []
        if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]
    ]


@pytest.fixture(scope="module")
def fork_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Path]:
    """The project with a site-relative link in the profile and a team without a role."""
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("cvdocs"))
    (project / "data" / "service.yml").write_text(
        "title: Service\nentries:\n  - {title: Reviewer, links: {Notes: /cv/}}\n"
    )
    (project / "data" / "experience.yml").write_text(
        "- {organization: Example Lab, team: Systems Team, start: 2023}\n"
    )
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    return build, project


def test_pdf_is_tagged_pdf_ua_with_a_heading_per_section(
    fork_build: tuple[Build, Path],
) -> None:
    build, project = fork_build
    pdf = build.site / "cv.pdf"
    assert b"pdfuaid" in pdf.read_bytes()  # PDF/UA-1 identification in the XMP metadata
    site = load_site_data(project / "data")
    sections = [s for s in site.cv_sections() if site.views(s)]
    tags = structure_tags(pdf)
    assert tags["/H1"] == len(sections)
    groups = {v.group for v in site.views(site.section("awards"))}
    assert tags["/H2"] == len(groups - {""})


def test_pdf_links_are_absolute(fork_build: tuple[Build, Path]) -> None:
    build, project = fork_build
    site_url = load_site_data(project / "data").profile.site.url
    uris = pdf_uris(build.site / "cv.pdf")
    assert uris and all(u.startswith(("https://", "http://", "mailto:")) for u in uris), uris
    if site_url:
        assert site_url.rstrip("/") + "/cv/" in uris


def test_cv_json_maps_roles_and_profiles(fork_build: tuple[Build, Path]) -> None:
    build, _ = fork_build
    resume = json.loads((build.site / "cv.json").read_text(encoding="utf-8"))
    (lab,) = [w for w in resume["work"] if w["name"] == "Example Lab"]
    assert "position" not in lab  # a team is no role
    assert lab["description"] == "Systems Team"
    home = resume["basics"].get("url")
    assert all(p["url"] != home for p in resume["basics"].get("profiles", []))
    assert schema_problems(resume) == []


def test_cv_json_check_includes_formats(fork_build: tuple[Build, Path]) -> None:
    _, project = fork_build
    site = load_site_data(project / "data")
    resume = json_resume(site, "https://example.org/")
    resume["basics"]["email"] = "not an address"
    resume["basics"]["url"] = "not a uri"
    problems = schema_problems(resume)
    assert any(p.startswith("basics/email") for p in problems), problems
    assert any(p.startswith("basics/url") for p in problems), problems


# --- a heading for exactly the sections with entries -----------------------------------------

# The CV sections of the fixture person (all with entries), by kind: list files, the custom
# section (a title and entries) and the one that is a field of profile.yml.
PERSON = load_site_data(FIXTURE_DATA)
CV_SECTIONS = {s.name: s.title for s in PERSON.cv_sections()}
STATES = {
    "list": ("one entry", "[]", "comments only", "missing file"),
    "custom": ("one entry", "entries: []", "missing file"),
    "profile": ("one entry", "[]", "missing field"),
}


def _kind(name: str) -> str:
    return "profile" if name == "interests" else "custom" if PERSON.section(name).custom else "list"


def _write_json(path: Path, document: object) -> None:
    """JSON is YAML: the value as the loader will read it, whatever it holds."""
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def person_with(data: Path, name: str, state: str) -> Path:
    """A copy of the fixture person with section `name` cut to one entry, emptied or removed
    (and what refers to removed papers taken out with them)."""
    shutil.copytree(FIXTURE_DATA, data)
    file = data / ("profile.yml" if name == "interests" else f"{name}.yml")
    document, _ = read_yaml(file.read_text(encoding="utf-8"))
    if state == "missing file":
        file.unlink()
    elif state == "comments only":
        file.write_text(file.read_text(encoding="utf-8").splitlines()[0] + "\n# none yet\n")
    elif name == "interests":
        if state == "missing field":
            del document["interests"]
        else:
            document["interests"] = document["interests"][:1] if state == "one entry" else []
        _write_json(file, document)
    elif isinstance(document, dict):  # a section of one's own
        document["entries"] = document["entries"][:1] if state == "one entry" else []
        _write_json(file, document)
    else:
        _write_json(file, document[:1] if state == "one entry" else [])
    if name == "publications":
        kept = {pub["id"] for pub in document[:1]} if state == "one entry" else set()
        experience, _ = read_yaml((data / "experience.yml").read_text(encoding="utf-8"))
        for entry in experience:
            entry["publications"] = [p for p in entry.get("publications", []) if p in kept]
        _write_json(data / "experience.yml", experience)
        (data / "metrics.yml").unlink()
    return data


def pdf_headings(site: SiteData) -> tuple[list[str], int]:
    """The section titles printed as lines of their own in the PDF CV (text by pypdf), and the
    number of H1 headings in its tag tree."""
    pdf = render_cv_pdf(cv_data(site, "https://example.org/"), site=site)
    reader = PdfReader(io.BytesIO(pdf))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    return [line for line in lines if line in CV_SECTIONS.values()], structure_tags(
        io.BytesIO(pdf)
    )["/H1"]


def web_cv_headings(site: SiteData) -> list[str]:
    """The section headings of the web CV (`{{ cv() }}`, Markdown `## ` headings)."""
    renderer = SiteRenderer(site)
    text = renderer.stash.restore(str(renderer.macros()["cv"]()))
    return [html.unescape(h) for h in re.findall(r"^(?:<!--[^>]*-->)?## (.+?)\s*$", text, re.M)]


@pytest.mark.parametrize(
    ("name", "state"),
    [(name, state) for name in CV_SECTIONS for state in STATES[_kind(name)]],
)
def test_cv_has_a_heading_for_exactly_the_sections_with_entries(
    tmp_path: Path, name: str, state: str
) -> None:
    """README: an empty file, `[]` or no file at all leaves the section out of the CV, web and
    PDF, heading and all; one entry is enough to print it."""
    site = load_site_data(person_with(tmp_path / "data", name, state))
    sections = {s.name: s for s in site.sections}  # a custom section's file is the section
    has_entries = name in sections and bool(site.section_entries(sections[name]))
    assert has_entries == (state == "one entry")
    expected = [title for n, title in CV_SECTIONS.items() if n != name or state == "one entry"]
    headings, h1 = pdf_headings(site)
    assert headings == expected, f"PDF CV with {name} as {state}: {_difference(headings, expected)}"
    assert h1 == len(expected), f"PDF CV with {name} as {state}: {h1} H1 tags"
    web = web_cv_headings(site)
    assert web == expected, f"web CV with {name} as {state}: {_difference(web, expected)}"


def _difference(headings: list[str], expected: list[str]) -> str:
    extra = [h for h in headings if h not in expected]
    missing = [h for h in expected if h not in headings]
    return f"headings {extra} printed without entries, {missing} missing; order {headings}"


def test_cv_with_every_section_empty_has_no_section_heading(tmp_path: Path) -> None:
    """A person with a profile and nothing else yet still gets a CV: name and contact only."""
    data = person_with(tmp_path / "data", "publications", "missing file")
    for name in CV_SECTIONS:
        if name == "interests":
            document, _ = read_yaml((data / "profile.yml").read_text(encoding="utf-8"))
            document["interests"] = []
            _write_json(data / "profile.yml", document)
        else:
            (data / f"{name}.yml").unlink(missing_ok=True)
    site = load_site_data(data)
    assert pdf_headings(site) == ([], 0)
    assert web_cv_headings(site) == []
