"""A release of the engine, as `upgrade` reads it from a checkout of the template: its engine
files, every version of them that the engine ever shipped (from git), and its changelog."""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .ownership import Ownership, read_ownership

CHANGELOG = "CHANGELOG.md"
LOCK = "engine.lock"
# Never part of a release or of a site's engine files: tools, caches and build output.
SKIPPED_PARTS = {
    ".git",
    ".venv",
    "venv",
    "site",
    ".cache",
    ".validate",
    ".audit",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}
_HEADING = re.compile(r"^## +(\d+(?:\.\d+)*) *(?:-.*)?$", re.M)


def blob_id(content: bytes) -> str:
    """Git's id of a file's content, to compare a file with any version in the history."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def release_notes(changelog: str) -> list[tuple[str, str]]:
    """(version, its notes) of every release in CHANGELOG.md, newest first."""
    found = list(_HEADING.finditer(changelog))
    return [
        (m.group(1), changelog[m.start() : found[i + 1].start() if i + 1 < len(found) else None])
        for i, m in enumerate(found)
    ]


def project_files(root: Path) -> list[str]:
    """The files of a project, relative with /: git's tracked and new (not ignored) files in
    a git work tree, else every file but tools, caches and build output."""
    if (root / ".git").exists():
        listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        paths = sorted({p for p in listed.split("\0") if p})
        return [p for p in paths if (root / p).is_file() and not _skipped(p)]
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not _skipped(p.relative_to(root).as_posix())
    )


def _skipped(path: str) -> bool:
    parts = path.split("/")
    return bool(SKIPPED_PARTS.intersection(parts)) or path.startswith(".ci/venv")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


@dataclass
class Release:
    """The engine as it stands in a template checkout."""

    root: Path
    ownership: Ownership
    files: dict[str, bytes]
    notes: list[tuple[str, str]]
    commit: str | None = None
    history: dict[str, set[str]] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.notes[0][0] if self.notes else "0"

    def shipped(self, path: str, content: bytes) -> bool:
        """Whether the engine ever shipped exactly this content at this path."""
        blob = blob_id(content)
        return (
            blob in self.history.get(path, set())
            or blob_id(self.files.get(path, b"\0missing")) == blob
        )

    def shipped_versions(self, path: str) -> list[bytes]:
        """Every content the engine shipped at `path` (oldest first), for migrations that
        tell the person's lines from the engine's."""
        versions = [self._blob(blob) for blob in sorted(self.history.get(path, set()))]
        return [v for v in versions if v is not None]

    @cached_property
    def _has_git(self) -> bool:
        return (self.root / ".git").exists()

    def _blob(self, blob: str) -> bytes | None:
        if not self._has_git:
            return None
        result = subprocess.run(
            ["git", "-C", str(self.root), "cat-file", "blob", blob], capture_output=True
        )
        return result.stdout if result.returncode == 0 else None


def read_release(root: Path) -> Release:
    """The engine files of the template at `root` (its work tree), with their git history."""
    ownership = read_ownership(root)
    files = {
        path: (root / path).read_bytes()
        for path in project_files(root)
        if ownership.is_engine(path)
    }
    changelog = root / CHANGELOG
    notes = release_notes(changelog.read_text(encoding="utf-8")) if changelog.is_file() else []
    release = Release(root=root, ownership=ownership, files=files, notes=notes)
    if (root / ".git").exists():
        release.commit = _git(root, "rev-parse", "HEAD").strip() or None
        release.history = _history(root)
    return release


def _history(root: Path) -> dict[str, set[str]]:
    """Every blob id each path held in any commit (`git log --raw` of all refs)."""
    history: dict[str, set[str]] = {}
    raw = _git(root, "log", "--all", "--format=", "--raw", "--no-abbrev", "--no-renames")
    for line in raw.splitlines():
        if not line.startswith(":"):
            continue
        meta, _, path = line.partition("\t")
        fields = meta.split()
        for blob in (fields[2], fields[3]):
            if set(blob) != {"0"}:
                history.setdefault(path, set()).add(blob)
    return history
