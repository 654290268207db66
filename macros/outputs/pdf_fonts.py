"""Fonts beyond Typst's own for the PDF CV and the social cards, and the check that every
character has a glyph.

Typst embeds Libertinus Serif, New Computer Modern and DejaVu Sans Mono: Latin, Greek and
Cyrillic, but no Chinese, Japanese or Korean. Where the CV holds characters outside those,
the system's font folders are searched for them (on Debian `apt-get install fonts-noto-cjk`),
and the folders of the fonts that have them are given to Typst, which falls back to them
character by character. A character that no font has would print as an empty box: the build
stops and names the field instead.

Only when the CV needs them are font files read (just their character maps), so a CV in Latin
script builds exactly as before, with Typst's fonts alone.
"""

from __future__ import annotations

import os
import struct
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

# What Typst's embedded fonts draw (tests/test_hostile.py renders every character of these
# ranges and checks the PDF has a glyph for each).
EMBEDDED_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x036F),  # Latin-1, Latin Extended-A/B, IPA, spacing and combining marks
    (0x0370, 0x0484),  # Greek, Cyrillic
    (0x0487, 0x04FF),
    (0x1E00, 0x1FFF),  # Latin Extended Additional, Greek Extended
    (0x2010, 0x2027),  # dashes, quotes, bullets
    (0x2030, 0x2040),
    (0x2042, 0x2042),
    (0x2044, 0x2052),
    (0x2054, 0x205E),
    (0x20A0, 0x20C0),  # currency signs
    (0x2190, 0x21FF),  # arrows
    (0xFB00, 0xFB06),  # ligatures
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
Coverage = tuple[tuple[int, int], ...]


class MissingGlyphError(ValueError):
    """Characters of the CV that no available font can draw; the message names the fields."""


def font_search_dirs(project_dir: Path | None = None) -> list[Path]:
    """Where fonts are looked for: `project_dir/fonts` if given, then the system's folders."""
    home = Path.home()
    dirs = [project_dir / "fonts"] if project_dir else []
    if sys.platform == "darwin":
        dirs += [home / "Library/Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    elif sys.platform == "win32":
        dirs += [Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
    else:
        dirs += [
            home / ".local/share/fonts",
            home / ".fonts",
            Path("/usr/local/share/fonts"),
            Path("/usr/share/fonts"),
        ]
    return [d for d in dirs if d.is_dir()]


def _in_ranges(code: int, ranges: Coverage) -> bool:
    index = bisect_right(ranges, (code, 0x10FFFF)) - 1
    return index >= 0 and ranges[index][0] <= code <= ranges[index][1]


def needs_glyph(char: str) -> bool:
    """Spaces and invisible format characters (joiners, soft hyphens) draw nothing."""
    return unicodedata.category(char)[0] not in "ZC"


def _cmap_ranges(data: bytes, table: int) -> Coverage:
    """The code point ranges of the best Unicode subtable of a `cmap` table (formats 4, 12)."""
    (count,) = struct.unpack_from(">H", data, table + 2)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, table + 4 + 8 * i)
        subtables[(platform, encoding)] = table + offset
    for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 1), (0, 0)):
        start = subtables.get(key)
        if start is None:
            continue
        (kind,) = struct.unpack_from(">H", data, start)
        if kind == 12:
            (groups,) = struct.unpack_from(">I", data, start + 12)
            return tuple(
                struct.unpack_from(">II", data, start + 16 + 12 * i) for i in range(groups)
            )
        if kind == 4:
            (seg_x2,) = struct.unpack_from(">H", data, start + 6)
            segs = seg_x2 // 2
            ends = struct.unpack_from(f">{segs}H", data, start + 14)
            starts = struct.unpack_from(f">{segs}H", data, start + 16 + seg_x2)
            return tuple((s, e) for s, e in zip(starts, ends, strict=True) if s != 0xFFFF)
    return ()


@lru_cache(maxsize=512)
def font_coverage(path: Path) -> Coverage:
    """The characters a font file maps (its first face, for collections); () if unreadable."""
    try:
        data = path.read_bytes()
        face = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
        (tables,) = struct.unpack_from(">H", data, face + 4)
        for i in range(tables):
            tag, _, offset, _ = struct.unpack_from(">4sIII", data, face + 12 + 16 * i)
            if tag == b"cmap":
                return tuple(sorted(_cmap_ranges(data, offset)))
    except (OSError, struct.error, ValueError):
        pass
    return ()


def _font_files(dirs: list[Path]) -> Iterator[Path]:
    for directory in dirs:
        for root, _, names in os.walk(directory):
            for name in sorted(names):
                if name.lower().endswith(_FONT_SUFFIXES):
                    yield Path(root) / name


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _foreign_characters(data: Any) -> set[str]:
    """The characters of `data` (the CV's JSON) that Typst's own fonts lack."""
    return {
        char
        for text in _strings(data)
        if not text.isascii()
        for char in text
        if needs_glyph(char) and not _in_ranges(ord(char), EMBEDDED_RANGES)
    }


def _fields_holding(site: Any, chars: set[str]) -> list[str]:
    """'data/publications.yml: publications entry 2: field 'authors[1].name': ...' for each
    field of the site data (its profile and the entries of each section) holding `chars`."""

    def walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            missing = sorted({c for c in value if c in chars})
            if missing:
                yield path, ", ".join(describe_character(c) for c in missing)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(getattr(value, name), f"{path}.{name}" if path else name)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                yield from walk(item, f"{path}[{index + 1}]")

    found = [
        f"data/profile.yml: field '{path}': {chars_}" for path, chars_ in walk(site.profile, "")
    ]
    for section, entries in site.entries.items():
        for path, described in walk(list(entries), ""):
            entry, _, field = path.partition("].")
            found.append(
                f"data/{section}.yml: {section} entry {entry[1:]}: field '{field}': {described}"
            )
    return found


def describe_character(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"'{char}' U+{ord(char):04X}" + (f" ({name})" if name else "")


def find_font_dirs(data: Any, project_dir: Path | None = None) -> tuple[list[str], set[str]]:
    """The font folders Typst needs for the text of `data` besides its own fonts ([] for most
    texts), and the characters that no font has (empty when all can be drawn)."""
    needed = _foreign_characters(data)
    dirs: list[str] = []
    if not needed:
        return dirs, needed
    for path in _font_files(font_search_dirs(project_dir)):
        coverage = font_coverage(path)
        covered = {c for c in needed if _in_ranges(ord(c), coverage)}
        if covered:
            needed -= covered
            if str(path.parent) not in dirs:
                dirs.append(str(path.parent))
        if not needed:
            break
    return dirs, needed


def missing_glyph_advice(project_dir: Path | None = None) -> str:
    """What to install, and where fonts were looked for."""
    searched = font_search_dirs(project_dir)
    return (
        "install a font that has them (Chinese, Japanese, Korean on Debian:"
        " `apt-get install fonts-noto-cjk`). Searched: "
        + (", ".join(map(str, searched)) or "no font folder found")
    )


def font_dirs_for(data: Any, site: Any, project_dir: Path | None = None) -> list[str]:
    """The font folders Typst needs for the CV's `data` besides its own fonts ([] for most
    CVs); MissingGlyphError naming the fields if some character is in no font at all."""
    dirs, missing = find_font_dirs(data, project_dir)
    if not missing:
        return dirs
    fields = _fields_holding(site, missing) if site is not None else []
    where = fields or [", ".join(describe_character(c) for c in sorted(missing))]
    raise MissingGlyphError(
        "the PDF CV has characters that no font has a glyph for (they would print as empty"
        " boxes); " + missing_glyph_advice(project_dir) + "\n  " + "\n  ".join(where)
    )
