"""Shared fixtures: a fresh copy of the project, and builds of it with the real `mkdocs`."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest

from macros.data.loader import load_site_data
from macros.data.sections import SiteData

ROOT = Path(__file__).resolve().parent.parent
# The engine's parts of the project, which every test site gets; the person's parts (their
# settings, pages and overrides) come from the fixture site, or from the project for its own data.
ENGINE_PARTS = ("macros", "schemas", "ownership.yml")
PERSON_PARTS = ("mkdocs.yml", "docs", "overrides")
# The fixture people's settings and pages: the nav with every engine page, no page of their own.
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "settings"
# The fictional person most tests run on: every section, with the edge cases a real record has,
# and pages of her own beside her data (docs/: two posts and a draft, a course's notes).
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "person" / "data"
# Formulas added to the fixture person for the math tests (see `math_project`).
MATH_FIXTURE = ROOT / "tests" / "fixtures" / "math"
# The person scripts/fork_check.py puts in data/ (the owner, in that fork).
FORK_DATA = ROOT / "tests" / "fixtures" / "fork" / "data"
# The fixture person's strings the tests look for, in one place.
PERSON = "Elena Vasquez-Thorn"
SITE_URL = "https://elena.example.org/"


@dataclass
class Build:
    returncode: int
    output: str
    site: Path
    data_dir: Path = FIXTURE_DATA

    @cached_property
    def data(self) -> SiteData:
        """The validated data the site was built from."""
        return load_site_data(self.data_dir)

    def has_page(self, url: str) -> bool:
        return (self.site / url / "index.html").is_file()

    def has_engine_page(self, url: str) -> bool:
        """Whether the page at `url` is built from the engine's page (macros/pages/), not
        from one the person wrote in docs/: only the engine's pages promise what they show."""
        name = f"{url or 'index'}.md"
        return self.has_page(url) and not (self.data_dir.parent / "docs" / name).is_file()

    def page(self, url: str) -> str:
        """The HTML of the page at `url` ('' for the home page, 'cv' for /cv/)."""
        path = self.site / url / "index.html" if url else self.site / "index.html"
        return path.read_text(encoding="utf-8")

    def text(self, url: str) -> str:
        """The visible text of a page's article, tags stripped, whitespace collapsed."""
        return html_text(article(self.page(url)))


def article(page: str) -> str:
    match = re.search(r"<article[^>]*>(.*)</article>", page, re.S)
    assert match, "page has no <article>"
    return match.group(1)


def html_text(fragment: str) -> str:
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding `needle` (its n-th occurrence)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [number for number, line in enumerate(lines, start=1) if needle in line]
    assert len(found) >= occurrence, f"{needle!r} not in {path}"
    return found[occurrence - 1]


def copy_project(destination: Path, data: Path | None = FIXTURE_DATA) -> Path:
    """The engine in `destination`, with the fixture person's data and site settings (or
    `data=None`: the project's own data/, settings and pages)."""
    person = ROOT if data is None else FIXTURE_SITE
    for source in [ROOT / part for part in ENGINE_PARTS] + [person / p for p in PERSON_PARTS]:
        part = source.name
        if source.is_dir():
            shutil.copytree(
                source, destination / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif source.exists():
            shutil.copy2(source, destination / part)
    (destination / "docs").mkdir(exist_ok=True)
    if data is not None and (data.parent / "docs").is_dir():
        # The fixture person's own pages beside her data (posts, course notes).
        shutil.copytree(data.parent / "docs", destination / "docs", dirs_exist_ok=True)
    shutil.copytree(ROOT / "data" if data is None else data, destination / "data")
    if data is not None:
        for path in (destination / "data").glob("*.yml"):
            # The schema line points at the project's schemas/ from data/.
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("$schema=../../../../schemas/", "$schema=../schemas/"))
    return destination


def run_build(project: Path, site: Path, strict: bool = True) -> Build:
    """Run `mkdocs build` as users do, in its own process (no module caching between builds)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
    if strict:
        command.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        command, cwd=project, capture_output=True, text=True, env=env, timeout=300
    )
    return Build(result.returncode, result.stdout + result.stderr, site, project / "data")


def built_strictly(project: Path, site: Path | None = None) -> Build:
    """`project` built with --strict into `site` (its own site/ folder by default); the build
    must pass, or the fixture using it fails with MkDocs' output."""
    build = run_build(project, site or project / "site")
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The project with the fictional person's data, built once strictly."""
    project = copy_project(tmp_path_factory.mktemp("person"))
    build = built_strictly(project)
    return build


def math_project(destination: Path) -> Path:
    """The fixture person with formulas: a page of them in the nav (docs/maths.md), a paper
    whose summary and abstract have some, a news item on top and a line of the bio."""
    project = copy_project(destination)
    shutil.copy(MATH_FIXTURE / "maths.md", project / "docs" / "maths.md")
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "  - maths.md\n")
    data = project / "data"
    papers = data / "publications.yml"
    papers.write_text(
        papers.read_text(encoding="utf-8") + (MATH_FIXTURE / "publication.yml").read_text()
    )
    news = data / "news.yml"
    news.write_text((MATH_FIXTURE / "news.yml").read_text() + news.read_text(encoding="utf-8"))
    profile = data / "profile.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace(
            "stay as text.\n", "stay as text. My queues wait $\\mathcal{O}(1)$ steps.\n", 1
        )
    )
    return project


@pytest.fixture(scope="session")
def math_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The fixture person with formulas in a page and in the data, built once strictly."""
    project = math_project(tmp_path_factory.mktemp("math"))
    build = built_strictly(project)
    return build


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The project as it is, with its own data/, built once strictly. Tests on it check the
    data generically (a fork replaces data/), never by the owner's strings."""
    site = tmp_path_factory.mktemp("real-site")
    build = built_strictly(ROOT, site)
    return build


# Valid records a fork may have, made up here: the site address with and without a trailing
# slash (and a path), optional files missing, names in other scripts, one entry or hundreds.
GENERATED_RECORDS = {
    "bare-profile": {"url": "https://ada-example.github.io", "name": "Ada Example", "count": 0},
    "one-each": {"url": "https://example.org/", "name": "Zoë Ångström-Ñúñez", "count": 1},
    "cjk-path": {"url": "https://example.github.io/homepage", "name": "林晓雨", "count": 3},
    "hundreds": {"url": None, "name": "Σοφία Παπαδοπούλου", "count": 240},
}


def generated_record(folder: Path, name: str, url: str | None, count: int) -> Path:
    """A data/ folder of a made-up person with `count` entries in each list section (none:
    only profile.yml), every field the engine must carry in its own script."""
    folder.mkdir(parents=True)
    site = f"site: {{url: {url}, description: Made-up homepage of {name}.}}\n" if url else ""
    (folder / "profile.yml").write_text(
        f"name: {name}\nposition: Researcher\naffiliation: Université de Test & 大学\n{site}"
        f"bio: Works on *things* with {{braces}} & ampersands 🚀.\n",
        encoding="utf-8",
    )
    if not count:
        return folder
    pubs, news, talks, education = [], [], [], []
    for i in range(count):
        year = 2000 + i % 26
        pubs.append(
            f'- id: paper{i}\n  title: "Paper {i}: {{Braces}} & Ünïcode 论文 {i}"\n'
            f"  authors: [{name}, Co Author {i % 7}]\n  venue: Venue {i % 9}\n"
            f"  year: {year}\n  type: {('conference', 'journal', 'preprint')[i % 3]}\n"
            f"  selected: {str(i < 3).lower()}\n"
        )
        month = f"{2000 + i // 12}-{1 + i % 12:02d}"  # one a month, in order
        news.append(f'- {{date: {month}, text: "News {i} & more 🎉"}}\n')
        talks.append(f"- {{title: Talk {i} über 话题, event: Event {i}, year: {year}}}\n")
        education.append(
            f"- {{institution: School {i}, degree: Degree {i}, start: {year}, end: {year + 1}}}\n"
        )
    news.reverse()  # newest on top, as people write it
    for file, entries in (
        ("publications", pubs),
        ("news", news),
        ("talks", talks),
        ("education", education),
    ):
        (folder / f"{file}.yml").write_text("".join(entries), encoding="utf-8")
    return folder


_GENERATED_BUILDS: dict[str, Build] = {}


def generated_site(name: str, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The fixture site with the generated record `name`, built once per session, strictly."""
    if name not in _GENERATED_BUILDS:
        record = GENERATED_RECORDS[name]
        folder = tmp_path_factory.mktemp(f"generated-{name}")
        data = generated_record(folder / "record", record["name"], record["url"], record["count"])
        project = copy_project(folder / "project", data=data)
        build = built_strictly(project)
        _GENERATED_BUILDS[name] = build
    return _GENERATED_BUILDS[name]


@pytest.fixture(params=["person", "real", *GENERATED_RECORDS])
def any_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Each build in turn (the generated records too), for the checks that hold for any data."""
    if request.param in GENERATED_RECORDS:
        return generated_site(request.param, tmp_path_factory)
    return request.getfixturevalue("built_site" if request.param == "person" else "real_site")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the project, with the fictional person's data, that a test may edit."""
    destination = tmp_path / "project"
    destination.mkdir()
    return copy_project(destination)


# --- the site in two languages (test_site_languages.py and its browser tests) ---------------

# A Chinese word the test data holds (a paper's summary) and a search must find on /zh/.
SEARCH_WORD = "编译器"
CHINESE_PAPER = "calmcompiler2026"
CHINESE_SUMMARY = "我们为平静系统设计了一个新的编译器，它让调度器更安静。"


def set_languages(project: Path, languages: list[str]) -> None:
    """`site.languages` in the project's profile.yml, whether or not it lists some already."""
    profile = project / "data" / "profile.yml"
    text = profile.read_text(encoding="utf-8")
    line = f"  languages: [{', '.join(languages)}]\n"
    if re.search(r"^  languages:.*\n", text, re.M):
        text = re.sub(r"^  languages:.*\n", line, text, flags=re.M)
    else:
        text = re.sub(r"^site:\n", "site:\n" + line, text, flags=re.M)
    profile.write_text(text, encoding="utf-8")


def two_language_project(destination: Path) -> Path:
    """The fictional person in English and Chinese, with Chinese text in the data (a paper's
    summary) and a nav title of their own for Chinese (by the title their nav gives)."""
    project = copy_project(destination)
    set_languages(project, ["en", "zh"])
    with (project / "data" / "publications.yml").open("a", encoding="utf-8") as papers:
        papers.write(
            f"\n- id: {CHINESE_PAPER}\n"
            "  title: A Compiler for Calm Systems\n"
            "  authors: [Elena Vasquez-Thorn]\n"
            "  venue: Workshop on Calm Systems\n"
            "  year: 2026\n"
            "  type: workshop\n"
            f"  summary: {CHINESE_SUMMARY}\n"
        )
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as settings:
        settings.write("\nextra:\n  nav_titles:\n    zh:\n      Honors & Awards: 获奖\n")
    return project


@pytest.fixture(scope="session")
def two_languages(tmp_path_factory: pytest.TempPathFactory) -> Build:
    project = two_language_project(tmp_path_factory.mktemp("languages"))
    build = built_strictly(project)
    return build
