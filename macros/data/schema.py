"""JSON Schema for each data file, generated from the models, for editor autocompletion.

Each YAML file in `data/` starts with a `# yaml-language-server: $schema=...` comment
pointing at `schemas/<name>.schema.json`, which the YAML extensions of editors read. The files
follow the section registry; `section.schema.json` is the shape of a section made in data alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .languages import LANGUAGE_CODE_MARK, MATERIAL_LANGUAGES
from .model import CustomSection, Profile
from .sections import MAPPING_FILES, PROFILE_FILE, SECTION_FILES, WORDS_FILE, WORDS_FILE_SHAPE

CUSTOM_SECTION_SCHEMA = "section"


def _shapes() -> dict[str, Any]:
    """The shape of every data file: the profile, each section's list, a custom section."""
    shapes: dict[str, Any] = {PROFILE_FILE: Profile}
    shapes |= {name: list[model] for name, model in SECTION_FILES.items()}  # type: ignore[valid-type]
    shapes |= MAPPING_FILES
    shapes[WORDS_FILE] = WORDS_FILE_SHAPE
    shapes[CUSTOM_SECTION_SCHEMA] = CustomSection
    return shapes


_LANGUAGE_CODE = {
    "enum": sorted(MATERIAL_LANGUAGES),
    "description": "A language Material for MkDocs has a theme translation for.",
}


def _refer_to_languages(schema: Any) -> tuple[Any, bool]:
    """The schema with each language-code mark replaced by a reference to one list of the
    codes, and whether there was one."""
    if schema == LANGUAGE_CODE_MARK:
        return {"$ref": "#/$defs/LanguageCode"}, True
    if isinstance(schema, dict):
        pairs = [(key, *_refer_to_languages(value)) for key, value in schema.items()]
        return {key: value for key, value, _ in pairs}, any(used for _, _, used in pairs)
    if isinstance(schema, list):
        items = [_refer_to_languages(value) for value in schema]
        return [value for value, _ in items], any(used for _, used in items)
    return schema, False


def section_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one data file (a mapping, or a list of entries); every free-text
    field takes its text, or a mapping from language code to text."""
    schema = TypeAdapter(_shapes()[name]).json_schema()
    if name == WORDS_FILE:  # keyed by language: {en: {present: Now}}
        schema["propertyNames"] = LANGUAGE_CODE_MARK
        schema["description"] = (
            "Your own fixed words, per language: they replace the engine's"
            " (macros/words/<language>.yml), e.g. en: {present: Now}."
        )
    schema, languages = _refer_to_languages(schema)
    if languages:
        schema.setdefault("$defs", {})["LanguageCode"] = _LANGUAGE_CODE
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = (
        "a section of your own (data/<name>.yml)"
        if name == CUSTOM_SECTION_SCHEMA
        else f"data/{name}.yml"
    )
    return schema


def schema_text(name: str) -> str:
    return json.dumps(section_schema(name), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write `<name>.schema.json` for every data file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in _shapes():
        path = directory / f"{name}.schema.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written
