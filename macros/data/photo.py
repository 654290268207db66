"""The optional profile photo (`photo:` in profile.yml): checked, then resized at build time.

The page gets the photo at the size the profile card shows it, and twice that for sharp screens,
as WebP with a JPEG fallback (PNG if the photo has transparency); the social cards get a square
crop. Resized files are cached in `.cache/social/` under the hash of the original, so an
unchanged photo is resized once.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .model import Profile

PHOTO_WIDTH = 144  # CSS pixels on the profile card (see overrides/assets/site.css)
CARD_PHOTO_SIZE = 400  # pixels of the square crop the social cards use
PHOTO_DIR = "assets/images"  # in the site
_FORMATS = {"JPEG", "PNG", "WEBP"}


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
    source = project_dir / profile.photo.file
    expected = "a JPEG, PNG or WebP file inside the project, e.g. data/images/photo.jpg"
    root = project_dir.resolve()
    try:
        resolved = source.resolve()
    except OSError as error:  # a symlink loop
        return [PhotoProblem("photo.file", f"cannot read it ({error}); expected {expected}")]
    if not resolved.is_relative_to(root):
        return [
            PhotoProblem("photo.file", f"it is outside the project folder; expected {expected}")
        ]
    if not resolved.is_file():
        return [PhotoProblem("photo.file", f"no such file in the project; expected {expected}")]
    from PIL import Image, UnidentifiedImageError  # only a site with a photo pays for Pillow

    try:
        with Image.open(resolved) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        return [PhotoProblem("photo.file", f"not a readable image ({error}); expected {expected}")]
    if kind not in _FORMATS:
        return [PhotoProblem("photo.file", f"a {kind} image; expected {expected}")]
    return []


def resize_photo(profile: Profile, project_dir: Path, cache_dir: Path) -> ResizedPhoto | None:
    """The resized versions of a (checked) photo, made once per original into `cache_dir`."""
    if profile.photo is None:
        return None
    from PIL import Image, ImageOps

    original = (project_dir / profile.photo.file).read_bytes()
    digest = hashlib.sha256(original).hexdigest()[:16]
    with Image.open(io.BytesIO(original)) as loaded:
        image = ImageOps.exif_transpose(loaded)  # phones store portraits turned, with a tag
        image.load()
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if alpha else "RGB")
    width = min(PHOTO_WIDTH, image.width)  # never enlarged
    height = round(width * image.height / image.width)
    double = min(2 * width, image.width)
    fallback_ext = "png" if alpha else "jpg"
    name = f"profile-{digest}"
    cache_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def variant(w: int, ext: str, save: Callable[[Image.Image, io.BytesIO], None]) -> str:
        site_path = f"{PHOTO_DIR}/{name}-{w}.{ext}"
        cached = cache_dir / f"{name}-{w}.{ext}"
        if not cached.is_file():
            buffer = io.BytesIO()
            save(image.resize((w, round(w * image.height / image.width)), Image.LANCZOS), buffer)
            cached.write_bytes(buffer.getvalue())
        files[site_path] = cached
        return site_path

    def webp(im: Image.Image, out: io.BytesIO) -> None:
        im.save(out, "WEBP", quality=82, method=4)

    def fallback(im: Image.Image, out: io.BytesIO) -> None:
        if alpha:
            im.save(out, "PNG", optimize=True)
        else:
            im.save(out, "JPEG", quality=85, optimize=True, progressive=True)

    card = cache_dir / f"{name}-card.png"
    if not card.is_file():
        square = ImageOps.fit(image, (CARD_PHOTO_SIZE, CARD_PHOTO_SIZE), Image.LANCZOS)
        square.save(card, "PNG")
    fallback_2x = variant(double, fallback_ext, fallback)
    return ResizedPhoto(
        alt=profile.photo.alt,
        width=width,
        height=height,
        webp_1x=variant(width, "webp", webp),
        webp_2x=variant(double, "webp", webp),
        fallback_1x=variant(width, fallback_ext, fallback),
        fallback_2x=fallback_2x,
        fallback_type=f"image/{'png' if alpha else 'jpeg'}",
        files=files,
        card_photo=card.relative_to(project_dir).as_posix(),
        cv_photo=files[fallback_2x].relative_to(project_dir).as_posix()
        if profile.photo.on_cv
        else None,
    )
