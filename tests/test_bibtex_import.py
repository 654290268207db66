"""`python -m macros import-bibtex`: DBLP / Google Scholar entries in, duplicates and junk out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import PERSON, ROOT

from macros.commands.bibtex_import import import_bibtex
from macros.data.loader import load_section, load_site_data

FIXTURE = (ROOT / "tests" / "fixtures" / "dblp.bib").read_text(encoding="utf-8")


def test_import_appends_new_entries_and_keeps_the_file(project: Path) -> None:
    pubs = project / "data" / "publications.yml"
    before = pubs.read_text(encoding="utf-8")
    report = import_bibtex(FIXTURE, pubs)
    after = pubs.read_text(encoding="utf-8")
    assert after.startswith(before), "existing text, comments and order must be untouched"
    assert [p.id for p in report.added] == ["muller2023cafe", "vasquezthorn2022early"]
    skipped = dict(report.skipped)
    assert skipped["DBLP:journals/jcc/LindqvistVO24"] == (
        "duplicate of vasquezthorn2024quiet (same title)"
    )
    assert skipped["DBLP:journals/corr/abs-2501-01234"] == (
        "duplicate of vasquezthorn2025lattice (same arXiv id)"
    )
    assert skipped["noyear"] == "it has no usable year (got None)"
    assert skipped["line 56"] == "not a well-formed BibTeX entry"
    loaded = {p.id: p for p in load_section(pubs, "publications")}
    cafe = loaded["muller2023cafe"]
    assert cafe.title == "Café Scheduling & Friends: A Study of GPU Kernels"
    assert [a.name for a in cafe.authors] == ["Anna Müller", PERSON, "Pat O'Neil"]
    assert cafe.type == "journal" and cafe.venue == "Journal of Examples" and cafe.year == 2023
    assert cafe.doi == "10.1000/Example.2023"
    workshop = loaded["vasquezthorn2022early"]
    assert workshop.type == "workshop" and [a.name for a in workshop.authors] == [PERSON]
    load_site_data(project / "data")  # the whole site still validates


def test_import_is_idempotent(project: Path) -> None:
    pubs = project / "data" / "publications.yml"
    import_bibtex(FIXTURE, pubs)
    once = pubs.read_text(encoding="utf-8")
    report = import_bibtex(FIXTURE, pubs)
    assert report.added == [] and pubs.read_text(encoding="utf-8") == once
    assert dict(report.skipped)["example2023journal"] == "duplicate of muller2023cafe (same DOI)"


def test_duplicates_within_one_file_and_dblp_homonym_numbers(project: Path) -> None:
    bib = """
@inproceedings{a, title={Same Title}, author={Fan Yang 0001 and Li Wei}, booktitle={C}, year={2021}}
@inproceedings{b, title={Same  title!}, author={Other Person}, booktitle={C}, year={2021}}
"""
    report = import_bibtex(bib, project / "data" / "publications.yml")
    assert [a.name for a in report.added[0].authors] == ["Fan Yang", "Li Wei"]
    assert report.skipped == [("b", "duplicate of yang2021same (same title)")]


def test_dry_run_changes_nothing(project: Path) -> None:
    pubs = project / "data" / "publications.yml"
    before = pubs.read_text(encoding="utf-8")
    report = import_bibtex(FIXTURE, pubs, dry_run=True)
    assert len(report.added) == 2 and pubs.read_text(encoding="utf-8") == before


def test_import_into_an_empty_file(project: Path) -> None:
    pubs = project / "data" / "publications.yml"
    pubs.write_text("# yaml-language-server: $schema=../schemas/publications.schema.json\n[]\n")
    report = import_bibtex(FIXTURE, pubs)
    assert len(report.added) == 4  # nothing to be a duplicate of
    assert len(load_section(pubs, "publications")) == 4
    assert pubs.read_text().startswith("# yaml-language-server")


def test_command_line(project: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "macros",
            "--project",
            str(project),
            "import-bibtex",
            str(ROOT / "tests" / "fixtures" / "dblp.bib"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "added   muller2023cafe: Café Scheduling & Friends" in result.stdout
    assert "skipped noyear: it has no usable year" in result.stdout
    assert "2 added, 4 skipped." in result.stdout
    assert result.stderr == ""
