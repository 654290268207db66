"""The site in two languages in a real browser: the switcher lands on the same page in the
other language, search on /zh/ finds a Chinese word, and no page asks another host for
anything or logs an error (Material fetches a sitemap beside every `link[rel=alternate]`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import CHINESE_PAPER, SEARCH_WORD, Build
from test_browser import Watched, serve  # skips this module too where there is no Chromium

# Imported for pytest: the browser, shared with test_browser.py's fixtures.
from test_browser import browser  # noqa: F401  # isort: skip


@pytest.fixture(scope="module")
def languages_url(two_languages: Build) -> Iterator[str]:
    yield from serve(two_languages.site)


@pytest.fixture
def watched_languages(browser: object, languages_url: str) -> Iterator[Watched]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    result = Watched(page, languages_url)
    yield result
    context.close()
    assert result.errors == [], f"console errors: {result.errors}"
    assert result.foreign == [], f"requests to other hosts: {result.foreign}"


def switch_language(page: object, code: str) -> None:
    """Open Material's language menu in the header and choose `code`."""
    page.locator(".md-header .md-select").hover()
    page.locator(f".md-header a.md-select__link[hreflang='{code}']").click()


@pytest.mark.parametrize(
    "url", ["", "publications/", "cv/", f"publications/{CHINESE_PAPER}/", "awards/"]
)
def test_the_switcher_lands_on_the_same_page(
    watched_languages: Watched, languages_url: str, url: str
) -> None:
    page = watched_languages.page
    page.goto(languages_url + url)
    assert page.locator("html").get_attribute("lang") == "en"
    switch_language(page, "zh")
    page.wait_for_url(languages_url + "zh/" + url)
    assert page.locator("html").get_attribute("lang") == "zh"
    switch_language(page, "en")
    page.wait_for_url(languages_url + url)
    assert page.locator("html").get_attribute("lang") == "en"


def test_search_on_the_chinese_site_finds_a_chinese_word(
    watched_languages: Watched, languages_url: str
) -> None:
    page = watched_languages.page
    page.goto(languages_url + "zh/")
    page.click("label.md-search__icon[for=__search], .md-search__input")
    page.locator(".md-search__input").press_sequentially(SEARCH_WORD)
    # Chinese characters arrive as text, with no key released: Material searches on `keyup`
    # (a person's input method ends with a key too).
    page.locator(".md-search__input").press("End")
    result = page.locator(f".md-search-result__item a[href*='publications/{CHINESE_PAPER}/']")
    result.first.wait_for(timeout=15000)
    result.first.click()
    page.wait_for_url(f"{languages_url}zh/publications/{CHINESE_PAPER}/**")
    assert SEARCH_WORD in page.locator("article").first.inner_text()


def test_the_chinese_404_page_leads_home(watched_languages: Watched, languages_url: str) -> None:
    page = watched_languages.page
    page.goto(languages_url + "zh/404.html")
    assert page.locator("h1").first.inner_text() == "页面不存在"
    switch_language(page, "en")
    page.wait_for_url(languages_url)
