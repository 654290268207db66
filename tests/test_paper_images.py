"""Papers' figures (`image:` in publications.yml): real builds, read from the built HTML and files.

The fictional person has a figure on two papers (tests/fixtures/person/data/images/): a PNG with
transparency, 1280 x 800, whose alt text holds `&`, `<script>` and quotes, on a selected paper;
and a JPEG, 400 x 400 (smaller than the paper page's size: never enlarged), on a paper listed on
the publications page only.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURE_DATA, Build, copy_project, line_of, run_build
from PIL import Image
from pypdf import PdfReader

from macros.data import image_files
from macros.data.loader import DataError, load_site_data
from macros.data.paper_images import CACHE_DIR, PaperImageError, resize_paper_images
from macros.outputs.rendering import SiteRenderer
from macros.outputs.social_cards import SocialCards

LATTICE = "vasquezthorn2025lattice"  # selected; figure: PNG with transparency, 1280 x 800
WANDER = "vasquezthorn2023wander"  # not selected; figure: JPEG, 400 x 400
WITHOUT = ("vasquezthorn2024quiet", "vasquezthorn2022drift")  # no figure
LATTICE_ALT = 'A & B <script>alert("lattice")</script>: a lattice of machines, jobs flowing right'
ORIGINALS = {
    LATTICE: FIXTURE_DATA / "images" / "lattice.png",
    WANDER: FIXTURE_DATA / "images" / "wander.jpg",
}
MARKUP = ("<picture", "pub--image", "pub-image", "pub-page-image", "assets/images/papers/")


@dataclass
class Picture:
    """A `<picture>` as the browser reads it: its class, its sources' and its img's attributes."""

    cls: str
    sources: list[dict[str, str]] = field(default_factory=list)
    img: dict[str, str] = field(default_factory=dict)


class PictureParser(HTMLParser):
    """Every `<picture>` of a page, with the id of the list item (`pub-<id>`) it stands in."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: dict[str, list[Picture]] = {}
        self._item = ""
        self._current: Picture | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag in ("li", "div") and values.get("id", "").startswith("pub-"):  # div: its page
            self._item = values["id"][len("pub-") :]
        elif tag == "picture":
            self._current = Picture(values.get("class", ""))
            self.pictures.setdefault(self._item, []).append(self._current)
        elif tag == "source" and self._current is not None:
            self._current.sources.append(values)
        elif tag == "img" and self._current is not None:
            self._current.img = values

    def handle_endtag(self, tag: str) -> None:
        if tag == "picture":
            self._current = None


def pictures(page: str) -> dict[str, list[Picture]]:
    parser = PictureParser()
    parser.feed(page)
    return parser.pictures


def candidates(srcset: str) -> list[tuple[str, str]]:
    """(address, descriptor) pairs of a srcset."""
    return [tuple(candidate.split()) for candidate in srcset.split(", ")]  # type: ignore[misc]


def site_file(build: Build, url: str) -> Path:
    assert url.startswith("/"), url
    return build.site / url.lstrip("/")


def pixel_size(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        return image.format or "", image.size


def list_item(page: str, pub_id: str) -> str:
    match = re.search(rf'<li class="[^"]*" id="pub-{pub_id}".*?</li>', page, re.S)
    assert match, f"{pub_id} is not listed"
    return match.group(0)


# --- the lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "pub_id", "fallback", "size"),
    [
        ("publications", LATTICE, ("PNG", "image/png"), (160, 100)),
        ("publications", WANDER, ("JPEG", "image/jpeg"), (160, 160)),
        ("", LATTICE, ("PNG", "image/png"), (160, 100)),  # the home page's selected papers
    ],
)
def test_a_figure_is_beside_its_paper_in_the_lists_at_1x_and_2x(
    built_site: Build, url: str, pub_id: str, fallback: tuple[str, str], size: tuple[int, int]
) -> None:
    found = pictures(built_site.page(url)).get(pub_id, [])
    assert len(found) == 1, f"/{url}: {pub_id} has {len(found)} pictures"
    picture = found[0]
    assert picture.cls == "pub-image"
    assert [s.get("type") for s in picture.sources] == ["image/webp"]
    img = picture.img
    # Its room is reserved before it loads (no layout shift), at the size it is shown.
    assert (img.get("width"), img.get("height")) == (str(size[0]), str(size[1])), img
    assert img.get("loading") == "lazy" and img.get("decoding") == "async", img
    assert img["src"] == candidates(img["srcset"])[0][0]
    for srcset, kind in ((picture.sources[0]["srcset"], "WEBP"), (img["srcset"], fallback[0])):
        assert [d for _, d in candidates(srcset)] == ["1x", "2x"], srcset
        for (url_, _), factor in zip(candidates(srcset), (1, 2), strict=True):
            assert pixel_size(site_file(built_site, url_)) == (
                kind,
                (size[0] * factor, size[1] * factor),
            ), url_
    item = list_item(built_site.page(url), pub_id)
    assert item.startswith(f'<li class="pub pub--image" id="pub-{pub_id}"')


def test_the_alt_text_is_escaped_and_whole(built_site: Build) -> None:
    for url in ("", "publications", f"publications/{LATTICE}"):
        page = built_site.page(url)
        (picture,) = pictures(page)[LATTICE]
        assert picture.img.get("alt") == LATTICE_ALT, url
        escaped = html.escape(LATTICE_ALT).replace("&quot;", "&#34;")
        assert f'alt="{escaped}"' in page, url
        assert '<script>alert("lattice")' not in page, url


def test_papers_without_a_figure_have_no_figure_markup(built_site: Build) -> None:
    for url in ("", "publications"):
        page = built_site.page(url)
        for pub_id in WITHOUT:
            if f'id="pub-{pub_id}"' not in page:
                continue  # not selected: not on the home page
            item = list_item(page, pub_id)
            assert item.startswith(f'<li class="pub" id="pub-{pub_id}"'), item[:80]
            assert not any(mark in item for mark in MARKUP), pub_id
    for pub_id in WITHOUT:
        page = built_site.page(f"publications/{pub_id}")
        assert not any(mark in page for mark in MARKUP), pub_id


# --- the paper's own page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pub_id", "shown", "widths"),
    [(LATTICE, (640, 400), [640, 1280]), (WANDER, (400, 400), [400])],  # never enlarged
)
def test_the_figure_is_on_the_papers_page_by_width(
    built_site: Build, pub_id: str, shown: tuple[int, int], widths: list[int]
) -> None:
    page = built_site.page(f"publications/{pub_id}")
    (picture,) = pictures(page)[pub_id]
    img = picture.img
    assert picture.cls == "pub-page-image"
    assert (img["width"], img["height"]) == (str(shown[0]), str(shown[1]))
    assert "loading" not in img and img["decoding"] == "async"  # near the top: loaded at once
    # A narrow screen shrinks it to the column; `sizes` says so, so a phone takes what it needs.
    sizes = f"(max-width: {shown[0] + 32}px) calc(100vw - 32px), {shown[0]}px"
    assert img["sizes"] == picture.sources[0]["sizes"] == sizes
    for srcset in (picture.sources[0]["srcset"], img["srcset"]):
        assert [d for _, d in candidates(srcset)] == [f"{w}w" for w in widths]
        for url, _ in candidates(srcset):
            size = pixel_size(site_file(built_site, url))[1]
            assert size[0] in widths and size[0] * shown[1] == size[1] * shown[0], url
    # The styles of figures come with the page that shows one, and only then.
    assert ".pub--image" in page and ".pub-page-image" in page


def test_json_ld_names_the_figure_then_the_card(built_site: Build) -> None:
    for pub_id, original in ORIGINALS.items():
        page = built_site.page(f"publications/{pub_id}")
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        og = re.search(r'<meta property="og:image" content="([^"]+)"', page)
        assert ld and og
        figure, card = json.loads(ld.group(1))["image"]
        assert card == html.unescape(og.group(1))
        site_url = built_site.data.profile.site.url
        assert figure.startswith(site_url + "assets/images/papers/"), figure
        kind, size = pixel_size(site_file(built_site, "/" + figure[len(site_url) :]))
        with Image.open(original) as source:
            assert kind in ("PNG", "JPEG") and size[0] <= source.size[0]


# --- never on the CV, never the original ------------------------------------------------------


def test_no_figure_on_the_cv_page_nor_in_the_pdf(built_site: Build) -> None:
    page = built_site.page("cv")
    assert f'id="pub-{LATTICE}"' in page and f'id="pub-{WANDER}"' in page
    assert not any(mark in page for mark in MARKUP)
    images = [i for p in PdfReader(built_site.site / "cv.pdf").pages for i in p.images]
    assert images == []


def test_the_original_is_never_published(built_site: Build) -> None:
    originals = {path.read_bytes() for path in ORIGINALS.values()}
    names = {path.name for path in ORIGINALS.values()}
    for path in built_site.site.rglob("*"):
        if path.is_file():
            assert path.name not in names, path
            assert path.read_bytes() not in originals, path
    published = sorted(p.name for p in (built_site.site / "assets/images/papers").iterdir())
    assert published and all(name.startswith((LATTICE, WANDER)) for name in published)


def test_an_original_kept_under_docs_is_not_published_either(tmp_path: Path) -> None:
    """MkDocs copies every file of docs/ into the site: a figure kept there is left out."""
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    (project / "docs" / "figures").mkdir()
    shutil.move(project / "data" / "images" / "lattice.png", project / "docs" / "figures")
    pubs = project / "data" / "publications.yml"
    pubs.write_text(pubs.read_text().replace("data/images/lattice.png", "docs/figures/lattice.png"))
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    original = (project / "docs" / "figures" / "lattice.png").read_bytes()
    assert not (build.site / "figures" / "lattice.png").exists()
    assert all(p.read_bytes() != original for p in build.site.rglob("*") if p.is_file())
    assert LATTICE in pictures(build.page("publications"))


def test_a_persons_own_entry_template_from_before_figures_still_builds(tmp_path: Path) -> None:
    """A copy of `_publication.html` in overrides/templates/ made before figures existed: its
    `publication(view)` takes no second argument. The lists show no figure, the pages do."""
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    engine = (project / "macros" / "templates" / "_publication.html").read_text()
    old = engine.replace('{% from "_image.html" import paper_picture %}\n', "")
    old = old.replace("publication(view, with_image=true)", "publication(view)")
    old = old.replace("{% set image = view.image if with_image else none %}", "")
    old = re.sub(r"\{% if image %\}.*?\{% endif %\}", "", old, flags=re.S)
    assert "image" not in old.split("{% macro publication")[1]
    (project / "overrides" / "templates").mkdir(parents=True, exist_ok=True)
    (project / "overrides" / "templates" / "_publication.html").write_text(old)
    build = run_build(project, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert pictures(build.page("publications")) == {}
    assert [p.cls for p in pictures(build.page(f"publications/{LATTICE}"))[LATTICE]] == [
        "pub-page-image"
    ]


# --- a site without figures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def bare_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The fictional person's site with the `image:` of every paper taken out."""
    root = tmp_path_factory.mktemp("no-figures")
    (root / "project").mkdir()
    project = copy_project(root / "project")
    pubs = project / "data" / "publications.yml"
    text = re.sub(
        r"\n  # A figure[^\n]*\n  image:\n    file: [^\n]*\n    alt: [^\n]*", "", pubs.read_text()
    )
    text = re.sub(r"\n  image: \{[^\n]*", "", text)
    assert "image" not in text
    pubs.write_text(text)
    build = run_build(project, root / "site")
    assert build.returncode == 0, build.output
    return build


def test_without_figures_no_page_has_figure_markup_or_styles(bare_site: Build) -> None:
    pages = sorted(bare_site.site.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert not any(mark in page for mark in MARKUP), path
        assert ".pub--image" not in page, path  # the figures' styles stay out
    assert not (bare_site.site / "assets" / "images" / "papers").exists()


def test_pages_that_show_no_figure_are_unchanged_by_figures_elsewhere(
    built_site: Build, bare_site: Build
) -> None:
    """Byte for byte: a figure on one paper changes only the pages that show it."""
    for url in ("cv", *(f"publications/{pub_id}" for pub_id in WITHOUT)):
        assert built_site.page(url) == bare_site.page(url), url
    for url in ("", "publications", f"publications/{LATTICE}"):
        assert built_site.page(url) != bare_site.page(url), url


def card_of(build: Build, pub_id: str) -> Path:
    return build.site / "assets" / "images" / "social" / "publications" / f"{pub_id}.png"


def test_the_figure_is_drawn_on_the_papers_card(built_site: Build, bare_site: Build) -> None:
    assert card_of(built_site, LATTICE).read_bytes() != card_of(bare_site, LATTICE).read_bytes()
    for pub_id in WITHOUT:
        assert card_of(built_site, pub_id).read_bytes() == card_of(bare_site, pub_id).read_bytes()
    # The figure's room, bottom right: mostly its white ground with it, the card's blue without.
    room = (1128 - 370, 534 - 230, 1128, 534)
    for build, white in ((built_site, True), (bare_site, False)):
        with Image.open(card_of(build, LATTICE)) as image:
            data = image.convert("RGB").crop(room).tobytes()
        pixels = [data[i : i + 3] for i in range(0, len(data), 3)]
        share = sum(min(pixel) > 235 for pixel in pixels) / len(pixels)
        assert (share > 0.6) if white else (share < 0.2), (build.site, share)


# --- the cache --------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The fictional person's data in a project folder of its own (no build)."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "project" / "data")
    return tmp_path / "project" / "data"


def test_resized_copies_are_cached_and_a_new_figure_replaces_them(data_dir: Path) -> None:
    project = data_dir.parent
    pubs = load_site_data(data_dir).publications
    first = resize_paper_images(pubs, project)
    cache = project / CACHE_DIR
    state = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert set(first) == {LATTICE, WANDER} and len(state) > 8
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == state
    resize_paper_images(pubs, project)  # unchanged: nothing written again
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == state
    # Another picture of the same size: only the hash tells the two apart.
    Image.new("RGB", (400, 400), (10, 200, 30)).save(data_dir / "images" / "wander.jpg")
    second = resize_paper_images(pubs, project)
    assert second[WANDER].in_list.src != first[WANDER].in_list.src  # a new address
    assert second[LATTICE] == first[LATTICE]
    names = {p.name for p in cache.iterdir()}
    old = {Path(path).name for path in first[WANDER].files}
    assert not names & old, "the replaced figure's copies are still in the cache"


def test_the_cards_cache_key_follows_the_figure(data_dir: Path) -> None:
    project = data_dir.parent
    site = load_site_data(data_dir)
    pub = site.publication_by_id[WANDER]
    cards = SocialCards(site, SiteRenderer(site).is_owner, project)
    before = resize_paper_images(site.publications, project)[WANDER]
    Image.new("RGB", (400, 400), (10, 200, 30)).save(data_dir / "images" / "wander.jpg")
    after = resize_paper_images(site.publications, project)[WANDER]
    keys = {cards.key(cards.paper(pub, "p.md", image)) for image in (None, before, after)}
    assert len(keys) == 3


def test_a_figure_that_cannot_be_decoded_is_named(data_dir: Path) -> None:
    """A JPEG cut short passes the load checks (they read its header) and fails to resize."""
    figure = data_dir / "images" / "wander.jpg"
    figure.write_bytes(figure.read_bytes()[:1500])
    pubs = load_site_data(data_dir).publications
    with pytest.raises(PaperImageError) as caught:
        resize_paper_images(pubs, data_dir.parent)
    assert f"(id '{WANDER}'): field 'image.file': data/images/wander.jpg" in str(caught.value)


# --- mistakes in the data ---------------------------------------------------------------------


def point_outside(data: Path) -> None:
    shutil.move(data / "images" / "lattice.png", data.parent.parent / "lattice.png")
    replace_file(data, "../lattice.png")


def link_outside(data: Path) -> None:
    shutil.move(data / "images" / "lattice.png", data.parent.parent / "lattice.png")
    os.symlink(data.parent.parent / "lattice.png", data / "images" / "lattice.png")


def replace_file(data: Path, file: str) -> None:
    pubs = data / "publications.yml"
    pubs.write_text(pubs.read_text().replace("data/images/lattice.png", file))


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda data: (data / "images" / "lattice.png").unlink(), "no such file in the project"),
        (
            lambda data: (data / "images" / "lattice.png").write_text("<svg/>"),
            "not a readable image",
        ),
        (
            lambda data: Image.new("RGB", (8, 8)).save(data / "images" / "lattice.png", "BMP"),
            "a BMP image",
        ),
        (point_outside, "it is outside the project folder"),
        (link_outside, "it is a symbolic link to a file outside the project folder"),
        (lambda data: replace_file(data, "data"), "no such file in the project"),  # a folder
        (
            lambda data: setattr(image_files, "MAX_FILE_BYTES", 1000),
            "the file is 0.0 MB, more than the 0.001 MB allowed",
        ),
        (
            lambda data: setattr(image_files, "MAX_PIXELS", 1000),
            "the image is 1280 x 800 pixels, more than the 1,000 allowed",
        ),
    ],
    ids=[
        "missing",
        "not-an-image",
        "bmp",
        "outside",
        "symlink-out",
        "folder",
        "too-big",
        "too-many-pixels",
    ],
)
def test_a_bad_figure_is_an_error_with_file_line_entry_and_field(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    setup,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    for limit in ("MAX_FILE_BYTES", "MAX_PIXELS"):  # restored after the test
        monkeypatch.setattr(image_files, limit, getattr(image_files, limit))
    setup(data_dir)
    with pytest.raises(DataError) as caught:
        load_site_data(data_dir)
    pubs = data_dir / "publications.yml"
    line = line_of(pubs, "    file: ")
    # (The limits set low here refuse the other paper's figure too.)
    problems = [str(p) for p in caught.value.problems if WANDER not in str(p)]
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"data/publications.yml:{line}:11: publications entry 1 (id '{LATTICE}'):"
        f" field 'image.file': {message}"
    ), problems


def test_a_figure_needs_its_alt_text(data_dir: Path) -> None:
    pubs = data_dir / "publications.yml"
    pubs.write_text(re.sub(r"\n    alt: 'A & B[^\n]*", "", pubs.read_text()))
    with pytest.raises(DataError) as caught:
        load_site_data(data_dir)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"data/publications.yml:{line_of(pubs, '    file: data/images/lattice.png')}:5:"
        f" publications entry 1 (id '{LATTICE}'): field 'image.alt': this required field is missing"
    )


@pytest.mark.parametrize("alt", ["''", "'   '"])
def test_an_empty_alt_text_is_refused(data_dir: Path, alt: str) -> None:
    pubs = data_dir / "publications.yml"
    pubs.write_text(re.sub(r"(\n    alt: )'A & B[^\n]*", rf"\g<1>{alt}", pubs.read_text()))
    with pytest.raises(DataError) as caught:
        load_site_data(data_dir)
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        f"data/publications.yml:{line_of(pubs, '    alt: ')}:10:"
        f" publications entry 1 (id '{LATTICE}'): field 'image.alt': empty alt text;"
    ), str(problem)
