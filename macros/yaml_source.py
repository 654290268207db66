"""Reading YAML into plain Python while remembering where every value came from.

libyaml (PyYAML's C parser) composes the node tree quickly and gives each node its line and
column; values are then built from the nodes with YAML 1.2's core rules (only `true`/`false`
are booleans, dates stay text), the same rules ruamel.yaml uses when the importer writes.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

# The base loaders compose nodes without YAML 1.1's type guessing, which `_scalar` replaces.
try:
    from yaml import CBaseLoader as _Loader
except ImportError:  # PyYAML built without libyaml
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]

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


def _scalar(node: yaml.ScalarNode) -> Any:
    value = node.value
    if node.style:  # quoted or block scalars are always text
        return value
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
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


def _build(node: yaml.Node, path: Location, positions: Positions) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_build(key_node, (), {}))
            key_at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                raise YamlSyntaxError(f'the key "{key}" appears twice in the same entry', *key_at)
            positions[(*path, key, "@key")] = key_at
            positions[(*path, key)] = (
                value_node.start_mark.line + 1,
                value_node.start_mark.column + 1,
            )
            result[key] = _build(value_node, (*path, key), positions)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            positions[(*path, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_build(item, (*path, index), positions))
        return items
    return _scalar(node)


def read_yaml(text: str) -> tuple[Any, Positions]:
    """The document's data, and the (line, column) of every mapping value and list item."""
    try:
        node = yaml.compose(text, Loader=_Loader)
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
    positions: Positions = {}
    return (None if node is None else _build(node, (), positions)), positions
