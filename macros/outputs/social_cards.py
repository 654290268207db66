"""Social cards: the 1200 x 630 PNG a link preview shows for a page (`og:image`), made with Typst.

A card is made from the data (the owner's name and position, the page's title; for a paper its
title, authors, venue and figure) through `templates/social_card.typ`, which gets it as JSON through
`sys.inputs`: text from data is printed as text and never read as Typst markup.

Cards are cached by content in the project (`.cache/social/card-<hash>.png`). The hash covers the
template, the card's data (the file names of the photo and of a paper's figure hold their own
hashes) and the Typst version, which fixes the fonts since system fonts are ignored. An unchanged
site renders no card again; an edited template renders them all again. Missing cards are rendered
in chunks, one Typst run of one page per card each, which costs a fraction of one run per card;
the build's threads take chunks in turn (see `render_pending`), so a cold build keeps every core
busy.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import typst

from ..data.model import Publication
from ..data.paper_images import PaperImage
from ..data.sections import SiteData
from .pdf_fonts import describe_character, find_font_dirs, missing_glyph_advice
from .rendering import TEMPLATES_DIR

CARD_TEMPLATE = "social_card.typ"
CARD_WIDTH, CARD_HEIGHT = 1200, 630
CARDS_DIR = "assets/images/social"  # in the site
CACHE_DIR = ".cache/social"  # in the project
_PPI = 72  # the template's page is 1200pt x 630pt: one point is one pixel
_RENDERING = "2"  # raise when the way cards are rendered changes (2: fonts beyond Typst's own)
_CHUNK = 32  # cards per Typst run: a run costs about 20 ms more than the cards it renders
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
    (cheap, on the build's thread). What the cache lacks is rendered by `cached_card()` on the
    build's second thread while the pages build, by `start_helpers()` threads on more cores,
    and by `finish()` on the build's own thread once the pages are built.
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
            # The card's language (for Typst's line breaking) and its one fixed word.
            "lang": site.language.partition("-")[0].lower(),
            "et_al": site.words.et_al,
        }
        self._salt = b"\0".join(
            [template.read_bytes(), typst.__version__.encode(), f"{_PPI}/{_RENDERING}".encode()]
        )
        # One lock guards the state below; threads wait on it for cards others render.
        self._changed = threading.Condition()
        self._requested: dict[str, SocialCard] = {}  # cache key -> card
        self._pending: list[str] = []  # keys of requested cards the cache lacks, not yet taken
        self._rendered: set[str] = set()  # keys of the cards this build rendered
        self._failure: SocialCardError | None = None
        self._helpers: ThreadPoolExecutor | None = None
        self._helper_jobs: list[Future[None]] = []
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

    def paper(
        self, pub: Publication, page_source: str, image: PaperImage | None = None
    ) -> SocialCard:
        """A paper's card: its title, authors and venue under the owner's name, and its
        figure (`image`, from the paper's view) beside them if it has one."""
        authors = [{"name": a.name, "owner": bool(self.is_owner(a.name))} for a in pub.authors]
        names = self.site.words.author_separator.join(a.name for a in pub.authors)
        alt = f"{pub.title}. {names}. {pub.venue}, {pub.year}."
        # The figure's file name holds the original's hash: a new figure is a new card.
        figure = (
            {
                "figure": {
                    "path": f"/{image.card}",
                    "width": image.card_size[0],
                    "height": image.card_size[1],
                }
            }
            if image is not None
            else {}
        )
        return self._card(
            page_source,
            alt,
            kind="paper",
            title=pub.title,
            authors=authors,
            venue=pub.venue,
            year=str(pub.year),
            badges=[b for b in (pub.venue_short, pub.award) if b],
            **figure,
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
        places it at once: a few system calls), else the function that waits until it is
        rendered and returns its file (for the build's second thread)."""
        key = self.key(card)
        path = self._cached(key)
        with self._changed:
            first = key not in self._requested
            self._requested[key] = card
            if path.is_file():
                self.reused += 1
                return path
            if first:
                self._pending.append(key)
        return lambda: self.cached_card(key)

    def cached_card(self, key: str) -> Path:
        """The cached PNG of a requested card: render pending cards, a chunk at a time, until
        this one is among them, or wait for the thread that renders it."""
        self.render_pending(until=key)
        with self._changed:
            self._changed.wait_for(lambda: key in self._rendered or self._failure is not None)
            if self._failure is not None:
                raise self._failure
        return self._cached(key)

    def render_pending(self, until: str | None = None) -> None:
        """Render the requested cards the cache lacks, a chunk at a time (stopping once `until`
        is rendered, if given). Any number of threads may call it at once and share the work:
        each takes the next chunk."""
        while True:
            with self._changed:
                if self._failure is not None:
                    raise self._failure
                if until in self._rendered or not self._pending:
                    return
                keys = self._pending[:_CHUNK]
                del self._pending[:_CHUNK]
            try:
                self._render_into_cache(keys)
            except Exception as error:  # the threads waiting for these cards must learn of it
                failure = error if isinstance(error, SocialCardError) else None
                failure = failure or SocialCardError(f"social cards: {error}")
                with self._changed:
                    self._failure = failure
                    self._changed.notify_all()
                raise failure from None
            with self._changed:
                self._rendered.update(keys)
                self._changed.notify_all()

    def start_helpers(self, threads: int) -> None:
        """Render pending cards on `threads` threads of their own, beside the build's."""
        if threads > 0 and self._pending and self._helpers is None:
            self._helpers = ThreadPoolExecutor(max_workers=threads)
            self._helper_jobs = [self._helpers.submit(self.render_pending) for _ in range(threads)]

    def finish(self) -> None:
        """Once the pages are built, the build's own thread renders what is still pending
        beside the other threads (a cold build of 1,000 papers has most cards left by then);
        then waits for the helpers. Raises SocialCardError if a card could not be made."""
        try:
            self.render_pending()
        finally:
            if self._helpers is not None:
                self._helpers.shutdown(wait=True)
        for job in self._helper_jobs:
            job.result()

    def _cached(self, key: str) -> Path:
        return self.cache_dir / f"card-{key}.png"

    def _render_into_cache(self, keys: list[str]) -> None:
        with self._changed:
            cards = [self._requested[key] for key in keys]
        data = [card.data for card in cards]
        # Fonts beyond Typst's own (Chinese, Japanese, Korean, emoji) where the text needs them.
        font_dirs, missing = find_font_dirs(data, self.project_dir)
        if missing:
            holding = [
                c.alt for c in cards if missing & set(json.dumps(c.data, ensure_ascii=False))
            ]
            raise SocialCardError(
                "the social card of "
                + "; of ".join(f"'{alt}'" for alt in holding)
                + " has characters that no font has a glyph for (they would print as empty"
                f" boxes): {', '.join(describe_character(c) for c in sorted(missing))}; "
                + missing_glyph_advice(self.project_dir, missing)
            )
        images = render_cards(data, lambda text: self._compile(text, font_dirs))
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for key, image in zip(keys, images, strict=True):
            temporary = self._cached(key).with_suffix(f".{threading.get_ident()}.tmp")
            temporary.write_bytes(image)
            temporary.replace(self._cached(key))  # never a half-written card in the cache

    @property
    def rendered(self) -> int:
        """How many cards this build rendered."""
        return len(self._rendered)

    def _compile(self, data: str, font_dirs: list[str]) -> bytes | list[bytes]:
        """One Typst run (typst releases Python's lock, so threads render side by side)."""
        return typst.compile(
            str(self.template),
            root=str(self.project_dir),
            ignore_system_fonts=True,
            font_paths=font_dirs,
            format="png",
            ppi=_PPI,
            sys_inputs={"data": data},
        )

    @property
    def requested(self) -> frozenset[str]:
        """The cache keys of every card this build asked for."""
        with self._changed:
            return frozenset(self._requested)

    def prune(self, also_keep: Iterable[str] = ()) -> int:
        """Delete cached cards that no build of the site asked for (from older data or
        templates), so the cache holds one site's cards; `also_keep` are the keys the builds of
        the site's other languages asked for (one cache serves them all). Returns how many."""
        if not self.cache_dir.is_dir():
            return 0
        keep = {self._cached(key).name for key in (*self._requested, *also_keep)}
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
