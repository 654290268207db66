"""The site in every language: the default at /, the others at /<code>/, from one `mkdocs build`.

Real builds of the fictional person with `site.languages: [en, zh]`, read as published: every
page in both languages, `<html lang>`, the switcher and the `hreflang` alternates leading to the
same page, the sitemap, the 404 pages, search, and every output per language. (The browser's
side is in test_site_languages_browser.py; `mkdocs serve` and `gh-deploy` are at the end.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import (
    CHINESE_PAPER,
    ROOT,
    SEARCH_WORD,
    SITE_URL,
    Build,
    article,
    generated_site,
    run_build,
    set_languages,
    two_language_project,
)
from test_serve import Server, wait_for

sys.path.insert(0, str(ROOT / "scripts"))
from validate import (
    CHECKS,
    NuCheckerUnavailable,
    check_bibtex,
    check_feed,
    check_html_sites,
    check_sitemap,
    check_structured_data,
    installed_vnu,
)

from macros.adapter.languages import translate_nav
from macros.adapter.search_words import CachedWords
from macros.data.loader import load_site_data
from macros.outputs.rendering import SiteRenderer

ROOT_ONLY = ("cv.json", "CNAME", "robots.txt", ".nojekyll")
PER_LANGUAGE = ("cv.pdf", "feed.xml", "404.html", "sitemap.xml", "publications.bib")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def pages_of(site: Path, folder: str = "") -> set[str]:
    """The URL of every page (index.html) of one language's site, relative to its root."""
    root = site / folder
    found = set()
    for path in root.rglob("index.html"):
        url = path.parent.relative_to(root).as_posix()
        url = "" if url == "." else url + "/"
        if not folder and url.split("/")[0] == "zh":
            continue  # the Chinese site's
        found.add(url)
    return found


class Head(HTMLParser):
    """The `<html lang>`, the `<link>`s of the head and the language switcher's links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.links: list[dict[str, str]] = []
        self.switcher: list[dict[str, str]] = []
        self.meta: dict[str, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "html":
            self.lang = found.get("lang", "")
        elif tag == "link":
            self.links.append(found)
        elif tag == "a" and "md-select__link" in found.get("class", "").split():
            self.switcher.append(found)
        elif tag == "meta" and "name" in found:
            self.meta.setdefault(found["name"], []).append(found.get("content", ""))

    def hreflang(self) -> dict[str, str]:
        """The page's language alternates: hreflang -> href, `rel` read as a list of words."""
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if "alternate" in link.get("rel", "").split() and "hreflang" in link
        }


def head(build: Build, url: str) -> Head:
    return Head(build.page(url))


def test_every_page_is_in_both_languages(two_languages: Build) -> None:
    english, chinese = pages_of(two_languages.site), pages_of(two_languages.site, "zh")
    assert english == chinese
    assert f"publications/{CHINESE_PAPER}/" in chinese
    assert {"", "publications/", "cv/", "awards/"} <= chinese
    for name in PER_LANGUAGE:
        assert (two_languages.site / name).is_file(), name
        assert (two_languages.site / "zh" / name).is_file(), name
    # The JSON CV stays in the default language; the files of the whole site are the root's.
    for name in ROOT_ONLY:
        assert (two_languages.site / name).is_file(), name
        assert not (two_languages.site / "zh" / name).exists(), name
    assert not (two_languages.site / "en").exists()


def test_each_page_says_its_language(two_languages: Build) -> None:
    for url in pages_of(two_languages.site):
        assert head(two_languages, url).lang == "en", url
        assert head(two_languages, "zh/" + url).lang == "zh", url
    assert 'lang="zh"' in (two_languages.site / "zh" / "404.html").read_text(encoding="utf-8")


def test_the_switcher_leads_to_the_same_page_in_the_other_language(two_languages: Build) -> None:
    for url in pages_of(two_languages.site):
        for prefix in ("", "zh/"):
            links = {a["hreflang"]: a["href"] for a in head(two_languages, prefix + url).switcher}
            assert links == {"en": "/" + url, "zh": "/zh/" + url}, prefix + url
    names = [a for a in head(two_languages, "").switcher]
    assert [a["hreflang"] for a in names] == ["en", "zh"]
    page = two_languages.page("")
    assert re.search(r'hreflang="zh" class="md-select__link">\s*中文\s*</a>', page)
    assert re.search(r'hreflang="en" class="md-select__link">\s*English\s*</a>', page)


def test_hreflang_alternates_are_absolute_and_reciprocal(two_languages: Build) -> None:
    for url in pages_of(two_languages.site):
        english = head(two_languages, url).hreflang()
        chinese = head(two_languages, "zh/" + url).hreflang()
        expected = {
            "en": SITE_URL + url,
            "zh": SITE_URL + "zh/" + url,
            "x-default": SITE_URL + url,
        }
        assert english == expected, url
        assert chinese == expected, url  # each page names the other, and itself
        assert english["en"] == _canonical(two_languages, url)
        assert chinese["zh"] == _canonical(two_languages, "zh/" + url)


def _canonical(build: Build, url: str) -> str:
    (link,) = [link for link in head(build, url).links if link.get("rel") == "canonical"]
    return link["href"]


def test_no_head_link_makes_material_fetch_a_sitemap(two_languages: Build) -> None:
    """Material's JavaScript fetches `sitemap.xml` beside every `link[rel=alternate]` (exactly
    that value): a page's own address has none, which would be a 404 on each page load."""
    for url in ("", "publications/", f"publications/{CHINESE_PAPER}/"):
        for prefix in ("", "zh/"):
            links = head(two_languages, prefix + url).links
            assert [link for link in links if link.get("rel") == "alternate"] == [], url


def test_the_sitemap_lists_every_page_of_every_language_with_its_alternates(
    two_languages: Build,
) -> None:
    pages = pages_of(two_languages.site)
    root = ET.parse(two_languages.site / "sitemap.xml").getroot()
    listed = {}
    for entry in root.iter(f"{SITEMAP}url"):
        loc = entry.find(f"{SITEMAP}loc").text
        alternates = {link.get("hreflang"): link.get("href") for link in entry.iter(f"{XHTML}link")}
        listed[loc] = alternates
    expected = {SITE_URL + url for url in pages} | {SITE_URL + "zh/" + url for url in pages}
    assert set(listed) == expected
    for loc, alternates in listed.items():
        url = loc.removeprefix(SITE_URL).removeprefix("zh/")
        assert alternates == {
            "en": SITE_URL + url,
            "zh": SITE_URL + "zh/" + url,
            "x-default": SITE_URL + url,
        }, loc
        assert loc in alternates.values()  # reciprocal: every alternate is listed too
    # The Chinese site's own sitemap lists its pages (Material reads it for its language).
    chinese = ET.parse(two_languages.site / "zh" / "sitemap.xml").getroot()
    locs = {entry.find(f"{SITEMAP}loc").text for entry in chinese.iter(f"{SITEMAP}url")}
    assert locs == {SITE_URL + "zh/" + url for url in pages}
    robots = (two_languages.site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots


def test_a_404_page_per_language(two_languages: Build) -> None:
    english = (two_languages.site / "404.html").read_text(encoding="utf-8")
    chinese = (two_languages.site / "zh" / "404.html").read_text(encoding="utf-8")
    assert "<h1>Page not found</h1>" in english and "<h1>页面不存在</h1>" in chinese
    # Its links lead to its own language's pages, and the switcher to each home page.
    assert f'<a href="{SITE_URL}zh/publications/">发表论文</a>' in chinese
    assert f'<a href="{SITE_URL}publications/">Publications</a>' in english
    for page in (english, chinese):
        links = {a["hreflang"]: a["href"] for a in Head(page).switcher}
        assert links == {"en": "/", "zh": "/zh/"}
        assert Head(page).hreflang() == {}  # an address with no page has no alternates


def test_nav_titles_per_language(two_languages: Build) -> None:
    tabs = re.findall(r'class="md-tabs__link[^"]*">\s*([^<]+?)\s*</a>', two_languages.page("zh"))
    # The engine's pages titled in the Chinese words (their headings), the person's own title
    # by the title of their nav.
    assert tabs == [
        "首页",
        "研究",
        "发表论文",
        "学术报告",
        "教学经历",
        "获奖",
        "项目经历",
        "个人简历",
        "博客",  # the fixture person's posts and course notes (tests/fixtures/person/docs/)
        "课程笔记",
    ]
    tabs = re.findall(r'class="md-tabs__link[^"]*">\s*([^<]+?)\s*</a>', two_languages.page(""))
    assert tabs[:3] == ["Home", "Research", "Publications"]
    assert "<title>发表论文 - " in two_languages.page("zh/publications")


def test_links_stay_in_their_language(two_languages: Build) -> None:
    chinese = article(two_languages.page("zh/publications"))
    assert f'href="/zh/publications/{CHINESE_PAPER}/"' in chinese
    assert 'href="/publications/' not in chinese
    # cv.json is the default language's: the Chinese CV page links to it there.
    assert 'href="../../cv.json"' in two_languages.page("zh/cv")
    assert 'href="../cv.json"' in two_languages.page("cv")
    assert 'href="../feed.xml"' in two_languages.page("zh/publications")  # its own feed


def test_search_per_language_splits_chinese_into_words(two_languages: Build) -> None:
    for prefix in ("", "zh/"):
        index = json.loads((two_languages.site / prefix / "search/search_index.json").read_text())
        # Material joins the words jieba finds with U+200B: the separator must split there.
        assert "\\u200b" in index["config"]["separator"], prefix
        docs = {doc["location"]: doc for doc in index["docs"]}
        assert not any(place.startswith("zh/") for place in docs)
        paper = docs[f"publications/{CHINESE_PAPER}/"]  # added by the hooks, not Material
        words = re.split(r"[\s\u200b，。]+", paper["text"])
        assert SEARCH_WORD in words, paper["text"]
    assert index["config"]["separator"].startswith("[\\s\\u200b")  # Material's Chinese default


def test_social_cards_of_every_language_are_kept_in_the_one_cache(two_languages: Build) -> None:
    cache = two_languages.data_dir.parent / ".cache" / "social"
    cached = {hashlib.sha256(path.read_bytes()).digest() for path in cache.glob("card-*.png")}
    published = set()
    for prefix in ("", "zh/"):
        for url in pages_of(two_languages.site, prefix.rstrip("/")):
            page = two_languages.page(prefix + url)
            (image,) = re.findall(r'property="og:image" content="([^"]+)"', page)
            assert image.startswith(SITE_URL + prefix), image
            path = two_languages.site / urlparse(image).path.lstrip("/")
            published.add(hashlib.sha256(path.read_bytes()).digest())
    # Chinese nav titles make other cards than the English ones; none was pruned.
    assert len(published) > len(pages_of(two_languages.site))
    assert published <= cached
    assert len(cached) == len(published)  # and the cache holds no card no language uses


def test_the_pdf_cv_and_the_feed_per_language(two_languages: Build) -> None:
    pdf = (two_languages.site / "zh" / "cv.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"/Lang(zh)" in pdf
    assert b"/Lang(en)" in (two_languages.site / "cv.pdf").read_bytes()
    feed = ET.parse(two_languages.site / "zh" / "feed.xml").getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    ids = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}id")]
    assert ids[0] == SITE_URL + "zh/" and all(i.startswith(SITE_URL + "zh/") for i in ids)
    english = ET.parse(two_languages.site / "feed.xml").getroot()
    assert english.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_scholar_tags_and_json_ld_on_each_language_page(two_languages: Build) -> None:
    pub = two_languages.data.publication_by_id["vasquezthorn2024quiet"]
    for prefix, language in (("", "en"), ("zh/", "zh")):
        page = Head(two_languages.page(f"{prefix}publications/{pub.id}"))
        assert page.meta["citation_title"] == [pub.title]
        assert page.meta["citation_author"] == [a.name for a in pub.authors]
        html = two_languages.page(f"{prefix}publications/{pub.id}")
        (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
        article = json.loads(data)
        assert article["inLanguage"] == language
        assert article["@id"] == f"{SITE_URL}{prefix}publications/{pub.id}/"


def test_scholar_tags_keep_the_papers_own_title_and_authors() -> None:
    """A page in another language shows the paper in its words; Google Scholar's tags keep
    the paper's own title and authors (from the default language's data)."""
    site = load_site_data(Path(__file__).parent / "fixtures" / "person" / "data")
    original = site.publication_by_id["vasquezthorn2024quiet"]
    translated = original.model_copy(update={"title": "安静的队列", "abstract": "中文摘要。"})
    renderer = SiteRenderer(site)
    head_html = renderer.publication_head(
        translated, SITE_URL + "zh/publications/x/", SITE_URL, original=original, language="zh"
    )
    tags = Head(head_html).meta
    assert tags["citation_title"] == [original.title]
    assert tags["citation_author"] == [a.name for a in original.authors]
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head_html)
    article = json.loads(data)
    assert article["headline"] == "安静的队列" and article["inLanguage"] == "zh"


def test_translate_nav_by_title_or_page() -> None:
    nav = [{"Home": "index.md"}, {"Papers": "publications.md"}, {"More": [{"Blog": "b.md"}]}]
    titles = {"publications.md": "论文", "More": "更多", "Home": "首页"}
    assert translate_nav(nav, titles) == [
        {"首页": "index.md"},
        {"论文": "publications.md"},
        {"更多": [{"Blog": "b.md"}]},
    ]


def test_one_language_is_the_site_as_before(tmp_path_factory: pytest.TempPathFactory) -> None:
    """No switcher, no language folder, no hreflang: a site that lists no languages."""
    built_site = generated_site("one-each", tmp_path_factory)
    assert not (built_site.site / "zh").exists() and not (built_site.site / "en").exists()
    for url in ("", "publications/", "cv/"):
        page = head(built_site, url)
        assert page.switcher == [] and page.hreflang() == {}, url
        assert 'class="md-select"' not in built_site.page(url)
    sitemap = (built_site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "xhtml" not in sitemap and "hreflang" not in sitemap


def test_a_language_material_has_no_words_for_stops_the_build(project: Path) -> None:
    set_languages(project, ["en", "xx"])
    build = run_build(project, project / "site")
    assert build.returncode != 0
    # The data side refuses it, naming the codes Material has.
    assert "site.languages" in build.output and "(got 'xx')" in build.output
    assert not (project / "site" / "xx").exists()


def test_a_warning_in_another_language_fails_a_strict_build(tmp_path: Path) -> None:
    """The other languages' warnings count for --strict as the default language's do: a
    page of the person's with a broken link in its Chinese version only."""
    project = two_language_project(tmp_path / "project")
    (project / "docs" / "extra.md").write_text(
        "# Extra\n\n{% if config.theme.language == 'zh' %}[gone](missing.md){% endif %}\n"
    )
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0
    assert build.output.count("contains a link 'missing.md'") == 1, build.output
    assert (tmp_path / "site" / "zh" / "extra" / "index.html").is_file()  # built, then failed


def test_serving_rebuilds_every_language_on_a_data_edit(tmp_path: Path) -> None:
    project = two_language_project(tmp_path / "project")
    server = Server(project)
    try:
        wait_for(server.url + "zh/", "</html>")
        assert 'lang="zh"' in wait_for(server.url + "zh/publications/", "论文")
        news = project / "data" / "news.yml"
        news.write_text(news.read_text() + "\n- {date: 2020, text: Served in every language.}\n")
        started = time.monotonic()
        wait_for(server.url, "Served in every language.")
        wait_for(server.url + "zh/", "Served in every language.")
        print(f"both languages reloaded {time.monotonic() - started:.1f} s after the edit")
        # Served from the server's own folder, at its own address.
        page = wait_for(server.url + "zh/publications/", "论文")
        assert f'href="{server.url}zh/publications/"' in page  # hreflang at the served address
    finally:
        server.stop()


def test_gh_deploy_publishes_every_language(tmp_path: Path) -> None:
    """`mkdocs gh-deploy` builds and commits every language to the gh-pages branch."""
    project = two_language_project(tmp_path / "project")
    remote = tmp_path / "remote.git"
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "site"], cwd=project, check=True)
    subprocess.run(["git", "remote", "add", "origin", str(remote)], cwd=project, check=True)
    env = {"NO_MKDOCS_2_WARNING": "1", "GIT_AUTHOR_NAME": "Test", "GIT_COMMITTER_NAME": "Test"}
    env |= {"GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_EMAIL": "t@example.org"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "--strict", "--force"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "gh-pages"],
        cwd=remote,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for path in ("index.html", "zh/index.html", "zh/cv.pdf", "zh/feed.xml", "cv.json"):
        assert path in listing, path
    assert f"zh/publications/{CHINESE_PAPER}/index.html" in listing
    assert "zh/cv.json" not in listing


class CountingJieba:
    """A stand-in for jieba that splits every character and counts its calls."""

    __version__ = "test"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def cut(self, text: str) -> Iterator[str]:
        self.calls.append(text)
        return iter(list(text))


def test_the_searchs_words_are_kept_in_the_cache(tmp_path: Path) -> None:
    """jieba reads its dictionary (0.5 to 3 s) only for text no build has split before."""
    path = tmp_path / "words.json"
    jieba = CountingJieba()
    words = CachedWords(jieba, path)
    assert list(words.cut("编译器".encode())) == ["编", "译", "器"]
    assert list(words.cut("编译器".encode())) == ["编", "译", "器"]
    assert list(words.cut("调度")) == ["调", "度"]
    assert jieba.calls == ["编译器", "调度"]
    words.save()
    again = CountingJieba()
    cached = CachedWords(again, path)
    assert list(cached.cut("编译器".encode())) == ["编", "译", "器"]
    assert again.calls == []
    cached.save()  # what this build did not split is dropped: the cache holds one site's
    assert json.loads(path.read_text(encoding="utf-8"))["words"] == {"编译器": ["编", "译", "器"]}
    newer = CountingJieba()
    newer.__version__ = "newer"
    list(CachedWords(newer, path).cut("编译器"))
    assert newer.calls == ["编译器"]  # another jieba splits anew


def test_the_two_language_build_kept_its_chinese_words(two_languages: Build) -> None:
    path = two_languages.data_dir.parent / ".cache" / "search" / "words.json"
    words = json.loads(path.read_text(encoding="utf-8"))["words"]
    (run,) = [text for text in words if SEARCH_WORD in text]
    assert SEARCH_WORD in words[run] and "".join(words[run]) == run


def test_every_validator_passes_in_both_languages(two_languages: Build) -> None:
    """The validators of scripts/validate.py on the whole site (the root sitemap with its
    alternates, every page's JSON-LD) and on the Chinese site's own feed and BibTeX; the W3C
    Nu checker on every page of both, where it is installed (`rel="alternate "` included)."""
    for name, check in CHECKS.items():
        problems, note = check(two_languages.site)
        assert problems == [], (name, note)
    for check in (check_feed, check_bibtex, check_structured_data):
        assert check(two_languages.site / "zh")[0] == []
    try:
        installed_vnu()
    except NuCheckerUnavailable as error:
        if os.environ.get("CI"):
            raise RuntimeError(f"CI runs the Nu HTML checker, but: {error}") from None
        return
    problems, note = check_html_sites([two_languages.site])[two_languages.site]
    assert problems == [], note


def test_the_sitemap_check_reads_the_alternates(two_languages: Build, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    xml = (two_languages.site / "sitemap.xml").read_text(encoding="utf-8")
    (site / "sitemap.xml").write_text(
        xml.replace(f'hreflang="zh" href="{SITE_URL}zh/awards/"', 'hreflang="zh" href="/zh/"', 1)
        .replace('hreflang="en" href="https://elena.example.org/cv/"', 'hreflang="中文" href="x"')
        .replace(f"<loc>{SITE_URL}zh/talks/</loc>", f"<loc>{SITE_URL}zh/gone/</loc>")
    )
    problems = check_sitemap(site)[0]
    assert any(
        re.fullmatch(rf"url \d+ \({SITE_URL}awards/\): alternate '/zh/' is not an absolute URL", p)
        for p in problems
    ), problems
    assert any("hreflang '中文' is not a language" in problem for problem in problems)
    assert any("alternate 'x' is not an absolute URL" in problem for problem in problems)
    assert any(
        f"url {n} ({SITE_URL}zh/gone/): its alternates do not name the page itself" in problem
        for problem in problems
        for n in range(1, 30)
    )
    assert any(f"alternate '{SITE_URL}zh/talks/' is not in the sitemap" in p for p in problems)
