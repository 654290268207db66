"""JSON Resume (https://jsonresume.org) export of the site data, and its check against the schema.

Each section's registry entry names its place in JSON Resume (`Section.resume`); the entries
come from the same views as the web and PDF CV, in the same order, so the three agree. One
mapping per JSON Resume list turns a view into that list's fields. Sections JSON Resume has
no place for go where its own documentation puts them: talks are projects of type "talk",
teaching appointments are work entries, a section made in data is (by default) projects whose
type is the section's title.

The schema (resume-schema 1.0.1 from npm, MIT) ships in `vendor/`, so validation needs no
network; it checks formats (e-mail, URI) as the official validator does. The build does not
validate: the data model already rules out what the schema forbids, so only a bug here could
break it, which the tests and `python -m macros check` catch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..data.sections import Section, SiteData
from ..views.markup import markdown_plain
from ..views.views import EntryView, absolute_url, plain_line
from ..views.words import Words

SCHEMA_PATH = Path(__file__).parent.parent / "vendor" / "json-resume-1.0.1.schema.json"
# The address the schema's own sample resume (resume-schema 1.0.1) gives in `$schema`.
SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"


def _dates(view: EntryView) -> dict[str, str | None]:
    return {
        "startDate": view.start,
        "endDate": view.end if view.end != "present" else None,
    }


def _lines(view: EntryView, words: Words) -> list[str]:
    return [plain_line(line, words) for line in view.lines]


def _url(view: EntryView, site_url: str | None) -> str | None:
    """The entry's address, absolute; else its first link that can be made absolute."""
    candidates = [view.url, *(link.url for link in view.links)]
    return next((u for u in (absolute_url(c, site_url) for c in candidates) if u), None)


def _work(view: EntryView, section: Section, site_url: str | None, words: Words) -> dict[str, Any]:
    fields = view.fields
    return {
        "name": fields.get("organization") or view.title,
        "position": fields.get("position"),
        "description": fields.get("description"),
        "location": view.where,
        "summary": fields.get("summary"),
        "url": _url(view, site_url),
        "highlights": _lines(view, words),
        **_dates(view),
    }


def _volunteer(
    view: EntryView, section: Section, site_url: str | None, words: Words
) -> dict[str, Any]:
    fields = view.fields
    return {
        "organization": fields.get("organization"),
        "position": ", ".join(filter(None, [view.title, fields.get("position")])),
        "url": _url(view, site_url),
        "highlights": _lines(view, words),
        **_dates(view),
    }


def _education(
    view: EntryView, section: Section, site_url: str | None, words: Words
) -> dict[str, Any]:
    fields = view.fields
    return {
        "institution": fields["institution"],
        "area": fields.get("field"),
        "studyType": fields.get("degree"),
        "score": fields.get("score"),
        "courses": fields.get("courses"),
        **_dates(view),
    }


def _publication(
    view: EntryView, section: Section, site_url: str | None, words: Words
) -> dict[str, Any]:
    return {
        "name": view.title,
        "publisher": view.subtitle,
        "releaseDate": view.start,
        "url": absolute_url(view.url, site_url) or view.fields.get("external_url"),
        "summary": " ".join(_lines(view, words)),
    }


def _award(view: EntryView, section: Section, site_url: str | None, words: Words) -> dict[str, Any]:
    return {
        "title": view.title,
        "date": view.start,
        "summary": "; ".join(filter(None, [view.when, view.subtitle, *_lines(view, words)])),
    }


def _project(
    view: EntryView, section: Section, site_url: str | None, words: Words
) -> dict[str, Any]:
    fields = view.fields
    return {
        "name": view.title,
        "type": fields.get("type") or section.resume_type,
        "entity": fields.get("entity") or fields.get("organization"),
        "roles": [fields["position"]] if fields.get("position") else [],
        "description": " ".join(_lines(view, words)),
        "keywords": fields.get("keywords") or [],
        "url": _url(view, site_url),
        **_dates(view),
    }


def _skill(view: EntryView, section: Section, site_url: str | None, words: Words) -> dict[str, Any]:
    return {"name": view.title, "keywords": list(view.fields.get("keywords") or [])}


def _interest(
    view: EntryView, section: Section, site_url: str | None, words: Words
) -> dict[str, Any]:
    return {"name": view.title}


Mapping = Callable[[EntryView, Section, "str | None", Words], dict[str, Any]]
# JSON Resume's lists, in the order cv.json has them, and how a view becomes an item of each.
RESUME_LISTS: dict[str, Mapping] = {
    "work": _work,
    "volunteer": _volunteer,
    "education": _education,
    "awards": _award,
    "publications": _publication,
    "skills": _skill,
    "interests": _interest,
    "projects": _project,
}


def _clean(value: Any) -> Any:
    """Drop empty fields, as JSON Resume themes expect absent rather than empty values."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value if v not in (None, "", [], {})]
    return value


def json_resume(site: SiteData, site_url: str | None = None) -> dict[str, Any]:
    """The whole record as a JSON Resume document; `site_url` makes the site's links absolute."""
    profile = site.profile
    base = (site_url or "").rstrip("/")
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in RESUME_LISTS}
    for section in site.cv_sections():
        if section.resume is None:
            continue
        mapping = RESUME_LISTS[section.resume]
        lists[section.resume] += [
            mapping(v, section, site_url, site.words) for v in site.views(section)
        ]
    home = site_url.rstrip("/") + "/" if site_url else None
    profiles = [
        {"network": link.label, "url": absolute_url(link.url, site_url)}
        for link in profile.links
        if absolute_url(link.url, site_url)
        and absolute_url(link.url, site_url).rstrip("/") + "/" != home  # that is basics.url
    ]
    resume = {
        "$schema": SCHEMA_URL,
        "basics": {
            "name": profile.name,
            "label": profile.position,
            "email": profile.email,
            "url": site_url,
            "summary": markdown_plain(profile.bio),
            "profiles": profiles,
        },
        **lists,
        "meta": {"canonical": f"{base}/cv.json" if base else None},
    }
    return _clean(resume)


def schema_problems(resume: dict[str, Any]) -> list[str]:
    """Where the export breaks the JSON Resume schema, formats (e-mail, URI, date) included,
    as `path: message` lines."""
    import jsonschema  # only checks need it; the build does not

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(resume), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors]


def json_resume_text(site: SiteData, site_url: str | None = None) -> str:
    return json.dumps(json_resume(site, site_url), indent=2, ensure_ascii=False) + "\n"
