"""Hash-lock the pinned requirements files for pip's hash-checking mode.

Every `name==version` line gets the sha256 of each file of that version on the package index
(the wheels for every platform and Python, and the sdist), so the files install the same on
Linux, macOS and Windows. With no arguments it locks requirements.txt and requirements-dev.txt:

    python scripts/lock_requirements.py [FILE ...]

To update a pin, change its version (or add a `name==version` line) and run this; comments,
blank lines and `-r` lines are kept as they are, and a line's old hashes are replaced. The index
is pip's own default, or the one in the environment variable PIP_INDEX_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
FILES = ("requirements.txt", "requirements-dev.txt")
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"  # the index's JSON API (PEP 691)


def default_index() -> str:
    """PIP_INDEX_URL if set, else pip's default index."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    from pip._internal.models.index import PyPI  # pip's default, as `pip install` uses it

    return PyPI.simple_url


def pinned(line: str) -> tuple[str, Version] | None:
    """The name and version of a `name==version` requirement line, None for any other line."""
    text = line.strip()
    if not text or text.startswith(("#", "-")):
        return None
    if " #" in text:  # pip would read the hashes that follow as part of the comment
        raise SystemExit(f"a comment goes on a line of its own, not after a requirement: {text}")
    requirement = Requirement(text)
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1 or specifiers[0].operator != "==":
        raise SystemExit(f"not pinned with ==: {text}")
    return requirement.name, Version(specifiers[0].version)


def file_version(filename: str) -> tuple[str, Version] | None:
    """The project name and version a distribution file is of, None if not a wheel or sdist."""
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
        else:
            name, version = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return name, version


def hashes(index: str, name: str, version: Version) -> list[str]:
    """The sha256 of every wheel and sdist of name==version on the index, sorted."""
    request = urllib.request.Request(
        f"{index.rstrip('/')}/{canonicalize_name(name)}/", headers={"Accept": SIMPLE_JSON}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    found = sorted(
        file["hashes"]["sha256"]
        for file in files
        if file_version(file["filename"]) == (canonicalize_name(name), version)
    )
    if not found:
        raise SystemExit(f"no files of {name}=={version} on {index}")
    return found


def logical_lines(text: str) -> list[str]:
    """The file's lines with backslash continuations joined (as pip reads them)."""
    lines: list[str] = []
    pending = ""
    for line in text.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
        else:
            lines.append(pending + line)
            pending = ""
    if pending:
        lines.append(pending)
    return lines


def lock(path: Path, index: str) -> int:
    """Rewrite one requirements file with fresh hashes; the number of requirements locked."""
    lines = logical_lines(path.read_text(encoding="utf-8"))
    specs = [line.split(" --hash=")[0].strip() for line in lines]
    pins = {spec: pinned(spec) for spec in specs}
    wanted = [pin for pin in pins.values() if pin]
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = dict(zip(wanted, pool.map(lambda pin: hashes(index, *pin), wanted), strict=True))
    out = []
    for line, spec in zip(lines, specs, strict=True):
        pin = pins[spec]
        if pin is None:
            out.append(line)
        else:
            out.append(" \\\n".join([spec, *(f"    --hash=sha256:{h}" for h in found[pin])]))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(wanted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[ROOT / name for name in FILES])
    parser.add_argument("--index-url", default=default_index(), help="simple index (PEP 691)")
    options = parser.parse_args()
    for path in options.files:
        count = lock(path, options.index_url)
        print(f"{path.name}: {count} requirements locked", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
