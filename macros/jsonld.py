"""schema.org JSON-LD, read by search engines: `ScholarlyArticle` for a paper's page, `Person`
for the home page."""

from __future__ import annotations

from typing import Any

from .markup import markdown_plain
from .model import Publication
from .sections import SiteData


def scholarly_article(pub: Publication, page_url: str | None) -> dict[str, Any]:
    """The `ScholarlyArticle` of one publication; `page_url` is its absolute address."""
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": page_url,
        "url": page_url,
        "headline": pub.title,
        "name": pub.title,
        "author": [{"@type": "Person", "name": author.name} for author in pub.authors],
        "datePublished": str(pub.year),
        "isPartOf": {
            "@type": "PublicationIssue" if pub.type == "journal" else "Event",
            "name": pub.venue,
        },
    }
    if pub.summary:
        article["abstract"] = markdown_plain(pub.summary)
    if pub.topics:
        article["keywords"] = list(pub.topics)
    links = pub.all_links.model_dump(exclude_none=True)
    same_as = [links[key] for key in ("arxiv", "doi", "page") if key in links]
    if same_as:
        article["sameAs"] = same_as
    if pub.doi:
        article["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": pub.doi}
    if "code" in links:
        article["isBasedOn"] = links["code"]
    return {key: value for key, value in article.items() if value is not None}


def person(site: SiteData, site_url: str | None) -> dict[str, Any]:
    """The schema.org `Person` of the home page, with `sameAs` pointing at the profile links."""
    profile = site.profile
    result: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": profile.name,
        "url": site_url,
        "jobTitle": profile.position,
        "email": f"mailto:{profile.email}" if profile.email else None,
        "description": markdown_plain(profile.bio) or None,
        "knowsAbout": list(profile.interests) or None,
        "sameAs": [link.url for link in profile.links if link.url.startswith("http")] or None,
        "affiliation": {"@type": "Organization", "name": profile.affiliation}
        if profile.affiliation
        else None,
        "alumniOf": [
            {"@type": "CollegeOrUniversity", "name": item.institution}
            for item in site.education
            if item.end not in (None, "present")
        ]
        or None,
    }
    return {key: value for key, value in result.items() if value is not None}
