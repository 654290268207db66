"""Remake the math font the site serves to pages with formulas (macros/theme/assets/fonts/).

Browsers draw MathML with the fonts of the visitor's machine; without a font that has an
OpenType MATH table, brackets and big operators do not stretch and roots look wrong. So the
site serves a subset of Latin Modern Math, made once here and committed, rather than at every
build: the characters math-core's MathML uses (Latin, Greek, operators, arrows, delimiters,
the math alphabets that TeX commands select), every size variant and piece that the MATH table
gives them (so brackets and operators still stretch), and nothing else.

    python scripts/make_math_font.py [--source latinmodern-math.otf]

The source is Debian's `fonts-lmodern` (`apt-get install fonts-lmodern`), or the same file
from CTAN (https://ctan.org/pkg/lm-math). Needs fontTools and brotli (requirements-dev.txt).

Latin Modern Math is under the GUST Font License: the LaTeX Project Public License 1.3c with a
request to rename derived fonts. The subset is renamed, says what changed (its name table and
the notice beside it) and where the original is, as LPPL's clause 6 asks of a Derived Work.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf")
FONTS = ROOT / "macros" / "theme" / "assets" / "fonts"
OUTPUT = FONTS / "lm-math-subset.woff2"
LICENSE_FILE = FONTS / "lm-math-subset-LICENSE.txt"  # published beside the font
FAMILY = "LM Math Web Subset"  # the GUST Font License asks for a new name
POSTSCRIPT = "LMMathWebSubset-Regular"
ORIGINAL = "https://ctan.org/pkg/lm-math"

# (first, last, what): the characters kept. What a formula may use that is not here (an
# accented letter in \text{}, a rare alphabet) is drawn from the visitor's own fonts.
RANGES = [
    (0x0020, 0x007E, "Basic Latin: letters, digits, ( ) [ ] { } | / < > + = -"),
    (0x00A0, 0x00BF, "Latin-1 symbols: ¬ ± · ¯ ° ..."),
    (0x00D7, 0x00D7, "×"),
    (0x00F7, 0x00F7, "÷"),
    (0x0131, 0x0131, "dotless ı (\\imath)"),
    (0x0237, 0x0237, "dotless ȷ (\\jmath)"),
    (0x02C6, 0x02DD, "spacing accents: ˆ ˇ ˘ ˙ ˚ ˜"),
    (0x0300, 0x033F, "combining accents (\\widehat, \\overline, negation)"),
    (0x0391, 0x03F6, "Greek"),
    (0x2000, 0x206F, "spaces, dashes, primes, ‖, …, invisible operators"),
    (0x20D0, 0x20FF, "combining accents for symbols (\\vec)"),
    (0x2100, 0x214F, "letterlike: ℝ ℕ ℤ ℓ ℏ ℵ and the holes of the math alphabets"),
    (0x2190, 0x21FF, "arrows"),
    (0x2200, 0x22FF, "mathematical operators"),
    (0x2308, 0x230B, "⌈ ⌉ ⌊ ⌋"),
    (0x2322, 0x2323, "⌢ ⌣"),
    (0x239B, 0x23B5, "pieces of tall brackets, braces and integrals"),
    (0x23DC, 0x23E1, "over and under parentheses, braces, tortoise shells"),
    (0x25A0, 0x25FF, "geometric shapes (\\square, \\triangle)"),
    (0x2660, 0x266F, "card suits, ♭ ♮ ♯"),
    (0x2713, 0x2713, "✓"),
    (0x2720, 0x2720, "✠"),
    (0x27C0, 0x27FF, "⟨ ⟩ ⟦ ⟧ and long arrows"),
    (0x2980, 0x29FF, "more delimiters and symbols"),
    (0x2A00, 0x2AFF, "n-ary and other supplemental operators (⨁ ⨂ ⩽ ⩾)"),
    (0xFE00, 0xFE01, "variation selectors: roundhand and chancery script (\\mathcal, \\mathscr)"),
    (0x1D400, 0x1D433, "bold (\\mathbf)"),
    (0x1D434, 0x1D467, "italic (every one-letter identifier)"),
    (0x1D468, 0x1D49B, "bold italic (\\boldsymbol)"),
    (0x1D49C, 0x1D4CF, "script (\\mathcal, \\mathscr)"),
    (0x1D504, 0x1D537, "fraktur (\\mathfrak)"),
    (0x1D538, 0x1D56B, "double-struck (\\mathbb)"),
    (0x1D5A0, 0x1D5D3, "sans-serif (\\mathsf)"),
    (0x1D670, 0x1D6A5, "monospace (\\mathtt), dotless italic ı ȷ"),
    (0x1D6A8, 0x1D755, "Greek bold, italic and bold italic"),
    (0x1D7CE, 0x1D7E1, "bold and double-struck digits"),
    (0x1D7E2, 0x1D7EB, "sans-serif digits"),
    (0x1D7F6, 0x1D7FF, "monospace digits"),
]
# Layout features left out: `ssty` (script-size alternates: Chromium does not apply them, and
# they double the alphabets' weight; other browsers draw scripts from the regular glyphs) and
# `aalt` (a list of every alternate, for font menus).
DROPPED_FEATURES = {"ssty", "aalt"}


GUST_FONT_LICENSE = """\
% This is version 1.0, dated 22 June 2009, of the GUST Font License.
% (GUST is the Polish TeX Users Group, http://www.gust.org.pl)
%
% For the most recent version of this license see
% http://www.gust.org.pl/fonts/licenses/GUST-FONT-LICENSE.txt
% or
% http://tug.org/fonts/licenses/GUST-FONT-LICENSE.txt
%
% This work may be distributed and/or modified under the conditions
% of the LaTeX Project Public License, either version 1.3c of this
% license or (at your option) any later version.
%
% Please also observe the following clause:
% 1) it is requested, but not legally required, that derived works be
%    distributed only after changing the names of the fonts comprising this
%    work and given in an accompanying "manifest", and that the
%    files comprising the Work, as listed in the manifest, also be given
%    new names. Any exceptions to this request are also given in the
%    manifest.
%
%    We recommend the manifest be given in a separate file named
%    MANIFEST-<fontid>.txt, where <fontid> is some unique identification
%    of the font family. If a separate "readme" file accompanies the Work,
%    we recommend a name of the form README-<fontid>.txt.
%
% The latest version of the LaTeX Project Public License is in
% http://www.latex-project.org/lppl.txt and version 1.3c or later
% is part of all distributions of LaTeX version 2006/05/20 or later.
"""


def license_text(text: str) -> str:
    """The file published beside the font: what it is, what changed, and its licence."""
    return (
        f"{OUTPUT.name}\n\n{text}\n\n"
        "Latin Modern Math: Copyright 2012--2014 for the Latin Modern math extensions by"
        " B. Jackowski, P. Strzelczyk and P. Pianowski (on behalf of TeX Users Groups);"
        " based on Donald E. Knuth's Computer Modern fonts. It is released under the GUST"
        " Font License, which follows:\n\n" + GUST_FONT_LICENSE
    )


def notice(source_version: str, source_sha256: str) -> str:
    """The changes and the original, as the LaTeX Project Public License asks of a derived
    font; also stored in the font's own name table."""
    return (
        f"{FAMILY}: a subset of Latin Modern Math ({source_version}), made with fontTools by"
        " scripts/make_math_font.py of this site's engine. Changes: only the characters a"
        " formula needs, with their MATH size variants and parts; no hinting; no ssty and"
        " aalt alternates; renamed; WOFF2. Not supported by the authors of Latin Modern Math."
        f" The unmodified font: {ORIGINAL} (source file sha256 {source_sha256})."
    )


def make_font(source: Path) -> tuple[bytes, str]:
    """The WOFF2 subset and the notice of what was changed."""
    data = source.read_bytes()
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes every run
    version = font["name"].getDebugName(5) or "unknown version"
    text = notice(version, hashlib.sha256(data).hexdigest())
    features = {
        record.FeatureTag
        for table in ("GSUB", "GPOS")
        if table in font
        for record in font[table].table.FeatureList.FeatureRecord
    }
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = sorted(features - DROPPED_FEATURES)
    options.hinting = False  # CFF hints: 10% of the size, and browsers render without them
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables = [*options.drop_tables, "FFTM"]  # FontForge's timestamps
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for first, last, _ in RANGES for c in range(first, last + 1)])
    subsetter.subset(font)
    if "MATH" not in font:
        raise SystemExit(f"{source}: no MATH table; is this Latin Modern Math?")
    _rename(font, text)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), text


def _rename(font: TTFont, text: str) -> None:
    """A new family name, and the notice in the description; copyright and licence stay."""
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 21, 22):
            name.removeNames(nameID=record.nameID)
    for name_id, value in (
        (1, FAMILY),
        (2, "Regular"),
        (3, f"{POSTSCRIPT};subset"),
        (4, FAMILY),
        (6, POSTSCRIPT),
        (10, text),
    ):
        name.setName(value, name_id, 3, 1, 0x409)  # Windows, Unicode, English
        name.setName(value, name_id, 1, 0, 0)  # Mac, Roman, English
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [POSTSCRIPT]
        top = cff.topDictIndex[0]
        top.FullName = FAMILY
        top.FamilyName = FAMILY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="latinmodern-math.otf")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"{args.source}: not found; apt-get install fonts-lmodern, or pass --source")
        return 1
    woff2, text = make_font(args.source)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(woff2)
    args.output.with_name(LICENSE_FILE.name).write_text(license_text(text), encoding="utf-8")
    print(f"{args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}:")
    print(f"  {len(woff2):,} bytes")
    print(f"  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
