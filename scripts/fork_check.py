"""The fork check: does a fork made from an old release take every later release and stay
its owner's, with no conflict and no manual step?

It makes the fork a new user made from the release of 2026-11-26 (commit 0bf748e, before
versions): another (fictional) person's data from `tests/fixtures/fork/data/`, the talks,
teaching, awards and projects sections left out (files, pages and nav entries deleted, as the
README of that release said), skills removed, a home page of its own and a style rule of its own
(added to the theme's site.css, the only style file then). Then it

1. takes today's engine with `python -m macros upgrade --into FORK`, run from this checkout,
2. takes the next release (a copy of this checkout with one engine change and a changelog entry)
   with `python -m macros upgrade NEXT`, run inside the fork,
3. checks that every file of the person is byte for byte as it was (data/, their home page; and
   every person file across the second upgrade),
4. builds the fork with `mkdocs build --strict`,
5. checks that the built site names nobody else: none of this project's own names (the name and
   name variants in data/profile.yml) appears in any page, file or in the PDF,
6. runs the fork's own test suite (`python -m pytest`).

Without the project's history (a shallow clone) it starts from today's tree instead; under CI
that is a failure.

    python scripts/fork_check.py [--keep] [pytest arguments...]

Exit status 0 when all pass; otherwise the first failing step is named.
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
sys.path.insert(0, str(ROOT))  # this checkout's engine, for its ownership and file list
from macros.commands.release import SKIPPED_PARTS  # noqa: E402

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
SKIPPED = shutil.ignore_patterns(*SKIPPED_PARTS)  # the folders no release holds either
# Fetched tools the fork's tests use as they are (the Nu HTML checker): linked, not copied.
SHARED_TOOLS = (".validate",)
TEXT_SUFFIXES = {
    ".html",
    ".xml",
    ".json",
    ".txt",
    ".bib",
    ".js",
    ".css",
    ".md",
    ".yml",
    ".yaml",
    "",
}


OLD_RELEASE = "0bf748e"  # the release of 2026-11-26, before versions and before `upgrade`
OWN_HOME_PAGE_LINE = "\nWelcome: this paragraph is the fork's own.\n"
OWN_STYLE_RULE = "\n.md-typeset h1 { letter-spacing: 0.01em; }  /* the fork's own rule */\n"


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout


def has_old_release() -> bool:
    return (
        subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{OLD_RELEASE}^{{commit}}"],
            capture_output=True,
        ).returncode
        == 0
    )


def commit_all(folder: Path, message: str) -> None:
    if not (folder / ".git").exists():
        git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(
        folder,
        "-c",
        "user.name=fork",
        "-c",
        "user.email=fork@example.org",
        "commit",
        "-qm",
        message,
    )


def make_fork(destination: Path, release: str | None = OLD_RELEASE) -> Path:
    """The fork a new user made from `release` (None: today's tree): the fork person's data,
    four sections and skills left out, a home page and a style rule of its own; committed."""
    destination.mkdir(parents=True)
    if release is None:
        shutil.copytree(ROOT, destination, ignore=SKIPPED, dirs_exist_ok=True)
    else:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", release], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
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
    home = destination / "docs" / "index.md"
    home.parent.mkdir(exist_ok=True)
    engine_home = ROOT / "macros" / "pages" / "index.md"
    home.write_text((home if home.is_file() else engine_home).read_text() + OWN_HOME_PAGE_LINE)
    styles = destination / "overrides" / "assets"
    style_file = styles / ("site.css" if (styles / "site.css").is_file() else "extra.css")
    style_file.parent.mkdir(parents=True, exist_ok=True)
    before = style_file.read_text() if style_file.is_file() else ""
    style_file.write_text(before + OWN_STYLE_RULE)
    commit_all(destination, "The fork, as its owner made it")
    return destination


def next_version() -> str:
    """A version above this checkout's newest (a fork's checkout may be a 'next' already)."""
    from macros.commands.release import release_notes

    notes = release_notes((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    return f"{int(notes[0][0].split('.')[0]) + 1}.0.0" if notes else "1.0.0"


def make_next_release(destination: Path) -> Path:
    """A newer release than this checkout: the same engine with one template changed and a
    changelog entry, in a git repository of its own."""
    from macros.commands.release import project_files  # this checkout's engine

    for path in project_files(ROOT):
        target = destination / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, target)
    template = destination / "macros" / "templates" / "entries.html"
    template.write_text(template.read_text() + "{# changed in the next release #}\n")
    changelog = destination / "CHANGELOG.md"
    text = changelog.read_text()
    first = text.index("\n## ")
    changelog.write_text(
        text[: first + 1]
        + f"## {next_version()} - next\n\n- A template changed.\n\n"
        + text[first + 1 :]
    )
    commit_all(destination, "The next release")
    return destination


def person_files(project: Path) -> dict[str, bytes]:
    """Every file of the person in `project` (ownership.yml of this checkout), by path."""
    from macros.commands.ownership import read_ownership
    from macros.commands.release import project_files

    ownership = read_ownership(ROOT)
    return {
        path: (project / path).read_bytes()
        for path in project_files(project)
        if ownership.is_person(path) and path != "engine.lock"
    }


def upgrade(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "macros", "upgrade", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def upgrade_fork(folder: Path) -> tuple[Path, list[str]]:
    """The old release's fork, upgraded twice; the problems found on the way."""
    fork = make_fork(folder / "project")
    problems: list[str] = []
    before = person_files(fork)
    first = upgrade(ROOT, "--into", str(fork))
    if first.returncode != 0:
        return fork, [f"upgrade --into: exit {first.returncode}\n{first.stdout}{first.stderr}"]
    after = person_files(fork)
    for path, content in before.items():
        mine = path.startswith("data/") or path == "docs/index.md"
        if mine and after.get(path) != content:
            problems.append(f"upgrade --into changed the person's {path}")
    commit_all(fork, "Took today's engine")
    nxt = make_next_release(folder / "next")
    before = person_files(fork)
    second = upgrade(fork, str(nxt))
    if second.returncode != 0:
        return fork, [f"upgrade NEXT: exit {second.returncode}\n{second.stdout}{second.stderr}"]
    if person_files(fork) != before:
        problems.append("upgrade NEXT changed a file of the person")
    notes = f"{next_version()} - next"
    if notes not in second.stdout or "A template changed." not in second.stdout:
        problems.append(f"upgrade NEXT printed no release notes:\n{second.stdout}")
    template = (fork / "macros" / "templates" / "entries.html").read_text()
    if "changed in the next release" not in template:
        problems.append("upgrade NEXT did not take the changed template")
    return fork, problems


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
        if has_old_release():
            fork, problems = upgrade_fork(folder)
            if problems:
                print("\n".join(problems), file=sys.stderr)
                print("fork check: the fork does not take the new releases", file=sys.stderr)
                return 1
            print(f"fork: made from {OLD_RELEASE}, took today's engine and the next release")
        elif os.environ.get("CI"):
            print(f"fork check: no commit {OLD_RELEASE} (a shallow clone?)", file=sys.stderr)
            return 1
        else:
            fork = make_fork(folder / "project", release=None)
        for tool in SHARED_TOOLS:
            if (ROOT / tool).is_dir() and not (fork / tool).exists():
                (fork / tool).symlink_to(ROOT / tool, target_is_directory=True)
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
