"""Reading `data/*.yml` into validated models, with errors that point at file, line and field.

YAML is read by `yaml_source`, which remembers where every value came from; those
positions are kept beside the plain data so a pydantic error on `entries[3].authors[1].name`
can be reported as `data/publications.yml:41:9`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .bibtex import BibtexOverrideError, parse_override
from .model import MAPPING_SECTIONS, SECTION_MODELS, SiteData
from .yaml_source import Location, Positions, YamlSyntaxError, read_yaml

_ENTRY_LABEL_KEYS = (
    "id",
    "title",
    "name",
    "course",
    "institution",
    "organization",
    "category",
    "date",
)


@dataclass(frozen=True)
class DataProblem:
    """One mistake in a data file, located as precisely as the YAML allows."""

    file: str
    line: int | None
    column: int | None
    message: str
    entry: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.entry:
            parts.append(self.entry)
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


class DataError(Exception):
    """Raised when `data/` does not match the contract; the message lists every problem."""

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems
        count = len(problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the site data:"
        super().__init__("\n".join([header, *(f"  {p}" for p in problems)]))


def _position(
    positions: Positions, loc: Location, key_of_extra: bool
) -> tuple[int | None, int | None]:
    """The position of the deepest part of `loc` that the YAML file actually contains."""
    if key_of_extra and (*loc, "@key") in positions:
        return positions[(*loc, "@key")]
    for end in range(len(loc), -1, -1):
        if loc[:end] in positions:
            return positions[loc[:end]]
    return None, None


def _entry_label(section: str, index: int, raw: Any) -> str:
    label = f"{section} entry {index + 1}"
    if isinstance(raw, dict):
        for key in _ENTRY_LABEL_KEYS:
            value = raw.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                text = str(value)
                text = text if len(text) <= 60 else text[:57] + "..."
                return f"{label} ({key} '{text}')"
    return label


def _describe(error: dict[str, Any], model_fields: Iterable[str] | None) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(sorted(model_fields or []))
        return f"unknown field; allowed fields here are: {allowed}"
    if kind == "missing":
        return "this required field is missing"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if "input" in error and kind not in ("missing",):
        shown = repr(error["input"])
        if len(shown) > 80:
            shown = shown[:77] + "..."
        message += f" (got {shown})"
    return message


def _fields_at(model: type[BaseModel], loc: Location) -> list[str] | None:
    """The allowed keys of the model that owns the mapping at `loc` (for 'unknown field')."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return list(current.model_fields)
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _inner_model(annotation: Any) -> Any:
    """The BaseModel inside `list[X]`, `X | None` or `Annotated[X, ...]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        return _inner_model(origin)
    return None


def _clean_loc(loc: tuple[Any, ...]) -> Location:
    """Drop pydantic's internal steps (union members, validator names) from a location."""
    cleaned: list[int | str] = []
    for part in loc:
        if isinstance(part, int) or (
            isinstance(part, str)
            and not (
                part in ("str", "int", "bool", "list", "dict", "none", "literal")
                or part.startswith(("function-", "literal[", "constrained-"))
                or part[:1].isupper()
            )
        ):
            cleaned.append(part)
    return tuple(cleaned)


def _validation_problems(
    file: str,
    section: str,
    error: ValidationError,
    raw: Any,
    positions: Positions,
    is_list: bool,
) -> list[DataProblem]:
    model = SECTION_MODELS[section]
    problems: list[DataProblem] = []
    seen: set[tuple[Any, ...]] = set()
    for item in error.errors():
        loc = _clean_loc(item["loc"])
        entry = None
        field_loc = loc
        if is_list and loc and isinstance(loc[0], int):
            entry = _entry_label(section, loc[0], raw[loc[0]] if loc[0] < len(raw) else None)
            field_loc = loc[1:]
        line, column = _position(positions, loc, item["type"] == "extra_forbidden")
        allowed = _fields_at(model, field_loc[:-1]) if item["type"] == "extra_forbidden" else None
        field = ".".join(str(p) if isinstance(p, str) else f"[{p + 1}]" for p in field_loc) or None
        if field:
            field = field.replace(".[", "[")
        message = _describe(item, allowed)
        key = (line, field, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(DataProblem(file, line, column, message, entry, field))
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.column or 0))


def _read_yaml(path: Path, display: str) -> tuple[Any, Positions]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text ({error.reason})"
        raise DataError([DataProblem(display, None, None, message)]) from None
    try:
        return read_yaml(text)
    except YamlSyntaxError as error:
        message = f"YAML syntax error: {error.message}"
        raise DataError([DataProblem(display, error.line, error.column, message)]) from None


def load_section(path: Path, section: str, display: str | None = None) -> Any:
    """Load and validate one data file; returns the model (mapping) or list of models."""
    return _load_section(path, section, display or path.name)[0]


def _load_section(path: Path, section: str, display: str) -> tuple[Any, Positions]:
    raw, positions = _read_yaml(path, display)
    model = SECTION_MODELS[section]
    is_list = section not in MAPPING_SECTIONS
    if raw is None:
        if is_list:
            return [], positions
        raise DataError(
            [DataProblem(display, 1, 1, "the file is empty; expected a mapping of fields")]
        )
    if is_list and not isinstance(raw, list):
        raise DataError(
            [DataProblem(display, 1, 1, "expected a list of entries (lines starting with '- ')")]
        )
    if not is_list and not isinstance(raw, dict):
        raise DataError(
            [DataProblem(display, 1, 1, "expected a mapping of fields (key: value lines)")]
        )
    adapter: TypeAdapter[Any] = TypeAdapter(list[model] if is_list else model)  # type: ignore[valid-type]
    try:
        return adapter.validate_python(raw), positions
    except ValidationError as error:
        raise DataError(
            _validation_problems(display, section, error, raw, positions, is_list)
        ) from None


def _cross_checks(
    data: dict[str, Any], positions_of: dict[str, Positions], display_dir: str
) -> list[DataProblem]:
    """Rules that span entries or files: unique publication ids, references to them."""
    problems: list[DataProblem] = []
    pubs_file = f"{display_dir}/publications.yml"
    seen: dict[str, int] = {}
    positions = positions_of["publications"]
    for index, pub in enumerate(data["publications"]):
        line, column = positions.get((index, "id"), (None, None))
        if pub.id in seen:
            problems.append(
                DataProblem(
                    pubs_file,
                    line,
                    column,
                    f"duplicate id; entry {seen[pub.id] + 1} already uses '{pub.id}'"
                    " (ids must be unique)",
                    f"publications entry {index + 1} (id '{pub.id}')",
                    "id",
                )
            )
        seen.setdefault(pub.id, index)
        if pub.bibtex:
            try:
                parse_override(pub)
            except BibtexOverrideError as error:
                line, column = positions.get((index, "bibtex"), (None, None))
                problems.append(
                    DataProblem(
                        pubs_file,
                        line,
                        column,
                        str(error),
                        f"publications entry {index + 1} (id '{pub.id}')",
                        "bibtex",
                    )
                )
    exp_file = f"{display_dir}/experience.yml"
    exp_positions = positions_of["experience"]
    for index, item in enumerate(data["experience"]):
        for ref_index, ref in enumerate(item.publications):
            if ref not in seen:
                line, column = exp_positions.get((index, "publications", ref_index), (None, None))
                problems.append(
                    DataProblem(
                        exp_file,
                        line,
                        column,
                        f"no publication has the id '{ref}'"
                        f" (known ids: {', '.join(seen) or 'none'})",
                        f"experience entry {index + 1} (organization '{item.organization}')",
                        f"publications[{ref_index + 1}]",
                    )
                )
    return problems


def load_site_data(data_dir: Path | str) -> SiteData:
    """Load every section from `data_dir`; raise DataError listing all problems found."""
    data_dir = Path(data_dir)
    display_dir = data_dir.name
    if not data_dir.is_dir():
        raise DataError([DataProblem(str(data_dir), None, None, "the data folder does not exist")])
    problems: list[DataProblem] = []
    known = set(SECTION_MODELS)
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix in (".yml", ".yaml") and path.stem in known:
            if path.suffix == ".yaml":
                problems.append(
                    DataProblem(
                        f"{display_dir}/{path.name}",
                        None,
                        None,
                        f"rename the file to {path.stem}.yml (the site reads .yml files)",
                    )
                )
            continue
        problems.append(
            DataProblem(
                f"{display_dir}/{path.name}",
                None,
                None,
                "this file is not part of the site and would be ignored; "
                f"data files are: {', '.join(f'{name}.yml' for name in SECTION_MODELS)}",
            )
        )
    sections: dict[str, Any] = {}
    positions_of: dict[str, Positions] = {}
    for section in SECTION_MODELS:
        path = data_dir / f"{section}.yml"
        display = f"{display_dir}/{section}.yml"
        if not path.is_file():
            problems.append(
                DataProblem(
                    display,
                    None,
                    None,
                    "this required file is missing"
                    + ("" if section in MAPPING_SECTIONS else " (an empty list `[]` is fine)"),
                )
            )
            continue
        try:
            sections[section], positions_of[section] = _load_section(path, section, display)
        except DataError as error:
            problems.extend(error.problems)
    if not problems:
        problems.extend(_cross_checks(sections, positions_of, display_dir))
    if problems:
        raise DataError(problems)
    return SiteData(**sections)
