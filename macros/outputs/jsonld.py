"""schema.org JSON-LD, read by search engines: `ScholarlyArticle` for a paper's page, `Person`
for the home page, `BlogPosting` for a post.

Only what the schema.org vocabulary allows (checked by scripts/validate.py): `isPartOf` takes a
CreativeWork, so a venue is a `Periodical` (journals) or a `CreativeWork` (proceedings and
the rest), never an `Event`; a thesis is a `Thesis` of its university. Google's recommended
Article fields are filled where the data has them: `image` (the page's picture, after a paper's
figure if it has one: pass their absolute URLs as `image_url` to
`SiteRenderer.publication_head`/`home_head`), `author.url` (the owner's site), `datePublished`
(the year: publications have no finer date).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..data.model import Publication
from ..data.sections import SiteData
from ..views.markup import markdown_plain
from .writings import PostSummary


def _author(name: str, is_owner: Callable[[str], bool], owner_url: str | None) -> dict[str, Any]:
    author = {"@type": "Person", "name": name}
    if owner_url and is_owner(name):
        author["url"] = owner_url
    return author


def scholarly_article(
    pub: Publication,
    page_url: str | None,
    is_owner: Callable[[str], bool] = lambda name: False,
    owner_url: str | None = None,
    image: str | list[str] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The `ScholarlyArticle` of one publication; `page_url` is its absolute address,
    `owner_url` the site's (the owner's `author.url`), `image` the page's picture or pictures
    (the paper's figure and its card), `language` the page's (each language's page describes
    the paper in its words)."""
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": page_url,
        "url": page_url,
        "inLanguage": language,
        "headline": pub.title,
        "name": pub.title,
        "author": [_author(author.name, is_owner, owner_url) for author in pub.authors],
        "datePublished": str(pub.year),
        "image": image,
    }
    if pub.type == "thesis":  # its venue is the university that grants the degree
        article["@type"] = "Thesis"
        article["sourceOrganization"] = {"@type": "CollegeOrUniversity", "name": pub.venue}
    else:
        kind = "Periodical" if pub.type == "journal" else "CreativeWork"
        article["isPartOf"] = {"@type": kind, "name": pub.venue}
    if pub.abstract:
        article["abstract"] = markdown_plain(pub.abstract)
    if pub.summary:  # a short summary is not the abstract: never give it as one
        article["description"] = markdown_plain(pub.summary)
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


def person(site: SiteData, site_url: str | None, image: str | None = None) -> dict[str, Any]:
    """The schema.org `Person` of the home page, with `sameAs` pointing at the profile links;
    `image` is the absolute address of a picture of the person, if any."""
    profile = site.profile
    result: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": profile.name,
        "url": site_url,
        "jobTitle": profile.position,
        "image": image,
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


def blog_posting(
    post: PostSummary, page_url: str | None, site: SiteData, image: str | None = None
) -> dict[str, Any]:
    """The `BlogPosting` of one post: its title, dates, the person as author (linked to the
    site), categories as keywords; `page_url` is its absolute address, `image` its card's."""
    profile = site.profile
    author: dict[str, Any] = {"@type": "Person", "name": profile.name}
    if profile.site.url:
        author["url"] = profile.site.url
    result: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": page_url,
        "url": page_url,
        "mainEntityOfPage": page_url,
        "headline": post.title,
        "name": post.title,
        "datePublished": post.created.isoformat(),
        "dateModified": (post.updated or post.created).isoformat(),
        "author": author,
        "image": image,
        "description": post.summary or None,
        "keywords": list(post.categories) or None,
    }
    return {key: value for key, value in result.items() if value is not None}
