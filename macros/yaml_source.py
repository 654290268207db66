"""Reading YAML into plain Python while remembering where every value came from.

libyaml (PyYAML's C parser) parses quickly and gives each event its line and column; values
are built from the events with YAML 1.2's core rules (only `true`/`false` are booleans, dates
stay text), the same rules ruamel.yaml uses when the importer writes. Reading is bounded:
aliases are refused, nesting depth and value sizes are limited, each with its line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import yaml

# The base loaders compose nodes without YAML 1.1's type guessing, which `_scalar` replaces.
try:
    from yaml import CBaseLoader as _Loader
except ImportError:  # PyYAML built without libyaml
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

# Limits that keep a hostile file from exhausting time or memory: the real data needs a
# depth of 4 and values of a few thousand characters.
MAX_DEPTH = 32
MAX_SCALAR_LENGTH = 200_000
MAX_NUMBER_LENGTH = 100

Location = tuple[int | str, ...]
Positions = dict[Location, tuple[int, int]]

_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(inf|Inf|INF)$")
_NAN = re.compile(r"^\.(nan|NaN|NAN)$")


class YamlSyntaxError(Exception):
    """The text is not valid YAML; `line` and `column` are 1-based where known."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def _scalar(event: yaml.ScalarEvent) -> Any:
    value = event.value
    if event.style:  # quoted or block scalars are always text
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        # Python refuses to read ints of more than 4,300 digits; no field wants one this long.
        return int(value) if len(value) <= MAX_NUMBER_LENGTH else value
    if _OCT.match(value):
        return int(value[2:], 8)
    if _HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    return value


class _Container:
    """A mapping or list being built, with where its next value goes."""

    __slots__ = ("key", "key_at", "path", "value")

    def __init__(self, value: dict[str, Any] | list[Any], path: Location) -> None:
        self.value, self.path = value, path
        self.key: str | None = None  # a mapping's pending key, once read
        self.key_at: tuple[int, int] = (0, 0)


def _at(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _build(events: Iterator[Any]) -> tuple[Any, Positions]:
    """Data and positions from parser events, without recursion and without aliases.

    Building from events (not from composed nodes) sees every alias where it is written, so an
    alias bomb is refused at its line instead of expanding into billions of values.
    """
    positions: Positions = {}
    stack: list[_Container] = []
    root: Any = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlSyntaxError(
                    "expected a single document, but found another (a second '---')",
                    *_at(event),
                )
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        if isinstance(event, yaml.AliasEvent):
            raise YamlSyntaxError(
                f"aliases (*{event.anchor}) are not allowed in data files; write the value out",
                *_at(event),
            )
        if isinstance(event, yaml.ScalarEvent):
            if len(event.value) > MAX_SCALAR_LENGTH:
                raise YamlSyntaxError(
                    f"a value of {len(event.value):,} characters; at most"
                    f" {MAX_SCALAR_LENGTH:,} are allowed",
                    *_at(event),
                )
            value: Any = _scalar(event)
            container: _Container | None = None
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", *_at(event))
            value = {} if isinstance(event, yaml.MappingStartEvent) else []
            container = None  # made below, once its path is known
        else:  # stream and document ends
            continue
        parent = stack[-1] if stack else None
        if parent is None:
            root, path = value, ()
        elif isinstance(parent.value, dict):
            if parent.key is None:  # this event is a key
                if not isinstance(event, yaml.ScalarEvent):
                    raise YamlSyntaxError("a key must be plain text", *_at(event))
                key = str(value)
                if key in parent.value:
                    raise YamlSyntaxError(
                        f'the key "{key}" appears twice in the same entry', *_at(event)
                    )
                parent.key, parent.key_at = key, _at(event)
                continue
            key, parent.key = parent.key, None
            path = (*parent.path, key)
            positions[(*path, "@key")] = parent.key_at
            positions[path] = _at(event)
            parent.value[key] = value
        else:
            path = (*parent.path, len(parent.value))
            positions[path] = _at(event)
            parent.value.append(value)
        if not isinstance(event, yaml.ScalarEvent):
            container = _Container(value, path)
            stack.append(container)
    return root, positions


def read_yaml(text: str) -> tuple[Any, Positions]:
    """The document's data, and the (line, column) of every mapping value and list item."""
    try:
        return _build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "invalid YAML").strip()
        if error.context and error.context_mark is not None and error.problem_mark is not None:
            start = error.context_mark
            problem += (
                f" ({error.context.strip()} that starts at line {start.line + 1},"
                f" column {start.column + 1})"
            )
        raise YamlSyntaxError(
            problem,
            mark.line + 1 if mark is not None else None,
            mark.column + 1 if mark is not None else None,
        ) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error), None, None) from None
