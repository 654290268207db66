"""The line between the person's files and the engine's: a site is made the person's own
(sections left out, pages replaced, styles and templates changed) with no engine file touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_build

from macros.commands.ownership import read_ownership

NAV_WITHOUT_TALKS = """INHERIT: macros/mkdocs.yml
nav:
  - Home: index.md
  - Publications: publications.md
  - CV: cv.md
"""


def engine_hashes(project: Path) -> dict[str, bytes]:
    """Every engine file of a copied project, by path: what a fork must never have to edit."""
    ownership = read_ownership(project)
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and "site" not in path.relative_to(project).parts[:1]
        and ownership.is_engine(path.relative_to(project).as_posix())
    }


def test_the_manifest_names_the_persons_paths() -> None:
    ownership = read_ownership(ROOT)
    for mine in ("data/profile.yml", "docs/notes.md", "mkdocs.yml", "overrides/main.html"):
        assert ownership.is_person(mine), mine
    for engine in ("macros/mkdocs.yml", "macros/pages/index.md", "README.md", "tests/conftest.py"):
        assert ownership.is_engine(engine), engine
    assert not ownership.is_person("data2/x.yml") and not ownership.is_person("mkdocs.yml.bak")


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A fork that leaves talks out (nav only), writes its own Publications page, restyles the
    talks entries, adds a style rule and its own Material partial; built strictly."""
    project = copy_project(tmp_path_factory.mktemp("own"))
    before = engine_hashes(project)
    (project / "mkdocs.yml").write_text(NAV_WITHOUT_TALKS)
    (project / "docs" / "publications.md").write_text(
        "# My papers\n\nWritten by me.\n\n{{ publications() }}\n"
    )
    templates = project / "overrides" / "templates"
    templates.mkdir(parents=True)
    (templates / "education.html").write_text(
        '<p class="my-education">{% for v in views %}{{ v.title }}; {% endfor %}</p>\n'
    )
    (project / "overrides" / "assets").mkdir()
    (project / "overrides" / "assets" / "extra.css").write_text(".my-rule { color: #123456 }\n")
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    return project, before


def test_a_section_is_left_out_by_the_nav_alone(own_site: tuple[Path, dict[str, bytes]]) -> None:
    project, before = own_site
    site = project / "site"
    assert not (site / "talks").exists() and not (site / "research").exists()
    assert (site / "cv" / "index.html").is_file()
    assert engine_hashes(project) == before  # no engine file edited or deleted


def test_a_page_of_the_person_replaces_the_engines(
    own_site: tuple[Path, dict[str, bytes]],
) -> None:
    page = (own_site[0] / "site" / "publications" / "index.html").read_text()
    assert "Written by me." in page and "My papers" in page


def test_the_persons_styles_and_templates_replace_the_engines(
    own_site: tuple[Path, dict[str, bytes]],
) -> None:
    site = own_site[0] / "site"
    home = (site / "index.html").read_text()
    assert ".my-rule { color: #123456 }" in home
    assert home.index(".my-rule") > home.index(".profile")  # after the engine's rules
    cv = (site / "cv" / "index.html").read_text()
    assert '<p class="my-education">' in cv
