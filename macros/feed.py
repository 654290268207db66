"""The news feed (Atom) from `data/news.yml`, written with feedgen.

Entries keep their ids as long as their date and text stay the same, so feed readers do not
show an item twice after a rebuild.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from .markup import markdown_inline, markdown_plain
from .model import NewsItem
from .sections import SiteData

FEED_PATH = "feed.xml"


def news_datetime(item: NewsItem) -> datetime:
    """'2024-09' -> 2024-09-01T00:00Z: a partial date's first moment."""
    parts = [int(part) for part in item.date.split("-")]
    year, month, day = [*parts, 1, 1][:3]
    return datetime(year, month, day, tzinfo=UTC)


def entry_id(site_url: str, item: NewsItem) -> str:
    digest = hashlib.sha1(f"{item.date}\n{item.text}".encode()).hexdigest()[:12]
    return f"{site_url}#news-{item.date}-{digest}"


def news_feed(site: SiteData, site_url: str) -> str:
    """The Atom feed of every news item, newest first; `site_url` is the site's address."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    feed = FeedGenerator()
    feed.id(site_url)
    feed.title(f"{site.profile.name}: news")
    author = {"name": site.profile.name}
    if site.profile.email:
        author["email"] = site.profile.email
    feed.author(author)
    feed.link(href=site_url, rel="alternate")
    feed.link(href=site_url + FEED_PATH, rel="self")
    feed.language("en")
    if site.profile.site.description:
        feed.subtitle(site.profile.site.description)
    # Oldest first, because feedgen lists the last added entry first; on equal dates the
    # file's own order (newest first) is kept.
    order = sorted(enumerate(site.news), key=lambda pair: (news_datetime(pair[1]), -pair[0]))
    items = [item for _, item in order]
    for item in items:
        entry = feed.add_entry()
        entry.id(entry_id(site_url, item))
        entry.title(markdown_plain(item.text))
        entry.link(href=site_url)
        entry.content(str(markdown_inline(item.text)), type="html")
        entry.published(news_datetime(item))
        entry.updated(news_datetime(item))
    feed.updated(news_datetime(items[-1]) if items else datetime(1970, 1, 1, tzinfo=UTC))
    return feed.atom_str(pretty=True).decode("utf-8")
