"""Reading `data/*.yml` into validated models, with errors that point at file, line and field.

YAML is read by `yaml_source`, which remembers where every value came from; those
positions are kept beside the plain data so a pydantic error on `entries[3].authors[1].name`
can be reported as `data/publications.yml:41:9`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..outputs.bibtex import BibtexOverrideError, parse_override
from ..views.words import word_table_notes, words_for
from .data_checks import (
    local_pdf_problems,
    news_id_problems,
    notes_page_problems,
    paper_image_problems,
    publication_clash_problems,
)
from .data_files import data_file_problem, icon_dirs, unknown_icon
from .languages import (
    DEFAULT_LANGUAGES,
    LanguageIssue,
    TextFields,
    TextSlot,
    missing_translations,
    resolve,
    text_fields,
    translation_issues,
)
from .model import CustomSection, Languages, Profile
from .photo import photo_problems
from .problems import DataError, DataProblem
from .sections import (
    MAPPING_FILES,
    PROFILE_FILE,
    SECTION_FILES,
    SECTIONS_BY_NAME,
    WORDS_FILE,
    WORDS_FILE_SHAPE,
    Section,
    SiteData,
    custom_section,
)
from .yaml_source import Location, Positions, YamlSyntaxError, read_yaml

# Fields that name an entry in messages, where its section names none of its own.
_FALLBACK_LABEL_KEYS = ("id", "title", "name", "date")


def _position(
    positions: Positions, loc: Location, key_of_extra: bool
) -> tuple[int | None, int | None]:
    """The position of the deepest part of `loc` that the YAML file actually contains."""
    if key_of_extra and (*loc, "@key") in positions:
        return positions[(*loc, "@key")]
    for end in range(len(loc), 0, -1):
        if loc[:end] in positions:
            return positions[loc[:end]]
    return 1, 1  # the file as a whole (a field missing at the top level)


def _entry_label(section: str, index: int, raw: Any, default: str = "en") -> str:
    label = f"{section} entry {index + 1}"
    known = SECTIONS_BY_NAME.get(section)
    keys = (*known.label_keys, *_FALLBACK_LABEL_KEYS) if known else _FALLBACK_LABEL_KEYS
    if isinstance(raw, dict):
        for key in keys:
            value = raw.get(key)
            if isinstance(value, dict):  # given per language: named by the default's text
                value = value.get(default)
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
    if "input" in error and kind not in ("missing", "formula"):  # a formula's error holds it
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
        if get_origin(current) is dict:  # a mapping's key: the fields of its values
            current = get_args(current)[1]
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


def _clean_loc(loc: tuple[Any, ...], raw: Any, missing: bool = False) -> Location:
    """The part of pydantic's error location that is in the data: its internal steps (union
    members, validator names, model names) are dropped by walking the data alongside; a
    `missing` field is named though it is not in the data."""
    cleaned: list[int | str] = []
    current = raw
    for index, part in enumerate(loc):
        if (isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)) or (
            isinstance(current, dict) and isinstance(part, str) and part in current
        ):
            cleaned.append(part)
            current = current[part]
        elif missing and index == len(loc) - 1 and isinstance(current, dict):
            cleaned.append(part)  # a missing field: named, though not in the data
    return tuple(cleaned)


# Errors that say only that a value is not of some type.
_WRONG_TYPE = frozenset(
    {
        "string_type",
        "list_type",
        "dict_type",
        "int_type",
        "float_type",
        "bool_type",
        "model_type",
        "model_attributes_type",
    }
)


def _in_data(loc: tuple[Any, ...], raw: Any) -> int:
    """How many leading steps of `loc` are in the data (the next one names a union member)."""
    current = raw
    for index, part in enumerate(loc):
        if (isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)) or (
            isinstance(current, dict) and isinstance(part, str) and part in current
        ):
            current = current[part]
        else:
            return index
    return len(loc)


def _union_noise(errors: list[Any], raw: Any) -> set[int]:
    """The errors that only say a value is not of one member of a union (`text | list[text]`)
    where another member of the value's own type refused it: that refusal is the problem, and
    "should be a valid list" beside it would send the person after the wrong fix."""
    steps = [_in_data(error["loc"], raw) for error in errors]
    noise = set()
    for i, (error, step) in enumerate(zip(errors, steps, strict=True)):
        loc = error["loc"]
        if step != len(loc) - 1 or error["type"] not in _WRONG_TYPE:
            continue
        if any(
            other["loc"][:step] == loc[:step]
            and len(other["loc"]) > step
            and other["loc"][step] != loc[step]
            and (other["type"] not in _WRONG_TYPE or len(other["loc"]) > step + 1)
            for other, other_step in zip(errors, steps, strict=True)
            if other_step == step
        ):
            noise.add(i)
    return noise


def _where(
    section: str, model: type[BaseModel], is_list: bool, raw: Any, loc: Location, default: str
) -> tuple[str | None, str | None]:
    """The entry (`publications entry 2 (id '...')`) and field (`authors[1].name`) that `loc`
    names in a file's data."""
    # In a custom section's file the entries are under `entries:`.
    entries_at: Location = () if is_list else ("entries",) if model is CustomSection else ()
    entry = None
    field_loc = loc
    if (is_list or entries_at) and loc[: len(entries_at)] == entries_at:
        rest = loc[len(entries_at) :]
        if rest and isinstance(rest[0], int):
            entries = raw if is_list else raw["entries"]
            entry = _entry_label(section, rest[0], entries[rest[0]], default)
            field_loc = rest[1:]
    field = ".".join(str(p) if isinstance(p, str) else f"[{p + 1}]" for p in field_loc) or None
    return entry, field.replace(".[", "[") if field else None


@dataclass(frozen=True)
class _Language:
    """The language a validated tree is in, and the per-language mappings it was made from:
    an error in a translated value is reported at that language's text (`bio.zh`)."""

    code: str
    default: str
    translated: Mapping[Location, Mapping[str, Any]]


def _validation_problems(
    file: str,
    section: str,
    model: type[BaseModel],
    error: ValidationError,
    raw: Any,
    positions: Positions,
    is_list: bool,
    text: str = "",
    language: _Language | None = None,
    written: Any = None,
) -> list[DataProblem]:
    """Pydantic's errors located in the file; `raw` is the data validated (in `language`),
    `written` the file's own data, whose entries are named by their default language's text."""
    problems: list[DataProblem] = []
    seen: set[tuple[Any, ...]] = set()
    errors = error.errors()
    noise = _union_noise(errors, raw)
    default = language.default if language else "en"
    for item in (e for i, e in enumerate(errors) if i not in noise):
        loc = _clean_loc(item["loc"], raw, missing=item["type"] == "missing")
        where = loc
        if language is not None:
            translations = language.translated.get(loc)
            if translations is not None and language.code in translations:
                where = (*loc, language.code)  # the error is in this language's text
            elif language.code != language.default:
                continue  # the default language's text, or no text: reported with it
        entry, field = _where(
            section, model, is_list, raw if written is None else written, where, default
        )
        line, column = _position(positions, where, item["type"] == "extra_forbidden")
        if item["type"] == "formula":  # the formula's own line, in a text of many lines
            line, column = _formula_position(text, item["ctx"]["tex"], line, column, positions)
        allowed = _fields_at(model, loc[:-1]) if item["type"] == "extra_forbidden" else None
        message = _describe(item, allowed)
        key = (line, field, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(DataProblem(file, line, column, message, entry, field))
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.column or 0))


def _formula_position(
    text: str, tex: str, line: int | None, column: int | None, positions: Positions
) -> tuple[int | None, int | None]:
    """Where the formula's first line is written in the field (from its line to the next
    value's); the field's own position where the file spells it otherwise (escapes in a
    double-quoted string)."""
    first = next((part.strip() for part in tex.splitlines() if part.strip()), "")
    if not first or line is None:
        return line, column
    lines = text.splitlines()
    end = min((at[0] for at in positions.values() if at[0] > line), default=len(lines) + 1)
    for number in range(line, end):
        found = lines[number - 1].find(first, (column or 1) - 1 if number == line else 0)
        if found >= 0:
            return number, found + 1
    return line, column


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


def _site_languages(
    profile: Any, positions: Positions, display: str
) -> tuple[tuple[str, ...] | None, list[DataProblem]]:
    """The languages profile.yml lists (`site.languages`, the default first), or None with the
    problems where the list is wrong; English alone where it lists none."""
    site = profile.get("site") if isinstance(profile, dict) else None
    value = site.get("languages") if isinstance(site, dict) else None
    if value is None:
        return DEFAULT_LANGUAGES, []
    try:
        return tuple(TypeAdapter(Languages).validate_python(value)), []
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = ("site", "languages", *_clean_loc(item["loc"], value))
            line, column = _position(positions, loc, False)
            _, field = _where(PROFILE_FILE, Profile, False, profile, loc, "en")
            problems.append(DataProblem(display, line, column, _describe(item, None), None, field))
        return None, problems


def _profile_languages(data_dir: Path) -> tuple[str, ...]:
    """The languages of the site whose data is in `data_dir`, as well as they can be read."""
    try:
        profile, positions = _read_yaml(data_dir / f"{PROFILE_FILE}.yml", PROFILE_FILE)
    except (DataError, OSError):
        return DEFAULT_LANGUAGES
    return _site_languages(profile, positions, PROFILE_FILE)[0] or DEFAULT_LANGUAGES


def load_section(
    path: Path, section: str, display: str | None = None, data_dir: Path | None = None
) -> Any:
    """Load and validate one data file; returns the model (mapping) or list of models, with
    text given per language in the site's default language. The site's languages are read
    from the profile.yml in `data_dir` (by default the file's own folder: give it for a copy
    of a data file checked elsewhere)."""
    display = display or path.name
    raw, positions = _read_yaml(path, display)
    if section == PROFILE_FILE:
        languages = _site_languages(raw, positions, display)[0] or DEFAULT_LANGUAGES
    else:
        languages = _profile_languages(data_dir or path.parent)
    loaded = _validate_file(raw, positions, section, display, languages, path)
    return loaded.values[languages[0]]


def _file_model(name: str, raw: Any) -> tuple[Any, bool]:
    """The model of data/<name>.yml and whether the file is a list of entries."""
    if name == PROFILE_FILE:
        return Profile, False
    if name == WORDS_FILE:
        return WORDS_FILE_SHAPE, False
    if name in MAPPING_FILES:
        return MAPPING_FILES[name], False
    if name in SECTION_FILES:
        return SECTION_FILES[name], True
    return CustomSection, False


@dataclass
class _DataFile:
    """One data file, read and validated: its value in each of the site's languages, and its
    free-text values (for the report of missing translations)."""

    name: str
    display: str
    positions: Positions
    values: dict[str, Any]
    slots: list[TextSlot] = field(default_factory=list)
    raw: Any = None


def _shape_problem(name: str, raw: Any, model: Any, is_list: bool) -> str | None:
    if is_list and not isinstance(raw, list):
        return "expected a list of entries (lines starting with '- ')"
    if not is_list and not isinstance(raw, dict):
        if model is Profile or name in MAPPING_FILES or name == WORDS_FILE:
            return "expected a mapping of fields (key: value lines)"
        return (
            f"'{name}' is not a section the site knows"
            f" ({', '.join(sorted(SECTION_FILES))}); a section of your own is a mapping with"
            " `title:` (its heading) and `entries:` (a list)"
        )
    return None


def _language_problem(
    display: str,
    name: str,
    model: Any,
    is_list: bool,
    raw: Any,
    positions: Positions,
    issue: LanguageIssue,
    default: str,
) -> DataProblem:
    entry, field_name = _where(name, model, is_list, raw, issue.loc, default)
    line, column = _position(positions, issue.loc, issue.at_key)
    return DataProblem(display, line, column, issue.message, entry, field_name)


def _validate_file(
    raw: Any,
    positions: Positions,
    name: str,
    display: str,
    languages: tuple[str, ...] | None,
    path: Path | None = None,
) -> _DataFile:
    """A file's data validated in each language (`languages`: the site's, the default first;
    None where profile.yml lists them wrongly, which is reported there)."""
    model, is_list = _file_model(name, raw)
    codes = languages or DEFAULT_LANGUAGES
    if raw is None:
        if is_list:
            return _DataFile(name, display, positions, {code: [] for code in codes})
        if name in MAPPING_FILES or name == WORDS_FILE:  # only comments: the same as no file
            return _DataFile(name, display, positions, dict.fromkeys(codes, model()))
        raise DataError(
            [DataProblem(display, 1, 1, "the file is empty; expected a mapping of fields")]
        )
    shape = _shape_problem(name, raw, model, is_list)
    if shape:
        raise DataError([DataProblem(display, 1, 1, shape)])
    default = codes[0]
    found = TextFields([], []) if name == WORDS_FILE else text_fields(raw, model, is_list, codes)
    translated = {slot.loc: slot.translations for slot in found.slots if slot.translations}
    if languages is None and (translated or found.issues):
        raise DataError([])  # which languages the mappings may name is not known
    issues = found.issues + translation_issues(found.slots, codes)
    if issues:
        located = [
            _language_problem(display, name, model, is_list, raw, positions, issue, default)
            for issue in issues
        ]
        raise DataError(sorted(located, key=lambda p: (p.line or 0, p.column or 0)))
    adapter: TypeAdapter[Any] = TypeAdapter(list[model] if is_list else model)  # type: ignore[valid-type]
    values: dict[str, Any] = {}
    problems: list[DataProblem] = []
    for code in codes:
        tree = resolve(raw, found.slots, code, default)
        if tree is raw and code != default:  # nothing given per language: the same value
            if default in values:
                values[code] = values[default]
            continue
        try:
            values[code] = adapter.validate_python(tree)
        except ValidationError as error:
            language = _Language(code, default, translated)
            text = path.read_text("utf-8") if path is not None else ""  # where formulas are
            problems += _validation_problems(
                display, name, model, error, tree, positions, is_list, text, language, raw
            )
    if problems:
        raise DataError(problems)
    return _DataFile(name, display, positions, values, found.slots, raw)


def _problem_at(
    file: str, positions: Positions, loc: Location, message: str, entry: str, field: str
) -> DataProblem:
    line, column = positions.get(loc, (None, None))
    return DataProblem(file, line, column, message, entry, field)


def _cross_checks(
    data: dict[str, Any], positions_of: dict[str, Positions], display_dir: str
) -> list[DataProblem]:
    """Rules that span entries or files: unique publication ids, references to them, the
    names in the CV's order."""
    problems: list[DataProblem] = []
    pubs_file = f"{display_dir}/publications.yml"
    seen: dict[str, int] = {}
    positions = positions_of.get("publications", {})
    for index, pub in enumerate(data.get("publications", [])):
        label = f"publications entry {index + 1} (id '{pub.id}')"
        if pub.id in seen:
            message = (
                f"duplicate id; entry {seen[pub.id] + 1} already uses '{pub.id}'"
                " (ids must be unique)"
            )
            problems.append(_problem_at(pubs_file, positions, (index, "id"), message, label, "id"))
        seen.setdefault(pub.id, index)
        if pub.bibtex:
            try:
                parse_override(pub)
            except BibtexOverrideError as error:
                problems.append(
                    _problem_at(
                        pubs_file, positions, (index, "bibtex"), str(error), label, "bibtex"
                    )
                )
    exp_file = f"{display_dir}/experience.yml"
    exp_positions = positions_of.get("experience", {})
    for index, item in enumerate(data.get("experience", [])):
        for ref_index, ref in enumerate(item.publications):
            if ref not in seen:
                message = (
                    f"no publication has the id '{ref}' (known ids: {', '.join(seen) or 'none'})"
                )
                label = f"experience entry {index + 1} (organization '{item.organization}')"
                loc = (index, "publications", ref_index)
                field = f"publications[{ref_index + 1}]"
                problems.append(_problem_at(exp_file, exp_positions, loc, message, label, field))
    if "metrics" in data:
        problems.extend(_unknown_metrics_ids(data["metrics"], seen, positions_of, display_dir))
    known_sections = [name for name in SECTIONS_BY_NAME if SECTIONS_BY_NAME[name].on_cv]
    known_sections += [name for name, value in data.items() if isinstance(value, CustomSection)]
    for index, name in enumerate(data[PROFILE_FILE].site.cv_sections):
        if name not in known_sections:
            problems.append(
                _problem_at(
                    f"{display_dir}/{PROFILE_FILE}.yml",
                    positions_of[PROFILE_FILE],
                    ("site", "cv_sections", index),
                    f"no CV section is called '{name}'; sections: {', '.join(known_sections)}",
                    "profile",
                    f"site.cv_sections[{index + 1}]",
                )
            )
    return problems


def _unknown_metrics_ids(
    metrics: Any, known: dict[str, int], positions_of: dict[str, Positions], display_dir: str
) -> list[DataProblem]:
    """Citation counts of a paper that is no longer in publications.yml."""
    positions = positions_of["metrics"]
    return [
        DataProblem(
            f"{display_dir}/metrics.yml",
            *positions.get(
                ("citations", pub_id, "@key"), positions.get(("citations", pub_id), (None, None))
            ),
            f"no publication has the id '{pub_id}'; delete its counts or correct the id",
            None,
            f"citations.{pub_id}",
        )
        for pub_id in metrics.citations
        if pub_id not in known
    ]


def _icon_problems(
    profile: Any, positions: Positions, data_dir: Path, display_dir: str
) -> list[DataProblem]:
    """Icons of the profile's links that Material does not have (checked here, not at render
    time, so the error has a line)."""
    dirs = icon_dirs(data_dir.resolve().parent)
    problems = []
    for index, link in enumerate(profile.links):
        message = unknown_icon(link.icon, dirs)
        if message:
            line, column = positions.get(("links", index, "icon"), (None, None))
            entry = f"links entry {index + 1} (label '{link.label}')"
            problems.append(
                DataProblem(f"{display_dir}/profile.yml", line, column, message, entry, "icon")
            )
    return problems


def _photo_problems(profile: Profile, positions: Positions, data_dir: Path) -> list[DataProblem]:
    """The profile photo must be an image inside the project (the folder holding data/)."""
    file = f"{data_dir.name}/profile.yml"
    return [
        DataProblem(
            file,
            *positions.get(tuple(p.field.split(".")), (None, None)),
            p.message,
            None,
            p.field,
        )
        for p in photo_problems(profile, data_dir.parent)
    ]


def _data_files(data_dir: Path, display_dir: str) -> tuple[list[str], list[DataProblem]]:
    """The names of the data files in `data_dir`, and the files that do not belong there."""
    problems: list[DataProblem] = []
    names: list[str] = []
    for path in sorted(data_dir.iterdir()):
        display = f"{display_dir}/{path.name}"
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix == ".yaml":
            message = f"rename the file to {path.stem}.yml (the site reads .yml files)"
            problems.append(DataProblem(display, None, None, message))
        elif path.suffix != ".yml":
            message = (
                "this file is not part of the site and would be ignored; data files are"
                " YAML files named <section>.yml"
            )
            problems.append(DataProblem(display, None, None, message))
        elif path.stem in SECTIONS_BY_NAME and path.stem not in SECTION_FILES:
            message = f"'{path.stem}' is read from {PROFILE_FILE}.yml, not from a file of its own"
            problems.append(DataProblem(display, None, None, message))
        else:
            names.append(path.stem)
    if PROFILE_FILE not in names:
        problems.append(
            DataProblem(
                f"{display_dir}/{PROFILE_FILE}.yml", None, None, "this required file is missing"
            )
        )
    return names, problems


def _word_language_problems(
    words: _DataFile | None, languages: tuple[str, ...]
) -> list[DataProblem]:
    """Words in data/words.yml for a language the site does not list."""
    if words is None or not isinstance(words.raw, dict):
        return []
    listed = ", ".join(languages)
    return [
        DataProblem(
            words.display,
            *words.positions.get((code, "@key"), (None, None)),
            f"'{code}' is not one of the site's languages ({listed}); list it under"
            " site.languages in profile.yml, or remove its words",
            None,
            str(code),
        )
        for code in words.raw
        if code not in languages
    ]


@dataclass(frozen=True)
class SiteLanguages:
    """The site's data in each of its languages, read and validated once.

    `sites` has one SiteData per language, the default first; `missing` lists, for each other
    language, the free-text values that have no text in it (they show the default's), each as
    a place in data/; `notes` says which languages have no table of fixed words."""

    sites: Mapping[str, SiteData]
    missing: Mapping[str, tuple[DataProblem, ...]]
    notes: tuple[str, ...] = ()
    texts: int = 0  # how many free-text values data/ holds (each may be translated)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.sites)

    @property
    def default(self) -> SiteData:
        return next(iter(self.sites.values()))


def load_languages(data_dir: Path | str) -> SiteLanguages:
    """Load every section from `data_dir` in every language of the site; raise DataError
    listing all problems found.

    profile.yml is required; a missing section file is an empty section; any other `.yml`
    file is a section of the user's own (a mapping with `title` and `entries`), but
    `words.yml`, the person's own fixed words. Text given per language (`{en: ..., zh: ...}`)
    is resolved here, so each SiteData holds plain text in its language.
    """
    data_dir = Path(data_dir)
    display_dir = data_dir.name
    if not data_dir.is_dir():
        raise DataError([DataProblem(str(data_dir), None, None, "the data folder does not exist")])
    names, problems = _data_files(data_dir, display_dir)
    raw_of: dict[str, tuple[Any, Positions]] = {}
    for name in names:
        display = f"{display_dir}/{name}.yml"
        refused = data_file_problem(data_dir / f"{name}.yml", data_dir.parent)
        if refused:
            problems.append(DataProblem(display, None, None, f"the file {refused}"))
            continue
        try:
            raw_of[name] = _read_yaml(data_dir / f"{name}.yml", display)
        except DataError as error:
            problems.extend(error.problems)
    languages: tuple[str, ...] | None = None  # not known without profile.yml
    if PROFILE_FILE in raw_of:
        profile_display = f"{display_dir}/{PROFILE_FILE}.yml"
        languages, language_problems = _site_languages(*raw_of[PROFILE_FILE], profile_display)
        problems += language_problems
    files: dict[str, _DataFile] = {}
    for name, (raw, positions) in raw_of.items():
        try:
            files[name] = _validate_file(
                raw,
                positions,
                name,
                f"{display_dir}/{name}.yml",
                languages,
                data_dir / f"{name}.yml",
            )
        except DataError as error:
            problems.extend(error.problems)
    codes = languages or DEFAULT_LANGUAGES
    if languages is not None:
        problems += _word_language_problems(files.get(WORDS_FILE), codes)
    default = codes[0]
    loaded = {name: file.values[default] for name, file in files.items() if name != WORDS_FILE}
    positions_of = {name: file.positions for name, file in files.items()}
    if not problems:
        problems.extend(_cross_checks(loaded, positions_of, display_dir))

        problems += local_pdf_problems(
            loaded.get("publications", []),
            positions_of.get("publications", {}),
            data_dir.parent,
            display_dir,
        )
        problems += paper_image_problems(
            loaded.get("publications", []),
            positions_of.get("publications", {}),
            data_dir.parent,
            display_dir,
        )
        problems += publication_clash_problems(
            loaded.get("publications", []),
            positions_of.get("publications", {}),
            data_dir.parent,
            display_dir,
        )
        problems += news_id_problems(
            loaded.get("news", []), positions_of.get("news", {}), display_dir
        )
        problems += notes_page_problems(loaded, positions_of, data_dir.parent, display_dir)
        problems += _icon_problems(
            loaded[PROFILE_FILE], positions_of[PROFILE_FILE], data_dir, display_dir
        )
        problems.extend(_photo_problems(loaded[PROFILE_FILE], positions_of[PROFILE_FILE], data_dir))
    if problems:
        raise DataError(list(dict.fromkeys(problems)))  # each once, in order
    overrides = files[WORDS_FILE].values[default] if WORDS_FILE in files else {}
    sites = {code: _site_data(files, code, codes, overrides.get(code)) for code in codes}
    missing = {
        code: tuple(
            _missing_place(file, slot_loc, code, default)
            for file in files.values()
            for slot_loc in missing_translations(file.slots, code)
        )
        for code in codes[1:]
    }
    notes = tuple(word_table_notes(codes, overridden=overrides))
    texts = sum(len(file.slots) for file in files.values())
    return SiteLanguages(sites, missing, notes, texts)


def _missing_place(file: _DataFile, loc: Location, code: str, default: str) -> DataProblem:
    model, is_list = _file_model(file.name, file.raw)
    entry, field_name = _where(file.name, model, is_list, file.raw, loc, default)
    line, column = file.positions.get(loc, (None, None))
    message = f"no text in '{code}'; the '{default}' text is shown"
    return DataProblem(file.display, line, column, message, entry, field_name)


def _site_data(
    files: Mapping[str, _DataFile],
    code: str,
    languages: tuple[str, ...],
    overrides: Any,
) -> SiteData:
    """The site in language `code`, from the files' values in it."""
    words = words_for(code, overrides.model_dump(exclude_none=True) if overrides else None)
    loaded = {name: file.values[code] for name, file in files.items() if name != WORDS_FILE}
    custom = tuple(
        custom_section(name, value, words)
        for name, value in loaded.items()
        if isinstance(value, CustomSection)
    )
    entries = {name: tuple(loaded.get(name, ())) for name in SECTION_FILES}
    entries |= {s.name: tuple(loaded[s.name].entries) for s in custom}
    publications = entries["publications"]
    profile = files[PROFILE_FILE]
    names = profile.raw.get("name") if isinstance(profile.raw, dict) else None
    return SiteData(
        profile=loaded[PROFILE_FILE],
        entries=entries,
        custom_sections=custom,
        publication_by_id={pub.id: pub for pub in publications},
        language=code,
        languages=languages,
        words=words,
        # The owner's name in every language, so author lists highlight it in each.
        owner_names=tuple(v for v in names.values() if isinstance(v, str))
        if isinstance(names, dict)
        else (),
        **{name: loaded[name] for name in MAPPING_FILES if name in loaded},
    )


def load_site_data(data_dir: Path | str, language: str | None = None) -> SiteData:
    """Load every section from `data_dir` in `language` (by default the site's default
    language, the first of `site.languages`); raise DataError listing all problems found,
    in every language's text. See `load_languages`."""
    loaded = load_languages(data_dir)
    if language is None:
        return loaded.default
    if language not in loaded.sites:
        raise ValueError(
            f"'{language}' is not one of the site's languages ({', '.join(loaded.languages)})"
        )
    return loaded.sites[language]


__all__ = [
    "DataError",
    "DataProblem",
    "Section",
    "SiteLanguages",
    "load_languages",
    "load_section",
    "load_site_data",
]
