"""Permanent ids of news items, for the feed: a corrected text must not re-announce an item.

An item's id is its `id:` if it has one; otherwise its date and its place among the items of
that date, counted from the bottom of `news.yml` (the oldest): `2025-1`, `2025-2`. New items go
on top, so adding one never changes the ids of the others; neither does editing a text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence

from .model import NewsItem


def ordinals_within_date(
    items: Sequence[NewsItem], date: Callable[[NewsItem], Hashable] = lambda item: item.date
) -> list[int]:
    """Each item's place among the items of its date, 1 for the one lowest in the file.
    `date` says which items share one (by default, the same `date:` text)."""
    seen: Counter[Hashable] = Counter()
    ordinals = [0] * len(items)
    for index in range(len(items) - 1, -1, -1):
        seen[date(items[index])] += 1
        ordinals[index] = seen[date(items[index])]
    return ordinals


def news_keys(items: Sequence[NewsItem]) -> list[str]:
    """The permanent key of every item, in the file's order."""
    return [
        item.id or f"{item.date}-{ordinal}"
        for item, ordinal in zip(items, ordinals_within_date(items), strict=True)
    ]
