"""Social cards: the 1200 x 630 PNG a link preview shows for a page (`og:image`), made with Typst.

A card is made from the data (the owner's name and position, the page's title; for a paper its
title, authors and venue) through `templates/social_card.typ`, which gets it as JSON through
`sys.inputs`: text from data is printed as text and never read as Typst markup.

Cards are cached by content in the project (`.cache/social/card-<hash>.png`). The hash covers the
template, the card's data (the photo's file name holds the photo's own hash) and the Typst
version, which fixes the fonts since system fonts are ignored. An unchanged site renders no
card again; an edited template renders them all again. Missing cards are rendered together in one
Typst run, one page per card, which costs a fraction of one run per card.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import typst

from .model import Publication
from .rendering import TEMPLATES_DIR
from .sections import SiteData

CARD_TEMPLATE = "social_card.typ"
CARD_WIDTH, CARD_HEIGHT = 1200, 630
CARDS_DIR = "assets/images/social"  # in the site
CACHE_DIR = ".cache/social"  # in the project
_PPI = 72  # the template's page is 1200pt x 630pt: one point is one pixel
_MIN_BATCH = 50  # fewer cards than this per thread are not worth another thread
_CARD_FILE = re.compile(r"^card-[0-9a-f]{64}\.png$")


class SocialCardError(RuntimeError):
    """Typst could not render the cards (usually an edit to social_card.typ)."""


@dataclass(frozen=True)
class SocialCard:
    path: str  # where the PNG goes, relative to the site root
    alt: str  # what the picture says, for og:image:alt
    data: dict[str, Any] = field(hash=False)  # what the template prints


def card_path(page_source: str) -> str:
    """The site path of the card of the page made from `page_source` ('publications.md' ->
    'assets/images/social/publications.png')."""
    stem = page_source[: -len(".md")] if page_source.endswith(".md") else page_source
    return f"{CARDS_DIR}/{stem}.png"


class SocialCards:
    """Makes the cards of one build and keeps them in the cache.

    `page()`/`home()`/`paper()` only describe a card and `request()` finds it in the cache
    (cheap, on the build's thread); `cached_card()` renders what the cache lacks (on the
    build's second thread; thread-safe).
    """

    def __init__(
        self,
        site: SiteData,
        is_owner: Callable[[str], bool],
        project_dir: Path,
        photo: str = "",
        template: Path = TEMPLATES_DIR / CARD_TEMPLATE,
    ) -> None:
        """`photo` is the card picture's path inside `project_dir` ('' for none)."""
        profile = site.profile
        self.site = site
        self.is_owner = is_owner
        self.project_dir = project_dir
        self.cache_dir = project_dir / CACHE_DIR
        self.template = template
        self._identity = {
            "name": profile.name,
            "position": profile.position or "",
            "affiliation": profile.affiliation or "",
            # The published address, also under `mkdocs serve` (which sets its own site_url).
            "site": urlparse(profile.site.url or "").hostname or "",
            "photo": f"/{photo}" if photo else "",  # Typst reads "/..." from the project root
        }
        self._salt = b"\0".join(
            [template.read_bytes(), typst.__version__.encode(), str(_PPI).encode()]
        )
        self._requests_lock = threading.Lock()  # held briefly, by both threads
        self._render_lock = threading.Lock()  # held while rendering, by the second thread
        self._requested: dict[str, SocialCard] = {}  # cache key -> card
        self._compiler: typst.Compiler | None = None
        self._rendered: set[str] = set()  # keys of the cards this build rendered
        self.reused = 0  # cards taken from the cache

    # --- what a card says ---------------------------------------------------------------

    def home(self, page_source: str = "index.md") -> SocialCard:
        """The home page's card: the owner's name, position and affiliation."""
        alt = " – ".join(filter(None, [self.site.profile.name, self.site.profile.position]))
        return self._card(page_source, alt, kind="home", title=self.site.profile.name)

    def page(self, page_source: str, title: str) -> SocialCard:
        """A page's card: its title under the owner's name and position."""
        alt = f"{title} – {self.site.profile.name}"
        return self._card(page_source, alt, kind="page", title=title)

    def paper(self, pub: Publication, page_source: str) -> SocialCard:
        """A paper's card: its title, authors and venue under the owner's name."""
        authors = [{"name": a.name, "owner": bool(self.is_owner(a.name))} for a in pub.authors]
        alt = f"{pub.title}. {', '.join(a.name for a in pub.authors)}. {pub.venue}, {pub.year}."
        return self._card(
            page_source,
            alt,
            kind="paper",
            title=pub.title,
            authors=authors,
            venue=pub.venue,
            year=str(pub.year),
            badges=[b for b in (pub.venue_short, pub.award) if b],
        )

    def _card(self, page_source: str, alt: str, **fields: Any) -> SocialCard:
        data = {**self._identity, "authors": [], "venue": "", "year": "", "badges": [], **fields}
        return SocialCard(card_path(page_source), alt, data)

    # --- making them ----------------------------------------------------------------------

    def key(self, card: SocialCard) -> str:
        """The card's cache key: its data, the template and Typst's version."""
        text = json.dumps(card.data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(self._salt + b"\0" + text).hexdigest()

    def request(self, card: SocialCard) -> Path | Callable[[], Path]:
        """Note that the build needs `card`. Returns its file if the cache has it (a warm build
        places it at once: a few system calls), else the function that renders it and returns
        its file (for the second thread). Cards requested before the first is rendered are
        rendered in one batch."""
        key = self.key(card)
        with self._requests_lock:
            self._requested[key] = card
        path = self._cached(key)
        if path.is_file():
            self.reused += 1
            return path
        return lambda: self.cached_card(key)

    def cached_card(self, key: str) -> Path:
        """The cached PNG of a requested card, rendered first (with every other requested card
        the cache lacks) if need be."""
        with self._render_lock:
            path = self._cached(key)
            if not path.is_file():
                with self._requests_lock:
                    requested = dict(self._requested)
                missing = {k: c for k, c in requested.items() if not self._cached(k).is_file()}
                self._render_into_cache(missing)
            return path

    def _cached(self, key: str) -> Path:
        return self.cache_dir / f"card-{key}.png"

    def _render_into_cache(self, cards: dict[str, SocialCard]) -> None:
        data = [card.data for card in cards.values()]
        # The build's own thread keeps one core busy; Typst releases Python's lock, so the
        # other cores (if any) each render a share of the cards.
        workers = max(1, min((os.cpu_count() or 1) - 1, len(data) // _MIN_BATCH))
        if workers == 1:
            images = render_cards(data, self._compile)
        else:
            size = -(-len(data) // workers)
            chunks = [data[i : i + size] for i in range(0, len(data), size)]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                parts = pool.map(lambda chunk: render_cards(chunk, self._compile_alone), chunks)
                images = [image for part in parts for image in part]
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for key, image in zip(cards, images, strict=True):
            temporary = self._cached(key).with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(image)
            temporary.replace(self._cached(key))  # never a half-written card in the cache
        self._rendered.update(cards)

    @property
    def rendered(self) -> int:
        """How many cards this build rendered."""
        return len(self._rendered)

    def _compile(self, data: str) -> bytes | list[bytes]:
        if self._compiler is None:
            self._compiler = typst.Compiler(
                str(self.template), root=str(self.project_dir), ignore_system_fonts=True
            )
        return self._compiler.compile(format="png", ppi=_PPI, sys_inputs={"data": data})

    def _compile_alone(self, data: str) -> bytes | list[bytes]:
        """One Typst run of its own (for a thread of a pool; a Compiler is not shared)."""
        return typst.compile(
            str(self.template),
            root=str(self.project_dir),
            ignore_system_fonts=True,
            format="png",
            ppi=_PPI,
            sys_inputs={"data": data},
        )

    def prune(self) -> int:
        """Delete cached cards this build did not ask for (from older data or templates), so the
        cache holds one site's cards; returns how many."""
        if not self.cache_dir.is_dir():
            return 0
        keep = {self._cached(key).name for key in self._requested}
        stale = [
            p for p in self.cache_dir.iterdir() if _CARD_FILE.match(p.name) and p.name not in keep
        ]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


def render_cards(
    cards: Sequence[dict[str, Any]],
    compile_: Callable[[str], bytes | list[bytes]],
) -> list[bytes]:
    """Render card data to PNGs in one Typst run (one page per card)."""
    if not cards:
        return []
    try:
        result = compile_(json.dumps({"cards": list(cards)}, ensure_ascii=False))
    except typst.TypstError as error:
        raise SocialCardError(f"{CARD_TEMPLATE}: {error}") from None
    images = [result] if isinstance(result, bytes) else list(result)
    if len(images) != len(cards):
        raise SocialCardError(
            f"{CARD_TEMPLATE}: made {len(images)} pages for {len(cards)} cards"
            " (the template must make exactly one page per card)"
        )
    return images
