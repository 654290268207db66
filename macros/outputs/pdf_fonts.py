"""Fonts beyond Typst's own for the PDF CV and the social cards, and the check that every
character has a glyph.

Typst embeds Libertinus Serif, New Computer Modern and DejaVu Sans Mono: Latin, Greek and
Cyrillic, but no Chinese, Japanese or Korean, and no emoji. Where the text holds characters
outside those, the system's font folders are searched for them (on Debian `fonts-noto-cjk`,
`fonts-noto-color-emoji`), and the folders of the fonts that have them are given to Typst,
which falls back to them character by character. A character that no font has would print as
an empty box: the build stops and names the field, and the package that would bring a font.

Font files are read with fontTools (every cmap format, every face of a collection), only when
the text needs them and only until its characters are found. What a face maps is kept in
memory and in the project's `.cache/fonts/` (one small file per font file, until the font file
changes): fontTools takes 50-100 ms to read a face of a CJK font, the cache about 1 ms.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
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
# Variation selectors choose how the character before them looks (U+FE0F: as an emoji); they
# are never drawn themselves, and emoji fonts map them only in their variation tables.
_VARIATION_SELECTORS = ((0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
# Where a missing character is an emoji (Debian's `fonts-noto-color-emoji` draws them): the
# symbol and dingbat blocks, regional indicators (flags), pictographs, emoticons, transport,
# coloured shapes and the supplemental pictographs.
_EMOJI_RANGES = (
    (0x2600, 0x27BF),
    (0x1F1E6, 0x1F1FF),
    (0x1F300, 0x1F6FF),
    (0x1F7E0, 0x1F7FF),
    (0x1F900, 0x1F9FF),
    (0x1FA70, 0x1FAFF),
)
# How the names of the characters of Debian's `fonts-noto-cjk` begin (Chinese, Japanese, Korean).
_CJK_NAMES = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "KANBUN")
_OTHER_SCRIPTS = ["fonts-noto-core", "fonts-noto-extra"]  # Noto, for most other scripts
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
FONT_CACHE_DIR = ".cache/fonts"  # in the project
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
    """Spaces, invisible format characters (joiners, soft hyphens) and variation selectors
    draw nothing."""
    code = ord(char)
    return unicodedata.category(char)[0] not in "ZC" and not _in_ranges(code, _VARIATION_SELECTORS)


def _runs(codes: Iterable[int]) -> Coverage:
    """Code points as sorted (first, last) runs: a CJK face's 45,000 make 2,000 runs."""
    runs: list[tuple[int, int]] = []
    for code in sorted(codes):
        if runs and runs[-1][1] == code - 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return tuple(runs)


def _stamp(path: Path) -> list[int]:
    """Size and modification time: a font file that changes is read again."""
    try:
        status = path.stat()
    except OSError:
        return []
    return [status.st_size, status.st_mtime_ns]


class _FontFile:
    """The character maps of one font file's faces (a collection has several), each read
    with fontTools when first asked for and kept, with the file's stamp, in `cache_dir`."""

    def __init__(self, path: Path, cache_dir: Path | None) -> None:
        self.path = path
        self.stamp = _stamp(path)
        self.count: int | None = None  # faces in the file, read only if the first is not enough
        self.faces: dict[int, Coverage] = {}
        self.changed = False
        self.cache_file: Path | None = None
        if cache_dir is not None:
            name = hashlib.sha256(str(path).encode()).hexdigest()[:32]
            self.cache_file = cache_dir / f"{name}.json"
            self._load(self.cache_file)

    def _load(self, cache_file: Path) -> None:
        try:
            stored = json.loads(cache_file.read_text(encoding="utf-8"))
            if stored["path"] == str(self.path) and stored["stamp"] == self.stamp:
                self.count = stored["count"]
                self.faces = {
                    int(index): tuple(zip(flat[::2], flat[1::2], strict=True))
                    for index, flat in stored["faces"].items()
                }
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass  # not cached yet, or by an older version: the font is read again

    def face(self, index: int) -> Coverage:
        """The code points that face `index` maps (none if fontTools cannot read it)."""
        coverage = self.faces.get(index)
        if coverage is None:
            from fontTools.ttLib import TTFont  # imported when needed: 30 ms a cached build saves

            try:
                with TTFont(self.path, fontNumber=index, lazy=True) as font:
                    coverage = _runs(font.getBestCmap() or {})
            except Exception:  # fontTools raises many kinds on a broken file; Typst skips it too
                coverage = ()
            self.faces[index] = coverage
            self.changed = True
        return coverage

    def face_count(self) -> int:
        """1, or the number of faces of a collection (.ttc, .otc)."""
        if self.count is None:
            try:
                with self.path.open("rb") as file:
                    is_collection = file.read(4) == b"ttcf"
                if is_collection:
                    from fontTools.ttLib import TTCollection

                    with TTCollection(self.path, lazy=True) as collection:
                        self.count = len(collection.fonts)
                else:
                    self.count = 1
            except Exception:  # unreadable: only its first face (read as empty) is looked at
                self.count = 1
            self.changed = True
        return self.count

    def save(self) -> None:
        """Keep what was read in the cache (written whole, then renamed into place)."""
        if not self.changed or self.cache_file is None:
            return
        faces = {index: [n for run in runs for n in run] for index, runs in self.faces.items()}
        stored = {"path": str(self.path), "stamp": self.stamp, "count": self.count}
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.cache_file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps({**stored, "faces": faces}), encoding="utf-8")
            temporary.replace(self.cache_file)
            self.changed = False
        except OSError:  # a read-only project builds as well, only slower
            pass


_files: dict[tuple[Path, Path | None], _FontFile] = {}
_files_lock = threading.Lock()  # the social cards look fonts up from several threads


def _font_file(path: Path, cache_dir: Path | None) -> _FontFile:
    """The font file, kept in memory while it is unchanged (for `mkdocs serve`'s rebuilds)."""
    known = _files.get((path, cache_dir))
    if known is not None and known.stamp == _stamp(path):
        return known
    _files[(path, cache_dir)] = font = _FontFile(path, cache_dir)
    return font


def _font_files(dirs: list[Path]) -> Iterator[Path]:
    for directory in dirs:
        for root, subdirs, names in os.walk(directory):
            subdirs.sort()  # the same folders for Typst on every machine
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


def debian_packages(char: str) -> list[str]:
    """The Debian packages whose fonts would draw `char`, as far as its block tells."""
    if _in_ranges(ord(char), _EMOJI_RANGES):
        return ["fonts-noto-color-emoji"]
    if unicodedata.name(char, "").startswith(_CJK_NAMES):
        return ["fonts-noto-cjk"]
    return _OTHER_SCRIPTS


def find_font_dirs(data: Any, project_dir: Path | None = None) -> tuple[list[str], set[str]]:
    """The font folders Typst needs for the text of `data` besides its own fonts ([] for most
    texts), and the characters that no font has (empty when all can be drawn)."""
    needed = _foreign_characters(data)
    dirs: list[str] = []
    if not needed:
        return dirs, needed

    def take(font: _FontFile, coverage: Coverage) -> None:
        covered = {c for c in needed if _in_ranges(ord(c), coverage)}
        if covered:
            needed.difference_update(covered)
            if str(font.path.parent) not in dirs:
                dirs.append(str(font.path.parent))

    cache_dir = project_dir / FONT_CACHE_DIR if project_dir else None
    with _files_lock:
        # The first face of each file, then, only for what none of those has, the other faces
        # of collections (the faces of a CJK collection map the same characters; each is slow).
        fonts: list[_FontFile] = []
        for path in _font_files(font_search_dirs(project_dir)):
            fonts.append(_font_file(path, cache_dir))
            take(fonts[-1], fonts[-1].face(0))
            if not needed:
                break
        for font in fonts:
            for index in range(1, font.face_count() if needed else 1):
                take(font, font.face(index))
                if not needed:
                    break
        for font in fonts:
            font.save()
    return dirs, needed


def missing_glyph_advice(project_dir: Path | None = None, missing: Iterable[str] = ()) -> str:
    """What to install for the `missing` characters, and where fonts were looked for."""
    packages = sorted({p for char in missing for p in debian_packages(char)}) or _OTHER_SCRIPTS
    noto = ", the Noto fonts of most scripts" if _OTHER_SCRIPTS[0] in packages else ""
    searched = ", ".join(map(str, font_search_dirs(project_dir))) or "no font folder found"
    return (
        f"install a font that has them (on Debian or Ubuntu: `sudo apt-get install"
        f" {' '.join(packages)}`{noto}). Searched: {searched}"
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
        " boxes); " + missing_glyph_advice(project_dir, missing) + "\n  " + "\n  ".join(where)
    )
