"""`python -m macros upgrade`: engine files only, the person's edits stop it (or are kept),
removed engine files go, and any failure leaves the site exactly as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FORK_DATA, ROOT

from macros.commands.release import project_files

sys.path.insert(0, str(ROOT / "scripts"))
import fork_check


def tree_hash(folder: Path) -> str:
    """Every file of a folder but git's own and Python's caches, paths and bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and ".git" not in parts[:1] and "__pycache__" not in parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def upgrade(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return fork_check.upgrade(cwd, *args)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newer release: this checkout's engine with one template changed, one script gone,
    and a changelog entry; in a git repository of its own."""
    folder = fork_check.make_next_release(tmp_path_factory.mktemp("next") / "t")
    (folder / "scripts" / "audit.py").unlink()
    fork_check.commit_all(folder, "audit.py is gone")
    return folder


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site on today's engine (its lock written by an upgrade from this checkout)."""
    folder = tmp_path / "site"
    for path in project_files(ROOT):
        if not path.startswith("data/"):
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / path, folder / path)
    shutil.copytree(FORK_DATA, folder / "data")
    fork_check.commit_all(folder, "a site")
    result = upgrade(ROOT, "--into", str(folder), "--no-build")
    assert result.returncode == 0, result.stderr
    assert (folder / "engine.lock").is_file()
    fork_check.commit_all(folder, "locked")
    return folder


def test_an_upgrade_replaces_engine_files_only(site: Path, template: Path) -> None:
    mine = {p: (site / p).read_bytes() for p in ("data/profile.yml", "mkdocs.yml")}
    result = upgrade(site, str(template), "--no-build")
    assert result.returncode == 0, result.stderr
    assert "changed in the next release" in (site / "macros/templates/entries.html").read_text()
    assert not (site / "scripts" / "audit.py").exists()  # the release no longer has it
    assert {p: (site / p).read_bytes() for p in mine} == mine
    notes = f"{fork_check.next_version()} - next"
    assert notes in result.stdout and "A template changed." in result.stdout


def test_an_engine_file_the_person_changed_stops_the_upgrade(site: Path, template: Path) -> None:
    edited = site / "macros" / "templates" / "entries.html"
    edited.write_text(edited.read_text() + "{# mine #}\n")
    removed_but_mine = site / "scripts" / "audit.py"
    removed_but_mine.write_text(removed_but_mine.read_text() + "# mine\n")
    before = tree_hash(site)
    result = upgrade(site, str(template), "--no-build")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "macros/templates/entries.html" in result.stderr
    assert "scripts/audit.py" in result.stderr
    assert tree_hash(site) == before
    kept = upgrade(site, str(template), "--no-build", "--keep-mine")
    assert kept.returncode == 0, kept.stderr
    assert edited.read_text().endswith("{# mine #}\n") and removed_but_mine.is_file()
    assert "kept yours: macros/templates/entries.html" in kept.stdout


def test_a_failing_build_undoes_everything(site: Path, template: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(template, broken)
    theme = broken / "macros" / "theme" / "main.html"  # on every page of every site
    theme.write_text(theme.read_text() + "\n{% if %}\n")
    fork_check.commit_all(broken, "a broken release")
    before = tree_hash(site)
    result = upgrade(site, str(broken))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "main.html" in result.stderr and "Nothing was changed." in result.stderr
    assert tree_hash(site) == before


def test_bad_arguments_and_sources(site: Path) -> None:
    assert upgrade(ROOT, "somewhere", "--into", str(site)).returncode == 2
    assert upgrade(ROOT, "--into", str(site / "data")).returncode == 2  # not a site
    before = tree_hash(site)
    assert upgrade(site, "no-such-remote").returncode == 2
    assert upgrade(site, str(site / "data")).returncode == 1  # not the template
    assert tree_hash(site) == before


@pytest.mark.skipif(not fork_check.has_old_release(), reason="needs the project's git history")
def test_a_fork_of_the_old_release_takes_every_later_one(tmp_path: Path) -> None:
    """Made at 0bf748e with its own data, home page and style rule; `upgrade --into`, then the
    next release with `upgrade`: no conflict, the person's files as they were, strict build."""
    fork, problems = fork_check.upgrade_fork(tmp_path)
    assert problems == []
    assert "letter-spacing: 0.01em" in (fork / "overrides" / "assets" / "extra.css").read_text()
    assert not (fork / "overrides" / "main.html").exists()
    assert (fork / "mkdocs.yml").read_text().startswith("# Your site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=fork,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr
    home = (tmp_path / "out" / "index.html").read_text()
    assert "this paragraph is the fork" in home and "letter-spacing: 0.01em" in home
    assert not (tmp_path / "out" / "talks").exists()
