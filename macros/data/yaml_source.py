"""Reading YAML into plain Python while remembering where every value came from.

libyaml (PyYAML's C parser) parses quickly and gives each event its line and column; values
are built from the events with YAML 1.2's core rules (only `true`/`false` are booleans, dates
stay text), the same rules ruamel.yaml uses when the importer writes. Reading is bounded:
what aliases stand for is capped, nesting depth and value sizes are limited, each with its line.
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
MAX_ALIASED_VALUES = 10_000

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

    __slots__ = ("anchor", "key", "key_at", "path", "size", "value")

    def __init__(self, value: dict[str, Any] | list[Any], path: Location, anchor: str | None):
        self.value, self.path, self.anchor = value, path, anchor
        self.key: str | None = None  # a mapping's pending key, once read
        self.key_at: tuple[int, int] = (0, 0)
        self.size = 1  # values in it, counting what aliases in it stand for


def _at(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _build(events: Iterator[Any]) -> tuple[Any, Positions]:
    """Data and positions from parser events, without recursion.

    An alias (`*name`) is the anchored value itself, not a copy, and what each one stands for
    is counted: past MAX_ALIASED_VALUES the file is refused at the alias's line, so an alias
    bomb never expands (into billions of values, for whatever reads the data next).
    """
    positions: Positions = {}
    stack: list[_Container] = []
    anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, number of values in it)
    aliased = 0
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
            done = stack.pop()
            if done.anchor is not None:
                anchors[done.anchor] = (done.value, done.size)
            if stack:
                stack[-1].size += done.size
            continue
        size = 1
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                inside = any(c.anchor == event.anchor for c in stack)
                raise YamlSyntaxError(
                    f"the alias *{event.anchor} "
                    + ("is inside the value it names" if inside else "names no anchor before it"),
                    *_at(event),
                )
            value, size = anchors[event.anchor]
            aliased += size
            if aliased > MAX_ALIASED_VALUES:
                raise YamlSyntaxError(
                    f"aliases (*name) here stand for more than {MAX_ALIASED_VALUES:,} values;"
                    " write the values out",
                    *_at(event),
                )
        elif isinstance(event, yaml.ScalarEvent):
            if len(event.value) > MAX_SCALAR_LENGTH:
                raise YamlSyntaxError(
                    f"a value of {len(event.value):,} characters; at most"
                    f" {MAX_SCALAR_LENGTH:,} are allowed",
                    *_at(event),
                )
            value = _scalar(event)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", *_at(event))
            value = {} if isinstance(event, yaml.MappingStartEvent) else []
        else:  # stream and document ends
            continue
        parent = stack[-1] if stack else None
        if parent is None:
            root, path = value, ()
        elif isinstance(parent.value, dict):
            if parent.key is None:  # this event is a key
                if isinstance(value, (dict, list)):
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
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append(_Container(value, path, event.anchor))
        elif parent is not None:
            parent.size += size
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
