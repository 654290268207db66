"""The Atom feed of the news (`data/news.yml`) and the posts (`docs/blog/posts/`), written
with feedgen, newest first.

An entry's id never comes from its wording, so correcting a typo does not make feed readers show
it again: a news item's is its `id:` or its date and place (see `news_ids`), a post's is its
file's path under blog/posts/. News items of the same date are a second apart in `updated`, the
newer (higher in the file) later.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlparse
from uuid import NAMESPACE_URL, uuid5

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from ..data.model import NewsItem
from ..data.news_ids import news_keys, ordinals_within_date
from ..data.sections import SiteData
from ..views.markup import markdown_inline, markdown_plain
from .writings import PostSummary

FEED_PATH = "feed.xml"


def news_datetime(item: NewsItem) -> datetime:
    """'2024-09' -> 2024-09-01T00:00Z: a partial date's first moment."""
    parts = [int(part) for part in item.date.split("-")]
    year, month, day = [*parts, 1, 1][:3]
    return datetime(year, month, day, tzinfo=UTC)


def entry_id(site_url: str, key: str, kind: str = "news") -> str:
    """The Atom id of the news item (or post, `kind="post"`) with permanent key `key` (see
    `news_ids.news_keys`, `PostSummary.key`). Atom wants an absolute IRI: without the site's
    address (no `site.url`), a name-based UUID of the address and key, as stable as the key."""
    iri = f"{site_url}#{kind}-{quote(key, safe='/-_.~')}"
    return iri if urlparse(iri).scheme else f"urn:uuid:{uuid5(NAMESPACE_URL, iri)}"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def news_feed(site: SiteData, site_url: str, posts: Sequence[PostSummary] = ()) -> str:
    """The Atom feed of every news item and post, newest first; `site_url` is the site's
    address."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    feed = FeedGenerator()
    feed.id(site_url if urlparse(site_url).scheme else entry_id(site_url, "feed"))
    title = site.words.feed_title_posts if posts else site.words.feed_title
    feed.title(title.format(name=site.profile.name))
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
    news = [
        (time, False, key, item)
        for time, key, item in zip(times, news_keys(site.news), site.news, strict=True)
    ]
    dated = [(_utc(post.created), True, post.key, post) for post in posts]
    # Oldest first, because feedgen lists the last added entry first; a post before a news
    # item of the same moment (the news of a post is usually that post).
    order = sorted([*news, *dated], key=lambda t: (t[0], t[1], t[2]))
    for time, is_post, key, item in order:
        entry = feed.add_entry()
        if is_post:
            _post_entry(entry, item, site_url)
            continue
        entry.id(entry_id(site_url, key))
        entry.title(markdown_plain(item.text))
        entry.link(href=site_url)
        # Formulas as their TeX: feed readers show MathML unevenly, and some strip it.
        entry.content(str(markdown_inline(item.text, as_mathml=False)), type="html")
        entry.published(time)
        entry.updated(time)
    latest = [_utc(p.updated) for p in posts if p.updated] + [t[0] for t in order]
    feed.updated(max(latest) if latest else datetime(1970, 1, 1, tzinfo=UTC))
    return feed.atom_str(pretty=True).decode("utf-8")


def _post_entry(entry: FeedEntry, post: PostSummary, site_url: str) -> None:
    """A post's entry: its title, address, categories and summary as plain text (the feed
    carries no HTML of a page the person wrote)."""
    entry.id(entry_id(site_url, post.key, kind="post"))
    entry.title(post.title)
    entry.link(href=site_url + post.url)
    if post.summary:
        entry.summary(post.summary)
    for category in post.categories:
        entry.category(term=category)
    entry.published(_utc(post.created))
    entry.updated(_utc(post.updated or post.created))
