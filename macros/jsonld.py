"""schema.org JSON-LD for a publication page (`ScholarlyArticle`), read by search engines."""

from __future__ import annotations

from typing import Any

from .markup import markdown_plain
from .model import Publication


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
