"""Text shows as written in every output: emoji, Chinese, accents and LaTeX's special characters.

One real site is built from the fixture person's data with such text in a publication's title,
the profile's bio, a news item and a section of the person's own, and each output is read back:
the HTML, the PDF CV (its text), cv.json, feed.xml, the .bib files (parsed by pybtex and, where
it is installed, by the real `bibtex` with a standard style and typeset by LaTeX) and the social
cards (pictures: two titles that differ only in an emoji must give two different cards).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pybtex.database
import pytest
from conftest import FIXTURE_DATA, Build, copy_project, run_build
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image
from pylatexenc.latex2text import LatexNodes2Text
from pypdf import PdfReader
from test_social_cards import make_fixture_project, rendered_card

from macros.data.loader import load_site_data
from macros.outputs import pdf_fonts
from macros.outputs.bibtex import ENTRY_TYPES, VENUE_FIELDS, publication_bibtex
from macros.outputs.pdf_fonts import FONT_CACHE_DIR, find_font_dirs, font_search_dirs

EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
needs_fonts = pytest.mark.skipif(
    not (EMOJI_FONT.is_file() and CJK_FONT.is_file()),
    reason="fonts-noto-color-emoji and fonts-noto-cjk are not both installed",
)

# The texts, and where each goes (file, the line it replaces or follows).
PAPER_TITLE = "面向大模型的编译器 🚀 Übersicht"  # publications entry 4
BIO_LINE = "I build compilers 🛠️ für 大模型, naïve café."  # profile.yml, bio
NEWS_TEXT = "Released 🎉 Übersicht 发布 at Ærøskøbing"  # news.yml, first item
SECTION_TITLE = "Reviewer 👀 für 会议 Ærø"  # service.yml (a section of the person's own)
# Every character LaTeX or BibTeX reads as markup, in a title (publications entry 2): braces
# that pair and braces that do not, an entry and a comment in the making, and capitals in a
# brace group and after a command, which BibTeX styles must keep.
SPECIAL_TITLE = (
    'Unbalanced {and} @misc{x, title = {y}} % not a comment \\ # ~ $ _ & ^ <a> "q" '
    "{BERT} \\&Co naïve Übersicht"
)
SPECIAL_VENUE = "Workshop on {Braces} & 100% #Tags_ $5 ~ ^ \\ @home"
SPECIAL_AWARD = "Best Paper } {"


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


def write_texts(data: Path) -> None:
    """The fixture person's data with the texts above in their places."""
    pubs = data / "publications.yml"
    _replace(
        pubs, "  title: Drift Logs & the Art of Remembering Less", f"  title: {_yaml(PAPER_TITLE)}"
    )
    _replace(
        pubs,
        '  title: "Quiet Queues: Tail Latency Without Tears"',
        f"  title: {_yaml(SPECIAL_TITLE)}",
    )
    _replace(pubs, "  venue: Journal of Calm Computing", f"  venue: {_yaml(SPECIAL_VENUE)}")
    text = pubs.read_text(encoding="utf-8")
    index = text.index(f"  title: {_yaml(SPECIAL_TITLE)}")
    pubs.write_text(
        text[:index] + f"  award: {_yaml(SPECIAL_AWARD)}\n" + text[index:], encoding="utf-8"
    )
    _replace(data / "profile.yml", "bio: |\n", f"bio: |\n  {BIO_LINE}\n")
    _replace(
        data / "news.yml",
        '  text: "*Lattice Gardens* wins',
        f'  text: {_yaml(NEWS_TEXT)}\n- date: 2025-03-13\n  text: "*Lattice Gardens* wins',
    )
    _replace(data / "service.yml", "  - title: Reviewer\n", f"  - title: {_yaml(SECTION_TITLE)}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = tmp_path_factory.mktemp("text-as-written")
    (root / "project").mkdir()
    project = copy_project(root / "project")
    write_texts(project / "data")
    build = run_build(project, root / "site")
    assert build.returncode == 0, build.output
    return build


def strings(value: object) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# --- the site, the PDF, cv.json and the feed ---------------------------------------------------


@needs_fonts
def test_html_shows_the_text_as_written(site: Build) -> None:
    assert PAPER_TITLE in site.text("publications/vasquezthorn2022drift")
    publications = site.text("publications")
    assert PAPER_TITLE in publications and SPECIAL_TITLE in publications
    home = site.text("")
    assert BIO_LINE in home and NEWS_TEXT in home
    cv = site.text("cv")
    assert SECTION_TITLE in cv and PAPER_TITLE in cv and SPECIAL_VENUE in cv


@needs_fonts
def test_pdf_prints_the_text_as_written(site: Build) -> None:
    """Each text is in the PDF's text, and no character came out as a missing glyph (\\0)."""
    reader = PdfReader(site.site / "cv.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for written in (PAPER_TITLE, BIO_LINE, SECTION_TITLE, SPECIAL_TITLE, SPECIAL_VENUE):
        assert written in text, written
    assert SPECIAL_AWARD in text and "\x00" not in text


@needs_fonts
def test_cv_json_and_feed_carry_the_text_as_written(site: Build) -> None:
    resume = json.loads((site.site / "cv.json").read_text(encoding="utf-8"))
    assert {PAPER_TITLE, SPECIAL_TITLE} <= {p["name"] for p in resume["publications"]}
    assert BIO_LINE in resume["basics"]["summary"]
    assert any(SECTION_TITLE in s for s in strings(resume["volunteer"]))
    feed = ET.fromstring((site.site / "feed.xml").read_bytes())
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert NEWS_TEXT in titles


# --- fonts: the social cards, the missing-glyph check and its cache ----------------------------


@needs_fonts
def test_an_emoji_prints_on_a_card(tmp_path: Path) -> None:
    """Without a font for them, two emoji print as the same empty box: two titles that differ
    only in their emoji must give two different pictures."""
    project = make_fixture_project(tmp_path / "project")
    rocket = rendered_card(project, "Launch 🚀 of 面向 Übersicht")
    party = rendered_card(project, "Launch 🎉 of 面向 Übersicht")
    assert Image.open(io.BytesIO(rocket)).size == (1200, 630)
    assert rocket != party


def installed_characters(candidates: str) -> set[str]:
    """Which of `candidates` some face of some installed font maps (read with fontTools)."""
    found: set[str] = set()
    for directory in font_search_dirs():
        for path in sorted(directory.rglob("*")):
            if path.suffix.lower() not in (".ttf", ".otf", ".ttc", ".otc"):
                continue
            try:
                faces = (
                    TTCollection(path, lazy=True).fonts
                    if path.suffix.lower()
                    in (
                        ".ttc",
                        ".otc",
                    )
                    else [TTFont(path, lazy=True)]
                )
                for face in faces:
                    found |= {c for c in candidates if ord(c) in (face.getBestCmap() or {})}
            except Exception:  # a font fontTools cannot read has no characters for Typst either
                continue
    return found


# Assigned characters of rare scripts (Adlam, Mro, Vithkuqi, Toto, Tangsa), one of which no
# font on the machine has.
RARE = "\U0001e900\U00016a40\U00010570\U0001e290\U00016a70"


def test_a_character_no_font_has_stops_the_build_with_field_and_package(tmp_path: Path) -> None:
    missing = [c for c in RARE if c not in installed_characters(RARE)]
    if not missing:
        pytest.skip("every candidate character has a font on this machine")
    char = missing[0]
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    write_texts(project / "data")
    _replace(
        project / "data" / "publications.yml",
        f"  title: {_yaml(PAPER_TITLE)}",
        f"  title: {_yaml(PAPER_TITLE + ' ' + char)}",
    )
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0
    name = unicodedata.name(char)
    assert (
        f"data/publications.yml: publications entry 4: field 'title': '{char}'"
        f" U+{ord(char):04X} ({name})" in build.output
    )
    assert "`sudo apt-get install fonts-noto-core fonts-noto-extra`" in build.output
    assert "empty boxes" in build.output


def test_the_advice_names_the_package_for_the_kind_of_character() -> None:
    assert "install fonts-noto-color-emoji`" in pdf_fonts.missing_glyph_advice(None, "🚀")
    assert "install fonts-noto-cjk`" in pdf_fonts.missing_glyph_advice(None, "面")
    both = pdf_fonts.missing_glyph_advice(None, "🚀面")
    assert "install fonts-noto-cjk fonts-noto-color-emoji`" in both
    other = pdf_fonts.missing_glyph_advice(None, "\U0001e900")
    assert "install fonts-noto-core fonts-noto-extra`" in other


def test_variation_selectors_need_no_glyph() -> None:
    """U+FE0F asks for the emoji look of the character before it; emoji fonts map it only in
    their variation tables, and it is never drawn: it must not stop the build."""
    assert not pdf_fonts.needs_glyph("\ufe0f") and not pdf_fonts.needs_glyph("\U000e0100")
    assert pdf_fonts.needs_glyph("❤")


@needs_fonts
def test_fonts_are_read_once_per_project_until_they_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = {"title": "面向 🚀"}
    dirs, missing = find_font_dirs(data, tmp_path)
    assert not missing and str(EMOJI_FONT.parent) in dirs and str(CJK_FONT.parent) in dirs
    cached = sorted((tmp_path / FONT_CACHE_DIR).glob("*.json"))
    assert cached
    # A new build (nothing in memory) answers from the cache without reading a font.
    monkeypatch.setattr(pdf_fonts, "_files", {})

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a font was read again")

    monkeypatch.setattr("fontTools.ttLib.TTFont", no_reading)
    monkeypatch.setattr("fontTools.ttLib.TTCollection", no_reading)
    assert find_font_dirs(data, tmp_path) == (dirs, set())
    monkeypatch.undo()
    # A font file that changed since (another size or time) is read again, not believed.
    for path in cached:
        stored = json.loads(path.read_text())
        path.write_text(json.dumps({**stored, "stamp": [1, 1], "faces": {"0": []}}))
    monkeypatch.setattr(pdf_fonts, "_files", {})
    assert find_font_dirs(data, tmp_path) == (dirs, set())


# --- BibTeX --------------------------------------------------------------------------------


def decoded(latex: str) -> str:
    """What LaTeX prints for a field, as pylatexenc reads it (it reads the `''` that stands for
    a straight double quote as a closing quote, and `\\textasciicircum` as U+02C6)."""
    text = LatexNodes2Text().latex_to_text(latex)
    return " ".join(text.replace("\u201d", '"').replace("\u02c6", "^").split())


@needs_fonts
def test_bib_files_parse_to_the_text_as_written(site: Build) -> None:
    """publications.bib and each paper's .bib hold one entry per paper, with exactly its fields
    (no text ends a field early or starts an entry), each reading back as written."""
    data = load_site_data(site.data_dir)
    library = pybtex.database.parse_file(site.site / "publications.bib", "bibtex")
    assert list(library.entries) == [p.id for p in data.publications]
    for pub in data.publications:
        own = pybtex.database.parse_file(site.site / "publications" / f"{pub.id}.bib", "bibtex")
        assert list(own.entries) == [pub.id]
        if pub.bibtex:
            continue  # published as the data gives it
        entry = library.entries[pub.id]
        assert decoded(entry.fields["title"]) == pub.title
        assert [str(person) for person in entry.persons["author"]] == [
            str(pybtex.database.Person(a.name)) for a in pub.authors
        ]
        assert decoded(entry.fields[VENUE_FIELDS[ENTRY_TYPES[pub.type]]]) == pub.venue
        assert decoded(entry.fields.get("note", "")) == (pub.award or "")
        allowed = {"title", "year", "doi", "url", "eprint", "archiveprefix", "note"}
        assert set(entry.fields) <= allowed | set(VENUE_FIELDS.values()), entry.fields
    special = library.entries["vasquezthorn2024quiet"]
    assert decoded(special.fields["title"]) == SPECIAL_TITLE
    assert decoded(library.entries["vasquezthorn2022drift"].fields["title"]) == PAPER_TITLE


def test_every_special_character_survives_in_every_text_field() -> None:
    """All of LaTeX's special characters, braces that pair and braces that do not, in title,
    venue, award and an author, through the .bib and back (pybtex, then pylatexenc)."""
    site = load_site_data(FIXTURE_DATA)
    base = site.publications[1]
    texts = [SPECIAL_TITLE, "} a { b }}", "{{x}", "a\\", "@comment{", "面向 🚀 {Übersicht}"]
    for text in texts:
        author = type(base.authors[0])(name=f"Zoë {text}")
        pub = base.model_copy(
            update={
                "title": text,
                "venue": text,
                "award": text,
                "authors": [author],
                "bibtex": None,
            }
        )
        library = pybtex.database.parse_string(publication_bibtex(pub), "bibtex")
        assert list(library.entries) == [pub.id], text
        entry = library.entries[pub.id]
        for field in ("title", VENUE_FIELDS[ENTRY_TYPES[pub.type]], "note"):
            assert decoded(entry.fields[field]) == " ".join(text.split()), (field, text)
        assert len(entry.persons["author"]) == 1, text


def bibtex_tools(*programs: str) -> None:
    for program in programs:
        if shutil.which(program) is None:
            pytest.skip(f"`{program}` is not installed (Debian: texlive-binaries, texlive-base)")


def run_bibtex(bib: Path, directory: Path) -> str:
    """The .bbl that BibTeX's standard plain.bst makes of every entry of `bib`."""
    shutil.copy2(bib, directory / "refs.bib")
    (directory / "doc.aux").write_text(
        "\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8"
    )
    result = subprocess.run(
        ["bibtex", "doc"], cwd=directory, capture_output=True, text=True, timeout=60
    )
    log = (directory / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0 and "error message" not in log, log
    return (directory / "doc.bbl").read_text(encoding="utf-8")


def bbl_titles(bbl: str) -> dict[str, str]:
    """The title plain.bst prints for each entry (its first block after the authors)."""
    titles = {}
    for key, body in re.findall(
        r"\\bibitem\{([^}]*)\}(.*?)(?=\\bibitem|\\end\{thebibliography)", bbl, re.S
    ):
        blocks = body.split("\\newblock")
        titles[key] = " ".join(blocks[1].split()).rstrip(".,")
    return titles


@needs_fonts
def test_bibtex_with_a_standard_style_keeps_every_title(site: Build, tmp_path: Path) -> None:
    """The real `bibtex` with plain.bst, which lower-cases titles but for braced text, reads
    every entry without an error, and its titles read as written (capitals included)."""
    bibtex_tools("bibtex")
    titles = bbl_titles(run_bibtex(site.site / "publications.bib", tmp_path))
    data = load_site_data(site.data_dir)
    assert sorted(titles) == sorted(p.id for p in data.publications)
    for pub in data.publications:
        if not pub.bibtex:
            assert decoded(titles[pub.id]) == pub.title


@needs_fonts
def test_latex_prints_the_title_as_written(site: Build, tmp_path: Path) -> None:
    """The paper's .bib through `bibtex` (plain.bst) and `pdflatex`: the PDF shows title,
    venue and award character for character (LaTeX typesets a straight " as a closing quote)."""
    bibtex_tools("bibtex", "pdflatex", "kpsewhich", "pdftotext")
    for package in ("lmodern.sty", "geometry.sty"):
        found = subprocess.run(["kpsewhich", package], capture_output=True, text=True)
        if not found.stdout.strip():
            pytest.skip(f"LaTeX's {package} is not installed (Debian: lmodern, texlive-latex-base)")
    run_bibtex(site.site / "publications" / "vasquezthorn2024quiet.bib", tmp_path)
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
        "\\usepackage[paperwidth=150cm,paperheight=20cm,margin=1cm]{geometry}\n"
        "\\begin{document}\n\\input{doc.bbl}\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert latex.returncode == 0, latex.stdout[-3000:]
    text = subprocess.run(
        ["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True
    ).stdout
    text = " ".join(unicodedata.normalize("NFC", text).split())
    for written in (SPECIAL_TITLE, SPECIAL_VENUE, SPECIAL_AWARD):
        assert written.replace('"', "\u201d") in text, (written, text)
