"""Citation counts kept in `data/metrics.yml`: the model, its cross-check, and what pages show.

`python -m macros refresh-metrics` writes the file; builds only read it, so a site is made
offline from whatever was fetched last. The file is optional: without it no count is shown.
This module imports nothing else of the package, so `model.py` can embed `Metrics`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

# The services in the order a paper's count is chosen for display: the first one with a count.
SERVICE_LABELS = {
    "semantic_scholar": "Semantic Scholar",
    "openalex": "OpenAlex",
    "crossref": "Crossref",
}
Service = Literal["semantic_scholar", "openalex", "crossref"]
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _coerce_date(value: object) -> object:
    """YAML reads `2026-11-26` as a date; keep it as the text it was written as."""
    return value.isoformat() if isinstance(value, date) else value


def _check_date(value: str) -> str:
    if not _ISO_DATE.match(value):
        raise ValueError("expected the date fetched, written YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"not a real date ({error})") from None
    return value


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("expected a publication id (lower-case letters, digits, '-' or '_')")
    return value


FetchDate = Annotated[
    str,
    BeforeValidator(_coerce_date),
    AfterValidator(_check_date),
    WithJsonSchema({"type": "string", "pattern": _ISO_DATE.pattern, "description": "YYYY-MM-DD"}),
]
PublicationId = Annotated[str, AfterValidator(_check_id)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitationCount(_Strict):
    """One service's count for one paper, and the day it was fetched."""

    count: Annotated[int, Field(ge=0, strict=True)]
    date: FetchDate


class Metrics(_Strict):
    """The whole of `data/metrics.yml`."""

    show_total: bool = Field(
        default=False,
        description="Show the total of the papers' citation counts on the home page.",
    )
    citations: dict[PublicationId, dict[Service, CitationCount]] = Field(
        default_factory=dict,
        description="Per paper id and service; written by `python -m macros refresh-metrics`.",
    )

    def shown(self, pub_id: str) -> ShownCount | None:
        """The count a paper's entry shows: the first service (in SERVICE_LABELS order) with one."""
        counts = self.citations.get(pub_id, {})
        for service, label in SERVICE_LABELS.items():
            if service in counts:
                found = counts[service]  # type: ignore[index]
                return ShownCount(found.count, label, found.date)
        return None

    def total(self, pub_ids: list[str]) -> CitationTotal | None:
        """The sum of the shown counts of these papers, or None when there is none."""
        shown = [s for s in (self.shown(p) for p in pub_ids) if s is not None]
        if not shown:
            return None
        services = [
            label for label in SERVICE_LABELS.values() if any(s.service == label for s in shown)
        ]
        return CitationTotal(sum(s.count for s in shown), services, max(s.date for s in shown))


@dataclass(frozen=True)
class ShownCount:
    count: int
    service: str
    date: str


@dataclass(frozen=True)
class CitationTotal:
    count: int
    services: list[str]
    date: str
