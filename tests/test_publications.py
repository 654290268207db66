"""Publications: a page per paper with Google Scholar tags, JSON-LD and BibTeX that round-trips."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from conftest import FIXTURE_DATA, SITE_URL, Build, html_text, run_build
from markupsafe import escape

from macros.data.loader import DataError, load_site_data
from macros.data.model import Publication
from macros.outputs.bibtex import ENTRY_TYPES, VENUE_FIELDS, latex, publication_bibtex

PUBS = load_site_data(FIXTURE_DATA).publications


def meta(page: str, name: str) -> list[str]:
    return re.findall(rf'<meta name="{name}" content="([^"]*)">', page)


def parse_bib(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    return {
        e.key: {f.key: f.value for f in e.fields} | {"ENTRYTYPE": e.entry_type}
        for e in library.entries
    }


def test_every_paper_has_its_own_page(any_site: Build) -> None:
    """Generic: every paper of any data/ has its page, with its facts and its own .bib."""
    for pub in any_site.data.publications:
        page = any_site.page(f"publications/{pub.id}")
        text = any_site.text(f"publications/{pub.id}")
        assert f'<h1 class="pub-page-title">{escape(pub.title)}</h1>' in page
        for author in pub.authors:
            assert " ".join(author.name.split()) in text
        assert pub.venue in text and str(pub.year) in text
        if pub.award:
            assert pub.award in text
        for url in pub.all_links.model_dump(exclude_none=True).values():
            assert f'href="{html.escape(url)}"' in page
        (code,) = re.findall(r"<code>(.*?)</code>", page, re.S)
        shown = html.unescape(re.sub(r"<[^>]+>", "", code))
        assert shown.strip() == publication_bibtex(pub).strip()
        assert f'href="/publications/{pub.id}.bib"' in page or any_site.data.profile.site.url
        own = parse_bib((any_site.site / "publications" / f"{pub.id}.bib").read_text())
        assert list(own) == [pub.id], f"{pub.id}.bib holds {list(own)}"


def test_a_paper_with_its_own_bibtex_publishes_it(built_site: Build) -> None:
    own = (built_site.site / "publications" / "vasquezthorn2023wander.bib").read_text()
    assert "note = {Entry written by hand}" in own
    assert "title = {Wandering {Caches} for Forgetful Clients}" in own
    assert "Entry written by hand" in built_site.text("publications/vasquezthorn2023wander")
    assert own.strip() in (built_site.site / "publications.bib").read_text()


@pytest.mark.parametrize("pub", PUBS, ids=lambda p: p.id)
def test_paper_pages_carry_scholar_tags_and_json_ld(built_site: Build, pub: Publication) -> None:
    page = built_site.page(f"publications/{pub.id}")
    url = f"{SITE_URL}publications/{pub.id}/"
    assert [html.unescape(m) for m in meta(page, "citation_title")] == [pub.title]
    assert [html.unescape(m) for m in meta(page, "citation_author")] == [
        a.name for a in pub.authors
    ]
    assert meta(page, "citation_publication_date") == [str(pub.year)]
    venue_tag = "citation_journal_title" if pub.type == "journal" else "citation_conference_title"
    if pub.type in ("conference", "workshop", "journal"):
        assert [html.unescape(m) for m in meta(page, venue_tag)] == [pub.venue]
    assert meta(page, "citation_arxiv_id") == ([pub.arxiv] if pub.arxiv else [])
    # Scholar counts only a PDF beside the page; the fixture's PDFs are on other hosts.
    assert meta(page, "citation_pdf_url") == []
    assert f'<link rel="canonical" href="{url}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    article = json.loads(raw)
    assert article["@type"] == "ScholarlyArticle"
    assert article["headline"] == pub.title
    assert [a["name"] for a in article["author"]] == [a.name for a in pub.authors]
    assert article["url"] == url


def test_lists_link_titles_to_paper_pages(built_site: Build) -> None:
    for url in ("publications", ""):
        page = built_site.page(url)
        for pub in PUBS:
            if url == "publications" or pub.selected:
                assert f'<a href="/publications/{pub.id}/">{escape(pub.title)}</a>' in page


def test_search_leads_to_each_paper_page(built_site: Build) -> None:
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    docs = {doc["location"]: doc for doc in index["docs"]}
    # Each paper once, on its own page: the list itself is not indexed.
    assert not [place for place in docs if place.split("#")[0] == "publications/"]
    for pub in PUBS:
        doc = docs[f"publications/{pub.id}/"]
        assert doc["title"] == html.escape(pub.title, quote=False)
        assert pub.venue in html_text(doc["text"])
        assert "@inproceedings" not in doc["text"]  # the BibTeX block is left out


def test_publications_bib_round_trips(built_site: Build) -> None:
    assert 'href="../publications.bib"' in built_site.page("publications")
    entries = parse_bib((built_site.site / "publications.bib").read_text())
    assert list(entries) == [p.id for p in PUBS]
    for pub in PUBS:
        if pub.bibtex:
            continue  # published as written (test_a_paper_with_its_own_bibtex_publishes_it)
        fields = entries[pub.id]
        assert fields["ENTRYTYPE"] == ENTRY_TYPES[pub.type]
        # LaTeX writes a straight double quote as '' (a closing quote).
        assert fields["title"].replace("\u201d", '"') == pub.title
        assert fields["author"].split(" and ") == [a.name for a in pub.authors]
        assert fields[VENUE_FIELDS[ENTRY_TYPES[pub.type]]] == pub.venue
        assert fields["year"] == str(pub.year)
        assert fields.get("eprint") == pub.arxiv and fields.get("doi") == pub.doi


def paper(**fields: object) -> Publication:
    base = {"id": "x2026", "title": "T", "authors": ["A B"], "venue": "V", "year": 2026}
    return Publication(**(base | fields))


def test_latex_special_characters_round_trip() -> None:
    title = "Fast & Furious: 50% of {GPU} $costs, naïve_caching #1"
    pub = paper(
        title=title, authors=["José Núñez", "Zoë O'Brien"], venue="Journal of A & B", type="journal"
    )
    text = publication_bibtex(pub)
    assert r"\&" in text and r"\%" in text
    fields = parse_bib(text)["x2026"]
    assert fields["ENTRYTYPE"] == "article"
    assert fields["title"] == title
    assert fields["author"] == "José Núñez and Zoë O'Brien"
    assert fields["journal"] == "Journal of A & B"


# How each of LaTeX's special characters is written in a .bib field (braces: below).
LATEX_ESCAPES = {
    "\\": r"{\textbackslash}",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    '"': "''",
    "<": r"\ensuremath{<}",
    ">": r"\ensuremath{>}",
    "@": "{@}",
}


def test_latex_encodes_only_ascii_specials_and_keeps_unicode() -> None:
    for code in range(0x250):
        char = chr(code)
        if char in "{}":  # braces depend on their pair: test_braces_pair_or_stand_alone
            continue
        assert latex(f"a{char}b") == f"a{LATEX_ESCAPES.get(char, char)}b", repr(char)
    assert latex("面向 🚀 Übersicht") == "面向 🚀 Übersicht"


def test_braces_pair_or_stand_alone() -> None:
    """Braces that pair up are escaped as such; a lone one becomes a command with no brace in
    its name, since BibTeX counts escaped braces too."""
    assert latex("a {b} c") == r"a \{b\} c"
    assert latex("a { b") == r"a \ensuremath{\lbrace} b"
    assert latex("} {x} {") == r"\ensuremath{\rbrace} \{x\} \ensuremath{\lbrace}"


@pytest.mark.parametrize(
    ("kind", "entry_type", "venue_field"),
    [
        ("conference", "inproceedings", "booktitle"),
        ("journal", "article", "journal"),
        ("preprint", "misc", "howpublished"),
        ("thesis", "phdthesis", "school"),
    ],
)
def test_entry_type_follows_publication_type(kind: str, entry_type: str, venue_field: str) -> None:
    fields = parse_bib(publication_bibtex(paper(type=kind)))["x2026"]
    assert fields["ENTRYTYPE"] == entry_type and fields[venue_field] == "V"


def test_own_bibtex_is_published_verbatim() -> None:
    own = "@article{x2026,\n  title = {{Own} Entry},\n  journal = {J},\n  year = {2026}\n}"
    text = publication_bibtex(paper(bibtex=own))
    entries = parse_bib(text)
    assert entries["x2026"]["title"] == "Own Entry"
    assert "title = {{Own} Entry}" in text
    assert entries["x2026"]["ENTRYTYPE"] == "article"


def test_broken_own_bibtex_is_a_data_error(project: Path) -> None:
    pubs = project / "data" / "publications.yml"
    pubs.write_text(
        pubs.read_text().replace(
            "  venue_short: JCC",
            "  venue_short: JCC\n  bibtex: '@inproceedings{broken,'",
        )
    )
    with pytest.raises(DataError) as caught:
        load_site_data(project / "data")
    (problem,) = caught.value.problems
    assert str(problem).startswith("data/publications.yml:")
    assert (
        "publications entry 2 (id 'vasquezthorn2024quiet'): field 'bibtex': expected exactly one"
        in str(problem)
    )
    assert problem.line is not None


def test_journal_paper_with_pdf_and_doi(project: Path, tmp_path: Path) -> None:
    (project / "docs" / "papers").mkdir()
    (project / "docs" / "papers" / "j2026.pdf").write_bytes(b"%PDF-1.4 stand-in")
    with (project / "data" / "publications.yml").open("a") as handle:
        handle.write(
            "\n- id: j2026\n  title: A Journal Paper\n  authors: [Elena Vasquez-Thorn]\n"
            "  venue: Journal of Examples\n  year: 2026\n  type: journal\n  doi: 10.1000/xyz\n"
            "  links: {pdf: /papers/j2026.pdf}\n"
        )
    build = run_build(project, tmp_path / "site", strict=False)
    assert build.returncode == 0, build.output
    page = build.page("publications/j2026")
    assert meta(page, "citation_journal_title") == ["Journal of Examples"]
    assert meta(page, "citation_conference_title") == []
    pdf_url = f"{SITE_URL}publications/j2026/j2026.pdf"  # beside the page
    assert meta(page, "citation_pdf_url") == [pdf_url]
    assert (build.site / "publications" / "j2026" / "j2026.pdf").read_bytes().startswith(b"%PDF")
    assert meta(page, "citation_doi") == ["10.1000/xyz"]
    assert 'href="https://doi.org/10.1000/xyz"' in page
    assert "A Journal Paper" in html_text(build.page("publications"))
