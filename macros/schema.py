"""JSON Schema for each data file, generated from the models, for editor autocompletion.

Each YAML file in `data/` starts with a `# yaml-language-server: $schema=...` comment
pointing at `schemas/<name>.schema.json`, which the YAML extensions of editors read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .model import MAPPING_SECTIONS, SECTION_MODELS


def section_schema(section: str) -> dict[str, Any]:
    """The JSON Schema of one data file (a mapping, or a list of entries)."""
    model = SECTION_MODELS[section]
    shape: Any = model if section in MAPPING_SECTIONS else list[model]  # type: ignore[valid-type]
    schema = TypeAdapter(shape).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"data/{section}.yml"
    return schema


def schema_text(section: str) -> str:
    return json.dumps(section_schema(section), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write `<section>.schema.json` for every data file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for section in SECTION_MODELS:
        path = directory / f"{section}.schema.json"
        path.write_text(schema_text(section), encoding="utf-8")
        written.append(path)
    return written
