"""Image files that data names (the profile photo, papers' figures): checked on load, and resized
for the site at build time.

An image is a file inside the project (never published as it is: only its resized copies are),
so the checks here decide what the build may read: a file, inside the project folder also once
symbolic links are followed, of a reasonable size, that Pillow reads as JPEG, PNG or WebP.
Resized copies are written next to the cache's other files under a name holding the original's
hash, so an unchanged image is resized once.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_FILE_BYTES = 20 * 1000 * 1000  # a figure for a web page; a larger file is a mistake
MAX_PIXELS = 40 * 1000 * 1000  # 40 megapixels: more than any camera's photo or figure export


def image_file_problem(file: str, project_dir: Path, example: str) -> str | None:
    """What is wrong with the image `file` (relative to `project_dir`), or None.

    Checked before the build reads it: the file exists, is inside the project (a symbolic link
    to elsewhere would publish a file from outside it), is not huge, and Pillow opens it as
    one of the formats browsers show (`example` is a path the message suggests)."""
    expected = f"expected a JPEG, PNG or WebP file inside the project, e.g. {example}"
    root = project_dir.resolve()
    source = project_dir / file
    try:
        resolved = source.resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop
        return f"cannot read it ({error}); {expected}"
    if not resolved.is_relative_to(root):
        if Path(os.path.normpath(root / file)).is_relative_to(root):
            return f"it is a symbolic link to a file outside the project folder; {expected}"
        return f"it is outside the project folder; {expected}"
    if not resolved.is_file():
        return f"no such file in the project; {expected}"
    size = resolved.stat().st_size
    if size > MAX_FILE_BYTES:
        return (
            f"the file is {size / 1e6:.1f} MB, more than the {MAX_FILE_BYTES / 1e6:g} MB"
            " allowed; save a smaller copy (the site shows it at most 1280 pixels wide)"
        )
    from PIL import Image, UnidentifiedImageError  # only a site with images pays for Pillow

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused below
            with Image.open(resolved) as image:
                kind, (width, height) = image.format, image.size
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        return f"not a readable image ({error}); {expected}"
    except Image.DecompressionBombError:
        return f"the image has too many pixels (more than {MAX_PIXELS:,}); {expected}"
    if kind not in FORMATS:
        return f"a {kind} image; {expected}"
    if width * height > MAX_PIXELS:
        return (
            f"the image is {width} x {height} pixels, more than the {MAX_PIXELS:,} allowed;"
            " save a smaller copy"
        )
    return None


def fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled down (never up) to fit inside `box`, keeping its proportions."""
    width, height = size
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def open_image(data: bytes) -> tuple[Any, bool]:
    """The decoded image (turned upright, as phones store it with a tag) in RGB or RGBA, and
    whether it has transparency (which a PNG fallback keeps and a JPEG would lose)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as loaded:
        image = ImageOps.exif_transpose(loaded)
        image.load()
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if alpha else "RGB"), alpha


def save_webp(image: Any, out: io.BytesIO) -> None:
    """The smaller of lossy and lossless WebP: lossy for photos, while lossless is a fraction of
    it for figures of flat colours and sharp lines (diagrams, plots), which lossy also blurs.
    Both are made only once per size, when the cache lacks it."""
    lossy, lossless = io.BytesIO(), io.BytesIO()
    image.save(lossy, "WEBP", quality=82, method=4)
    image.save(lossless, "WEBP", lossless=True, quality=80, method=4)
    out.write(min(lossy.getvalue(), lossless.getvalue(), key=len))


def save_fallback(alpha: bool) -> Callable[[Any, io.BytesIO], None]:
    """How the fallback for browsers without WebP is written: PNG keeps transparency, JPEG is
    smaller for everything else."""

    def save(image: Any, out: io.BytesIO) -> None:
        if alpha:
            image.save(out, "PNG", optimize=True)
        else:
            image.save(out, "JPEG", quality=85, optimize=True, progressive=True)

    return save


@dataclass(frozen=True)
class Candidate:
    """One file of a `srcset`: its path in the site, its width in pixels and its density
    relative to the size shown ('1x', '2x', or less than 2 for a small original)."""

    path: str
    width: int
    density: str


@dataclass(frozen=True)
class Rendition:
    """An image at one size shown: WebP and a fallback, each at 1x and (when the original is
    larger) up to 2x; `width` and `height` are the CSS pixels it takes on the page."""

    width: int
    height: int
    webp: tuple[Candidate, ...]
    fallback: tuple[Candidate, ...]
    fallback_type: str  # image/jpeg or image/png

    @property
    def src(self) -> str:
        """The 1x fallback, for the `src` of the `<img>`."""
        return self.fallback[0].path

    @property
    def largest(self) -> str:
        """The largest fallback file (JPEG or PNG, which every reader of the site takes)."""
        return self.fallback[-1].path


class Resizer:
    """Writes resized copies of one decoded image into `cache_dir` (once per name), and keeps
    which site path each cached file is published at."""

    def __init__(self, image: Any, alpha: bool, name: str, cache_dir: Path, site_dir: str) -> None:
        self.image, self.alpha, self.name = image, alpha, name
        self.cache_dir, self.site_dir = cache_dir, site_dir
        self.files: dict[str, Path] = {}  # site path -> cached file
        self.fallback_ext = "png" if alpha else "jpg"

    def copy(self, size: tuple[int, int], ext: str) -> Path:
        """The image at `size` in the cache, written if it is not there yet."""
        from PIL import Image

        cached = self.cache_dir / f"{self.name}-{size[0]}x{size[1]}.{ext}"
        if not cached.is_file():
            save = save_webp if ext == "webp" else save_fallback(self.alpha)
            buffer = io.BytesIO()
            save(self.image.resize(size, Image.LANCZOS), buffer)
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(buffer.getvalue())
            temporary.replace(cached)  # never a half-written file in the cache
        return cached

    def rendition(self, box: tuple[int, int]) -> Rendition:
        """The image shown inside `box` (CSS pixels): 1x, and 2x where the original allows."""
        shown = fit(self.image.size, box)
        double = fit(self.image.size, (2 * shown[0], 2 * shown[1]))
        sizes = [shown] + ([double] if double[0] > shown[0] else [])

        def candidates(ext: str) -> tuple[Candidate, ...]:
            found = []
            for size in sizes:
                cached = self.copy(size, ext)
                site_path = f"{self.site_dir}/{cached.name}"
                self.files[site_path] = cached
                found.append(Candidate(site_path, size[0], f"{size[0] / shown[0]:.3g}x"))
            return tuple(found)

        return Rendition(
            shown[0],
            shown[1],
            candidates("webp"),
            candidates(self.fallback_ext),
            f"image/{'png' if self.alpha else 'jpeg'}",
        )
