"""Checks on the data files themselves and on names that point outside them (icons).

A data file must be a regular file inside the project: a symlink to `/etc/passwd` or to
another person's files, or a FIFO that never ends, is refused before it is read. Icon names are
checked against the icons Material ships (and `overrides/.icons`), found without importing
MkDocs or Material, so `python -m macros check` reports an unknown icon with its line too.
"""

from __future__ import annotations

import importlib.util
import stat
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 20_000_000  # a 5,000-paper publications.yml is about 5 MB


def data_file_problem(path: Path, project_dir: Path) -> str | None:
    """Why `path` may not be read as a data file, or None."""
    try:
        resolved = path.resolve(strict=True)
        info = resolved.stat()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
        return f"cannot be read ({error})"
    if not resolved.is_relative_to(project_dir.resolve()):
        return f"is a link to {resolved}, outside the project; data files must be in the project"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if info.st_size > MAX_FILE_BYTES:
        return f"is {info.st_size:,} bytes; data files may be at most {MAX_FILE_BYTES:,} bytes"
    return None


@lru_cache(maxsize=8)
def icon_dirs(project_dir: Path) -> tuple[Path, ...]:
    """The project's own icons (`overrides/.icons`) and Material's, where installed."""
    dirs = [project_dir / "overrides" / ".icons"]
    spec = importlib.util.find_spec("material")  # finds the package, does not import it
    for location in (spec.submodule_search_locations or []) if spec else []:
        dirs.append(Path(location) / "templates" / ".icons")
    return tuple(d for d in dirs if d.is_dir())


def unknown_icon(name: str, dirs: Sequence[Path]) -> str | None:
    """Why `name` is not an icon of `dirs`, or None (also None when no icon set is installed)."""
    if not dirs or any((d / f"{name}.svg").is_file() for d in dirs):
        return None
    return (
        f"unknown icon '{name}'; names are paths under Material's .icons folder without .svg,"
        " such as fontawesome/brands/github or simple/orcid"
        " (https://squidfunk.github.io/mkdocs-material/reference/icons-emojis/)"
    )


MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # MkDocs' own list


def written_path(source: str) -> str:
    """Where MkDocs writes a file of docs/ (directory URLs, MkDocs' default and ours):
    `a/x.md` -> `a/x/index.html`, `a/index.md` and `a/README.md` -> `a/index.html`."""
    path = PurePosixPath(source)
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return source
    if path.stem == "index" or path.stem.lower() == "readme":
        return str(path.parent / "index.html").removeprefix("./")
    return str(path.with_suffix("") / "index.html")


def docs_written_paths(docs_dir: Path, folder: str) -> dict[str, str]:
    """The files under `docs_dir/folder`, by where MkDocs writes them (hidden files are not
    published); for `python -m macros check`, which runs without MkDocs."""
    found: dict[str, str] = {}
    for path in sorted((docs_dir / folder).rglob("*")):
        source = path.relative_to(docs_dir).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in source.split("/")):
            found.setdefault(written_path(source), source)
    return found


def collision_problems(taken: dict[str, str], generated: Sequence[tuple[str, str]]) -> list[str]:
    """Generated files (source path, written path) that would replace a file of `docs/`
    (`taken` maps written paths to their source) or each other: the build stops instead of
    silently publishing one of the two."""
    problems = []
    seen: dict[str, str] = {}
    for source, dest in generated:
        other = taken.get(dest) or seen.get(dest)
        if other is not None:
            origin = (
                f"the page or .bib of publication id '{Path(source).stem}'"
                if source.startswith("publications/") and source.count("/") == 1
                else "a file made from data/"
            )
            problems.append(
                f"{origin} would be written to {dest}, where docs/{other} goes too;"
                " rename one of them (for a publication: change its id in data/publications.yml)"
            )
        seen.setdefault(dest, source)
    return problems
