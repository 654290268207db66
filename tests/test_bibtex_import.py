"""`python -m macros import-bibtex`: DBLP / Google Scholar entries in, duplicates and junk out."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PERSON, ROOT
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from macros.commands.bibtex_import import import_bibtex
from macros.data.loader import DataError, load_section, load_site_data

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


# --- duplicates: DOIs in any case, arXiv ids with or without version --------------------------

KNOWN = """\
- id: known2023paper
  title: A Known Paper
  authors: [Ada Example]
  venue: Journal of Examples
  year: 2023
  type: journal
  doi: 10.1000/Known.Paper-2023
- id: known2024preprint
  title: A Known Preprint
  authors: [Ada Example]
  venue: arXiv
  year: 2024
  type: preprint
  arxiv: "2401.01234v2"
- id: known2022unversioned
  title: An Unversioned Preprint
  authors: [Ada Example]
  venue: arXiv
  year: 2022
  type: preprint
  arxiv: "2202.05678"
"""
QUICK = settings(max_examples=60, deadline=None, derandomize=True, database=None)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A publications.yml with a DOI in mixed case and arXiv ids with and without version
    (only dry runs read it: it never changes)."""
    path = tmp_path_factory.mktemp("known") / "publications.yml"
    path.write_text(KNOWN, encoding="utf-8")
    return path


def case_variants(text: str) -> st.SearchStrategy[str]:
    """`text` with any of its letters in upper or lower case."""
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(text, upper, strict=True)
        )
    )


def other_paper(key: str, extra: str) -> str:
    """A BibTeX entry that shares nothing with the known papers but `extra` (a DOI or an
    arXiv id): only that field can make it a duplicate."""
    return (
        f"@article{{{key}, title={{Entirely Different Work {key}}}, author={{Other, Bo}},"
        f" journal={{Other Journal}}, year={{2025}}, {extra}}}\n"
    )


@QUICK
@given(
    doi=case_variants("10.1000/Known.Paper-2023"),
    prefix=st.sampled_from(["", "https://doi.org/", "http://dx.doi.org/"]),
)
def test_a_doi_is_the_same_in_any_case(known: Path, doi: str, prefix: str) -> None:
    """DOIs are case-insensitive (DOI Handbook 2.4): a case variant of a known DOI is the
    known paper, whatever its title says."""
    report = import_bibtex(other_paper("new", f"doi={{{prefix}{doi}}}"), known, dry_run=True)
    added = [(p.id, p.doi) for p in report.added]
    assert report.skipped == [("new", "duplicate of known2023paper (same DOI)")], added


@QUICK
@given(first=case_variants("10.2000/New.Paper-X"), second=case_variants("10.2000/New.Paper-X"))
def test_a_doi_is_the_same_in_any_case_within_one_file(
    known: Path, first: str, second: str
) -> None:
    bib = other_paper("a", f"doi={{{first}}}") + other_paper("b", f"doi={{{second}}}")
    report = import_bibtex(bib, known, dry_run=True)
    added = [(p.id, p.doi) for p in report.added]
    assert report.skipped == [("b", "duplicate of other2025entirely (same DOI)")], added
    assert added == [("other2025entirely", first)]


@QUICK
@given(
    which=st.sampled_from(
        [("2401.01234", "known2024preprint"), ("2202.05678", "known2022unversioned")]
    ),
    version=st.sampled_from(["", "v1", "v2", "v13"]),
    field=st.sampled_from(
        [
            "eprint={{{id}}}, archiveprefix={{arXiv}}",
            "eprint={{arXiv:{id}}}",
            "url={{https://arxiv.org/abs/{id}}}",
            "volume={{abs/{id}}}, journal={{CoRR}}",
        ]
    ),
)
def test_an_arxiv_id_is_the_same_with_or_without_version(
    known: Path, which: tuple[str, str], version: str, field: str
) -> None:
    """One preprint, whichever version a .bib names and whichever the file keeps."""
    arxiv, known_id = which
    bib = other_paper("new", field.format(id=arxiv + version)).replace(
        "journal={Other Journal}, ", "" if "journal" in field else "journal={Other Journal}, "
    )
    report = import_bibtex(bib, known, dry_run=True)
    assert report.skipped == [("new", f"duplicate of {known_id} (same arXiv id)")], bib


# --- every existing byte stays, whatever the file ends with ----------------------------------

HEADER = "# yaml-language-server: $schema=../schemas/publications.schema.json\n"
ONE_ENTRY = (
    "- id: known2020paper\n  title: A Known Paper\n  authors: [Ada Example]\n"
    "  venue: Journal of Examples\n  year: 2020\n  type: journal"
)
NEW_BIB = "@article{k, title={A New Paper}, author={Other, Bo}, journal={J}, year={2021}}\n"


def existing_file(bom: bool, header: bool, body: str, tail: list[str], crlf: bool) -> str:
    """A publications.yml as people leave them: with or without a byte-order mark and the
    schema line, one entry, `[]` or nothing, then any end (blank lines, spaces, tabs, comments,
    no final newline), with LF or CRLF line ends."""
    text = ("\ufeff" if bom else "") + (HEADER if header else "") + body + "".join(tail)
    return text.replace("\n", "\r\n") if crlf else text


existing_files = st.builds(
    existing_file,
    bom=st.booleans(),
    header=st.booleans(),
    body=st.sampled_from([ONE_ENTRY, "[]", ""]),
    tail=st.lists(
        st.sampled_from(["\n", "\n\n", " ", "\t", "\n# the end", "\n  # indented", " # note"]),
        max_size=5,
    ),
    crlf=st.booleans(),
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(before=existing_files)
def test_import_keeps_every_existing_byte(
    tmp_path_factory: pytest.TempPathFactory, before: str
) -> None:
    """The new file starts with the old one, byte for byte (but a lone `[]`, which the new
    entries replace), and holds the old entries and then the new one."""
    pubs = tmp_path_factory.mktemp("keep") / "publications.yml"
    pubs.write_bytes(before.encode())
    try:
        old_ids = [p.id for p in load_section(pubs, "publications")]
    except DataError:  # a tab where YAML reads indentation: not a file the site would load
        assume(False)
    report = import_bibtex(NEW_BIB, pubs)
    assert [p.id for p in report.added] == ["other2021new"], report.lines()
    after = pubs.read_bytes().decode()
    kept = before
    if old_ids == [] and "[]" in before:  # `[]` goes (with blanks after it that hold a tab,
        # which YAML allows after a token but not at the start of a line)
        kept = re.sub(r"\[\]([ \t]*)", lambda m: "" if "\t" in m[1] else m[1], before, count=1)
    assert after.startswith(kept), f"{before!r} became {after[: len(before) + 20]!r}..."
    assert [p.id for p in load_section(pubs, "publications")] == [*old_ids, "other2021new"]
    if "\r\n" in before:  # the new lines end as the file's do
        assert "\n" not in after[len(kept) :].replace("\r\n", ""), after[len(kept) :]
