"""ORCID: a person's public record (names, affiliations, works) from the public API v3.0.

API (ORCID API v3.0 guide; `pub.orcid.org`, no key for public data; JSON when asked with
`Accept: application/json`, XML otherwise):

- `GET /v3.0/{iD}/person`: `name` (`given-names`, `family-name`, `credit-name`, each
  `{"value": ...}`), `other-names.other-name[].content`, `biography.content`,
  `researcher-urls.researcher-url[]` (`url-name`, `url.value`), `emails.email[].email`,
  `keywords.keyword[].content`;
- `GET /v3.0/{iD}/activities`: `educations` and `employments` (`affiliation-group[].summaries[]`,
  each an `education-summary` / `employment-summary` with `organization`, `department-name`,
  `role-title`, `start-date`, `end-date`), and `works.group[]` (one group per work, its
  `work-summary[]` the versions each source gave: `put-code`, `title`, `type`,
  `publication-date`, `journal-title`, `external-ids`);
- `GET /v3.0/{iD}/works/{put-code,put-code,...}` (at most 100): the full works, authors
  (`contributors.contributor[].credit-name`) included, as `{"bulk": [{"work": {...}}]}`.

ORCID's public API allows 24 requests a second; an unknown iD answers 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .http import ORCID, ScholarlyHttp, shape_error
from .metadata import TYPE_OF_WORK, PaperMetadata, PersonMetadata, clean_text

ORCID_ID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
BULK = 100  # works per request, ORCID's limit
_ARXIV = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.I)


def valid_orcid(value: str) -> bool:
    """An ORCID iD with its ISO 7064 11,2 check character right (a typo is caught here, not
    by a 404 after a request)."""
    if not ORCID_ID.match(value):
        return False
    total = 0
    for digit in value.replace("-", "")[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return value[-1] == ("X" if check == 10 else str(check))


@dataclass
class Affiliation:
    """An education or employment entry of the record."""

    organization: str
    department: str | None = None
    role: str | None = None
    start: str | None = None
    end: str | None = None
    location: str | None = None


@dataclass
class OrcidPerson(PersonMetadata):
    """The person's record: what every service gives, and what only ORCID has."""

    biography: str | None = None
    emails: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (label, address)
    education: list[Affiliation] = field(default_factory=list)
    employment: list[Affiliation] = field(default_factory=list)


def _value(node: Any, *path: str) -> str | None:
    """`node[path[0]][path[1]]...` as clean text, or None where any step is missing."""
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    text = clean_text(node) if isinstance(node, (str, int)) and not isinstance(node, bool) else ""
    return text or None


def _items(node: Any, *path: str) -> list[Any]:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def _date(node: Any) -> str | None:
    """ORCID's `{"year": {"value": "2021"}, "month": {"value": "09"}, "day": null}`."""
    parts = [_value(node, part, "value") for part in ("year", "month", "day")]
    if not parts[0] or not parts[0].isdigit():
        return None
    kept = [parts[0]]
    for part in parts[1:]:
        if not part or not part.isdigit():
            break
        kept.append(part.zfill(2))
    return "-".join(kept)


def _affiliations(activities: dict[str, Any], kind: str) -> list[Affiliation]:
    found = []
    for group in _items(activities, f"{kind}s", "affiliation-group"):
        for summary in _items(group, "summaries"):
            item = summary.get(f"{kind}-summary") if isinstance(summary, dict) else None
            name = _value(item, "organization", "name")
            if not name:
                continue
            place = [_value(item, "organization", "address", key) for key in ("city", "country")]
            found.append(
                Affiliation(
                    name,
                    _value(item, "department-name"),
                    _value(item, "role-title"),
                    _date(item.get("start-date")),
                    _date(item.get("end-date")),
                    ", ".join(p for p in place if p) or None,
                )
            )
            break  # the group's first summary is the one the person shows first
    return found


def _person(answer: Any) -> OrcidPerson:
    if not isinstance(answer, dict):
        raise shape_error(ORCID, "the person is not an object")
    name = _value(answer, "name", "credit-name", "value") or " ".join(
        part
        for part in (
            _value(answer, "name", "given-names", "value"),
            _value(answer, "name", "family-name", "value"),
        )
        if part
    )
    if not name:
        raise shape_error(ORCID, "a record without a public name")
    return OrcidPerson(
        name,
        other_names=[
            n
            for n in (_value(o, "content") for o in _items(answer, "other-names", "other-name"))
            if n
        ],
        biography=_value(answer, "biography", "content"),
        emails=[e for e in (_value(m, "email") for m in _items(answer, "emails", "email")) if e],
        keywords=[
            k for k in (_value(w, "content") for w in _items(answer, "keywords", "keyword")) if k
        ],
        urls=[
            (_value(u, "url-name") or "Website", address)
            for u in _items(answer, "researcher-urls", "researcher-url")
            if (address := _value(u, "url", "value"))
        ],
    )


def _external_ids(node: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    for ext in _items(node, "external-ids", "external-id"):
        kind = (_value(ext, "external-id-type") or "").lower()
        value = _value(ext, "external-id-value")
        if value and _value(ext, "external-id-relationship") in (None, "self"):
            ids.setdefault(kind, value)
    return ids


def _work(summary: dict[str, Any], full: dict[str, Any] | None) -> PaperMetadata | str:
    """A work as entry fields; authors and venue are left out where ORCID has none."""
    work = full or summary
    title = _value(work, "title", "title", "value")
    year = _value(work, "publication-date", "year", "value")
    if not title or not year or not year.isdigit():
        return f"ORCID work {summary.get('put-code')}: no title or year"
    fields: dict[str, Any] = {"title": title, "year": int(year)}
    authors = [
        name
        for c in _items(work, "contributors", "contributor")
        if _value(c, "contributor-attributes", "contributor-role") in (None, "author")
        and (name := _value(c, "credit-name", "value"))
    ]
    if authors:
        fields["authors"] = authors
    venue = _value(work, "journal-title", "value")
    if venue:
        fields["venue"] = venue
    fields["type"] = TYPE_OF_WORK.get(str(work.get("type")), "other")
    ids = _external_ids(work)
    arxiv = _ARXIV.search(ids.get("arxiv", ""))
    if arxiv:
        fields["arxiv"] = arxiv.group(1)
    if ids.get("doi"):
        fields["doi"] = _DOI_PREFIX.sub("", ids["doi"])
    return PaperMetadata(fields)


def fetch_orcid(http: ScholarlyHttp, orcid: str) -> OrcidPerson:
    """The public record of `orcid`: person, affiliations and every work, authors included."""
    person = _person(http.get_json(ORCID, f"/v3.0/{orcid}/person"))
    activities = http.get_json(ORCID, f"/v3.0/{orcid}/activities")
    if not isinstance(activities, dict):
        raise shape_error(ORCID, "the activities are not an object")
    person.education = _affiliations(activities, "education")
    person.employment = _affiliations(activities, "employment")
    person.affiliations = [a.organization for a in person.employment if a.end is None]
    summaries = []
    for group in _items(activities, "works", "group"):
        versions = [s for s in _items(group, "work-summary") if isinstance(s, dict)]
        if versions:  # the first version is the one the person shows
            summaries.append(versions[0])
    full: dict[str, dict[str, Any]] = {}
    codes = [str(s.get("put-code")) for s in summaries if str(s.get("put-code", "")).isdigit()]
    for start in range(0, len(codes), BULK):
        chunk = ",".join(codes[start : start + BULK])
        answer = http.get_json(ORCID, f"/v3.0/{orcid}/works/{chunk}")
        if not isinstance(answer, dict) or not isinstance(answer.get("bulk"), list):
            raise shape_error(ORCID, "no 'bulk' list of works")
        for item in answer["bulk"]:
            work = item.get("work") if isinstance(item, dict) else None
            if isinstance(work, dict):  # an `error` item leaves the summary alone
                full[str(work.get("put-code"))] = work
    for summary in summaries:
        paper = _work(summary, full.get(str(summary.get("put-code"))))
        if isinstance(paper, str):
            person.skipped.append(paper)
        else:
            person.papers.append(paper)
    return person
