"""Papers' figures (`image:` of a publication): checked on load, resized at build time.

A figure is shown at three sizes: beside the paper in the lists (a thumbnail), on the paper's own
page, and on its social card. The pages get each size and twice that for sharp screens, as WebP
with a JPEG fallback (PNG if the figure has transparency); the card gets one PNG or JPEG that
Typst draws. Resized files are cached in `.cache/papers/` under the paper's id and the hash of
the original, so an unchanged figure is resized once, and a changed one gets new addresses
(browsers never show a stale copy) and a new social card (the card's data names the file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .image_files import Rendition, Resizer, fit, image_file_problem, open_image
from .model import Publication

LIST_BOX = (160, 160)  # CSS pixels a figure may take beside a paper in a list (see site.css)
PAGE_BOX = (640, 480)  # CSS pixels on the paper's own page (narrower screens shrink it)
CARD_BOX = (380, 330)  # pixels on the social card (see templates/social_card.typ)
IMAGES_DIR = "assets/images/papers"  # in the site
CACHE_DIR = ".cache/papers"  # in the project
EXAMPLE = "data/images/<id>.png"


class PaperImageError(RuntimeError):
    """A figure passed the checks but cannot be decoded (a truncated file)."""


@dataclass(frozen=True)
class PaperImage:
    """A paper's figure as every output uses it; site paths are relative to the site root."""

    alt: str
    in_list: Rendition  # beside the paper in the lists
    on_page: Rendition  # on the paper's own page
    card: str  # the card's picture, relative to the project (Typst reads it from there)
    card_size: tuple[int, int]  # its pixels (one pixel is one point on the card)
    files: Mapping[str, Path]  # site path -> resized file in the cache

    @property
    def url(self) -> str:
        """The largest copy the site publishes (for JSON-LD's `image`)."""
        return self.on_page.largest


def paper_image_problem(pub: Publication, project_dir: Path) -> str | None:
    """What is wrong with the paper's `image.file`, or None (no figure is fine)."""
    if pub.image is None:
        return None
    return image_file_problem(pub.image.file, project_dir, EXAMPLE.replace("<id>", pub.id))


def resize_paper_images(
    pubs: Iterable[Publication], project_dir: Path, cache_dir: Path | None = None
) -> dict[str, PaperImage]:
    """The resized figures of (checked) papers by id, made once per original into the cache;
    the cache then holds only these papers' files (a replaced figure's copies go)."""
    cache_dir = cache_dir or project_dir / CACHE_DIR
    images = {pub.id: _resize(pub, project_dir, cache_dir) for pub in pubs if pub.image is not None}
    keep = {path.name for image in images.values() for path in image.files.values()}
    keep |= {Path(image.card).name for image in images.values()}
    if cache_dir.is_dir():
        for path in cache_dir.iterdir():
            if path.is_file() and path.name not in keep:
                path.unlink(missing_ok=True)
    return images


def _resize(pub: Publication, project_dir: Path, cache_dir: Path) -> PaperImage:
    assert pub.image is not None
    original = (project_dir / pub.image.file).read_bytes()
    name = f"{pub.id}-{hashlib.sha256(original).hexdigest()[:16]}"
    try:
        image, alpha = open_image(original)
    except (OSError, ValueError) as error:  # the load checks read the header only
        raise PaperImageError(
            f"publications entry (id '{pub.id}'): field 'image.file': {pub.image.file} cannot"
            f" be decoded ({error}); save it again as JPEG, PNG or WebP"
        ) from None
    resizer = Resizer(image, alpha, name, cache_dir, IMAGES_DIR)
    in_list = resizer.rendition(LIST_BOX)
    on_page = resizer.rendition(PAGE_BOX)
    card_size = fit(image.size, CARD_BOX)
    card = resizer.copy(card_size, resizer.fallback_ext)
    return PaperImage(
        alt=pub.image.alt,
        in_list=in_list,
        on_page=on_page,
        card=card.relative_to(project_dir).as_posix(),
        card_size=card_size,
        files=dict(resizer.files),
    )
