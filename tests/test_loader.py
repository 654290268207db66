"""The data contract: valid data loads; every kind of mistake names file, line, entry and field."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import get_args

import pytest
from conftest import FIXTURE_DATA, PERSON, line_of
from pydantic import BaseModel

from macros.data.loader import DataError, load_site_data
from macros.data.model import Profile
from macros.data.sections import SECTION_FILES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_site_data(data_dir)
    return [str(p) for p in caught.value.problems]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_real_data_is_valid() -> None:
    load_site_data(ROOT / "data")


def test_fixture_data_loads_as_written() -> None:
    site = load_site_data(FIXTURE_DATA)
    assert site.profile.name == PERSON
    lattice = site.publication_by_id["vasquezthorn2025lattice"]
    assert lattice.authors[-1].name == "Priya Dunmore" and lattice.authors[-1].corresponding
    assert lattice.authors[0].name == PERSON and lattice.authors[0].equal_contribution
    assert lattice.authors[2].name == "王小明"
    assert [e.end for e in site.education] == ["present", "2021-06-30"]
    assert [n.date for n in site.news] == ["2025-03-14", "2024-11", "2023"]


def test_unknown_key_is_an_error_with_its_line(data_dir: Path) -> None:
    pubs = data_dir / "publications.yml"
    replace(pubs, '  title: "Quiet', '  titel: "Quiet')
    found = problems(data_dir)
    line = line_of(pubs, "titel:")
    assert any(
        p.startswith(
            f"data/publications.yml:{line}:3: publications entry 2 (id 'vasquezthorn2024quiet')"
        )
        and "field 'titel': unknown field" in p
        and "title" in p
        for p in found
    ), found
    # The missing title is reported too, at the entry.
    assert any("field 'title': this required field is missing" in p for p in found), found


@pytest.mark.parametrize(
    ("file", "old", "new", "field", "words"),
    [
        ("publications.yml", "  year: 2024", "  year: twenty", "year", "integer"),
        ("publications.yml", "  year: 2024", "  year: 1800", "year", "greater than or equal"),
        ("publications.yml", "type: conference", "type: blogpost", "type", "conference"),
        (
            "publications.yml",
            "https://code.example.org/evthorn/lattice",
            "javascript:alert(1)",
            "links.code",
            "http(s)://",
        ),
        ("publications.yml", "selected: true", "selected: maybe", "selected", "boolean"),
        ("experience.yml", "start: 2024-05", "start: 2024-13", "start", "month must be in 1..12"),
        ("experience.yml", "start: 2024-05", "start: May 2024", "start", "YYYY-MM"),
        ("experience.yml", "end: 2022-09", "end: 2019-01", "", "end (2019-01) is before start"),
        ("profile.yml", "email: elena@", "email: elena-at-", "email", "e-mail address"),
        (
            "profile.yml",
            "url: https://code.example.org/evthorn",
            "url: ftp://x.org",
            "links[1].url",
            "http",
        ),
        ("awards.yml", "category: honor", "category: medal", "category", "scholarship"),
        ("awards.yml", "years: [2018]", "years: []", "years", "at least 1"),
        ("news.yml", "date: 2024-11", "date: 2024-02-30", "date", "not a real date"),
        ("teaching.yml", "term: Fall", "term: Autumn", "term", "Spring"),
        # Text or a list of texts: the member of the value's own type says what is wrong.
        (
            "service.yml",
            "details: Reviewed **six** papers.",
            'details: "\\x07Six"',
            "details",
            "U+0007",
        ),
        (
            "service.yml",
            "details: Reviewed **six** papers.",
            'details: ["\\x07Six"]',
            "details[1]",
            "U+0007",
        ),
    ],
)
def test_bad_values_name_file_line_and_field(
    data_dir: Path, file: str, old: str, new: str, field: str, words: str
) -> None:
    replace(data_dir / file, old, new)
    found = problems(data_dir)
    assert len(found) == 1, found
    # A wrong value points at the value; a rule over the whole entry points at the entry.
    needle = new if field else "- organization: Saltmarsh Research"
    line = line_of(data_dir / file, needle)
    message = found[0]
    assert message.startswith(f"data/{file}:{line}:"), message
    assert " entry " in message or file == "profile.yml", message
    if field:
        assert f"field '{field}'" in message, message
    assert words in message, message


def test_a_value_of_no_type_of_a_union_names_the_field_as_written(data_dir: Path) -> None:
    """`details` is text or a list of texts: a number is neither, said of `details` itself
    (never of pydantic's names for the union's members). (A mapping is text per language.)"""
    replace(data_dir / "service.yml", "details: Reviewed **six** papers.", "details: 12")
    found = problems(data_dir)
    line = line_of(data_dir / "service.yml", "details: 12")
    assert [p.split(": field ")[1].split(":")[0] for p in found] == ["'details'", "'details'"]
    assert all(p.startswith(f"data/service.yml:{line}:") for p in found), found
    assert "valid string" in found[0] and "valid list" in found[1], found


def test_nested_unknown_key_in_author(data_dir: Path) -> None:
    pubs = data_dir / "publications.yml"
    replace(
        pubs,
        "{name: Priya Dunmore, corresponding: true}",
        "{name: Priya Dunmore, corresponding_author: true}",
    )
    (message,) = problems(data_dir)
    assert message.startswith(f"data/publications.yml:{line_of(pubs, 'corresponding_author')}:")
    assert "field 'authors[4].corresponding_author': unknown field" in message
    assert "equal_contribution" in message


def test_yaml_syntax_error_has_line_and_column(data_dir: Path) -> None:
    (data_dir / "talks.yml").write_text("- title: A talk\n  event: [TVM\n  year: 2023\n")
    (message,) = problems(data_dir)
    assert message.startswith("data/talks.yml:"), message
    assert "YAML syntax error" in message and "line 2, column 10" in message


def test_duplicate_key_is_an_error(data_dir: Path) -> None:
    (data_dir / "talks.yml").write_text("- title: A\n  event: B\n  year: 2023\n  year: 2024\n")
    (message,) = problems(data_dir)
    assert message.startswith("data/talks.yml:4:3:"), message
    assert '"year" appears twice' in message


def test_duplicate_publication_id(data_dir: Path) -> None:
    pubs = data_dir / "publications.yml"
    replace(pubs, "- id: vasquezthorn2024quiet", "- id: vasquezthorn2025lattice")
    found = problems(data_dir)
    line = line_of(pubs, "id: vasquezthorn2025lattice", occurrence=2)
    assert any(
        p.startswith(f"data/publications.yml:{line}:7: publications entry 2")
        and "duplicate id" in p
        for p in found
    ), found


def test_reference_to_unknown_publication(data_dir: Path) -> None:
    replace(
        data_dir / "experience.yml",
        "publications: [vasquezthorn2025lattice]",
        "publications: [no-such-paper]",
    )
    (message,) = problems(data_dir)
    assert message.startswith(
        f"data/experience.yml:{line_of(data_dir / 'experience.yml', '[no-such-paper]')}:"
    )
    assert "no publication has the id 'no-such-paper'" in message


def test_unknown_file_in_data_is_not_ignored(data_dir: Path) -> None:
    (data_dir / "publication.yml").write_text("[]\n")
    (message,) = problems(data_dir)
    assert message.startswith("data/publication.yml:1:1: 'publication' is not a section the site")


def test_missing_required_file(data_dir: Path) -> None:
    (data_dir / "profile.yml").unlink()
    (message,) = problems(data_dir)
    assert message == "data/profile.yml: this required file is missing"


@pytest.mark.parametrize("section", list(SECTION_FILES))
def test_empty_list_files_load(data_dir: Path, section: str) -> None:
    (data_dir / section / "..").resolve()
    (data_dir / f"{section}.yml").write_text("# nothing yet\n")
    if section == "publications":  # what refers to papers goes with them
        (data_dir / "experience.yml").write_text("[]\n")
        (data_dir / "metrics.yml").unlink()
    site = load_site_data(data_dir)
    assert getattr(site, section) == ()


def test_wrong_top_level_shape(data_dir: Path) -> None:
    (data_dir / "talks.yml").write_text("title: A talk\n")
    (message,) = problems(data_dir)
    assert message.startswith("data/talks.yml:1:1:") and "expected a list of entries" in message


def test_all_problems_are_reported_at_once(data_dir: Path) -> None:
    replace(data_dir / "talks.yml", "year: 2023", "year: soon")
    replace(data_dir / "skills.yml", "category: Languages", "categry: Languages")
    found = problems(data_dir)
    assert len(found) == 3, found  # talks year, skills unknown key + missing category
    assert {p.split(":")[0] for p in found} == {"data/talks.yml", "data/skills.yml"}


def nested_models(model: type[BaseModel]) -> set[type[BaseModel]]:
    """The model and every model its fields hold (links, authors, courses...)."""
    found = {model}
    stack = [field.annotation for field in model.model_fields.values()]
    while stack:
        annotation = stack.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found |= nested_models(annotation)
        else:
            stack.extend(get_args(annotation))
    return found


@pytest.mark.parametrize("section", ["profile", *SECTION_FILES])
def test_every_section_refuses_unknown_keys(data_dir: Path, section: str) -> None:
    """An unknown key in the first entry of any file (or at the top of a mapping file) is an
    error at its line, and every model a section holds forbids unknown keys."""
    path = data_dir / f"{section}.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    if section == "profile":
        lines.append("zz_unknown_key: 1")
    else:
        first = next(i for i, line in enumerate(lines) if line.startswith("- "))
        lines.insert(first + 1, "  zz_unknown_key: 1")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (message,) = problems(data_dir)
    assert message.startswith(f"data/{section}.yml:{line_of(path, 'zz_unknown_key')}:"), message
    assert "field 'zz_unknown_key': unknown field" in message, message
    for model in nested_models(Profile if section == "profile" else SECTION_FILES[section]):
        assert model.model_config.get("extra") == "forbid", f"{model.__name__} allows extra keys"
