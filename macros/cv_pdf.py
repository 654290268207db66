"""The PDF CV, typeset with Typst (the `typst` Python package: no LaTeX, no external binary).

The data goes to `templates/cv.typ` as JSON through `sys.inputs`, so text from data is
inserted as text and can never be read as Typst markup. Fonts come from the package itself
(system fonts are ignored), which makes the PDF the same on every machine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typst

from .markup import markdown_plain
from .model import SiteData
from .rendering import (
    AWARD_HEADINGS,
    TEMPLATES_DIR,
    author_marks,
    format_period,
    join_names,
)

CV_TEMPLATE = "cv.typ"


class CvPdfError(RuntimeError):
    """Typst could not typeset the CV (usually an edit to cv.typ)."""


def cv_data(site: SiteData, is_owner: Any, site_url: str | None = None) -> dict[str, Any]:
    """Everything the Typst template prints, as plain JSON-ready values."""
    profile = site.profile
    return {
        "name": profile.name,
        "position": profile.position or "",
        "affiliation": " · ".join(filter(None, [profile.affiliation, profile.affiliation_detail])),
        "email": profile.email or "",
        "site_url": site_url or "",
        "links": [{"label": link.label, "url": link.url} for link in profile.links],
        "bio": markdown_plain(profile.bio),
        "interests": list(profile.interests),
        "education": [
            {
                "title": item.institution,
                "subtitle": " in ".join(filter(None, [item.degree, item.field])),
                "when": format_period(item.start, item.end),
                "where": item.location or "",
                "lines": [
                    line
                    for line in [
                        f"Advisor{'s' if len(item.advisors) > 1 else ''}: "
                        f"{join_names(item.advisors)}"
                        if item.advisors
                        else "",
                        " | ".join(
                            filter(
                                None,
                                [
                                    f"GPA: {item.gpa}" if item.gpa else "",
                                    f"Ranking: {item.rank}" if item.rank else "",
                                ],
                            )
                        ),
                        *(markdown_plain(d) for d in item.details),
                        (
                            "Selected courses: "
                            + ", ".join(
                                " ".join(filter(None, [c.name, c.grade])) for c in item.courses
                            )
                            + "."
                            + (f" {item.courses_note}" if item.courses_note else "")
                        )
                        if item.courses
                        else "",
                    ]
                    if line
                ],
            }
            for item in site.education
        ],
        "publications": [
            {
                "title": pub.title,
                "authors": [
                    {
                        "name": author.name,
                        "owner": bool(is_owner(author.name)),
                        "mark": ("†" if author.equal_contribution else "")
                        + ("*" if author.corresponding else ""),
                    }
                    for author in pub.authors
                ],
                "venue": pub.venue,
                "badges": [b for b in (pub.venue_short, pub.award) if b],
                "year": str(pub.year),
                "url": f"{site_url.rstrip('/')}/publications/{pub.id}/"
                if site_url
                else (pub.all_links.arxiv or ""),
            }
            for pub in sorted(site.publications, key=lambda p: p.year, reverse=True)
        ],
        "marks": author_marks(site.publications),
        "experience": [
            {
                "title": ", ".join(filter(None, [item.team, item.organization])),
                "subtitle": item.role or "",
                "when": format_period(item.start, item.end),
                "where": item.location or "",
                "lines": [
                    line
                    for line in [
                        " ".join(
                            filter(
                                None,
                                [
                                    f"Advised by {join_names(item.advisors)}."
                                    if item.advisors
                                    else "",
                                    f"Topic: {item.topic}." if item.topic else "",
                                ],
                            )
                        ),
                        *(markdown_plain(h) for h in item.highlights),
                    ]
                    if line
                ],
            }
            for item in site.experience
        ],
        "talks": [
            {
                "title": talk.title,
                "event": talk.event,
                "year": str(talk.year),
                "note": markdown_plain(talk.note),
            }
            for talk in site.talks
        ],
        "teaching": [
            {
                "title": f"{item.course}, {item.institution}",
                "subtitle": item.role,
                "when": " ".join(filter(None, [item.term, str(item.year)])),
                "lines": [
                    line
                    for line in [
                        f"With {join_names(item.instructors)}." if item.instructors else "",
                        markdown_plain(item.details),
                    ]
                    if line
                ],
            }
            for item in site.teaching
        ],
        "awards": [
            {
                "heading": heading,
                "items": [
                    {
                        "title": a.title,
                        "note": a.note or "",
                        "strong": a.highlight,
                        "years": ", ".join(map(str, a.years)),
                    }
                    for a in site.awards
                    if a.category == category
                ],
            }
            for category, heading in AWARD_HEADINGS.items()
            if any(a.category == category for a in site.awards)
        ],
        "projects": [
            {
                "title": project.name,
                "subtitle": project.subtitle or "",
                "year": str(project.year),
                "description": markdown_plain(project.description),
                "url": project.links.website or project.links.code or "",
            }
            for project in site.projects
        ],
        "skills": [{"category": g.category, "items": ", ".join(g.items)} for g in site.skills],
    }


def render_cv_pdf(data: dict[str, Any], template: Path = TEMPLATES_DIR / CV_TEMPLATE) -> bytes:
    """Typeset the CV; raises CvPdfError with Typst's message if the template is broken."""
    try:
        return typst.compile(
            str(template),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            ignore_system_fonts=True,
        )
    except typst.TypstError as error:
        raise CvPdfError(f"{template.name}: {error}") from None
