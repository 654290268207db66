"""The fork check: does the project work for someone else who changes only data/, nav and pages?

It copies the project to a temporary folder and makes the fork a new user would make: another
(fictional) person's data from `tests/fixtures/fork/data/`, with the talks, teaching, awards,
projects and skills files removed, and their pages and nav entries deleted. Then it

1. builds the fork with `mkdocs build --strict`,
2. checks that the built site names nobody else: none of this project's own names (the name and
   name variants in data/profile.yml) appears in any page, file or in the PDF,
3. runs the fork's own test suite (`python -m pytest`).

    python scripts/fork_check.py [--keep] [pytest arguments...]

Exit status 0 when all three pass; otherwise the first failing step is named.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FORK_DATA = ROOT / "tests" / "fixtures" / "fork" / "data"
# The sections the fork leaves out: data file and page (the page may be missing already).
REMOVED_SECTIONS = {
    "talks": "talks.md",
    "teaching": "teaching.md",
    "awards": "awards.md",
    "projects": "projects.md",
    "skills": None,
}
# Not part of a fork's copy: version control, local environments, build output, caches.
SKIPPED = shutil.ignore_patterns(
    ".git",
    "venv",
    ".venv",
    "site",
    ".audit",
    ".validate",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".cache",
)
# Fetched tools the fork's tests use as they are (the Nu HTML checker): linked, not copied.
SHARED_TOOLS = (".validate",)
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".bib", ".js", ".css", ".md", ""}


def make_fork(destination: Path) -> Path:
    """A copy of the project with the fork person's data and the removed sections gone."""
    shutil.copytree(ROOT, destination, ignore=SKIPPED)
    for tool in SHARED_TOOLS:
        if (ROOT / tool).is_dir():
            (destination / tool).symlink_to(ROOT / tool, target_is_directory=True)
    data = destination / "data"
    shutil.rmtree(data)
    shutil.copytree(FORK_DATA, data)
    for path in data.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("$schema=../../../../schemas/", "$schema=../schemas/"))
    config = destination / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    for section, page in REMOVED_SECTIONS.items():
        (data / f"{section}.yml").unlink(missing_ok=True)
        if page:
            (destination / "docs" / page).unlink(missing_ok=True)
            nav_entry = re.compile(rf"^\s*-\s+[^:]+:\s+{re.escape(page)}\s*$")
            lines = [line for line in lines if not nav_entry.match(line)]
    config.write_text("".join(lines), encoding="utf-8")
    return destination


def owner_names() -> list[str]:
    """The names of this project's own person, from its data/profile.yml."""
    profile = yaml.safe_load((ROOT / "data" / "profile.yml").read_text(encoding="utf-8"))
    return [profile["name"], *profile.get("name_variants", [])]


def site_texts(site: Path) -> dict[Path, str]:
    """The text of every file of the built site, the PDF's extracted text included."""
    texts = {}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            texts[path] = path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".pdf":
            from pypdf import PdfReader  # a test requirement, like this check

            reader = PdfReader(path)
            texts[path] = " ".join(page.extract_text() for page in reader.pages)
            texts[path] += " " + str(reader.metadata or "")
    return texts


def names_found(site: Path, names: list[str]) -> list[str]:
    found = []
    for path, text in site_texts(site).items():
        for name in names:
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I):
                found.append(f"{path.relative_to(site)}: {name!r}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the fork's folder and say where")
    options, pytest_args = parser.parse_known_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    folder = Path(tempfile.mkdtemp(prefix="fork-check-"))
    try:
        fork = make_fork(folder / "project")
        print(f"fork: {FORK_DATA.relative_to(ROOT)} with {', '.join(REMOVED_SECTIONS)} removed")
        site = folder / "site"
        build = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
            cwd=fork,
            env=env,
            capture_output=True,
            text=True,
        )
        if build.returncode != 0:
            print(build.stdout + build.stderr, file=sys.stderr)
            print("fork check: the fork does not build with --strict", file=sys.stderr)
            return 1
        print("fork: builds with --strict")
        found = names_found(site, owner_names())
        if found:
            print("\n".join(found), file=sys.stderr)
            print("fork check: the fork's site names this project's owner", file=sys.stderr)
            return 1
        print("fork: the built site names no one else")
        tests = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=fork, env=env)
        if tests.returncode != 0:
            print("fork check: the fork's test suite fails", file=sys.stderr)
            return 1
        print("fork check: passed")
        return 0
    finally:
        if options.keep:
            print(f"fork kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
