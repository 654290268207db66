"""The PDF CV is a tagged PDF/UA-1 document with real headings and absolute links; cv.json
follows JSON Resume's formats and puts each value where the schema means it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import Build, run_build
from pypdf import PdfReader

from macros.data.loader import load_site_data
from macros.outputs.json_resume import json_resume, schema_problems


def structure_tags(path: Path) -> Counter[str]:
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
