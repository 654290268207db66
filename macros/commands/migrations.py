"""Steps that carry a site's own files across a release that changed their contract.

Each step is written for one release and runs when an upgrade crosses it. A step may change
the person's files only as its release says, keeps their own words and lines, and reports
every change at its file and line. They run after the engine files are in place, and the
upgrade undoes them with everything else if the check or the build fails.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .release import Release, project_files, version_key


@dataclass
class Migration:
    """What one step did: lines such as `mkdocs.yml:12: nav kept`."""

    changes: list[str] = field(default_factory=list)

    def note(self, path: str, line: int | None, text: str) -> None:
        self.changes.append(f"{path}:{line}: {text}" if line else f"{path}: {text}")


MigrationStep = Callable[[Path, Release, Migration], None]

# --- 1.0.0: the engine and the person apart ---------------------------------------------------

ENGINE_CONFIG = "macros/mkdocs.yml"
# Settings only the engine may hold: a person's copy would point at files that have moved.
ENGINE_ONLY_KEYS = {"hooks", "watch"}
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


def _blocks(text: str) -> list[tuple[str | None, int, str]]:
    """The top-level blocks of a YAML file as (key, first line number, text): each key with
    the indented and comment lines after it; lines before the first key have no key."""
    blocks: list[tuple[str | None, int, list[str]]] = [(None, 1, [])]
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        match = _TOP_KEY.match(line)
        if match:
            blocks.append((match.group(1), number, [line]))
        else:
            blocks[-1][2].append(line)
    return [(key, number, "".join(lines)) for key, number, lines in blocks if lines]


def _settings_apart(site: Path, release: Release, migration: Migration) -> None:
    """mkdocs.yml: the whole configuration becomes INHERIT of the engine's, with the site's
    nav and the settings it wrote itself kept line for line."""
    config = site / "mkdocs.yml"
    if not config.is_file():
        return
    text = config.read_text(encoding="utf-8")
    if re.search(r"^INHERIT:", text, re.M):
        return
    shipped = {
        block_text.strip()
        for version in release.shipped_versions("mkdocs.yml")
        for _, _, block_text in _blocks(version.decode("utf-8", "replace"))
    }
    kept: list[str] = []
    for key, number, block in _blocks(text):
        if key is None:
            continue  # the engine's comments at the top of the old file
        if key in ENGINE_ONLY_KEYS or (key != "nav" and block.strip() in shipped):
            migration.note("mkdocs.yml", number, f"`{key}` left to the engine ({ENGINE_CONFIG})")
            continue
        if key == "theme":
            block = re.sub(r"(?m)^\s+custom_dir:.*\n", "", block)
        kept.append(block if block.endswith("\n") else block + "\n")
        migration.note("mkdocs.yml", number, f"`{key}` kept as you wrote it")
    header = (
        "# Your site: the nav, and any setting of your own. The engine's settings are in\n"
        f"# {ENGINE_CONFIG} (INHERIT below); a setting written here replaces the engine's.\n"
        f"INHERIT: {ENGINE_CONFIG}\n\n"
    )
    config.write_text(header + "".join(kept), encoding="utf-8")


def _engine_copies_removed(site: Path, release: Release, migration: Migration) -> None:
    """docs/ and overrides/ held the engine's pages and theme before 1.0.0: a file there that
    is byte for byte one the engine shipped is the engine's, now in macros/, and goes."""
    for path in project_files(site):
        if not path.startswith(("docs/", "overrides/")):
            continue
        content = (site / path).read_bytes()
        if release.shipped(path, content):
            (site / path).unlink()
            migration.note(path, None, "removed: the engine's copy (it now lives in macros/)")
        elif path == "overrides/assets/site.css" and release.shipped_versions(path):
            _own_style_rules(site, path, content, release, migration)
        elif release.shipped_versions(path):
            replaced = "macros/pages/" if path.startswith("docs/") else "macros/theme/"
            migration.note(path, None, f"kept: your copy replaces the engine's ({replaced})")


def _own_style_rules(
    site: Path, path: str, content: bytes, release: Release, migration: Migration
) -> None:
    """The old site.css with rules of the person's: their lines move to extra.css, which is
    read after the engine's styles; the rest was the engine's."""
    mine = content.decode("utf-8").splitlines(keepends=True)

    def added(version: bytes) -> list[str]:
        engine = version.decode("utf-8", "replace").splitlines(keepends=True)
        matcher = difflib.SequenceMatcher(a=engine, b=mine, autojunk=False)
        return [
            line
            for tag, _, _, j1, j2 in matcher.get_opcodes()
            if tag in ("insert", "replace")
            for line in mine[j1:j2]
        ]

    own = min((added(v) for v in release.shipped_versions(path)), key=len)
    extra = site / "overrides" / "assets" / "extra.css"
    before = extra.read_text(encoding="utf-8") if extra.is_file() else ""
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text(before + "".join(own), encoding="utf-8")
    (site / path).unlink()
    first = before.count("\n") + 1
    migration.note(
        "overrides/assets/extra.css",
        first,
        f"your {len(own)} line(s) of {path}, which goes (the rest was the engine's)",
    )


# --- the steps, by the release that needs them -------------------------------------------------

MIGRATIONS: list[tuple[str, str, list[MigrationStep]]] = [
    ("1.0.0", "the engine and the person apart", [_settings_apart, _engine_copies_removed]),
]


def steps_between(old: str, new: str) -> list[tuple[str, str, list[MigrationStep]]]:
    """The migrations of the releases after `old`, up to and including `new`, oldest first."""
    return sorted(
        (m for m in MIGRATIONS if version_key(old) < version_key(m[0]) <= version_key(new)),
        key=lambda m: version_key(m[0]),
    )
