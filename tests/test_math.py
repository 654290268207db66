"""Formulas become MathML when the site is built, in pages and in the data's Markdown fields;
plain outputs get their TeX; a formula that cannot be drawn stops the build at its place; the
math font goes to the pages that draw formulas and only to them.

Built on the fixture person with formulas added (`math_project` in conftest: a page of them,
a paper with some in its summary and abstract, a news item, a line of the bio)."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MATH_FIXTURE, ROOT, Build, article, run_build

from macros.data.loader import DataError, load_site_data
from macros.outputs.cv_pdf import cv_data
from macros.views.formulas import FormulaError, check_mathml, mathml, mathml_of_page
from macros.views.markup import check_formulas, markdown_block, markdown_inline, markdown_plain

PAPER = "vasquezthorn2026bounds"
MATH = re.compile(r"<math\b.*?</math>", re.S)
FONT = ROOT / "macros" / "theme" / "assets" / "fonts" / "lm-math-subset.woff2"
FONT_LINK = re.compile(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2"')


def annotations(fragment: str) -> list[str]:
    """The TeX each formula of `fragment` keeps, as written."""
    found = re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>', fragment)
    return [html.unescape(tex) for tex in found]


def meta(page: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'<meta name="{name}" content="([^"]*)">', page)]


def jsonld(page: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(raw) for raw in found]


# --- pages ---------------------------------------------------------------------------------


def test_formulas_in_a_page_become_mathml(math_site: Build) -> None:
    page = math_site.page("maths")
    body = article(page)
    assert 'class="arithmatex">\\' not in page  # nothing left for a script to typeset
    tex = annotations(body)
    assert "x^2 + \\frac{1}{2}" in tex  # inline
    display = re.search(r'<div class="arithmatex"><math display="block">(.*?)</math></div>', body)
    assert display and annotations(display[0]) == [
        "\\sum_{i=1}^{n} \\left( \\frac{a_i}{b_i} \\right)^2 \\le \\int_0^\\infty e^{-x}\\,dx"
    ]
    assert "<mtext>(1)</mtext>" in body and "<mtext>(2)</mtext>" in body  # \begin{align}
    assert "\\alpha_i" in tex and "\\sqrt{y}" in tex  # in a list, in an admonition
    assert "x^{{2}}" in tex  # inside {% raw %}, Jinja left the braces alone
    assert "\\mathcal{O}(n)" in tex  # the news macro's data field, on the same page
    h1 = re.search(r"<h1 .*?</h1>", body, re.S)
    assert h1 and annotations(h1[0]) == ["\\mathcal{O}(n \\log n)"]


def test_a_heading_formula_reads_as_tex_in_titles_and_the_table_of_contents(
    math_site: Build,
) -> None:
    page = math_site.page("maths")
    title = "Bounds of $\\mathcal{O}(n \\log n)$"
    assert f"<title>{html.escape(title, quote=False)} - " in page
    assert f'<meta property="og:title" content="{html.escape(title)}">' in page
    toc = page[page.find('class="md-nav md-nav--secondary"') : page.find("<article")]
    assert "Aligned, numbered, with $a = b$" in toc and "\\(" not in toc and "<math" not in toc


# The paragraphs `Case N: ...` of tests/fixtures/math/maths.md, and how many formulas each
# holds: pymdownx.arithmatex's rules for `$`, which the data fields follow too.
CASES = {1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 0, 8: 1, 9: 2, 10: 0}


def case_texts() -> dict[int, str]:
    text = (MATH_FIXTURE / "maths.md").read_text(encoding="utf-8")
    return {int(m[1]): m[0] for m in re.finditer(r"^Case (\d+): .*$", text, re.M)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_dollars_are_formulas_by_the_same_rules_in_pages_and_data(
    math_site: Build, case: int
) -> None:
    body = article(math_site.page("maths"))
    built = re.search(rf"<p>Case {case}: .*?</p>", body, re.S)
    assert built, f"case {case} is not on the page"
    in_page = built[0]
    in_data = str(markdown_block(case_texts()[case]))
    assert len(MATH.findall(in_page)) == CASES[case], in_page
    # The same formulas and the same text around them: "$5 and $10" stays as it is.
    assert MATH.sub("F", in_page) == MATH.sub("F", in_data)
    assert annotations(in_page) == annotations(in_data)


# --- data -----------------------------------------------------------------------------------


def test_formulas_in_data_fields_become_mathml(math_site: Build) -> None:
    paper = article(math_site.page(f"publications/{PAPER}"))
    abstract = paper[paper.find('<div class="pub-abstract">') :]
    assert '<div class="arithmatex"><math display="block">' in abstract
    assert annotations(abstract)[:2] == [
        "\\mathcal{O}(n)",
        "\\sum_{i=1}^{n} w_i \\le \\left( \\frac{a}{b} \\right)^2",
    ]
    assert "Costs of $5 and $10 stay prices; a lone $ stays too." in abstract
    listed = article(math_site.page("publications"))
    assert "\\mathcal{O}(n \\log n)" in annotations(listed)  # the summary, in the list
    assert "servers cost $5 and $10 an hour." in listed
    home = article(math_site.page(""))
    assert {"\\mathcal{O}(1)", "\\mathcal{O}(n)"} <= set(annotations(home))  # bio, news


def test_a_hostile_formula_stays_text(math_site: Build) -> None:
    page = math_site.page(f"publications/{PAPER}")
    assert "<script>alert" not in page
    assert "<mtext>&lt;script&gt;alert(1)&lt;/script&gt;</mtext>" in page
    for tex in (r"\href{javascript:alert(1)}{x}", r"\url{javascript:alert(1)}"):
        with pytest.raises(FormulaError):
            check_formulas(f"${tex}$")


@pytest.mark.parametrize(
    "mathml_text",
    [
        "<math><script>alert(1)</script></math>",
        '<math><mi onclick="alert(1)">x</mi></math>',
        '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>',
        '<math><mtext><a href="https://evil.example/">x</a></mtext></math>',
        '<math><mi style="background:url(https://evil.example/)">x</mi></math>',
        "<math><mi>x</mi><img src=x onerror=alert(1)></math>",
        "<math><mi>x</mi></math><script>alert(1)</script>",
        "<svg><math></math></svg>",
        '<math><mi id="x" >x</mi></math>',
    ],
)
def test_markup_math_core_is_not_known_to_write_is_refused(mathml_text: str) -> None:
    with pytest.raises(FormulaError):
        check_mathml(mathml_text, "x", False)


def test_math_core_output_passes_the_allow_list() -> None:
    """What math-core writes for the usual constructs passes the check (none is refused)."""
    for tex in (
        r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
        r"\begin{array}{|c|c|} \hline a & b \\ \hline \end{array}",
        r"\color{red}{x} \textbf{b} \textsc{s} \textsf{f} \cancel{x} \!\, \hspace{1em}",
        r"\operatorname*{argmax}_x \overbrace{a+b}^{n} \xrightarrow{f} \binom{n}{k}",
    ):
        assert str(mathml(tex, True)).startswith('<math display="block">')
    numbered, reference = mathml_of_page(
        [(r"\begin{equation}E\label{e}\end{equation}", True), (r"\eqref{e}", False)]
    )
    assert 'id="eq-e"' in numbered and 'href="#eq-e"' in reference


def test_plain_outputs_carry_the_tex_never_mathml(math_site: Build) -> None:
    site = math_site.data
    pub = site.publication_by_id[PAPER]
    page = math_site.page(f"publications/{PAPER}")
    plain = markdown_plain(pub.abstract)
    assert "$\\mathcal{O}(n)$" in plain and "$$\\sum_{i=1}^{n} w_i" in plain
    assert meta(page, "citation_abstract") == [plain]
    (article_data,) = jsonld(page)
    assert article_data["abstract"] == plain
    assert article_data["description"] == markdown_plain(pub.summary)
    home = jsonld(math_site.page(""))
    assert any("$\\mathcal{O}(1)$" in block.get("description", "") for block in home)
    feed = (math_site.site / "feed.xml").read_text(encoding="utf-8")
    assert "<title>Tight Bounds shows $\\mathcal{O}(n)$ queues suffice.</title>" in feed
    assert "shows $\\mathcal{O}(n)$ queues suffice.</content>" in feed
    resume = json.loads((math_site.site / "cv.json").read_text(encoding="utf-8"))
    assert resume["basics"]["summary"].endswith("$\\mathcal{O}(1)$ steps.")
    assert "$\\mathcal{O}(1)$" in cv_data(site)["bio"]  # the PDF's text
    card_alt = re.search(r'property="og:image:alt" content="([^"]*)"', math_site.page("maths"))
    assert card_alt and "Bounds of $\\mathcal{O}(n \\log n)$" in html.unescape(card_alt[1])
    texts = [feed, json.dumps(resume), json.dumps(cv_data(site), ensure_ascii=False)]
    texts += [json.dumps(block) for block in [article_data, *home]]
    texts += meta(page, "citation_abstract") + meta(page, "description")
    for text in texts:
        assert not re.search(r"(<|&lt;|\\u003c)(math|mrow|semantics|annotation)\b", text), text


def test_the_pdf_cv_prints_the_tex(math_site: Build) -> None:
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(math_site.site / "cv.pdf").pages
    )
    assert "\\mathcal{O}(1)" in " ".join(text.split()) and "mrow" not in text


def test_plain_renderings_of_a_field() -> None:
    text = "Time $\\mathcal{O}(n)$, `$x$` and $5 and $10."
    assert markdown_plain(text) == "Time $\\mathcal{O}(n)$, $x$ and $5 and $10."
    assert str(markdown_inline(text, as_mathml=False)) == (
        "Time $\\mathcal{O}(n)$, <code>$x$</code> and $5 and $10."
    )
    assert "<math>" in str(markdown_inline(text))


# --- the font -------------------------------------------------------------------------------

WITH_MATH = ["maths", "", "publications", f"publications/{PAPER}", "cv"]
WITHOUT_MATH = [
    "talks",
    "teaching",
    "awards",
    "projects",
    "research",
    "publications/vasquezthorn2024quiet",
]


@pytest.mark.parametrize("url", WITH_MATH)
def test_pages_with_formulas_get_the_math_font(math_site: Build, url: str) -> None:
    page = math_site.page(url)
    head = page[: page.find("</head>")]
    link = FONT_LINK.search(head)
    assert link, f"/{url}: no math font"
    assert '@font-face{font-family:"LM Math Web Subset";src:url("' + link[1] + '")' in head
    assert 'math{font-family:"LM Math Web Subset",math}' in head
    served = (math_site.site / url / link[1]).resolve()
    assert served.read_bytes() == FONT.read_bytes()


@pytest.mark.parametrize("url", WITHOUT_MATH)
def test_pages_without_formulas_do_not_fetch_the_font(math_site: Build, url: str) -> None:
    page = math_site.page(url)
    assert "<math" not in page
    assert "lm-math-subset" not in page and "LM Math" not in page


def test_the_font_is_a_math_font_with_stretchy_variants() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    pytest.importorskip("brotli")
    font = ttlib.TTFont(FONT)
    assert FONT.stat().st_size < 300_000
    assert font["name"].getDebugName(1) == "LM Math Web Subset"  # renamed, as the GFL asks
    cmap = font.getBestCmap()
    needed = "(){}[]|/⟨⟩‖∑∏∫∮√∞∂∇≤≥≠≈→⇒∀∃∈αβγΓΔΩℝℓ′"
    # Italic x and alpha (every identifier), script O, double-struck E, fraktur A.
    needed += "".join(map(chr, [0x1D465, 0x1D6FC, 0x1D4AA, 0x1D53C, 0x1D504]))
    assert [c for c in needed if ord(c) not in cmap] == []
    variants = font["MATH"].table.MathVariants
    vertical = dict(
        zip(variants.VertGlyphCoverage.glyphs, variants.VertGlyphConstruction, strict=True)
    )
    for char in "(⟨{|√∑∫":
        construction = vertical[cmap[ord(char)]]
        assert construction.VariantCount > 1 or construction.GlyphAssembly, char
    licence = FONT.with_name("lm-math-subset-LICENSE.txt").read_text(encoding="utf-8")
    assert "GUST Font License" in licence and "https://ctan.org/pkg/lm-math" in licence


# --- errors ---------------------------------------------------------------------------------


def test_a_formula_that_cannot_render_stops_the_build_at_its_page_and_line(
    project: Path, tmp_path: Path
) -> None:
    page = (
        "---\nrender_macros: false\n---\n# Notes\n\nFine $x$ here.\n\nBroken $\\frac{1}{$ here.\n"
    )
    (project / "docs" / "broken.md").write_text(page, encoding="utf-8")
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "  - broken.md\n")
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0
    assert (
        "docs/broken.md:8: cannot render the formula $\\frac{1}{$: Expected closing token"
        in build.output
    ), build.output
    assert "Traceback" not in build.output


def test_a_formula_that_cannot_render_in_data_is_a_data_error(
    project: Path, tmp_path: Path
) -> None:
    papers = project / "data" / "publications.yml"
    text = papers.read_text(encoding="utf-8") + (MATH_FIXTURE / "publication.yml").read_text()
    text = text.replace("    holds for every load.", "    holds for $\\frac{1}{$ every load.")
    papers.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = next(n for n, t in enumerate(lines, 1) if t.startswith("    holds for $\\frac{1}{$"))
    expected = (
        f"data/publications.yml:{line}:16: publications entry 5 (id '{PAPER}'): field"
        " 'abstract': cannot render the formula $\\frac{1}{$: Expected closing token"
    )
    with pytest.raises(DataError) as caught:
        load_site_data(project / "data")
    assert expected in str(caught.value)
    checked = subprocess.run(
        [sys.executable, "-m", "macros", "check"], cwd=project, capture_output=True, text=True
    )
    assert checked.returncode != 0 and expected in checked.stdout + checked.stderr
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0 and expected in build.output, build.output
