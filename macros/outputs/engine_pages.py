"""The engine's own pages (macros/pages/): the home page and one page per section.

They are the engine's, so that a fork never edits or deletes a file to leave a section out: the
nav decides which are published, and a page of the same name in docs/ replaces the engine's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


# Folders of docs/ whose pages are the person's prose (posts, course notes): TeX and code there
# are full of `{{`, `{#` and `{%`, so macros run only where a page asks for them.
PROSE_DIRS = ("blog/", "notes/")


def runs_macros(src_uri: str, meta: Mapping[str, Any]) -> bool:
    """Whether mkdocs-macros renders the page at `src_uri` (relative to docs/): every page
    does, except those under blog/ and notes/, which run macros only with `macros: true` in
    their front matter (so TeX never has to be escaped from Jinja)."""
    if meta.get("render_macros") is False:
        return False
    if not src_uri.startswith(PROSE_DIRS):
        return True
    return meta.get("macros") is True or meta.get("render_macros") is True
