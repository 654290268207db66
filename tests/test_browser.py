"""The built site in a real browser (Debian's Chromium driven by Playwright).

Skipped, with the reason, where no Chromium is installed; under CI (`CI` set) a missing browser
is an error instead, so these tests can never silently stop running there.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import Build, copy_project, run_build

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """$CHROMIUM, Debian's chromium, or a browser installed by `playwright install chromium`."""
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if found:
        return found
    with playwright_api.sync_playwright() as playwright:
        bundled = playwright.chromium.executable_path
    return bundled if os.path.exists(bundled) else None


try:
    import playwright.sync_api as playwright_api
except ImportError:
    playwright_api = None

CHROMIUM = find_chromium() if playwright_api else None
if not CHROMIUM:
    reason = (
        "no Chromium found (install Debian's chromium package)"
        if playwright_api
        else ("Playwright is not installed (pip install -r requirements-dev.txt)")
    )
    if os.environ.get("CI"):
        raise RuntimeError(f"CI runs the browser tests, but: {reason}")
    pytest.skip(reason, allow_module_level=True)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def base_url(built_site: Build) -> Iterator[str]:
    yield from serve(built_site.site)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


class Watched:
    """A page whose console errors and requests to other hosts are recorded."""

    def __init__(self, page: object, base_url: str) -> None:
        self.page = page
        self.errors: list[str] = []
        self.foreign: list[str] = []
        host = urlparse(base_url).netloc
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "request",
            lambda r: (
                self.foreign.append(r.url)
                if urlparse(r.url).netloc not in (host, "") and not r.url.startswith("data:")
                else None
            ),
        )


@pytest.fixture
def watched(browser: object, base_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    result = Watched(page, base_url)
    yield result
    context.close()
    assert result.errors == [], f"console errors: {result.errors}"
    assert result.foreign == [], f"requests to other hosts: {result.foreign}"


def visible_titles(page: object) -> list[str]:
    return page.locator(".pub-list > li.pub:visible .pub-title").all_inner_texts()


def visible_papers(page: object) -> list[str]:
    """The first word of each visible paper's title (the fixture's titles differ in it)."""
    return [title.split()[0] for title in visible_titles(page)]


ALL_PAPERS = ["Lattice", "Quiet", "Wandering", "Drift"]


def test_filters_narrow_the_list_and_update_the_url(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "publications/")
    assert visible_papers(page) == ALL_PAPERS
    page.select_option("select[name=topic]", "Logging")
    assert visible_papers(page) == ["Drift"]
    assert parse_qs(urlparse(page.url).query) == {"topic": ["Logging"]}
    assert not page.locator("h2[id='2025']").is_visible()  # a year with nothing left is hidden
    assert "Showing 1 of 4 publications." in page.locator(".pub-filters__status").inner_text()
    page.click(".pub-filters__reset")
    page.wait_for_function(
        "document.querySelectorAll('.pub-list > li.pub:not([hidden])').length == 4"
    )
    assert urlparse(page.url).query == ""


def test_free_text_and_year_combine(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "publications/")
    page.locator("input[name=q]").press_sequentially("pike")
    assert visible_papers(page) == ["Wandering"]
    page.select_option("select[name=year]", "2024")
    assert visible_papers(page) == []
    assert parse_qs(urlparse(page.url).query) == {"q": ["pike"], "year": ["2024"]}


def test_free_text_ignores_case(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "publications/")
    search = page.locator("input[name=q]")
    for query, papers in [
        ("DunMORE", ["Lattice"]),
        ("QUIET queues", ["Quiet"]),
        ("storage TIERS", ALL_PAPERS[1:]),
    ]:
        search.fill("")
        search.press_sequentially(query)
        assert visible_papers(page) == papers, query


def test_a_shared_filtered_url_opens_filtered(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "publications/?year=2024&type=journal")
    assert visible_papers(page) == ["Quiet"]
    assert page.locator("select[name=year]").input_value() == "2024"


def test_each_filter_is_read_from_the_url(watched: Watched, base_url: str) -> None:
    page = watched.page
    for query, papers in [
        ("topic=Storage+tiers", ["Quiet", "Wandering", "Drift"]),
        ("topic=Sparse%20hardware", ["Lattice"]),
        ("q=Forgetful", ["Wandering"]),
        ("type=preprint", ["Drift"]),
    ]:
        page.goto(base_url + "publications/?" + query)
        page.wait_for_selector("form[data-pub-filters][data-ready]", state="attached")
        assert visible_papers(page) == papers, query
        name, value = next(iter(parse_qs(query).items()))
        assert page.locator(f"[name={name}]").input_value() == value[0], query


def test_filters_work_with_the_keyboard(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "publications/")
    page.locator("input[name=q]").focus()
    page.keyboard.type("wandering")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "year"
    assert visible_papers(page) == ["Wandering"]
    label = page.locator("select[name=topic]").evaluate("e => e.labels[0].innerText")
    assert label.startswith("Topic")


def test_filters_after_following_a_link(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url)
    page.click("a.md-button:has-text('All publications')")
    page.wait_for_url("**/publications/")
    page.wait_for_selector("form[data-pub-filters]", state="visible")
    page.select_option("select[name=year]", "2024")
    assert visible_papers(page) == ["Quiet"]


@pytest.fixture(scope="module")
def instant_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built with Material's instant navigation turned on, as a user may choose."""
    project = copy_project(tmp_path_factory.mktemp("instant"))  # the fixture person
    config = project / "macros" / "mkdocs.yml"  # the engine's features, with one more
    text = config.read_text()
    assert "    - navigation.top\n" in text
    config.write_text(
        text.replace("    - navigation.top\n", "    - navigation.top\n    - navigation.instant\n")
    )
    build = run_build(project, project / "site")
    assert build.returncode == 0, build.output
    for url in serve(build.site):
        # Instant navigation follows only links listed in sitemap.xml, matched by host and port:
        # list the pages at this server's address, as they are listed at the site's own.
        # The site's address is the home page's, the shortest (the posts may come first).
        sitemap = build.site / "sitemap.xml"
        site_url = min(re.findall(r"<loc>(.*?)</loc>", sitemap.read_text()), key=len)
        sitemap.write_text(sitemap.read_text().replace(site_url, url))
        yield url


def test_filters_after_instant_navigation(browser: object, instant_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = Watched(page, instant_url)
    page.goto(instant_url)
    page.evaluate("window.__samePage = true")
    # Back and forth, so that the filter script meets a page it has already seen.
    for _ in range(2):
        page.click("a.md-tabs__link:has-text('Publications')")
        page.wait_for_url("**/publications/")
        page.wait_for_selector("form[data-pub-filters][data-ready]", state="visible")
        page.select_option("select[name=year]", "2024")
        assert visible_papers(page) == ["Quiet"]
        page.click("a.md-tabs__link:has-text('Home')")
        page.wait_for_url(instant_url)
    assert page.evaluate("window.__samePage") is True, "navigation was not instant"
    context.close()
    assert watched.errors == [], watched.errors


@pytest.fixture(scope="module")
def math_url(math_site: Build) -> Iterator[str]:
    yield from serve(math_site.site)


# The height of the first <mo> that holds "(" under the elements `selector` finds.
PAREN_HEIGHT = """selector => [...document.querySelectorAll(selector + ' mo')]
    .find(mo => mo.textContent === '(').getBoundingClientRect().height"""


def test_formulas_draw_with_the_sites_math_font(browser: object, math_url: str) -> None:
    """A page with formulas fetches the math font from the site itself (nothing from another
    host), draws its formulas with it, and its brackets stretch; a page without formulas
    fetches no font."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = Watched(page, math_url)
    fonts: list[str] = []
    page.on("request", lambda r: fonts.append(r.url) if r.resource_type == "font" else None)
    page.goto(math_url + "maths/", wait_until="networkidle")
    assert page.evaluate("document.fonts.ready.then(() => true)")
    assert fonts == [math_url + "assets/fonts/lm-math-subset.woff2"]
    assert page.evaluate("""[...document.fonts].some(
        f => f.family.replace(/"/g, '') === 'LM Math Web Subset' && f.status === 'loaded')""")
    family = page.evaluate("getComputedStyle(document.querySelector('article math')).fontFamily")
    assert family.startswith('"LM Math Web Subset"'), family
    # \left( around a fraction, against the ( of \mathcal{O}(n) in the news item below it.
    stretched = page.evaluate(PAREN_HEIGHT, "article div.arithmatex")
    plain = page.evaluate(PAREN_HEIGHT, "article .news-text")
    assert stretched > 1.5 * plain, (stretched, plain)
    page.goto(math_url + "talks/", wait_until="networkidle")
    assert fonts == [math_url + "assets/fonts/lm-math-subset.woff2"]  # nothing more
    context.close()
    assert watched.errors == [] and watched.foreign == []


def test_everything_is_visible_without_javascript(browser: object, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "publications/")
    assert visible_papers(page) == ALL_PAPERS
    assert not page.locator("form[data-pub-filters]").is_visible()
    context.close()


@pytest.mark.parametrize(
    ("query", "paper"),
    [("forgetful CLIENTS", "vasquezthorn2023wander"), ("Brightwater", "vasquezthorn2025lattice")],
)
def test_search_finds_a_paper_and_leads_to_its_page(
    watched: Watched, base_url: str, query: str, paper: str
) -> None:
    page = watched.page
    page.goto(base_url)
    page.click("label.md-search__icon[for=__search], .md-search__input")
    page.locator(".md-search__input").press_sequentially(query)
    result = page.locator(f".md-search-result__item a[href*='publications/{paper}/']")
    result.first.wait_for(timeout=15000)
    result.first.click()
    page.wait_for_url(f"**/publications/{paper}/**")
    assert query.split()[0].casefold() in page.locator("article").first.inner_text().casefold()


def test_paper_page_copy_button_and_title_link(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "publications/")
    page.click("a:has-text('Quiet Queues: Tail Latency')")
    page.wait_for_url("**/publications/vasquezthorn2024quiet/")
    assert (
        page.locator("pre.pub-bibtex button.md-clipboard, pre.pub-bibtex .md-code__button").count()
        == 1
    )


COLOR_SCHEME_METAS = "[...document.querySelectorAll('meta[name=color-scheme]')].map(m => m.content)"
BODY_COLOR_SCHEME = "getComputedStyle(document.body).colorScheme"


def wait_for_palette_start(page: object) -> None:
    """Until Material has applied the palette: it then removes the start-up mark that
    overrides/main.html sets (transitions off), which must not stay."""
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')", timeout=5000)


@pytest.mark.parametrize("system", ["light", "dark"])
def test_the_scheme_follows_the_system(browser: object, base_url: str, system: str) -> None:
    context = browser.new_context(color_scheme=system)
    page = context.new_page()
    page.goto(base_url)
    wait_for_palette_start(page)
    assert page.evaluate(COLOR_SCHEME_METAS) == [system]
    assert page.evaluate(BODY_COLOR_SCHEME) == system
    context.close()


def test_palette_toggle_switches_and_persists(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url)
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    first = page.evaluate(scheme)
    # The toggle cycles system -> light -> dark; click until the scheme changes.
    for _ in range(3):
        page.click("form[data-md-component=palette] label:visible")
        if page.evaluate(scheme) != first:
            break
    chosen = page.evaluate(scheme)
    assert chosen != first
    assert page.evaluate(COLOR_SCHEME_METAS) == [page.evaluate(BODY_COLOR_SCHEME)]
    page.goto(base_url + "publications/")
    assert page.evaluate(scheme) == chosen
    wait_for_palette_start(page)
    assert page.evaluate(COLOR_SCHEME_METAS) == [page.evaluate(BODY_COLOR_SCHEME)]


def test_mobile_drawer_and_no_horizontal_scroll(browser: object, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("", "publications/", "publications/vasquezthorn2025lattice/", "cv/", "research/"):
        page.goto(base_url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at 375px"
    page.goto(base_url)
    page.click("label.md-header__button[for=__drawer]")
    link = page.locator("nav.md-nav--primary").get_by_role("link", name="Publications", exact=True)
    link.wait_for(state="visible")
    link.click()
    page.wait_for_url("**/publications/")
    context.close()


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        ("", ".pub-list > li"),
        ("publications/", ".pub-list > li"),
        ("research/", ".entry"),
        ("talks/", ".entry"),
        ("teaching/", ".entry"),
        ("awards/", ".award"),
        ("projects/", ".entry"),
        ("cv/", ".entry, .award, .pub"),
    ],
)
def test_every_entry_is_visible_without_javascript(
    browser: object, base_url: str, built_site: Build, path: str, selector: str
) -> None:
    if not (built_site.site / path / "index.html").exists():
        pytest.skip(f"this project has no /{path} page")
    counts = []
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        page.goto(base_url + path)
        entries = page.locator(selector)
        counts.append(entries.count())
        assert all(entries.nth(i).is_visible() for i in range(entries.count())), path
        context.close()
    assert counts[0] == counts[1] > 0


@pytest.mark.parametrize(
    ("width", "density", "beside", "page_file"),
    [(375, 2, False, "1280x800.webp"), (1280, 1, True, "640x400.webp")],
    ids=["phone", "desktop"],
)
def test_a_papers_figure_sits_beside_it_or_above_it_on_a_phone(
    browser: object, base_url: str, width: int, density: int, beside: bool, page_file: str
) -> None:
    """The lists stay readable: on a desktop the figure is a column left of the text, on a
    375 px phone it stands above the text, which keeps the column's whole width; the browser
    takes the file for its screen (2x on the phone), and nothing scrolls sideways."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, device_scale_factor=density
    )
    page = context.new_page()
    page.goto(base_url + "publications/")
    item = page.locator("#pub-vasquezthorn2025lattice")
    item.scroll_into_view_if_needed()
    img = item.locator(".pub-image img")
    img.evaluate("image => image.decode()")
    figure, title = img.bounding_box(), item.locator(".pub-title").bounding_box()
    box = item.bounding_box()
    assert (figure["width"], figure["height"]) == (160, 100)
    if beside:
        assert figure["x"] + figure["width"] < title["x"] and abs(figure["y"] - title["y"]) < 8
    else:
        assert figure["y"] + figure["height"] < title["y"]
        assert title["x"] == box["x"] and title["width"] == box["width"]
    assert img.evaluate("image => image.currentSrc").endswith(
        f"-{160 * density}x{100 * density}.webp"
    )
    item.evaluate("item => { item.hidden = true; }")  # as the filters hide a paper
    assert not item.is_visible(), "a paper with a figure stays visible when hidden"
    page.goto(base_url + "publications/vasquezthorn2025lattice/")
    img = page.locator(".pub-page-image img")
    img.evaluate("image => image.decode()")
    column = page.locator(".pub-page").bounding_box()
    shown = img.bounding_box()
    assert shown["width"] == min(640, column["width"]) and shown["x"] >= column["x"]
    assert img.evaluate("image => image.currentSrc").endswith(page_file)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


# --- posts and notes (test_writings.py has the rest) ---------------------------------

NOTES_PAGE = "notes/os-networks/scheduling/"
POST = "blog/2025/02/10/why-the-tail-of-a-queue-is-heavy/"
# Every visible navigation landmark's name: a screen reader lists them by it, so no two may
# share one, the empty name included (axe's landmark-unique; Material leaves the blog's and
# the code blocks' navs unnamed).
NAV_NAMES = """[...document.querySelectorAll('nav')].filter(n => n.checkVisibility()).map(n =>
  n.getAttribute('aria-label') || (document.getElementById(n.getAttribute('aria-labelledby'))
  || {innerText: ''}).innerText.trim())"""


def test_notes_sidebar_lists_the_course_and_its_tabs_switch(
    watched: Watched, base_url: str
) -> None:
    page = watched.page
    page.goto(base_url + NOTES_PAGE)
    sidebar = page.locator(".md-sidebar--primary")
    assert sidebar.get_by_role("link", name="Scheduling lab").is_visible()
    course = sidebar.get_by_role("link", name="Operating Systems & Networks")
    assert course.is_visible()
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Notes"
    assert not page.get_by_text("print(len(ready)").is_visible()
    page.locator(".tabbed-labels label", has_text="Python").click()
    assert page.get_by_text("print(len(ready)").is_visible()
    course.click()
    page.wait_for_url("**/notes/os-networks/")


@pytest.mark.parametrize("path", ["blog/", POST, NOTES_PAGE])
def test_navigation_landmarks_have_names_of_their_own(
    watched: Watched, base_url: str, path: str
) -> None:
    page = watched.page
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    names = page.evaluate(NAV_NAMES)
    assert len(names) == len(set(names)), names


def test_the_blog_leads_to_a_post_with_its_author(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "blog/")
    avatar = page.locator(".md-post__authors img").first
    assert avatar.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_role("link", name="Continue reading").first.click()
    page.wait_for_url("**/" + POST)
    assert page.locator("h1").inner_text().startswith("Why the tail of a queue is heavy")
    assert page.locator(".md-post__profile").inner_text().startswith("Elena Vasquez-Thorn")
