"""The core outlives MkDocs: every module but the adapter imports without it; the registry is
the one list of sections; periods and keys are read as a person means them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from macros.data.loader import DataError, load_site_data

ADAPTER = "adapter"  # the only folder whose modules may import MkDocs
CORE = sorted(
    ".".join(path.relative_to(ROOT / "macros").with_suffix("").parts)
    for path in (ROOT / "macros").rglob("*.py")
    if path.relative_to(ROOT / "macros").parts[0] != ADAPTER and path.stem != "__main__"
)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_without_mkdocs(module: str) -> None:
    name = "macros." + module.removesuffix(".__init__").removesuffix("__init__")
    name = name.rstrip(".")
    code = (
        f"import sys, {name}\n"
        "found = sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('mkdocs', 'material', 'mkdocs_macros'))\n"
        "print(','.join(found))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{name} imports {result.stdout.strip()}"


def test_the_package_still_offers_define_env() -> None:
    import macros

    assert callable(macros.define_env)


def write(data_dir: Path, name: str, text: str) -> None:
    (data_dir / f"{name}.yml").write_text(text, encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    write(data, "profile", "name: Ada Example\n")
    return data


def test_only_the_profile_is_required(data_dir: Path) -> None:
    site = load_site_data(data_dir)
    assert site.talks == () and site.publications == ()
    assert [s.name for s in site.cv_sections() if site.views(s)] == []


def test_a_period_may_end_in_the_year_it_started(data_dir: Path) -> None:
    write(
        data_dir,
        "education",
        "- {institution: U, degree: B, start: 2024-09, end: 2024}\n"
        "- {institution: V, degree: C, start: 2024-09-30, end: 2024-09}\n",
    )
    assert len(load_site_data(data_dir).education) == 2
    write(data_dir, "education", "- {institution: U, degree: B, start: 2024-09, end: 2024-08}\n")
    with pytest.raises(DataError, match=r"end \(2024-08\) is before start \(2024-09\)"):
        load_site_data(data_dir)


def test_unknown_key_with_a_capital_is_named_at_its_own_line(data_dir: Path) -> None:
    write(
        data_dir,
        "publications",
        "- id: p1\n  title: T\n  authors: [A]\n  venue: V\n  year: 2020\n  Venue: W\n",
    )
    with pytest.raises(DataError) as caught:
        load_site_data(data_dir)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (6, "Venue"), problem
    assert "unknown field" in str(problem)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("title: Service\nentries:\n  - {titel: Reviewer}\n", ":3:6:", "field 'titel'"),
        (
            "title: Service\nentries:\n  - {title: R, start: 2025, years: [2025]}\n",
            ":3:5:",
            "either `start`/`end` or `years`",
        ),
        ("- {title: Reviewer}\n", ":1:1:", "a section of your own is a mapping with `title:`"),
        ("entries: []\n", ":1:1:", "field 'title': this required field is missing"),
    ],
)
def test_mistakes_in_a_section_of_ones_own(
    data_dir: Path, text: str, where: str, words: str
) -> None:
    write(data_dir, "service", text)
    with pytest.raises(DataError) as caught:
        load_site_data(data_dir)
    message = str(caught.value)
    assert f"data/service.yml{where}" in message and words in message, message


def test_cv_order_is_the_users_and_checked(data_dir: Path) -> None:
    write(data_dir, "service", "title: Service\nentries: [{title: Reviewer}]\n")
    write(data_dir, "talks", "- {title: T, event: E, year: 2020}\n")
    write(data_dir, "profile", "name: Ada Example\nsite:\n  cv_sections: [service, talks]\n")
    site = load_site_data(data_dir)
    assert [s.name for s in site.cv_sections()][:3] == ["service", "talks", "education"]
    write(data_dir, "profile", "name: Ada Example\nsite:\n  cv_sections: [servce]\n")
    with pytest.raises(DataError, match=r"profile.yml:3:17: .*no CV section is called 'servce'"):
        load_site_data(data_dir)
