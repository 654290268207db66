"""The news feed (Atom) from `data/news.yml`, written with feedgen.

An entry's id comes from the item's `id:` or from its date and place (see `news_ids`), never
from its wording: correcting a typo does not make feed readers show the item again. Items of
the same date are a second apart in `updated`, the newer (higher in the file) later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse
from uuid import NAMESPACE_URL, uuid5

from feedgen.feed import FeedGenerator

from ..data.model import NewsItem
from ..data.news_ids import news_keys, ordinals_within_date
from ..data.sections import SiteData
from ..views.markup import markdown_inline, markdown_plain

FEED_PATH = "feed.xml"


def news_datetime(item: NewsItem) -> datetime:
    """'2024-09' -> 2024-09-01T00:00Z: a partial date's first moment."""
    parts = [int(part) for part in item.date.split("-")]
    year, month, day = [*parts, 1, 1][:3]
    return datetime(year, month, day, tzinfo=UTC)


def entry_id(site_url: str, key: str) -> str:
    """The Atom id of the item with permanent key `key` (see `news_ids.news_keys`). Atom
    wants an absolute IRI: without the site's address (no `site.url`), a name-based UUID
    of the address and key, as stable as the key."""
    iri = f"{site_url}#news-{key}"
    return iri if urlparse(iri).scheme else f"urn:uuid:{uuid5(NAMESPACE_URL, iri)}"


def news_feed(site: SiteData, site_url: str) -> str:
    """The Atom feed of every news item, newest first; `site_url` is the site's address."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    feed = FeedGenerator()
    feed.id(site_url if urlparse(site_url).scheme else entry_id(site_url, "feed"))
    feed.title(site.words.feed_title.format(name=site.profile.name))
    author = {"name": site.profile.name}
    if site.profile.email:
        author["email"] = site.profile.email
    feed.author(author)
    feed.link(href=site_url, rel="alternate")
    feed.link(href=site_url + FEED_PATH, rel="self")
    feed.language(site.language)
    if site.profile.site.description:
        feed.subtitle(site.profile.site.description)
    # A partial date's first moment, plus a second for each older item of the same moment
    # (`2025`, `2025-01` and `2025-01-01` all start at the same one).
    ordinals = ordinals_within_date(site.news, news_datetime)
    times = [
        news_datetime(item) + timedelta(seconds=ordinal - 1)
        for item, ordinal in zip(site.news, ordinals, strict=True)
    ]
    # Oldest first, because feedgen lists the last added entry first.
    order = sorted(zip(times, news_keys(site.news), site.news, strict=True), key=lambda t: t[0])
    for time, key, item in order:
        entry = feed.add_entry()
        entry.id(entry_id(site_url, key))
        entry.title(markdown_plain(item.text))
        entry.link(href=site_url)
        # Formulas as their TeX: feed readers show MathML unevenly, and some strip it.
        entry.content(str(markdown_inline(item.text, as_mathml=False)), type="html")
        entry.published(time)
        entry.updated(time)
    feed.updated(order[-1][0] if order else datetime(1970, 1, 1, tzinfo=UTC))
    return feed.atom_str(pretty=True).decode("utf-8")
