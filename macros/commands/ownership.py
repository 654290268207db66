"""The line between the person's files and the engine's, read from ownership.yml.

One manifest decides it, so that `init`, `upgrade` and the README agree on which paths a fork
may change freely (the person's) and which a newer release replaces (the engine's).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

MANIFEST = "ownership.yml"


@dataclass(frozen=True)
class Ownership:
    """The person's path patterns; every other path is the engine's."""

    person: tuple[str, ...]

    def is_person(self, path: str | PurePosixPath) -> bool:
        """Whether `path` (relative, with /) belongs to the person."""
        text = str(PurePosixPath(path))
        for pattern in self.person:
            if pattern.endswith("/"):
                if text == pattern[:-1] or text.startswith(pattern):
                    return True
            elif text == pattern:
                return True
        return False

    def is_engine(self, path: str | PurePosixPath) -> bool:
        return not self.is_person(path)


def read_ownership(project: Path) -> Ownership:
    """The manifest of `project`; a missing or malformed one is an error, never a guess."""
    path = project / MANIFEST
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot read the ownership manifest: {error}") from error
    person = loaded.get("person") if isinstance(loaded, dict) else None
    if not isinstance(person, list) or not all(isinstance(p, str) and p for p in person):
        raise ValueError(f"{path}: expected `person:` with a list of paths")
    return Ownership(person=tuple(person))
