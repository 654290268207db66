"""Posts and course notes (issue 22): the person's own prose beside the data.

Built on the fixture person, whose docs/ (tests/fixtures/person/docs/) holds two posts (one full
of TeX, one that runs a macro in its excerpt), a draft, and one course of notes that her
teaching entry links to; the real site has none of them, so it has no blog and no notes.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import (
    FIXTURE_DATA,
    PERSON,
    ROOT,
    SITE_URL,
    Build,
    article,
    copy_project,
    line_of,
    run_build,
)
from PIL import Image

from macros.data.loader import DataError, load_site_data
from macros.outputs.engine_pages import runs_macros
from macros.outputs.rendering import SiteRenderer
from macros.outputs.writings import (
    PostSummary,
    has_posts,
    initials,
    notes_nav,
    plain_excerpt,
    with_writings,
)

sys.path.insert(0, str(ROOT / "scripts"))
from schemaorg_check import check_jsonld
from validate import check_feed

ATOM = "{http://www.w3.org/2005/Atom}"
DOCS = FIXTURE_DATA.parent / "docs"
TEX_POST = "blog/2025/02/10/why-the-tail-of-a-queue-is-heavy"
MACRO_POST = "blog/2024/11/20/seminar-notes--queues--calm-systems"
NOTES_PAGE = "notes/os-networks/scheduling"


def html_pages(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def jsonld_blocks(page: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(raw) for raw in found]


def meta(page: str, key: str) -> list[str]:
    found = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    return [html.unescape(value) for value in found]


def tab_labels(page: str) -> list[str]:
    return [
        html.unescape(t).strip()
        for t in re.findall(r'class="md-tabs__link[^"]*">\s*([^<]*)<', page)
    ]


# --- posts ---------------------------------------------------------------------------


def test_a_post_is_published_with_its_date_categories_reading_time_and_author(
    built_site: Build,
) -> None:
    page = built_site.page(TEX_POST)
    sidebar = page.split('<article class="md-content__inner', 1)[0]
    for shown in ("February 10, 2025", "March 1, 2025", "1 min read"):  # created, updated
        assert shown in sidebar, shown
    assert re.search(r'<a href="(\.\./)+category/queueing/">Queueing</a>', sidebar)
    profile = built_site.data.profile
    # The author is the profile's person: name, position, and an avatar the site serves
    # (the fixture person has no photo: her initials).
    assert f'alt="{profile.name}"' in sidebar and profile.position in sidebar
    avatar = re.search(r'<img src="([^"]+)" alt="' + re.escape(profile.name), sidebar)[1]
    svg = (built_site.site / TEX_POST / avatar).resolve()
    assert svg.name == "author.svg" and ">EV</text>" in svg.read_text()
    assert built_site.has_page("blog") and built_site.has_page("blog/category/queueing")
    assert built_site.has_page("blog/archive/2025") and built_site.has_page("blog/archive/2024")


def test_the_nav_has_a_blog_and_a_notes_tab_without_an_edit_of_mkdocs_yml(
    built_site: Build,
) -> None:
    assert "blog" not in (ROOT / "tests" / "fixtures" / "settings" / "mkdocs.yml").read_text()
    labels = tab_labels(built_site.page(""))
    assert labels[-2:] == ["Blog", "Notes"], labels


def test_a_draft_is_left_out_everywhere(built_site: Build) -> None:
    assert "draft: true" in (DOCS / "blog" / "posts" / "unfinished.md").read_text()
    everything = "".join(html_pages(built_site.site).values())
    everything += (built_site.site / "feed.xml").read_text()
    everything += (built_site.site / "search" / "search_index.json").read_text()
    assert "backpressure" not in everything and "Drafts" not in everything


def test_excerpts_show_the_output_of_macros(built_site: Build) -> None:
    """The post that runs a macro (`macros: true`) shows its output on the blog's index and
    its category pages too, where the blog renders excerpts after the page itself."""
    news = "<em>Lattice Gardens</em> wins the <strong>Best Paper</strong>"
    for url in ("blog", "blog/category/seminars", "blog/archive/2024", MACRO_POST):
        assert news in built_site.page(url), url
    leftovers = [name for name, page in html_pages(built_site.site).items() if "homepage-" in page]
    assert leftovers == []


def test_tex_with_braces_builds_as_written(built_site: Build) -> None:
    """Posts run no macros unless they ask: `{{#1}^2}` and `{#` would stop a page that runs
    them (Jinja reads a tag and a comment there); here they reach the page, the formulas as
    MathML with their TeX kept beside."""
    page = article(built_site.page(TEX_POST))
    assert "<code>{{#1}^2}</code>" in page and "{{#1}^2} in plain text" in page
    tex = r"\newcommand{\sq}[1]{{#1}^2} \sq{x} + \sq{y}"
    assert f'<annotation encoding="application/x-tex">{tex}</annotation>' in page
    assert "<msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><msup><mi>y</mi><mn>2</mn></msup>" in page


def test_front_matter_titles_are_escaped(built_site: Build) -> None:
    title = "Seminar notes: &lt;quiet&gt; queues &amp; &#34;calm&#34; systems"
    page = built_site.page(MACRO_POST)
    assert f"<h1>{title}</h1>" in page or f">{title}</h1>" in page
    assert all("<quiet>" not in page for page in html_pages(built_site.site).values())
    assert meta(page, "og:title") == ['Seminar notes: <quiet> queues & "calm" systems']


def test_each_post_has_a_card_open_graph_and_blog_posting(built_site: Build) -> None:
    cards = set()
    for url, title in ((TEX_POST, "Why the tail"), (MACRO_POST, "Seminar notes")):
        page = built_site.page(url)
        assert meta(page, "og:type") == ["article"]
        assert meta(page, "og:url") == [f"{SITE_URL}{url}/"]
        (card,) = meta(page, "og:image")
        cards.add(card)
        with Image.open(built_site.site / card.removeprefix(SITE_URL)) as image:
            assert image.size == (1200, 630)
        assert meta(page, "og:image:alt")[0].startswith(title)
        (posting,) = jsonld_blocks(page)
        assert check_jsonld(posting, url) == []
        assert posting["@type"] == "BlogPosting" and posting["headline"].startswith(title)
        assert posting["author"] == {"@type": "Person", "name": PERSON, "url": SITE_URL}
        assert posting["image"] == card and posting["url"] == f"{SITE_URL}{url}/"
        assert meta(page, "article:published_time") == [posting["datePublished"]]
    assert len(cards) == 2
    posting = jsonld_blocks(built_site.page(TEX_POST))[0]
    assert posting["datePublished"] == "2025-02-10T00:00:00+00:00"
    assert posting["dateModified"] == "2025-03-01T00:00:00+00:00"
    assert posting["keywords"] == ["Queueing"]


def test_each_post_is_in_the_search(built_site: Build) -> None:
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    assert {f"{TEX_POST}/", f"{MACRO_POST}/", f"{NOTES_PAGE}/"} <= locations


def test_the_home_page_lists_the_latest_posts(built_site: Build) -> None:
    page = built_site.page("")
    latest = article(page).split('id="latest-posts"', 1)[1].split("<h2", 1)[0]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', latest)
    assert links == [
        (f"/{TEX_POST}/", "Why the tail of a queue is heavy"),
        (f"/{MACRO_POST}/", "Seminar notes: &lt;quiet&gt; queues &amp; &#34;calm&#34; systems"),
    ]
    assert '<a class="md-button" href="/blog/">All posts</a>' in latest


def test_posts_macro_limits_and_shows_nothing_without_posts() -> None:
    renderer = SiteRenderer(load_site_data(FIXTURE_DATA))
    assert "<!--homepage-html" not in renderer.posts(limit=3, heading_level=2)
    posts = [
        PostSummary(f"p{n}", f"Post {n} <b>", f"blog/p{n}/", datetime(2025, 1, n, tzinfo=UTC), None)
        for n in (3, 2, 1)
    ]
    renderer.posts_source = lambda: posts
    shown = renderer.stash.restore(renderer.posts(limit=2))
    assert "Post 3 &lt;b&gt;" in shown and "Post 2" in shown and "Post 1" not in shown
    assert "Latest posts" not in shown and "All posts" not in shown
    assert "## Latest posts" in renderer.posts(heading_level=2)


# --- the feed ------------------------------------------------------------------------


def feed_entries(site: Path) -> list[tuple[str, str, str]]:
    """(id, published, title) of each entry, in the feed's order."""
    root = ET.fromstring((site / "feed.xml").read_bytes())
    return [
        (e.findtext(f"{ATOM}id"), e.findtext(f"{ATOM}published"), e.findtext(f"{ATOM}title"))
        for e in root.findall(f"{ATOM}entry")
    ]


def test_the_feed_has_posts_and_news_newest_first_with_the_same_ids_each_build(
    built_site: Build, tmp_path: Path
) -> None:
    entries = feed_entries(built_site.site)
    assert [title[:12] for _, _, title in entries] == [
        "Lattice Gard",  # news, 2025-03-14
        "Why the tail",  # post, 2025-02-10
        "Seminar note",  # post, 2024-11-20
        "Gave a talk ",  # news, 2024-11
        "Joined Bramb",  # news, 2023
    ]
    published = [moment for _, moment, _ in entries]
    assert published == sorted(published, reverse=True)
    ids = [ident for ident, _, _ in entries]
    assert f"{SITE_URL}#post-heavy-tails" in ids and f"{SITE_URL}#post-seminar-notes" in ids
    assert check_feed(built_site.site)[0] == []
    # Built again, in another process, after the post's title changed: the same ids.
    project = built_site.data_dir.parent
    copy = shutil.copytree(project, tmp_path / "again", ignore=shutil.ignore_patterns("site"))
    post = copy / "docs" / "blog" / "posts" / "heavy-tails.md"
    post.write_text(post.read_text().replace("# Why the tail", "# Why the long tail"))
    again = run_build(copy, tmp_path / "site")
    assert again.returncode == 0, again.output
    assert [ident for ident, _, _ in feed_entries(again.site)] == ids


# --- where macros run ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "meta", "runs"),
    [
        ("index.md", {}, True),
        ("talks.md", {"render_macros": False}, False),
        ("blog/posts/x.md", {}, False),
        ("blog/index.md", {}, False),
        ("notes/os/intro.md", {}, False),
        ("blog/posts/x.md", {"macros": True}, True),
        ("notes/os/intro.md", {"macros": True}, True),
        ("notes/os/intro.md", {"macros": "yes"}, False),
        ("notesy.md", {}, True),
    ],
)
def test_pages_under_blog_and_notes_run_macros_only_when_they_ask(
    page: str, meta: dict, runs: bool
) -> None:
    assert runs_macros(page, meta) is runs


def test_a_post_that_asks_for_macros_is_checked_like_any_page(project: Path) -> None:
    post = project / "docs" / "blog" / "posts" / "seminar-notes.md"
    post.write_text(post.read_text().replace("{{ news(limit=1) }}", "{{ newz(limit=1) }}"))
    build = run_build(project, project / "site")
    assert build.returncode != 0
    line = line_of(post, "newz")
    assert f"docs/blog/posts/seminar-notes.md:{line}: unknown macro or variable 'newz'" in (
        build.output
    )


# --- a site without posts or notes ---------------------------------------------------


def test_the_real_site_has_no_blog_and_no_notes(real_site: Build) -> None:
    assert not (ROOT / "docs" / "blog").exists() and not (ROOT / "docs" / "notes").exists()
    assert not (real_site.site / "blog").exists() and not (real_site.site / "notes").exists()
    labels = tab_labels(real_site.page(""))
    assert "Blog" not in labels and "Notes" not in labels and labels
    assert "Latest posts" not in real_site.page("")
    assert "#post-" not in (real_site.site / "feed.xml").read_text()


def test_only_drafts_make_no_blog_and_the_build_writes_nothing_into_docs(
    project: Path,
) -> None:
    posts = project / "docs" / "blog" / "posts"
    for name in ("heavy-tails.md", "seminar-notes.md"):
        (posts / name).unlink()
    shutil.rmtree(project / "docs" / "notes")
    before = sorted(p.relative_to(project) for p in (project / "docs").rglob("*"))
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    assert not (build.site / "blog").exists() and not (build.site / "notes").exists()
    labels = tab_labels(build.page(""))
    assert "Blog" not in labels and "Notes" not in labels
    assert "assets/images/author.svg" not in str(sorted(build.site.rglob("*.svg")))
    assert sorted(p.relative_to(project) for p in (project / "docs").rglob("*")) == before


def test_a_post_with_the_blog_index_written_by_the_person(project: Path) -> None:
    """The build writes no `docs/blog/index.md` of its own (Material's blog would); one the
    person writes is the blog's front page, and a nav of theirs naming the blog is kept."""
    (project / "docs" / "blog" / "index.md").write_text("# Writing\n\nWhat I think about.\n")
    settings = project / "mkdocs.yml"
    settings.write_text(settings.read_text() + "  - Writing:\n      - blog/index.md\n")
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    assert "What I think about." in build.page("blog")
    labels = tab_labels(build.page(""))
    assert "Writing" in labels and "Blog" not in labels and labels[-1] == "Notes"


# --- notes ---------------------------------------------------------------------------


def test_notes_have_their_own_sidebar_with_titles_from_the_pages(built_site: Build) -> None:
    """The Notes tab's sidebar: the course (named by its index page) and its pages, each by
    the title of its first heading."""
    page = built_site.page(NOTES_PAGE)
    sidebar = page.split('class="md-sidebar md-sidebar--primary"', 1)[1]
    sidebar = sidebar.split('class="md-sidebar md-sidebar--secondary"', 1)[0]
    section = re.search(r"md-nav__item--active md-nav__item--section.*", sidebar, re.S)[0]
    shown = [" ".join(t.split()) for t in re.findall(r'"md-ellipsis">(.*?)</span>', section, re.S)]
    assert shown == [
        "Notes",
        "Operating Systems &amp; Networks",  # the section
        "Operating Systems &amp; Networks",  # its index page
        "Scheduling lab",
    ]
    assert re.search(r'<a href="./" class="md-nav__link md-nav__link--active">', section)
    # The code block, admonition and tabs of the page.
    body = article(page)
    assert 'class="admonition note"' in body and 'class="tabbed-set tabbed-alternate"' in body
    assert '<span class="k">while</span>' in body


def with_notes(data: Path, section: str, page: str) -> Path:
    """`notes: <page>` on the first entry of data/<section>.yml (teaching or talks)."""
    path = data / f"{section}.yml"
    first = "  term: Fall\n" if section == "teaching" else "  year: 2025\n"
    text = path.read_text()
    assert first in text
    path.write_text(text.replace(first, f"{first}  notes: {page}\n", 1))
    return path


@pytest.fixture(scope="module")
def linked_notes(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The fixture person's site with her course and her talk linked to their notes (the
    fixture's data has no `notes:`: tests that copy data/ alone would lack the pages)."""
    project = copy_project(tmp_path_factory.mktemp("notes"))
    with_notes(project / "data", "teaching", "os-networks/index.md")
    with_notes(project / "data", "talks", "os-networks/scheduling.md")
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    return build


def test_teaching_and_talk_entries_link_to_their_notes(linked_notes: Build) -> None:
    for url, target in (("teaching", "os-networks/"), ("talks", "os-networks/scheduling/")):
        link = f'<a class="md-button entry-link" href="/notes/{target}">Notes</a>'
        assert link in linked_notes.page(url) and link in linked_notes.page("cv"), url
        assert linked_notes.has_page(f"notes/{target}")
    # cv.json gives an entry its first link, absolute: the course has no other.
    resume = json.loads((linked_notes.site / "cv.json").read_text())
    urls = {entry.get("name"): entry.get("url") for entry in resume["work"]}
    assert urls["Northwind Institute of Technology"] == f"{SITE_URL}notes/os-networks/", urls


@pytest.mark.parametrize("section", ["teaching", "talks"])
def test_notes_that_name_no_page_are_an_error_with_file_line_and_field(
    tmp_path: Path, section: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE_DATA, project / "data")
    shutil.copytree(DOCS, project / "docs")
    data = with_notes(project / "data", section, "os-networks/missing.md")
    with pytest.raises(DataError) as caught:
        load_site_data(project / "data")
    (problem,) = caught.value.problems
    label = "course 'Operating Systems & Networks'" if section == "teaching" else "title '"
    assert str(problem).startswith(
        f"data/{section}.yml:{line_of(data, 'missing.md')}:10: {section} entry 1 ({label}"
    )
    assert "field 'notes': no page docs/notes/os-networks/missing.md" in str(problem)
    assert "found: os-networks/index.md, os-networks/scheduling.md" in str(problem)


def test_notes_outside_docs_notes_are_refused(tmp_path: Path) -> None:
    data = shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    with_notes(data, "teaching", "../../etc/x.md")
    with pytest.raises(DataError) as caught:
        load_site_data(data)
    assert "field 'notes': expected a page under docs/notes/" in str(caught.value)


def test_the_build_stops_on_notes_that_name_no_page(project: Path) -> None:
    teaching = with_notes(project / "data", "teaching", "compilers.md")
    build = run_build(project, project / "site")
    assert build.returncode != 0 and "Traceback" not in build.output
    line = line_of(teaching, "compilers.md")
    assert f"data/teaching.yml:{line}:10: teaching entry 1" in build.output
    assert "field 'notes': no page docs/notes/compilers.md" in build.output


# --- the core's pieces ---------------------------------------------------------------


def test_notes_nav_lists_pages_then_courses_by_their_index_title(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    (notes / "b-course").mkdir(parents=True)
    (notes / "a_course").mkdir()
    (notes / "empty").mkdir()
    (notes / "overview.md").write_text("# Overview\n")
    (notes / "b-course" / "week-1.md").write_text("# Week 1\n")
    (notes / "b-course" / "index.md").write_text("---\ntitle: Compilers & <Co>\n---\n# Other\n")
    (notes / "a_course" / "intro.md").write_text("# Intro\n")
    assert notes_nav(tmp_path) == [
        "notes/overview.md",
        {"A course": ["notes/a_course/intro.md"]},
        {"Compilers &amp; &lt;Co&gt;": ["notes/b-course/index.md", "notes/b-course/week-1.md"]},
    ]
    assert notes_nav(tmp_path / "nowhere") == []


def test_nav_entries_are_added_only_where_the_person_has_none() -> None:
    nav = [{"Home": "index.md"}]
    notes = ["notes/a.md"]
    assert with_writings(nav, True, notes) == [
        {"Home": "index.md"},
        {"Blog": ["blog/index.md"]},
        {"Notes": ["notes/a.md"]},
    ]
    assert with_writings(nav, False, []) == nav
    mine = [{"Home": "index.md"}, {"Essays": [{"All": "blog/index.md"}]}, "notes/a.md"]
    assert with_writings(mine, True, notes) == mine


def test_has_posts_counts_drafts_only_when_they_are_shown(tmp_path: Path) -> None:
    posts = tmp_path / "blog" / "posts"
    assert not has_posts(tmp_path)
    posts.mkdir(parents=True)
    (posts / "draft.md").write_text("---\ndate: 2025-01-01\ndraft: true\n---\n# Draft\n")
    assert not has_posts(tmp_path) and has_posts(tmp_path, drafts=True)
    (posts / "2025").mkdir()
    (posts / "2025" / "post.md").write_text("---\ndate: 2025-01-02\n---\n# Post\n")
    assert has_posts(tmp_path)


@pytest.mark.parametrize(
    ("name", "letters"),
    [("Ada Lovelace", "AL"), ("Zoë Ångström-Ñúñez", "ZÅ"), ("林晓雨", "林"), ("ada", "A")],
)
def test_initials(name: str, letters: str) -> None:
    assert initials(name) == letters


def test_plain_excerpt_leaves_out_the_title_and_the_rest() -> None:
    content = (
        '<h1 id="t">Title &amp; more<a class="headerlink" href="#t">&para;</a></h1>\n'
        "<p>First <em>words</em> &lt;here&gt;.</p>\n<!-- more -->\n<p>Later.</p>"
    )
    assert plain_excerpt(content, "<!-- more -->") == "First words <here>."
    formulas = (
        '<p>Law <span class="arithmatex">\\(L = \\lambda W\\)</span>:</p>\n'
        '<div class="arithmatex">\\[W &lt; 1\\]</div>'
    )
    assert plain_excerpt(formulas, "<!-- more -->") == r"Law $L = \lambda W$: $$W < 1$$"


def test_the_authors_name_and_position_are_escaped(project: Path) -> None:
    """Material prints the author's name into `alt="..."` and the page as it is."""
    profile = project / "data" / "profile.yml"
    text = profile.read_text().replace(
        "name: Elena Vasquez-Thorn", """name: 'Elena "E" <b>Vasquez</b> & Thorn'"""
    )
    position = "{en: Research Scientist in Distributed Systems,"
    assert position in text
    profile.write_text(text.replace(position, "{en: '<i>Chief</i> & Research Scientist',", 1))
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    for url in ("blog", TEX_POST):
        page = build.page(url)
        assert 'alt="Elena &#34;E&#34; &lt;b&gt;Vasquez&lt;/b&gt; &amp; Thorn"' in page
        assert "<b>Vasquez" not in page and "<i>Chief" not in page
    assert "&lt;i&gt;Chief&lt;/i&gt; &amp; Research Scientist" in build.page(TEX_POST)
    assert ">ET</text>" in (build.site / "assets" / "images" / "author.svg").read_text()
