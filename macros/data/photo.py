"""The optional profile photo (`photo:` in profile.yml): checked, then resized at build time.

The page gets the photo at the size the profile card shows it, and twice that for sharp screens,
as WebP with a JPEG fallback (PNG if the photo has transparency); the social cards get a square
crop. Resized files are cached in `.cache/social/` under the hash of the original, so an
unchanged photo is resized once. The checks and the resizing are those of every image the data
names (`image_files`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .image_files import Resizer, image_file_problem, open_image
from .model import Profile

PHOTO_WIDTH = 144  # CSS pixels on the profile card (see overrides/assets/site.css)
CARD_PHOTO_SIZE = 400  # pixels of the square crop the social cards use
PHOTO_DIR = "assets/images"  # in the site


@dataclass(frozen=True)
class PhotoProblem:
    """What is wrong with `photo.file`, for the loader to report with file and line."""

    field: str
    message: str


@dataclass(frozen=True)
class ResizedPhoto:
    """The photo as the site uses it; paths relative to the site root."""

    alt: str
    width: int  # as shown, in CSS pixels
    height: int
    webp_1x: str
    webp_2x: str
    fallback_1x: str
    fallback_2x: str
    fallback_type: str  # image/jpeg or image/png
    files: dict[str, Path]  # site path -> resized file in the cache
    card_photo: str  # the square crop for the social cards, relative to the project
    cv_photo: (
        str | None
    )  # the 2x fallback for the PDF CV if asked for (photo.on_cv), relative to the project


def photo_problems(profile: Profile, project_dir: Path) -> list[PhotoProblem]:
    """Check that the photo is an image file inside the project (JPEG, PNG or WebP)."""
    if profile.photo is None:
        return []
    problem = image_file_problem(profile.photo.file, project_dir, "data/images/photo.jpg")
    return [PhotoProblem("photo.file", problem)] if problem else []


def resize_photo(profile: Profile, project_dir: Path, cache_dir: Path) -> ResizedPhoto | None:
    """The resized versions of a (checked) photo, made once per original into `cache_dir`."""
    if profile.photo is None:
        return None
    from PIL import Image, ImageOps

    original = (project_dir / profile.photo.file).read_bytes()
    name = f"profile-{hashlib.sha256(original).hexdigest()[:16]}"
    image, alpha = open_image(original)
    resizer = Resizer(image, alpha, name, cache_dir, PHOTO_DIR)
    shown = resizer.rendition((PHOTO_WIDTH, 100 * PHOTO_WIDTH))  # as wide as the card allows
    card = cache_dir / f"{name}-card.png"
    if not card.is_file():
        square = ImageOps.fit(image, (CARD_PHOTO_SIZE, CARD_PHOTO_SIZE), Image.LANCZOS)
        square.save(card, "PNG")
    return ResizedPhoto(
        alt=profile.photo.alt,
        width=shown.width,
        height=shown.height,
        webp_1x=shown.webp[0].path,
        webp_2x=shown.webp[-1].path,
        fallback_1x=shown.fallback[0].path,
        fallback_2x=shown.fallback[-1].path,
        fallback_type=shown.fallback_type,
        files=resizer.files,
        card_photo=card.relative_to(project_dir).as_posix(),
        cv_photo=resizer.files[shown.largest].relative_to(project_dir).as_posix()
        if profile.photo.on_cv
        else None,
    )
