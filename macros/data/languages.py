"""The languages of a site, and text fields given per language.

`profile.yml` lists the site's languages (`site: {languages: [en, zh]}`, the first is the
default). Every free-text field (a type marked `FreeText` in the model) may then be written as
a mapping from language code to text, `bio: {en: "...", zh: "..."}`; a plain string is the
default language's text. The loader resolves the mappings before validation, into one plain
record per language (a missing translation falls back to the default language's text), so
nothing after the loader ever sees a mapping. This module finds the mappings by walking the raw
YAML alongside the model's annotations, and says what is wrong with them (a language the site
does not list, no text in the default language, a mapping on a field that is not free text).

It imports nothing else of the package, so `model.py` can use `FreeText`.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# The languages Material for MkDocs 9.8.1 has a theme translation for (the files in
# material/templates/partials/languages/; tests/test_languages.py compares the two): a site
# may be published in any of them. Kept here so the core never imports Material.
MATERIAL_LANGUAGES = frozenset(
    [
        "af",
        "ar",
        "az",
        "be",
        "bg",
        "bn",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "en",
        "eo",
        "es",
        "et",
        "eu",
        "fa",
        "fi",
        "fr",
        "gl",
        "he",
        "hi",
        "hr",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ja",
        "ka",
        "kn",
        "ko",
        "ku-IQ",
        "lb",
        "lt",
        "lv",
        "mk",
        "mn",
        "ms",
        "my",
        "nb",
        "nl",
        "nn",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sa",
        "sh",
        "si",
        "sk",
        "sl",
        "sq",
        "sr",
        "sv",
        "ta",
        "te",
        "th",
        "tl",
        "tr",
        "uk",
        "ur",
        "uz",
        "vi",
        "zh",
        "zh-Hant",
        "zh-TW",
    ]
)
# A site that lists no languages is in English, as before languages existed.
DEFAULT_LANGUAGES = ("en",)
# Where the JSON Schemas name a language code: schema.py replaces this mark with a reference
# to the list (pydantic itself refuses a reference to a definition it did not make).
LANGUAGE_CODE_MARK = {"x-language-code": True}


def check_language(value: str) -> str:
    if value not in MATERIAL_LANGUAGES:
        near = sorted(code for code in MATERIAL_LANGUAGES if code.lower() == value.lower())
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise ValueError(
            f"'{value}' is not a language Material for MkDocs has a theme translation for{hint};"
            f" the codes are: {', '.join(sorted(MATERIAL_LANGUAGES))}"
        )
    return value


LanguageCode = Annotated[str, AfterValidator(check_language), WithJsonSchema(LANGUAGE_CODE_MARK)]


@dataclass(frozen=True)
class FreeText:
    """Marks a text type whose values may be given per language (`Text`, `MarkdownText`, ...).

    In the JSON Schemas such a field takes the text or a mapping from language code to text,
    so editors complete and check both forms."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        text = handler(core_schema)
        per_language = {
            "type": "object",
            "description": "The text per language: {en: ..., zh: ...}; the site's default"
            " language is required, a missing translation shows the default language's text.",
            "propertyNames": LANGUAGE_CODE_MARK,
            "additionalProperties": text,
            "minProperties": 1,
        }
        return {"anyOf": [text, per_language]}


FREE_TEXT = FreeText()

Location = tuple[int | str, ...]


@dataclass(frozen=True)
class TextSlot:
    """A free-text value in the raw data: its place, and its languages if it is a mapping."""

    loc: Location
    translations: dict[str, Any] | None  # None: a plain string (the default language's text)


@dataclass(frozen=True)
class LanguageIssue:
    """A mapping the site cannot use; `at_key` places it at the key rather than the value."""

    loc: Location
    message: str
    at_key: bool = False


@dataclass
class TextFields:
    """What a walk over one file found: every free-text value, and the misplaced mappings."""

    slots: list[TextSlot]
    issues: list[LanguageIssue]


# --- reading annotations ------------------------------------------------------------------


def _members(annotation: Any, metadata: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple]]:
    """The members of a union annotation, each with its Annotated metadata (None left out)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        yield from _members(base, (*metadata, *extra))
    elif origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            yield from _members(arg, metadata)
    elif annotation is not type(None):
        yield annotation, metadata


def _is_free_text(annotation: Any, metadata: tuple[Any, ...]) -> bool:
    return annotation is str and any(isinstance(item, FreeText) for item in metadata)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


class _Kinds:
    """What one field's annotation accepts: free text, lists of something, models, mappings."""

    def __init__(self, annotation: Any, metadata: tuple[Any, ...] = ()) -> None:
        self.text = False
        self.lists: list[tuple[Any, tuple]] = []
        self.models: list[type[BaseModel]] = []
        self.mapping = False
        for member, meta in _members(annotation, metadata):
            origin = get_origin(member)
            if _is_free_text(member, meta):
                self.text = True
            elif origin is list or origin is tuple:
                item = get_args(member)[0] if get_args(member) else Any
                self.lists.append((item, ()))
            elif _is_model(member):
                self.models.append(member)
            elif origin is dict:
                self.mapping = True


# --- the walk -----------------------------------------------------------------------------


def _looks_per_language(value: dict[str, Any], languages: frozenset[str]) -> bool:
    """A mapping whose keys are all language codes (Material's, or the site's own)."""
    return bool(value) and all(
        isinstance(key, str) and (key in MATERIAL_LANGUAGES or key in languages) for key in value
    )


_NOT_TEXT = (
    "this field is not free text, so it cannot be given per language ({keys}); write one"
    " value for every language"
)
_WHOLE_LIST = "give each item of the list per language (- {{{example}}}), not the list as a whole"


def text_fields(
    raw: Any, model: type[BaseModel], is_list: bool, languages: tuple[str, ...]
) -> TextFields:
    """Every free-text value of a file's raw data, and the mappings in places that take none.

    `model` is the model of the file (of one entry where `is_list`)."""
    found = TextFields([], [])
    known = frozenset(languages)
    if is_list:
        if isinstance(raw, list):
            for index, item in enumerate(raw):
                _walk_value(item, _Kinds(model), (index,), found, known)
    else:
        _walk_value(raw, _Kinds(model), (), found, known)
    return found


def _walk_model(
    raw: dict[str, Any],
    model: type[BaseModel],
    loc: Location,
    found: TextFields,
    known: frozenset[str],
) -> None:
    for key, value in raw.items():
        kinds = _field_kinds(model, key) if isinstance(key, str) else None
        if kinds is None:
            continue  # an unknown field: pydantic says so
        _walk_value(value, kinds, (*loc, key), found, known)


@cache
def _field_kinds(model: type[BaseModel], key: str) -> _Kinds | None:
    """What a model's field accepts, read once per field (a file has thousands of values)."""
    field = model.model_fields.get(key)
    return None if field is None else _Kinds(field.annotation, tuple(field.metadata))


def _walk_value(
    value: Any, kinds: _Kinds, loc: Location, found: TextFields, known: frozenset[str]
) -> None:
    if value is None:
        return
    if isinstance(value, str):
        if kinds.text:
            found.slots.append(TextSlot(loc, None))
        return
    if isinstance(value, list):
        for item_annotation, meta in kinds.lists:
            item_kinds = _Kinds(item_annotation, meta)
            for index, item in enumerate(value):
                _walk_value(item, item_kinds, (*loc, index), found, known)
            return
        return
    if not isinstance(value, dict):
        return
    if kinds.text:
        found.slots.append(TextSlot(loc, value))
        return
    for model in kinds.models:
        if all(key in model.model_fields for key in value):
            _walk_model(value, model, loc, found, known)
            return
    if _looks_per_language(value, known):
        keys = ", ".join(str(key) for key in value)
        if kinds.lists and not kinds.models and not kinds.mapping:
            item_kinds = _Kinds(kinds.lists[0][0], kinds.lists[0][1])
            if item_kinds.text:
                example = ", ".join(f"{key}: ..." for key in value)
                found.issues.append(LanguageIssue(loc, _WHOLE_LIST.format(example=example)))
                return
        if kinds.mapping and not all(key in known for key in value):
            return  # labels of a mapping that happen to be language codes
        found.issues.append(LanguageIssue(loc, _NOT_TEXT.format(keys=keys)))
        return
    for model in kinds.models:  # unknown fields among known ones: pydantic reports them
        _walk_model(value, model, loc, found, known)
        return


# --- checking and resolving ---------------------------------------------------------------


def translation_issues(slots: list[TextSlot], languages: tuple[str, ...]) -> list[LanguageIssue]:
    """What is wrong with the mappings of free-text fields: a language the site does not list,
    no text in the default language, a value that is not text."""
    default = languages[0]
    listed = ", ".join(languages)
    issues: list[LanguageIssue] = []
    for slot in slots:
        if slot.translations is None:
            continue
        if not slot.translations:
            issues.append(LanguageIssue(slot.loc, f"an empty mapping; give the text in {default}"))
            continue
        if not any(key in MATERIAL_LANGUAGES or key in languages for key in slot.translations):
            keys = ", ".join(map(str, slot.translations))
            verb = "is" if len(slot.translations) == 1 else "are"
            issues.append(
                LanguageIssue(
                    slot.loc,
                    f"expected text; a mapping here gives the text per language"
                    f" ({{{default}: ...}}), but {keys} {verb} no language code",
                )
            )
            continue
        for key, text in slot.translations.items():
            if key not in languages and key not in MATERIAL_LANGUAGES:
                issues.append(
                    LanguageIssue(
                        (*slot.loc, key),
                        f"'{key}' is not a language code; in a mapping of the text per"
                        f" language ({{{default}: ...}}), text with a comma or ': ' goes in"
                        " quotes",
                        at_key=True,
                    )
                )
            elif key not in languages:
                issues.append(
                    LanguageIssue(
                        (*slot.loc, key),
                        f"'{key}' is not one of the site's languages ({listed});"
                        " list it under site.languages in profile.yml, or remove it",
                        at_key=True,
                    )
                )
            elif not isinstance(text, str):
                issues.append(
                    LanguageIssue((*slot.loc, key), "expected text (one string) for this language")
                )
        if default not in slot.translations:
            issues.append(
                LanguageIssue(
                    slot.loc,
                    f"no text in the site's default language '{default}' (the first of"
                    f" site.languages), which is shown where a translation is missing",
                )
            )
    return issues


def _set(tree: Any, loc: Location, value: Any) -> None:
    for part in loc[:-1]:
        tree = tree[part]
    tree[loc[-1]] = value


def resolve(raw: Any, slots: list[TextSlot], language: str, default: str) -> Any:
    """The raw data with every per-language mapping replaced by the text in `language`, or in
    `default` where that language has none. Returns `raw` itself when there is no mapping."""
    mapped = [slot for slot in slots if slot.translations is not None]
    if not mapped:
        return raw
    resolved = copy.deepcopy(raw)
    for slot in mapped:
        translations = slot.translations or {}
        chosen = translations.get(language, translations.get(default))
        _set(resolved, slot.loc, chosen)
    return resolved


def translation_values(slots: list[TextSlot]) -> Iterator[tuple[Location, str, Any]]:
    """(place, language, value) of every translation written in a mapping, so each can be
    validated as the field's own text is."""
    for slot in slots:
        for key, value in (slot.translations or {}).items():
            yield slot.loc, str(key), value


def missing_translations(slots: list[TextSlot], language: str) -> list[Location]:
    """The free-text values that have no text in `language` (and show the default's)."""
    return [
        slot.loc for slot in slots if slot.translations is None or language not in slot.translations
    ]
