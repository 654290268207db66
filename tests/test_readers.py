"""What other software reads (issue 13): Scholar-ready paper pages, schema.org JSON-LD, the feed,
the sitemap, valid HTML; and the validators of scripts/validate.py themselves.

Built on a fictional person (tests/fixtures/fictional): a conference paper with an abstract
and a PDF kept in the project, a journal paper whose PDF is on another host, news items of
one date with and without an explicit id.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, Build, article, line_of, run_build

from macros.data.loader import DataError, load_site_data
from macros.outputs.feed import news_feed
from macros.outputs.jsonld import scholarly_article
from macros.outputs.rendering import SiteRenderer
from macros.views.markup import markdown_plain

sys.path.insert(0, str(ROOT / "scripts"))
from schemaorg_check import check_jsonld
from validate import (
    CHECKS,
    NuCheckerUnavailable,
    beyond_baseline,
    check_bibtex,
    check_feed,
    check_html_sites,
    check_json_resume,
    check_sitemap,
    check_structured_data,
    installed_vnu,
)

FIXTURE = Path(__file__).parent / "fixtures" / "fictional"
SITE_URL = "https://ada.example.org/"
PAPER = "quill2025lighthouses"
REMOTE = "quill2024tides"
PDF_SOURCE = FIXTURE / "docs" / "papers" / "on-lighthouses.pdf"


def use_fictional_data(project: Path) -> Path:
    """Replace the project's data with the fictional person's, and put her PDF under docs/."""
    shutil.rmtree(project / "data")
    shutil.copytree(FIXTURE / "data", project / "data")
    (project / "docs" / "papers").mkdir(exist_ok=True)
    shutil.copy2(PDF_SOURCE, project / "docs" / "papers" / PDF_SOURCE.name)
    return project


@pytest.fixture(scope="module")
def fictional(tmp_path_factory: pytest.TempPathFactory) -> Build:
    from conftest import copy_project

    project = tmp_path_factory.mktemp("fictional")
    use_fictional_data(copy_project(project))
    build = run_build(project, tmp_path_factory.mktemp("fictional-site"))
    assert build.returncode == 0, build.output
    return build


def meta(page: str, name: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(rf'<meta name="{name}" content="([^"]*)">', page)]


def jsonld_blocks(page: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(raw) for raw in found]


def fixture_pub(pub_id: str):  # type: ignore[no-untyped-def]
    return load_site_data(FIXTURE / "data").publication_by_id[pub_id]


# --- Scholar-ready paper pages -------------------------------------------------------


def test_abstract_is_shown_on_the_page_and_given_to_scholar(fictional: Build) -> None:
    pub = fixture_pub(PAPER)
    page = fictional.page(f"publications/{PAPER}")
    plain = markdown_plain(pub.abstract)
    assert plain in fictional.text(f"publications/{PAPER}")  # visible, escaped, no click
    assert "&lt;angle brackets&gt;" in article(page) and "<angle" not in page
    assert '<h2 id="abstract">' in page and "<details" not in article(page)
    assert meta(page, "citation_abstract") == [plain]
    (data,) = jsonld_blocks(page)
    assert data["abstract"] == plain
    assert data["description"] == markdown_plain(pub.summary)  # the summary is no abstract


def test_no_abstract_is_invented(fictional: Build, any_site: Build) -> None:
    """A paper without `abstract:` has none anywhere (the fixture's second paper, and every
    paper of the tests' person and of the real data that has none)."""
    pages = [(fictional, fixture_pub(REMOTE))]
    pages += [(any_site, p) for p in any_site.data.publications]
    for build, pub in pages:
        if pub.abstract:
            continue
        page = build.page(f"publications/{pub.id}")
        assert meta(page, "citation_abstract") == []
        assert 'id="abstract"' not in page
        assert all("abstract" not in block for block in jsonld_blocks(page))


def test_local_pdf_is_published_beside_the_page(fictional: Build) -> None:
    published = f"publications/{PAPER}/{PDF_SOURCE.name}"
    assert (fictional.site / published).read_bytes() == PDF_SOURCE.read_bytes()
    assert not (fictional.site / "papers").exists()  # one copy, the one Scholar counts
    page = fictional.page(f"publications/{PAPER}")
    assert meta(page, "citation_pdf_url") == [SITE_URL + published]
    assert f'href="/{published}"' in page  # the PDF button points at the same file
    assert f'href="/{published}"' in fictional.page("publications")
    assert "papers/" not in (fictional.site / "publications" / f"{PAPER}.bib").read_text()


def test_pdf_on_another_host_is_a_link_but_not_scholars_pdf(fictional: Build) -> None:
    page = fictional.page(f"publications/{REMOTE}")
    assert 'href="https://journal.example.org/tides.pdf"' in page
    assert meta(page, "citation_pdf_url") == []
    said = [line for line in fictional.output.splitlines() if "citation_pdf_url" in line]
    assert len(said) == 1 and "INFO" in said[0] and REMOTE in said[0] and PAPER not in said[0]


def test_pdf_url_keeps_the_sites_path() -> None:
    """A site published under a path (https://host/lab/) gives Scholar the PDF's full address."""
    site = load_site_data(FIXTURE / "data")
    head = SiteRenderer(site).publication_head(
        site.publication_by_id[PAPER], None, "https://host.example.org/lab/"
    )
    expected = f"https://host.example.org/lab/publications/{PAPER}/{PDF_SOURCE.name}"
    assert meta(head, "citation_pdf_url") == [expected]


@pytest.mark.parametrize(
    ("pdf", "expected"),
    [
        ("/papers/missing.pdf", "no file docs/papers/missing.pdf"),
        ("/papers/on-lighthouses.txt", "a local PDF must be a .pdf file"),
    ],
)
def test_local_pdf_must_exist(project: Path, pdf: str, expected: str) -> None:
    use_fictional_data(project)
    (project / "docs" / "papers" / "on-lighthouses.txt").write_text("not a PDF")
    pubs = project / "data" / "publications.yml"
    pubs.write_text(pubs.read_text().replace("/papers/on-lighthouses.pdf", pdf))
    with pytest.raises(DataError) as caught:
        load_site_data(project / "data")
    (problem,) = caught.value.problems
    assert problem.line == line_of(pubs, pdf)
    assert str(problem).startswith(f"data/publications.yml:{problem.line}:")
    assert f"(id '{PAPER}'): field 'links.pdf': {expected}" in str(problem)


# --- JSON-LD -------------------------------------------------------------------------


def test_json_ld_is_valid_schema_org(fictional: Build, built_site: Build) -> None:
    for build in (fictional, built_site):
        problems, note = check_structured_data(build.site)
        assert problems == [] and note.startswith(tuple("123456789")), note


def test_venue_is_a_creative_work_and_owner_links_to_the_site(fictional: Build) -> None:
    (conference,) = jsonld_blocks(fictional.page(f"publications/{PAPER}"))
    (journal,) = jsonld_blocks(fictional.page(f"publications/{REMOTE}"))
    assert conference["isPartOf"]["@type"] == "CreativeWork"
    assert journal["isPartOf"] == {"@type": "Periodical", "name": "Journal of Imaginary Tides"}
    assert conference["author"][0] == {"@type": "Person", "name": "Ada Quill", "url": SITE_URL}
    assert journal["author"][0]["url"] == SITE_URL  # her name variant "A. Quill"
    assert "url" not in conference["author"][1] and "url" not in journal["author"][1]
    assert conference["datePublished"] == "2025"


def test_schema_org_check_finds_what_the_vocabulary_forbids() -> None:
    bad = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "isPartOf": {"@type": "Event", "name": "A Conference"},
        "datePublished": "last year",
        "autor": "A. Quill",
        "jobTitle": "Scientist",
        "sameAs": "not a url",
    }
    problems = "\n".join(check_jsonld(bad, "page"))
    assert "isPartOf: type Event is not allowed here (expected CreativeWork, URL)" in problems
    assert "datePublished: 'last year' is not an ISO 8601 date" in problems
    assert "'autor' is not a schema.org property" in problems
    assert "jobTitle: not a property of ScholarlyArticle" in problems
    assert "sameAs: 'not a url' is not an absolute URL" in problems
    assert check_jsonld({**bad, "@type": "Lighthouse"}, "p") == [
        "p: 'Lighthouse' is not a schema.org type"
    ]


# --- the feed ------------------------------------------------------------------------


def entries(feed_xml: str) -> list[tuple[str, str, str]]:
    """(id, updated, title) of each entry, in the feed's order."""
    found = re.findall(
        r"<entry>.*?<id>(.*?)</id>.*?<title>(.*?)</title>.*?<updated>(.*?)</updated>",
        feed_xml,
        re.S,
    )
    return [(ident, updated, title) for ident, title, updated in found]


def test_feed_ids_are_permanent_and_dates_distinct(fictional: Build) -> None:
    feed = (fictional.site / "feed.xml").read_text()
    by_title = {title: (ident, updated) for ident, updated, title in entries(feed)}
    assert by_title["Joined the Harbour Institute."] == (
        SITE_URL + "#news-2025-06-1",  # the oldest item of its date, lowest in the file
        "2025-06-01T00:00:00+00:00",
    )
    assert by_title["On Lighthouses is accepted at ICCO 2025."] == (
        SITE_URL + "#news-lighthouses-accepted",
        "2025-06-01T00:00:01+00:00",
    )
    assert by_title["Gave a talk on lighthouses."] == (
        SITE_URL + "#news-2025-06-3",
        "2025-06-01T00:00:02+00:00",
    )
    assert by_title["Published the tide tables."][0] == SITE_URL + "#news-2024-1"
    assert check_feed(fictional.site)[0] == []


def test_correcting_or_adding_news_keeps_the_ids() -> None:
    site = load_site_data(FIXTURE / "data")
    before = {i for i, _, _ in entries(news_feed(site, SITE_URL))}
    corrected = [item.model_copy(update={"text": item.text + " (corrected)"}) for item in site.news]
    newer = site.news[0].model_copy(update={"text": "A newer item of the same date."})
    for news in (corrected, [newer, *site.news]):
        after = {
            i for i, _, _ in entries(news_feed(site.model_copy(update={"news": news}), SITE_URL))
        }
        assert before <= after


def test_dates_of_one_moment_get_distinct_updated() -> None:
    site = load_site_data(FIXTURE / "data")
    news = [site.news[0].model_copy(update={"date": d}) for d in ("2025-01-01", "2025-01", "2025")]
    feed = news_feed(site.model_copy(update={"news": news}), SITE_URL)
    assert sorted((i, u) for i, u, _ in entries(feed)) == [
        (SITE_URL + "#news-2025-01-01-1", "2025-01-01T00:00:02+00:00"),
        (SITE_URL + "#news-2025-01-1", "2025-01-01T00:00:01+00:00"),
        (SITE_URL + "#news-2025-1", "2025-01-01T00:00:00+00:00"),
    ]


def test_duplicate_news_id_is_a_data_error(project: Path) -> None:
    use_fictional_data(project)
    news = project / "data" / "news.yml"
    news.write_text(
        news.read_text().replace("- date: 2024\n", "- id: lighthouses-accepted\n  date: 2024\n")
    )
    with pytest.raises(DataError) as caught:
        load_site_data(project / "data")
    (problem,) = caught.value.problems
    assert problem.line == line_of(news, "id: lighthouses-accepted", occurrence=2)
    assert "news entry 4 (date '2024'): field 'id': duplicate id 'lighthouses-accepted'" in str(
        problem
    )


# --- the sitemap ---------------------------------------------------------------------


def test_sitemap_has_no_false_lastmod(fictional: Build, built_site: Build) -> None:
    for build in (fictional, built_site):
        xml = (build.site / "sitemap.xml").read_text()
        assert "<lastmod>" not in xml
        assert gzip.decompress((build.site / "sitemap.xml.gz").read_bytes()).decode() == xml
        assert f"<loc>{SITE_URL}publications/{PAPER}/</loc>" in xml or build is built_site
        problems, note = check_sitemap(build.site)
        assert problems == [] and "0 with lastmod" in note


def test_sitemap_check_finds_broken_rules(tmp_path: Path) -> None:
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    (tmp_path / "sitemap.xml").write_text(
        f'<urlset xmlns="{ns}"><url><loc>/relative/</loc><lastmod>yesterday</lastmod></url>'
        "<url><priority>2</priority></url></urlset>"
    )
    problems = check_sitemap(tmp_path)[0]
    assert any("loc '/relative/' is not an absolute URL" in p for p in problems)
    assert any("lastmod 'yesterday' is not a W3C datetime" in p for p in problems)
    assert any("url 2: 0 loc elements" in p for p in problems)


def test_sitemap_lists_every_page_and_nothing_else(
    any_site: Build, fictional: Build, tmp_path: Path
) -> None:
    assert check_sitemap(any_site.site)[0] == []
    site = shutil.copytree(fictional.site, tmp_path / "site")
    sitemap = site / "sitemap.xml"
    xml = sitemap.read_text()
    paper = f"<loc>{SITE_URL}publications/{PAPER}/</loc>"
    assert paper in xml
    sitemap.write_text(xml.replace(paper, f"<loc>{SITE_URL}gone/</loc>"))
    assert check_sitemap(site)[0] == [
        f"publications/{PAPER}/index.html: its address {SITE_URL}publications/{PAPER}/"
        " is not in the sitemap",
        f"loc '{SITE_URL}gone/' is the address of no page of the site",
    ]


# --- HTML and BibTeX ------------------------------------------------------------------


def test_every_label_names_a_control_on_the_page(fictional: Build) -> None:
    """What the Nu checker reported on the papers' pages: `<label for="__toc">` without the
    `__toc` checkbox. Pages in the navigation keep both."""
    pages = sorted(fictional.site.rglob("*.html"))
    assert any(f"publications/{PAPER}" in str(p) for p in pages)
    for path in pages:
        page = path.read_text()
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        for target in re.findall(r'<label[^>]*\bfor="([^"]+)"', page):
            assert target in ids, f"{path}: label for missing #{target}"
    assert 'for="__toc"' in fictional.page("publications").replace("'", '"')


@pytest.fixture(scope="module")
def nu_checker() -> Path:
    """The W3C Nu checker's jar in .validate/ (`python scripts/validate.py --install` fetches
    it; `.ci/run` does). Skipped, with the reason, without Java or the jar; under CI (`CI` set)
    that fails."""
    try:
        return installed_vnu()
    except NuCheckerUnavailable as error:
        if os.environ.get("CI"):
            raise RuntimeError(f"CI runs the Nu HTML checker, but: {error}") from None
        pytest.skip(str(error))


LABEL_ERROR = (
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden"
    " form control."
)
AUTOCOMPLETE_ERROR = "Attribute “autocomplete” is only allowed when the input type is"


def test_nu_checker_finds_nothing_a_blank_material_site_lacks(
    nu_checker: Path, fictional: Build, built_site: Build, real_site: Build, tmp_path: Path
) -> None:
    """Every page and style sheet of the three builds, in one run of the checker; and a copy
    of one build with a stray label, a third checkbox with `autocomplete` (Material's own
    two per page are on the blank site too) and a misspelt CSS property, which it must find."""
    broken = shutil.copytree(fictional.site, tmp_path / "broken")
    page = broken / "publications" / PAPER / "index.html"
    extra = '<label for="nowhere">x</label><input type="checkbox" id="x3" autocomplete="off">'
    page.write_text(page.read_text().replace("</article>", extra + "</article>", 1))
    style = broken / "assets" / "site.css"
    style.write_text(style.read_text() + "a { colr: red; }\n")
    builds = (fictional, built_site, real_site)
    results = check_html_sites([*(build.site for build in builds), broken])
    for build in builds:
        problems, note = results[build.site]
        assert problems == [], note
        assert note.startswith(f"{len(list(build.site.rglob('*.html')))} pages and "), note
    problems = sorted(results[broken][0])
    where = f"publications/{PAPER}/index.html: "
    assert len(problems) == 3, problems
    assert problems[0] == "assets/site.css: CSS: “colr”: Property “colr” doesn't exist."
    assert problems[1].startswith(where + AUTOCOMPLETE_ERROR)
    assert problems[2] == where + LABEL_ERROR


def test_baseline_counts_each_message_per_page() -> None:
    baseline = Counter({"autocomplete": 2, "warning: lang": 1})
    assert beyond_baseline(["autocomplete", "warning: lang", "autocomplete"], baseline) == []
    assert beyond_baseline(["autocomplete"] * 3 + ["label"], baseline) == [
        "autocomplete",
        "label",
    ]


@pytest.mark.parametrize("validator", CHECKS)
def test_every_build_passes_each_validator(validator: str, any_site: Build) -> None:
    problems, note = CHECKS[validator](any_site.site)
    assert problems == [], note


def test_bibtex_and_cv_json_pass_their_validators(fictional: Build, built_site: Build) -> None:
    for build in (fictional, built_site):
        problems, _ = check_bibtex(build.site)
        assert problems == [], problems
        assert check_json_resume(build.site)[0] == []
    assert check_bibtex(fictional.site)[1] == "3 files, 4 entries"


def test_bibtex_check_finds_broken_entries(tmp_path: Path) -> None:
    (tmp_path / "publications").mkdir()
    (tmp_path / "publications.bib").write_text(
        "@inproceedings{a2025, title = {T}, author = {Quill, Ada}, year = {2025}}\n"
        "@paper{b2025, title = {U}}\n"
    )
    (tmp_path / "publications" / "c2025.bib").write_text("@article{c2025, title = {V},")
    problems = check_bibtex(tmp_path)[0]
    assert "publications.bib: a2025: missing booktitle" in problems
    assert "publications.bib: b2025: entry type @paper is not a BibTeX type" in problems
    assert any(p.startswith("publications/c2025.bib: ") for p in problems)


@pytest.mark.parametrize(
    "kind", ["conference", "journal", "workshop", "preprint", "thesis", "book", "chapter", "other"]
)
def test_json_ld_of_every_publication_type_is_valid(kind: str) -> None:
    pub = fixture_pub(PAPER).model_copy(update={"type": kind})
    document = scholarly_article(pub, SITE_URL + "p/", lambda name: True, SITE_URL)
    assert check_jsonld(document, kind) == []
    assert ("isPartOf" in document) == (kind != "thesis")
