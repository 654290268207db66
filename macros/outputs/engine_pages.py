"""The engine's own pages (macros/pages/): the home page and one page per section.

They are the engine's, so that a fork never edits or deletes a file to leave a section out: the
nav decides which are published, and a page of the same name in docs/ replaces the engine's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

ENGINE_PAGES_DIR = Path(__file__).parent.parent / "pages"


def nav_pages(nav: Any) -> set[str]:
    """Every page path the nav names, at any depth (`- Title: page.md`, `- page.md`)."""
    found: set[str] = set()
    if isinstance(nav, str):
        if not nav.startswith(("http://", "https://", "/")) and nav.endswith(".md"):
            found.add(nav)
    elif isinstance(nav, list):
        for item in nav:
            found |= nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            found |= nav_pages(value)
    return found


def engine_pages(nav: Any, person_pages: Iterable[str]) -> list[Path]:
    """The engine's pages this site publishes: those the nav names (all of them without a nav)
    that the person's docs/ does not replace."""
    available = {path.name: path for path in sorted(ENGINE_PAGES_DIR.glob("*.md"))}
    wanted = set(available) if nav is None else nav_pages(nav) & set(available)
    mine = set(person_pages)
    # The home page first, then by name: the order MkDocs gives the files of docs/.
    return [available[name] for name in sorted(wanted - mine, key=lambda n: (n != "index.md", n))]
