"""The same site builds with ProperDocs, the maintained drop-in fork of MkDocs 1.6 (Material
for MkDocs reaches end of life in May 2027): every page and file comes out the same."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import run_build
from pypdf import PdfReader

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def properdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "properdocs", "build", "--strict", "--site-dir", str(site)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)


def files_of(site: Path) -> dict[str, Path]:
    return {str(p.relative_to(site)): p for p in site.rglob("*") if p.is_file()}


def test_properdocs_builds_the_same_site(project: Path, tmp_path: Path) -> None:
    mkdocs = run_build(project, tmp_path / "mkdocs")
    assert mkdocs.returncode == 0, mkdocs.output
    result = properdocs_build(project, tmp_path / "properdocs")
    assert result.returncode == 0, result.stdout + result.stderr
    ours, theirs = files_of(tmp_path / "mkdocs"), files_of(tmp_path / "properdocs")
    assert sorted(ours) == sorted(theirs)
    for name, path in ours.items():
        if name.endswith(".pdf"):  # typeset at different moments: compare what they say
            texts = [
                " ".join(p.extract_text() for p in PdfReader(f).pages) for f in (path, theirs[name])
            ]
            assert texts[0] == texts[1], name
            continue
        contents = [f.read_bytes() for f in (path, theirs[name])]
        if name.endswith(".gz"):  # the gzip header holds the time it was written
            contents = [gzip.decompress(c) for c in contents]
        a, b = (GENERATOR.sub(b"", c) for c in contents)
        assert a == b, name
