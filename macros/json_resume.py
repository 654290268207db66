"""JSON Resume (https://jsonresume.org) export of the site data, and its check against the schema.

The schema (resume-schema 1.0.1, MIT) ships in `vendor/`, so validation needs no network. The
build does not validate: the data model already rules out what the schema forbids, so only a
bug here could break it, which the tests and `python -m macros check` catch.
Sections JSON Resume has no place for go where its own documentation puts them: talks are
projects of type "talk", teaching appointments are work entries.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .markup import markdown_plain
from .model import Period, SiteData
from .rendering import paper_path

SCHEMA_PATH = Path(__file__).parent / "vendor" / "json-resume-1.0.1.schema.json"


def _dates(item: Period) -> dict[str, str]:
    dates = {"startDate": item.start}
    if item.end and item.end != "present":
        dates["endDate"] = item.end
    return dates


def _clean(value: Any) -> Any:
    """Drop empty fields, as JSON Resume themes expect absent rather than empty values."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_clean(v) for v in value if v not in (None, "", [], {})]
    return value


def json_resume(site: SiteData, site_url: str | None = None) -> dict[str, Any]:
    """The whole record as a JSON Resume document; `site_url` makes paper links absolute."""
    profile = site.profile
    base = (site_url or "").rstrip("/")
    resume = {
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": {
            "name": profile.name,
            "label": profile.position,
            "email": profile.email,
            "url": site_url,
            "summary": markdown_plain(profile.bio),
            "profiles": [{"network": link.label, "url": link.url} for link in profile.links],
        },
        "work": [
            {
                "name": item.organization,
                "position": item.role or item.team,
                "description": item.team if item.role else None,
                "location": item.location,
                "summary": f"Topic: {item.topic}" if item.topic else None,
                "highlights": [markdown_plain(h) for h in item.highlights],
                **_dates(item),
            }
            for item in site.experience
        ]
        + [
            {
                "name": item.institution,
                "position": item.role,
                "summary": f"{item.course} ({' '.join(filter(None, [item.term, str(item.year)]))})"
                + (f", with {', '.join(item.instructors)}" if item.instructors else "")
                + (f". {markdown_plain(item.details)}" if item.details else ""),
                "startDate": str(item.year),
                "endDate": str(item.year),
            }
            for item in site.teaching
        ],
        "education": [
            {
                "institution": item.institution,
                "area": item.field,
                "studyType": item.degree,
                "score": "; ".join(
                    filter(
                        None,
                        [
                            f"GPA {item.gpa}" if item.gpa else None,
                            f"Ranking {item.rank}" if item.rank else None,
                        ],
                    )
                ),
                "courses": [" ".join(filter(None, [c.name, c.grade])) for c in item.courses]
                + ([item.courses_note] if item.courses_note else []),
                **_dates(item),
            }
            for item in site.education
        ],
        "awards": [
            {
                "title": award.title,
                "date": str(max(award.years)),
                "summary": "; ".join(filter(None, [", ".join(map(str, award.years)), award.note])),
            }
            for award in site.awards
        ],
        "publications": [
            {
                "name": pub.title,
                "publisher": pub.venue,
                "releaseDate": str(pub.year),
                "url": f"{base}/{paper_path(pub.id)}" if base else pub.all_links.arxiv,
                "summary": markdown_plain(pub.summary),
            }
            for pub in site.publications
        ],
        "skills": [{"name": group.category, "keywords": group.items} for group in site.skills],
        "interests": [{"name": interest} for interest in profile.interests],
        "projects": [
            {
                "name": project.name,
                "description": markdown_plain(project.description),
                "startDate": str(project.year),
                "url": project.links.website or project.links.code,
                "keywords": [project.subtitle] if project.subtitle else [],
            }
            for project in site.projects
        ]
        + [
            {
                "name": talk.title,
                "type": "talk",
                "entity": talk.event,
                "startDate": str(talk.year),
                "url": talk.links.video or talk.links.slides or talk.links.event,
                "description": markdown_plain(talk.note),
            }
            for talk in site.talks
        ],
        "meta": {"canonical": f"{base}/cv.json" if base else None, "version": "v1.0.0"},
    }
    return _clean(resume)


def schema_problems(resume: dict[str, Any]) -> list[str]:
    """Where the export breaks the JSON Resume schema, as `path: message` lines."""
    import jsonschema  # only checks need it; the build does not

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft4Validator(schema).iter_errors(resume), key=lambda e: list(e.path)
    )
    return [f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors]


def json_resume_text(site: SiteData, site_url: str | None = None) -> str:
    return json.dumps(json_resume(site, site_url), indent=2, ensure_ascii=False) + "\n"
