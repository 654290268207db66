"""Shared fixtures: a fresh copy of the project, and builds of it with the real `mkdocs`."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "data", "docs", "macros", "overrides", "schemas")


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

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


def copy_project(destination: Path) -> Path:
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(
                source, destination / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif source.exists():
            shutil.copy2(source, destination / part)
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
    return Build(result.returncode, result.stdout + result.stderr, site)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The real project, built once strictly."""
    site = tmp_path_factory.mktemp("site")
    build = run_build(ROOT, site)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway copy of the project that a test may edit."""
    destination = tmp_path / "project"
    destination.mkdir()
    return copy_project(destination)
