"""`python -m macros upgrade`: take a newer release of the engine into a site.

Only engine files are replaced (ownership.yml says which); an engine file the person changed
stops the upgrade (exit 3) unless they keep theirs; the migrations of the releases crossed
carry the person's files over; then `check` and a strict build must pass, or everything is
put back as it was. It always runs with the newer release's code: inside a site, it fetches the
release and hands over to `upgrade --into SITE` run from there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .migrations import Migration, steps_between
from .release import LOCK, Release, blob_id, project_files, read_release, version_key

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PERSON_CHANGES = 0, 1, 2, 3
CACHE = ".cache"
BEFORE_VERSIONS = "0.9.0"  # a site without engine.lock took a release from before versions


class UpgradeFailed(Exception):
    """The upgrade could not finish; the site is as it was."""


@dataclass
class Plan:
    """What the upgrade does to the site's engine files."""

    write: dict[str, bytes] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    person_changed: list[str] = field(default_factory=list)  # engine files the person edited
    foreign: list[str] = field(default_factory=list)  # files in engine paths the engine never had


def read_lock(site: Path) -> dict[str, object]:
    path = site / LOCK
    if not path.is_file():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        message = f"{LOCK}: not JSON ({error}); delete it to compare by history"
        raise UpgradeFailed(message) from None
    return loaded if isinstance(loaded, dict) else {}


def plan_upgrade(site: Path, release: Release, lock: dict[str, object]) -> Plan:
    """Compare the site's engine files with the release's, telling the person's edits apart
    from older engine versions by the lock (or, without one, by the engine's git history)."""
    locked = lock.get("files") if isinstance(lock.get("files"), dict) else {}
    assert isinstance(locked, dict)

    def untouched(path: str, content: bytes) -> bool:
        return locked.get(path) == blob_id(content) or release.shipped(path, content)

    plan = Plan()
    for path, new in release.files.items():
        target = site / path
        current = target.read_bytes() if target.is_file() else None
        if current == new:
            continue
        if current is None or untouched(path, current):
            plan.write[path] = new
        else:
            plan.person_changed.append(path)
    for path in project_files(site):
        if path in release.files or release.ownership.is_person(path) or path == LOCK:
            continue
        if path in locked or release.history.get(path):
            content = (site / path).read_bytes()
            if untouched(path, content):
                plan.remove.append(path)
            else:
                plan.person_changed.append(path)
        else:
            plan.foreign.append(path)
    plan.person_changed.sort()
    return plan


class Snapshot:
    """The site's files as they were, to put back if anything fails."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.files = {p: (site / p).read_bytes() for p in project_files(site)}
        # The build's cache (cards, resized images) only grows during an upgrade: what it adds
        # is taken away again.
        self.cache = set(self._cache_files())

    def _cache_files(self) -> list[Path]:
        folder = self.site / CACHE
        return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []

    def restore(self) -> None:
        for path in self._cache_files():
            if path not in self.cache:
                path.unlink()
        if not self.cache and (self.site / CACHE).is_dir():
            shutil.rmtree(self.site / CACHE)
        for path in project_files(self.site):
            if path not in self.files:
                (self.site / path).unlink()
                folder = (self.site / path).parent
                while folder != self.site and not any(folder.iterdir()):
                    folder.rmdir()  # a folder the upgrade made
                    folder = folder.parent
        for path, content in self.files.items():
            target = self.site / path
            if not target.is_file() or target.read_bytes() != content:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)


def _run(site: Path, *command: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, *command], cwd=site, capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise UpgradeFailed(f"`{' '.join(command)}` failed after upgrading:\n{tail}")


def upgrade_into(site: Path, template: Path, keep_mine: bool = False, build: bool = True) -> int:
    """Take the engine of `template` (this code's own checkout) into `site`."""
    try:
        release = read_release(template)
        lock = read_lock(site)
    except (OSError, ValueError, UpgradeFailed, subprocess.CalledProcessError) as error:
        print(f"upgrade: {error}", file=sys.stderr)
        return EXIT_FAILED
    old = str(lock.get("version") or BEFORE_VERSIONS)
    plan = plan_upgrade(site, release, lock)
    if plan.person_changed and not keep_mine:
        print(
            "upgrade: you changed these engine files since the release you took; nothing was"
            " changed. Move your change to a file of yours (see ownership.yml and the README),"
            " or run again with --keep-mine to keep your version of each:",
            *(f"  {path}" for path in plan.person_changed),
            sep="\n",
            file=sys.stderr,
        )
        return EXIT_PERSON_CHANGES
    snapshot = Snapshot(site)
    try:
        for path, content in plan.write.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(content)
        for path in plan.remove:
            (site / path).unlink()
        changes: list[str] = []
        for version, title, steps in steps_between(old, release.version):
            migration = Migration()
            for step in steps:
                step(site, release, migration)
            changes += [f"{version} ({title}): {change}" for change in migration.changes]
        _run(site, "-m", "macros", "check")
        if build:
            with tempfile.TemporaryDirectory(prefix="upgrade-build-") as out:
                _run(site, "-m", "mkdocs", "build", "--strict", "--site-dir", out)
        _write_lock(site, release, plan)
    except (OSError, UnicodeDecodeError, UpgradeFailed) as error:
        snapshot.restore()
        print(f"upgrade: {error}\nNothing was changed.", file=sys.stderr)
        return EXIT_FAILED
    except BaseException:
        snapshot.restore()
        raise
    _report(release, old, plan, changes)
    return EXIT_OK


def _write_lock(site: Path, release: Release, plan: Plan) -> None:
    files = {path: blob_id(content) for path, content in sorted(release.files.items())}
    lock = {"version": release.version, "commit": release.commit, "files": files}
    (site / LOCK).write_text(json.dumps(lock, indent=1) + "\n", encoding="utf-8")


def _report(release: Release, old: str, plan: Plan, changes: list[str]) -> None:
    print(
        f"Upgraded the engine from {old} to {release.version}: {len(plan.write)} file(s)"
        f" written, {len(plan.remove)} removed."
    )
    for path in plan.person_changed:
        print(f"  kept yours: {path}")
    for path in plan.foreign:
        print(f"  not the engine's, left as it is: {path}")
    for change in changes:
        print(f"  {change}")
    crossed = [
        text
        for version, text in release.notes
        if version_key(old) < version_key(version) <= version_key(release.version)
    ]
    if crossed:
        print("\nRelease notes:\n")
        print("\n".join(text.strip() + "\n" for text in reversed(crossed)))


def upgrade_from(site: Path, source: str | None, keep_mine: bool, build: bool = True) -> int:
    """Inside a site: get the release at `source` (a path, a git URL, or a remote's name;
    `upstream` by default) and run its own `upgrade --into` on this site."""
    source = source or "upstream"
    with tempfile.TemporaryDirectory(prefix="upgrade-source-") as scratch:
        path = Path(source).expanduser()
        if not path.is_dir():
            url = source
            if "/" not in source and ":" not in source:  # a remote's name
                try:
                    url = subprocess.run(
                        ["git", "-C", str(site), "remote", "get-url", source],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout.strip()
                except (OSError, subprocess.CalledProcessError):
                    print(f"upgrade: no path or git remote called {source!r}", file=sys.stderr)
                    return EXIT_USAGE
            path = Path(scratch) / "template"
            clone = subprocess.run(
                ["git", "clone", "--quiet", url, str(path)], capture_output=True, text=True
            )
            if clone.returncode != 0:
                print(f"upgrade: cannot clone {url}: {clone.stderr.strip()}", file=sys.stderr)
                return EXIT_FAILED
        if not (path / "macros" / "__main__.py").is_file():
            print(f"upgrade: {source} is not a checkout of the template", file=sys.stderr)
            return EXIT_FAILED
        command = [sys.executable, "-m", "macros", "upgrade", "--into", str(site.resolve())]
        command += ["--keep-mine"] if keep_mine else []
        command += [] if build else ["--no-build"]
        return subprocess.run(command, cwd=path).returncode
