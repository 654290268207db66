"""Social cards (og:image) and the profile photo: built for real, read from the built site."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import typst
from conftest import ROOT, Build, copy_project, line_of, run_build
from PIL import Image
from pypdf import PdfReader

from macros.data.loader import DataError, load_site_data
from macros.outputs.rendering import SiteRenderer
from macros.outputs.social_cards import CACHE_DIR, CARD_TEMPLATE, SocialCardError, SocialCards

FIXTURES = ROOT / "tests" / "fixtures" / "social"
HOSTILE_ID = "example2024hostile"
PHOTO_SIZE = (600, 800)
PHOTO_COLOUR = (200, 30, 40)  # a red no card uses, to find the photo on the card


def make_fixture_project(destination: Path) -> Path:
    """The project with the fictional person of tests/fixtures/social and a photo of them."""
    destination.mkdir(parents=True)
    project = copy_project(destination)
    shutil.rmtree(project / "data")  # the other sections are empty (they cite other papers)
    (project / "data").mkdir()
    for name in ("profile.yml", "publications.yml"):
        shutil.copy2(FIXTURES / name, project / "data" / name)
    (project / "data" / "images").mkdir()
    Image.new("RGB", PHOTO_SIZE, PHOTO_COLOUR).save(project / "data" / "images" / "ada.jpg")
    return project


@dataclass
class TwoBuilds:
    project: Path
    first: Build
    second: Build
    cache_before: dict[str, float]  # cache file -> mtime after the first build
    cache_after: dict[str, float]


def cache_state(project: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in (project / CACHE_DIR).iterdir()}


@pytest.fixture(scope="module")
def fixture_builds(tmp_path_factory: pytest.TempPathFactory) -> TwoBuilds:
    """The fixture project built twice: with an empty cache, then again unchanged."""
    root = tmp_path_factory.mktemp("social")
    project = make_fixture_project(root / "project")
    first = run_build(project, root / "site1")
    assert first.returncode == 0, first.output
    before = cache_state(project)
    second = run_build(project, root / "site2")
    assert second.returncode == 0, second.output
    return TwoBuilds(project, first, second, before, cache_state(project))


def built_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def meta(page: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def card_file(build: Build, page_path: Path, site_url: str | None) -> Path:
    """The file an og:image address points at, resolved as a reader of the page would."""
    url = meta(page_path.read_text(encoding="utf-8"), "og:image")
    assert url, f"{page_path} has no og:image"
    if site_url:
        assert url.startswith(site_url), f"{url} is not under {site_url}"
        relative = url[len(site_url) :]
    else:
        page_url = "/" + page_path.relative_to(build.site).as_posix()
        relative = urljoin(page_url, url).lstrip("/")
    return build.site / urlparse(relative).path


def assert_cards_on_every_page(build: Build, site_url: str | None) -> None:
    pages = built_pages(build.site)
    assert len(pages) > 5
    for page_path in pages:
        page = page_path.read_text(encoding="utf-8")
        card = card_file(build, page_path, site_url)
        assert card.is_file(), f"{page_path}: og:image {card} does not exist"
        with Image.open(card) as image:
            assert (image.format, image.size) == ("PNG", (1200, 630)), page_path
        assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"
        assert meta(page, "og:image:alt"), page_path
        assert meta(page, "twitter:card") == "summary_large_image", page_path
        assert meta(page, "twitter:image") == meta(page, "og:image"), page_path


def test_every_page_of_the_site_has_its_card(built_site: Build) -> None:
    site_url = built_site.data.profile.site.url
    assert_cards_on_every_page(built_site, site_url.rstrip("/") + "/" if site_url else None)


def test_every_page_has_its_card_also_without_a_site_url(fixture_builds: TwoBuilds) -> None:
    assert_cards_on_every_page(fixture_builds.first, None)


def test_each_paper_and_page_has_a_card_of_its_own(fixture_builds: TwoBuilds) -> None:
    site = fixture_builds.first.site
    site_data = load_site_data(fixture_builds.project / "data")
    cards = [site / "publications" / p.id / "index.html" for p in site_data.publications]
    cards += [site / "index.html", site / "publications" / "index.html", site / "cv" / "index.html"]
    files = [card_file(fixture_builds.first, page, None) for page in cards]
    assert len({f.read_bytes() for f in files}) == len(files)  # no two cards alike
    paper = (site / "publications" / "example2023third" / "index.html").read_text()
    alt = meta(paper, "og:image:alt") or ""
    assert (
        "A Third Paper on Examples" in alt
        and "Carol Placeholder" in alt
        and "Example Workshop" in alt
    )


def test_an_unchanged_site_renders_no_card_again(fixture_builds: TwoBuilds) -> None:
    pages = len(built_pages(fixture_builds.first.site)) - 1  # 404.html shows the home card
    assert f"Social cards: {pages} rendered, 0 from {CACHE_DIR}/" in fixture_builds.first.output
    assert f"Social cards: 0 rendered, {pages} from {CACHE_DIR}/" in fixture_builds.second.output
    assert fixture_builds.cache_after == fixture_builds.cache_before  # nothing rewritten
    for card in (fixture_builds.first.site / "assets/images/social").rglob("*.png"):
        again = fixture_builds.second.site / card.relative_to(fixture_builds.first.site)
        assert again.read_bytes() == card.read_bytes()


def test_an_edited_title_renders_only_its_card(tmp_path: Path) -> None:
    project = make_fixture_project(tmp_path / "project")
    assert run_build(project, tmp_path / "site1").returncode == 0
    pubs = project / "data" / "publications.yml"
    pubs.write_text(pubs.read_text().replace("A Third Paper", "A Renamed Paper"))
    build = run_build(project, tmp_path / "site2")
    assert build.returncode == 0, build.output
    pages = len(built_pages(build.site)) - 1
    assert f"Social cards: 1 rendered, {pages - 1} from {CACHE_DIR}/" in build.output
    # The old card left the cache: it holds this site's cards (and the photo's sizes) only.
    assert sum(1 for p in (project / CACHE_DIR).glob("card-*.png")) == pages


def card_pdf_text(project: Path, card_data: dict[str, object]) -> str:
    """What a card says: the same template typeset as PDF, whose text can be read back."""
    pdf = typst.compile(
        str(project / "macros" / "templates" / CARD_TEMPLATE),
        root=str(project),
        format="pdf",
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps({"cards": [card_data]})},
    )
    path = project / "card.pdf"
    path.write_bytes(pdf)
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_markup_in_a_title_is_printed_as_text(fixture_builds: TwoBuilds) -> None:
    project = fixture_builds.project
    site = load_site_data(project / "data")
    pub = site.publication_by_id[HOSTILE_ID]
    cards = SocialCards(site, SiteRenderer(site).is_owner, project)
    text = card_pdf_text(project, cards.paper(pub, f"publications/{HOSTILE_ID}.md").data)
    squeezed = "".join(text.split())
    assert "".join(pub.title.split()) in squeezed, text
    # In the page head, the title is escaped in the alt text and stays whole.
    page = (fixture_builds.first.site / "publications" / HOSTILE_ID / "index.html").read_text()
    assert meta(page, "og:image:alt").startswith(pub.title + ". Bob Sample, A. Example.")
    assert "<b>tag</b>" not in page.split("</head>")[0]


def test_the_photo_is_resized_and_shown_with_its_size_and_alt(fixture_builds: TwoBuilds) -> None:
    site = fixture_builds.first.site
    home = (site / "index.html").read_text()
    picture = re.search(r'<picture class="profile-photo">(.*?)</picture>', home, re.S)
    assert picture, "no photo on the home page"
    source = re.search(r'<source type="image/webp" srcset="([^"]+)">', picture.group(1))
    img = re.search(r"<img ([^>]+)>", picture.group(1))
    assert source and img
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', img.group(1)))
    assert attrs["alt"] == "Ada Example smiling in front of a blackboard"
    width, height = int(attrs["width"]), int(attrs["height"])
    assert width * PHOTO_SIZE[1] == height * PHOTO_SIZE[0]  # the photo's own proportions
    assert width < PHOTO_SIZE[0]  # made smaller for the page, not sent whole
    for srcset, kind in ((source.group(1), "WEBP"), (attrs["srcset"], "JPEG")):
        candidates = dict(reversed(c.split()) for c in srcset.split(", "))
        for density, factor in (("1x", 1), ("2x", 2)):
            with Image.open(site / candidates[density].lstrip("/")) as image:
                assert image.format == kind
                assert image.size == (width * factor, height * factor)
    assert attrs["src"] == dict(reversed(c.split()) for c in attrs["srcset"].split(", "))["1x"]


def test_the_photo_is_on_the_cards(fixture_builds: TwoBuilds) -> None:
    for page in ("index.html", "publications/example2025first/index.html"):
        card = card_file(fixture_builds.first, fixture_builds.first.site / page, None)
        with Image.open(card) as image:
            pixel = image.convert("RGB").getpixel((1200 - 72 - 100, 60 + 100))  # its middle
        assert all(abs(a - b) < 12 for a, b in zip(pixel, PHOTO_COLOUR, strict=True)), (page, pixel)


def move_photo_out_of_the_project(data: Path) -> None:
    (data / "images" / "ada.jpg").rename(data.parent.parent / "ada.jpg")
    profile = data / "profile.yml"
    profile.write_text(profile.read_text().replace("data/images/ada.jpg", "../ada.jpg"))


@pytest.fixture
def data_with_photo(tmp_path: Path) -> Path:
    return make_fixture_project(tmp_path / "project") / "data"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda data: (data / "images" / "ada.jpg").unlink(), "no such file in the project"),
        (
            lambda data: (data / "images" / "ada.jpg").write_text("not an image"),
            "not a readable image",
        ),
        (
            move_photo_out_of_the_project,
            "it is outside the project folder",
        ),
        (
            lambda data: Image.new("RGB", (10, 10)).save(data / "images" / "ada.jpg", "BMP"),
            "a BMP image",
        ),
    ],
    ids=["missing", "not-an-image", "outside", "bmp"],
)
def test_a_bad_photo_is_an_error_with_its_line(data_with_photo: Path, setup, message) -> None:  # type: ignore[no-untyped-def]
    setup(data_with_photo)
    with pytest.raises(DataError) as caught:
        load_site_data(data_with_photo)
    line = line_of(data_with_photo / "profile.yml", "  file:")
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and problems[0].startswith(
        f"data/profile.yml:{line}:9: field 'photo.file': {message}"
    ), problems


def test_a_photo_needs_its_alt_text(data_with_photo: Path) -> None:
    profile = data_with_photo / "profile.yml"
    profile.write_text(re.sub(r"\n  alt: .*", "", profile.read_text()))
    with pytest.raises(DataError) as caught:
        load_site_data(data_with_photo)
    assert "field 'photo.alt': this required field is missing" in str(caught.value)


def pdf_images(pdf: Path) -> list[tuple[int, int]]:
    return [(i.image.width, i.image.height) for p in PdfReader(pdf).pages for i in p.images]


def test_the_photo_is_on_the_pdf_only_if_asked(fixture_builds: TwoBuilds, tmp_path: Path) -> None:
    assert pdf_images(fixture_builds.first.site / "cv.pdf") == []
    project = make_fixture_project(tmp_path / "project")
    profile = project / "data" / "profile.yml"
    profile.write_text(profile.read_text() + "  on_cv: true\n")
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    images = pdf_images(build.site / "cv.pdf")
    assert len(images) == 1 and images[0][0] < PHOTO_SIZE[0], images  # the resized photo


def test_json_ld_names_the_card_as_the_image(built_site: Build) -> None:
    """Google's recommended Article (and Person) `image`: the page's own social card (after the
    paper's figure, where it has one: tests/test_paper_images.py)."""
    pages = [built_site.site / "index.html", *built_site.site.glob("publications/*/index.html")]
    assert len(pages) > 1
    for path in pages:
        page = path.read_text(encoding="utf-8")
        og = re.search(r'<meta property="og:image" content="([^"]+)"', page)
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert og and ld, path
        image = json.loads(ld.group(1))["image"]
        card = image[-1] if isinstance(image, list) else image
        assert card == html.unescape(og.group(1)), path


# --- scripts beyond Typst's own fonts ------------------------------------------------------

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def rendered_card(project: Path, title: str) -> bytes:
    """A page card with `title`, rendered alone through the build's own renderer."""
    site = load_site_data(project / "data")
    template = project / "macros" / "templates" / CARD_TEMPLATE
    cards = SocialCards(site, SiteRenderer(site).is_owner, project, template=template)
    found = cards.request(cards.page("page.md", title))
    path = found if isinstance(found, Path) else found()
    return path.read_bytes()


@pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-noto-cjk is not installed")
def test_chinese_japanese_korean_print_on_a_card(tmp_path: Path) -> None:
    """Characters without a glyph print as identical empty boxes: two titles that differ only
    in their Chinese, Japanese and Korean characters must give two different pictures."""
    project = make_fixture_project(tmp_path / "project")
    one = rendered_card(project, "Talk: 王小明 山田太郎 김민수")
    other = rendered_card(project, "Talk: 李大伟 佐藤花子 박지훈")
    assert Image.open(io.BytesIO(one)).size == (1200, 630)
    assert one != other


def test_a_character_no_font_has_stops_the_build_naming_it(tmp_path: Path) -> None:
    project = make_fixture_project(tmp_path / "project")
    with pytest.raises(SocialCardError) as caught:
        rendered_card(project, "Hieroglyph 𓀀")
    message = str(caught.value)
    assert "U+13000" in message and "empty boxes" in message
    assert "the social card of 'Hieroglyph 𓀀 – " in message  # which card: its page's title


def test_a_card_that_cannot_be_made_stops_every_thread_waiting_for_it(tmp_path: Path) -> None:
    """Whatever goes wrong in a render (here the template is outside the project, which Typst
    refuses), the threads waiting for those cards get the error instead of waiting forever."""
    project = make_fixture_project(tmp_path / "project")
    site = load_site_data(project / "data")
    cards = SocialCards(site, SiteRenderer(site).is_owner, project)  # the template is ROOT's
    waiters = [cards.request(cards.page(f"p{n}.md", f"Page {n}")) for n in range(40)]
    outcomes: list[BaseException | Path] = []

    def wait(waiter: Callable[[], Path]) -> None:
        try:
            outcomes.append(waiter())
        except BaseException as error:  # the outcome is what is tested
            outcomes.append(error)

    # Daemon threads: a waiter that never returns fails the test instead of hanging it.
    threads = [threading.Thread(target=wait, args=(w,), daemon=True) for w in waiters[:3]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == len(threads), "a thread is still waiting for its card"
    assert all(isinstance(outcome, SocialCardError) for outcome in outcomes), outcomes


# --- rendering on several threads ----------------------------------------------------------


def test_threads_share_the_missing_cards_and_render_each_once(tmp_path: Path) -> None:
    """A cold build renders cards on several threads at once (the writer's, helpers', and the
    build's own at its end): every card is rendered exactly once and each waiter gets its file."""
    project = make_fixture_project(tmp_path / "project")
    site = load_site_data(project / "data")
    template = project / "macros" / "templates" / CARD_TEMPLATE
    cards = SocialCards(site, SiteRenderer(site).is_owner, project, template=template)
    compiled: list[int] = []
    compile_ = cards._compile

    def counted(data: str, font_dirs: list[str]) -> bytes | list[bytes]:
        compiled.append(len(json.loads(data)["cards"]))
        return compile_(data, font_dirs)

    cards._compile = counted  # type: ignore[method-assign]
    titles = [f"Page {n}" for n in range(70)]
    # Two pages of the same title share one card (the key is what the card says).
    waiters = [
        cards.request(cards.page(f"{folder}/p{n}.md", title))
        for folder in ("a", "b")
        for n, title in enumerate(titles)
    ]
    assert all(callable(w) for w in waiters)
    cards.start_helpers(2)
    with ThreadPoolExecutor(max_workers=4) as pool:
        jobs = [pool.submit(waiter) for waiter in waiters]  # type: ignore[arg-type]
        cards.finish()
        files = [job.result(timeout=120) for job in jobs]
    assert sum(compiled) == cards.rendered == len(titles) and len(compiled) >= 3
    assert len({f.read_bytes() for f in files}) == len(titles)  # each its own picture


def test_a_broken_card_template_fails_the_build_with_typsts_message(tmp_path: Path) -> None:
    project = make_fixture_project(tmp_path / "project")
    template = project / "macros" / "templates" / CARD_TEMPLATE
    template.write_text(template.read_text() + "\n#undefined-function()\n")
    build = run_build(project, tmp_path / "site")
    assert build.returncode != 0
    assert CARD_TEMPLATE in build.output and "undefined-function" in build.output
    assert "Traceback" not in build.output
