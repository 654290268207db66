"""The MkDocs side of the package: mkdocs-macros' `define_env`, and the site settings from data.

Everything here adapts the plain-Python core (model, loader, rendering) to MkDocs; nothing else
in the package imports MkDocs.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache, wraps
from pathlib import Path
from textwrap import shorten
from typing import Any
from urllib.parse import urljoin

import yaml
from jinja2 import Environment, TemplateSyntaxError, meta, nodes
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from ..data.data_files import collision_problems, written_path
from ..data.loader import DataError, SiteLanguages, load_languages
from ..data.paper_images import PaperImageError, resize_paper_images
from ..data.photo import ResizedPhoto, resize_photo
from ..data.sections import SiteData
from ..outputs.cv_pdf import CvPdfError
from ..outputs.engine_pages import ENGINE_PAGES_DIR, PROSE_DIRS, engine_pages, runs_macros
from ..outputs.exports import GeneratedFile, GeneratedPage, language_site_url, site_files
from ..outputs.feed import FEED_PATH, news_feed
from ..outputs.publication_pages import local_pdf_sources, publication_files, remote_pdf_papers
from ..outputs.rendering import (
    MarkdownWords,
    SiteRenderer,
    indent_macro_output,
    template_dirs,
    template_file,
)
from ..outputs.social_cards import (
    CACHE_DIR,
    CARD_TEMPLATE,
    SocialCard,
    SocialCardError,
    SocialCards,
)
from ..outputs.writings import (
    AUTHOR_ID,
    BLOG_DIR,
    INITIALS_AVATAR,
    POSTS_DIR,
    PostSummary,
    authors_file,
    has_posts,
    initials_svg,
    notes_nav,
    plain_excerpt,
    with_writings,
)
from ..views.formulas import FormulaError, page_formulas_to_mathml
from ..views.words import ENGLISH, Words
from . import languages, search_words

_SITE_DATA_KEY = "homepage_site_data"
_LANGUAGES_KEY = languages.SITE_LANGUAGES_KEY
_RENDERER_KEY = "homepage_renderer"
_WRITER_KEY = "homepage_background_writer"
_CARDS_KEY = "homepage_social_cards"
_DATA_CARDS_KEY = "homepage_data_cards"
_PHOTO_KEY = "homepage_photo"
_NO_POSTS_KEY = "homepage_no_posts"
BLOG_INDEX = f"{BLOG_DIR}/index.md"
log = get_plugin_logger("homepage")


def languages_for(config: MkDocsConfig) -> SiteLanguages:
    """The validated `data/` of this build in every language of the site, loaded once and
    kept on the config (another language's build is handed the default one's: the data is
    loaded once for every language). Says once (at INFO, which --strict lets pass) which
    languages have no table of fixed words and so print English ones."""
    languages = config.get(_LANGUAGES_KEY)
    if languages is None:
        data_dir = Path(config.config_file_path).parent / "data"
        try:
            languages = load_languages(data_dir)
        except DataError as error:
            raise PluginError(str(error)) from None
        for note in languages.notes:
            log.info(note[0].upper() + note[1:] + ".")
        config[_LANGUAGES_KEY] = languages
    return languages


def build_language(config: MkDocsConfig) -> str:
    """The language this build publishes: the one languages.py sets on another language's
    build, else the site's default (the first of site.languages)."""
    return config.get(languages.LANGUAGE_KEY) or languages_for(config).default.language


def site_data_for(config: MkDocsConfig) -> SiteData:
    """The validated `data/` of this build, in its language, kept on the config, with the
    papers' figures resized (from the cache where they were before) for the views to show."""
    site = config.get(_SITE_DATA_KEY)
    if site is None:
        project_dir = Path(config.config_file_path).parent
        site = languages_for(config).sites[build_language(config)]
        try:
            site = site.with_images(resize_paper_images(site.publications, project_dir))
        except PaperImageError as error:
            raise PluginError(str(error)) from None
        config[_SITE_DATA_KEY] = site
    return site


def default_site_data(config: MkDocsConfig) -> SiteData:
    """The data in the site's default language: the paper's own title and authors, which
    Google Scholar's tags keep on every language's page."""
    return languages_for(config).default


def configure_language(config: MkDocsConfig) -> None:
    """The build's language: the theme's, the nav titles (see languages.py)."""
    languages.configure_language(config, site_data_for(config))


def apply_site_settings(config: MkDocsConfig, site: SiteData) -> None:
    """Take the site's name, author, description, address and social links from the profile.

    The theme prints some of these settings raw and escapes others; escaped `Markup` is right
    for both (escaping Markup again leaves it as it is).
    """
    profile = site.profile
    words = site.words
    if profile.site.languages:  # the site says its languages: Material's words follow
        config.theme["language"] = site.language
    # The fixed words, for the theme's templates (404.html, main.html) and the pages.
    config.extra["words"] = words
    _apply_words(config, words)
    name = Markup.escape(profile.name)
    config.site_name = name
    config.site_author = name
    # The entity, as before there were words: the same page in English.
    config.copyright = str(Markup.escape(words.copyright).format(name=name)).replace("©", "&copy;")
    if profile.site.description:
        config.site_description = Markup.escape(profile.site.description)
    if profile.site.url and not config.site_url:  # `mkdocs serve` sets its own address
        # Printed raw in canonical, og:url and 404 links: the model allows no character there
        # that HTML would read (see safe_values.check_site_url).
        config.site_url = profile.site.url
    # Material prints `link` into href="..." unescaped: the model refuses quotes and angle
    # brackets in links, and `&` is escaped here.
    social = [{"icon": "material/email", "link": f"mailto:{profile.email}", "name": words.email}]
    social = social if profile.email else []
    social += [{"icon": link.icon, "link": link.url, "name": link.label} for link in profile.links]
    config.extra["social"] = [
        {
            "icon": item["icon"],
            "link": Markup.escape(item["link"]),
            "name": Markup.escape(item["name"]),
        }
        for item in social
    ]


def _apply_words(config: MkDocsConfig, words: Words) -> None:
    """The words of the engine's settings in the site's language: the permalink's title on
    every heading, and the colour scheme toggle's names where they are still the engine's
    (a name the person wrote in mkdocs.yml stays theirs)."""
    toc = config.mdx_configs.get("toc")
    if isinstance(toc, dict) and toc.get("permalink_title", ENGLISH.permalink) == ENGLISH.permalink:
        toc["permalink_title"] = words.permalink
    palette = config.theme.get("palette")
    english = ENGLISH.palette.model_dump()
    for scheme in palette if isinstance(palette, list) else []:
        toggle = scheme.get("toggle") if isinstance(scheme, dict) else None
        if isinstance(toggle, dict):
            key = next((k for k, v in english.items() if v == toggle.get("name")), None)
            if key is not None:
                toggle["name"] = getattr(words.palette, key)


PERSON_OVERRIDES = "overrides"  # the person's theme overrides and styles (see ownership.yml)


def person_overrides(config: MkDocsConfig) -> Path | None:
    """The person's overrides/ folder, if they made one."""
    folder = Path(config.config_file_path).parent / PERSON_OVERRIDES
    return folder if folder.is_dir() else None


def add_person_theme(config: MkDocsConfig) -> None:
    """Search the person's overrides/ before the engine's theme (macros/theme/), so that a
    template or style of theirs replaces the engine's without editing an engine file."""
    folder = person_overrides(config)
    if folder is not None and str(folder) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(folder))


def add_engine_pages(files: Files, config: MkDocsConfig) -> Files:
    """Publish the engine's pages that the nav names and docs/ does not replace (and the blog's
    front page where there are posts and docs/ has none)."""
    leave_out_blog(files, config)
    mine = {file.src_uri for file in files if file.is_documentation_page()}
    for path in engine_pages(config.nav, mine):
        files.append(
            File(
                path.name,
                src_dir=str(ENGINE_PAGES_DIR),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    if blog_plugin(config) is not None and BLOG_INDEX not in mine:
        files.append(
            File(
                BLOG_INDEX,
                src_dir=str(ENGINE_PAGES_DIR),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files


def renderer_for(config: MkDocsConfig) -> SiteRenderer:
    """The renderer of this build, made once: Material's icons, and links under site_url."""
    renderer = config.get(_RENDERER_KEY)
    if renderer is None:
        icon_dirs = [Path(d) / ".icons" for d in config.theme.dirs]
        renderer = SiteRenderer(
            site_data_for(config),
            templates_dirs=template_dirs(Path(config.config_file_path).parent),
            icon_dirs=[d for d in icon_dirs if d.is_dir()],
            base_path=languages.site_path(config, site_data_for(config)),
        )
        if languages.is_multilingual(renderer.site):  # each language's renderer, compiled once
            renderer.env.bytecode_cache = languages.ENGINE_TEMPLATES
        renderer.posts_source = lambda: post_summaries(config)  # read once the blog has them
        config[_RENDERER_KEY] = renderer
    return renderer


def share_compiled_templates(env: Environment, config: MkDocsConfig) -> None:
    """On a site in more than one language, every build renders the theme's templates
    compiled once."""
    if languages.is_multilingual(site_data_for(config)):
        env.bytecode_cache = languages.THEME_TEMPLATES


def configure_search(config: MkDocsConfig) -> None:
    """U+200B in the search's separator, jieba's words from the cache (search_words.py)."""
    search_words.configure_search(config, first=languages.is_default_build(config))


class HtmlPage(Page):
    """A page whose source is finished HTML from our templates (a paper's page).

    MkDocs would run it through Markdown with every extension, which only re-reads the HTML and
    is most of the cost of a page; so its source, meta and table of contents are set directly.
    """

    def __init__(self, file: File, config: MkDocsConfig, generated: GeneratedPage) -> None:
        super().__init__(None, file, config)
        self.generated = generated

    def read_source(self, config: MkDocsConfig) -> None:
        # `render_macros: false`: text from data must never run as Jinja.
        self.markdown = self.generated.html
        self.meta = {**self.generated.meta, "render_macros": False}
        if self.generated.search_entry:
            self.meta["search"] = {"exclude": True}  # indexed by `add_search_entry` instead

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = self.markdown
        sections = self.generated.sections
        self.toc = get_toc(
            [{"level": 2, "id": anchor, "name": name, "children": []} for anchor, name in sections]
        )
        self.present_anchor_ids = {anchor for anchor, _ in sections}


class BackgroundFile(File):
    """A generated file that `BackgroundWriter` writes, not MkDocs. Its `content` is empty
    where the writer is still making it (the PDF); read the written file instead."""

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing: the writer's thread writes it while the pages build."""


class BackgroundWriter:
    """Makes and writes generated files on a second thread while MkDocs builds the pages.

    Typst releases Python's lock while it typesets the PDF, and writing the many small .bib
    files is mostly waiting on the disk: on two cores both cost the build almost nothing.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._jobs: list[Future[None]] = []

    def write(self, path: str, content: str | bytes | Callable[[], bytes | Path]) -> None:
        """Write `content`, or what the function gives: bytes, or a file to copy (a cached
        social card: linked rather than copied where the disk allows)."""
        self._jobs.append(self._pool.submit(_write_file, path, content))

    def finish(self) -> None:
        """Wait for every file; a failure (a broken CV template) fails the build."""
        self._pool.shutdown(wait=True)
        try:
            for job in self._jobs:
                job.result()
        except (CvPdfError, SocialCardError) as error:
            raise PluginError(str(error)) from None


def _write_file(path: str, content: str | bytes | Callable[[], bytes | Path]) -> None:
    data = content() if callable(content) else content
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        _link_or_copy(data, Path(path))
    else:
        Path(path).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link costs no copy (1,000 cards are 70 MB); a copy where links cannot go (another
    disk). Nothing writes into the files of a built site, so the cache cannot change through it."""
    try:
        os.link(source, target)
    except FileExistsError:  # a `--dirty` build or `mkdocs serve`
        target.unlink()
        _link_or_copy(source, target)
    except OSError:
        shutil.copyfile(source, target)


def add_generated_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the files made from data: each paper's page and .bib, publications.bib, the PDF
    and JSON CV, the news feed, CNAME and .nojekyll."""
    site, renderer = site_data_for(config), renderer_for(config)
    project_dir = Path(config.config_file_path).parent
    generated_files, pages = publication_files(site, renderer, project_dir)
    remote = remote_pdf_papers(site)
    if remote:  # INFO, not a warning: a link elsewhere is fine, and --strict must pass
        log.info(
            "PDF on another host, so not given to Google Scholar as citation_pdf_url (it"
            " reads only a PDF in the paper's own directory; keep the file under docs/ and"
            " link it as /path/to/file.pdf to publish it there): %s",
            ", ".join(pub.id for pub in remote),
        )
    for source in local_pdf_sources(site):  # published beside its paper's page only
        original = files.get_file_from_path(source)
        if original is not None:
            files.remove(original)
    _leave_out_original_images(files, config, site)
    photo = photo_for(config)
    folder = languages.build_language(config, site).prefix
    generated_files += site_files(site, renderer, photo, project_dir, folder=folder)
    # The feed is written once the posts are built (`write_feed`); its place is taken now.
    generated_files.append(GeneratedFile(FEED_PATH, b""))
    if blog_plugin(config) is not None and photo is None:
        generated_files.append(GeneratedFile(INITIALS_AVATAR, initials_svg(site.profile.name)))
    taken = {file.dest_uri: file.src_uri for file in files}
    collisions = collision_problems(
        taken,
        [(g.path, g.path) for g in generated_files]
        + [(p.path, written_path(p.path)) for p in pages],
    )
    if collisions:
        raise PluginError("\n".join(collisions))
    writer = config[_WRITER_KEY] = BackgroundWriter()
    # The slow ones first: the PDF is typeset while the .bib files are written.
    for generated in sorted(generated_files, key=lambda g: not callable(g.content)):
        content = generated.content
        file = BackgroundFile.generated(
            config, generated.path, content=b"" if callable(content) else content
        )
        file.inclusion = InclusionLevel.INCLUDED  # `.nojekyll` too, though it is a dotfile
        files.append(file)
        if generated.path != FEED_PATH:
            writer.write(file.abs_dest_path, content)
    start_social_cards(config, writer, pages, photo)
    for page in pages:
        file = File.generated(config, page.path, content=page.html)
        file.inclusion = InclusionLevel.NOT_IN_NAV
        HtmlPage(file, config, page)  # becomes file.page, which MkDocs then builds
        files.append(file)
    return files


def _leave_out_original_images(files: Files, config: MkDocsConfig, site: SiteData) -> None:
    """Images that data names are published only resized: where one is kept under docs/,
    MkDocs would copy the original into the site too (with its metadata, at full size)."""
    project = Path(config.config_file_path).parent
    docs = Path(config.docs_dir).resolve()
    named = [pub.image.file for pub in site.publications if pub.image is not None]
    named += [site.profile.photo.file] if site.profile.photo is not None else []
    for name in named:
        path = (project / name).resolve()
        if path.is_relative_to(docs):
            original = files.get_file_from_path(path.relative_to(docs).as_posix())
            if original is not None:
                files.remove(original)


def finish_generated_files(config: MkDocsConfig) -> None:
    """Wait for the files written on the side, once the pages are built. (Cached social cards
    no build asked for are deleted in `finish_site`, once every language has asked.)"""
    cards: SocialCards | None = config.get(_CARDS_KEY)
    try:
        if cards is not None:
            cards.finish()  # this thread helps render the cards still missing
    except SocialCardError as error:
        raise PluginError(str(error)) from None
    finally:
        writer = config.get(_WRITER_KEY)
        if writer is not None:
            writer.finish()
    if cards is not None:
        log.info(f"Social cards: {cards.rendered} rendered, {cards.reused} from {CACHE_DIR}/")


def finish_site(config: MkDocsConfig, command: str = "build") -> None:
    """Once the default language's site is built, build the others into its folders (see
    languages.py); then delete the cached social cards that no language's build asked for,
    and keep the words of every language's search in the cache."""
    if not languages.is_default_build(config):
        return  # the default language's build does it, for every language
    others = languages.build_other_languages(config, site_data_for(config), command)
    cards: SocialCards | None = config.get(_CARDS_KEY)
    if cards is not None:
        asked = [
            key for other in others if other.get(_CARDS_KEY) for key in other[_CARDS_KEY].requested
        ]
        cards.prune(also_keep=asked)
    search_words.save_words()


def photo_for(config: MkDocsConfig) -> ResizedPhoto | None:
    """The profile photo resized for the site (None without one), made once per build."""
    if _PHOTO_KEY not in config:
        project = Path(config.config_file_path).parent
        profile = site_data_for(config).profile
        config[_PHOTO_KEY] = resize_photo(profile, project, project / CACHE_DIR)
    return config[_PHOTO_KEY]


# --- posts and notes --------------------------------------------------------------------------


def blog_plugin(config: MkDocsConfig) -> Any | None:
    """Material's blog plugin when it is on for this build (off while there are no posts)."""
    blog = config.plugins.get("material/blog")
    return blog if blog is not None and blog.config.enabled else None


def configure_writings(config: MkDocsConfig) -> None:
    """Before the plugins read their settings: the blog only when docs/blog/posts/ has a post
    to publish (a site without posts has no /blog/ at all), with an authors file made from the
    profile; and a Blog and a Notes entry in the nav where the person's nav names neither."""
    docs = Path(config.docs_dir)
    blog = blog_plugin(config)
    if blog is not None:
        # As the blog decides: drafts are left out, except under `mkdocs serve`.
        drafts = blog.config.draft or (blog.is_serve and blog.config.draft_on_serve)
        if has_posts(docs, drafts):
            blog.config.authors_file = _write_authors_file(config, Path(blog.temp_dir))
            blog._resolve = _blog_index
        else:
            blog.config.enabled = False
            config[_NO_POSTS_KEY] = True  # see leave_out_blog
            blog = None
    if config.nav is not None:
        pages = site_data_for(config).words.pages
        titles = (pages.blog, pages.notes)
        config.nav = with_writings(config.nav, blog is not None, notes_nav(docs), titles)


def leave_out_blog(files: Files, config: MkDocsConfig) -> None:
    """Without a post to publish, nothing under docs/blog/ is published: not the drafts,
    which would otherwise become plain pages, nor a front page for a blog with no posts."""
    if config.get(_NO_POSTS_KEY):
        for file in [f for f in files if f.src_uri.startswith(BLOG_DIR + "/")]:
            files.remove(file)


def _write_authors_file(config: MkDocsConfig, folder: Path) -> str:
    """The blog's authors file, made from profile.yml in the blog's own temporary folder (no
    second file for the person to keep in step). Its avatar is the resized profile photo, or
    an image of the person's initials that the site serves (`initials_svg`)."""
    profile = site_data_for(config).profile
    photo = photo_for(config)
    avatar = photo.webp_1x if photo is not None else INITIALS_AVATAR
    data = authors_file(profile.name, profile.position or "", avatar, url="./")  # the home page
    path = folder / "authors.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _blog_index(files: Files, config: MkDocsConfig) -> Any:
    """Stands in for the blog plugin's `_resolve`, which writes a `# Blog` page into docs/ when
    the person has none: `add_engine_pages` publishes the engine's (macros/pages/blog/) then,
    so that a build never writes into the person's files. Otherwise the same: the blog's
    index page as its entry point."""
    from material.plugins.blog.structure import View

    return View(None, files.get_file_from_path(BLOG_INDEX), config)


def prepare_posts(config: MkDocsConfig) -> None:
    """Once the blog has read the posts (its `on_files`): each post's author is the person of
    profile.yml unless it names its own, and its title and description are escaped, which
    Material prints as they are."""
    blog = blog_plugin(config)
    for post in blog.blog.posts if blog is not None else ():
        if not post.config.authors:
            post.config.authors = [AUTHOR_ID]
        escape_front_matter(post.meta)


def escape_front_matter(meta: dict[str, Any]) -> None:
    """Escape the title and description a page's front matter gives: Material prints them into
    the page (title, nav, meta description) as they are. Escaped text is `Markup`, which is
    not escaped again."""
    for key in ("title", "description"):
        if isinstance(meta.get(key), str):
            meta[key] = Markup.escape(meta[key])


def post_summaries(config: MkDocsConfig) -> list[PostSummary]:
    """The published posts, newest first, as the core needs them (their summaries once they
    are rendered, by `on_env`)."""
    blog = blog_plugin(config)
    if blog is None:
        return []
    return [_post_summary(post, blog.config.post_excerpt_separator) for post in blog.blog.posts]


def _post_summary(post: Any, separator: str) -> PostSummary:
    description = post.meta.get("description")
    if isinstance(description, str) and description.strip():
        summary = Markup(description).striptags()
    else:
        summary = plain_excerpt(post.content, separator) if post.content else ""
    return PostSummary(
        key=post.file.src_uri.removeprefix(POSTS_DIR + "/").removesuffix(".md"),
        title=Markup(post.title or "").striptags(),
        url=post.url,
        created=post.config.date.created,
        updated=post.config.date.updated,
        categories=tuple(post.config.categories),
        summary=summary,
    )


def _post_of(page: Page, config: MkDocsConfig) -> PostSummary | None:
    """The post `page` is, if it is one."""
    blog = blog_plugin(config)
    if blog is None or page not in blog.blog.posts:
        return None
    return _post_summary(page, blog.config.post_excerpt_separator)


def restore_excerpts(context: dict[str, Any], page: Page, config: MkDocsConfig) -> None:
    """The blog renders the excerpts of its index, archive and category pages from the posts'
    Markdown, after `on_page_content`: put the HTML of macros back into them too."""
    for excerpt in context.get("posts") or ():
        excerpt.content = restore_html(excerpt.content, page, config)


def write_feed(config: MkDocsConfig) -> None:
    """The Atom feed of the news and the posts: written once the posts are built (`on_env`),
    since the blog finds them only after the other generated files are made."""
    site = site_data_for(config)
    folder = languages.build_language(config, site).prefix  # another language's own feed
    site_url = language_site_url(site.profile.site.url, folder) or "/" + folder
    feed = news_feed(site, site_url, post_summaries(config))
    config[_WRITER_KEY].write(str(Path(config.site_dir) / FEED_PATH), feed)


# --- social cards and the profile photo -----------------------------------------------------


def start_social_cards(
    config: MkDocsConfig,
    writer: BackgroundWriter,
    pages: list[GeneratedPage],
    photo: ResizedPhoto | None,
) -> None:
    """Put the resized profile photo into the site, and queue the home page's and each
    paper's card on the writer's thread, where the cards render while the pages build (the
    other pages' cards follow in `social_card`)."""
    site, renderer = site_data_for(config), renderer_for(config)
    project = Path(config.config_file_path).parent
    if photo is not None:
        renderer.env.globals["photo"] = photo  # for profile_card.html
        for site_path, cached in photo.files.items():
            writer.write(str(Path(config.site_dir) / site_path), lambda cached=cached: cached)
    _make_folder.cache_clear()  # the site's folders are gone since the last build
    cards = config[_CARDS_KEY] = SocialCards(
        site,
        renderer.is_owner,
        project,
        photo.card_photo if photo else "",
        template=template_file(CARD_TEMPLATE, project),
    )
    # The home page's card is also the 404 page's, which the theme renders before the pages.
    home = cards.home("index.md")
    config.extra["social_card"] = {"path": home.path, "alt": home.alt}
    data_cards = config[_DATA_CARDS_KEY] = {"index.md": home}
    for page in pages:
        pub = site.publication_by_id[page.meta["publication"]]
        data_cards[page.path] = cards.paper(pub, page.path, renderer.publication_view(pub).image)
    for card in data_cards.values():
        _place_card(config, cards, card)
    # Cards render on threads of their own from now on, while the pages build: the writer's
    # thread would come to them only after its many small files (each waits for Python's lock).
    cards.start_helpers(max(1, (os.cpu_count() or 1) - 1))


def _place_card(config: MkDocsConfig, cards: SocialCards, card: SocialCard) -> None:
    """Link a cached card into the site now, or have the second thread render it. (1,000
    small jobs on that thread would each wait for Python's lock while the pages build.)"""
    target = Path(config.site_dir) / card.path
    found = cards.request(card)
    if isinstance(found, Path):
        _make_folder(target.parent)
        _link_or_copy(found, target)
    else:
        config[_WRITER_KEY].write(str(target), found)


@lru_cache(maxsize=64)
def _make_folder(folder: Path) -> None:
    """Once per folder and build (the cache is cleared when the build starts): 1,000 cards
    share one folder, and each needless `mkdir` costs as much as the link itself."""
    folder.mkdir(parents=True, exist_ok=True)


def social_card(page: Page, config: MkDocsConfig) -> None:
    """The page's card, for overrides/main.html (og:image): the home page's and a paper's are
    already queued; the others' are queued now that their titles are known."""
    cards: SocialCards | None = config.get(_CARDS_KEY)
    if cards is None:
        return
    card = config[_DATA_CARDS_KEY].get(page.file.src_uri)
    if card is None:
        title = Markup(page.title or "").striptags()  # plain text, entities decoded
        card = cards.page(page.file.src_uri, title)
        _place_card(config, cards, card)
    page.meta["social_card"] = {"path": card.path, "alt": card.alt}


def page_head(page: Page, config: MkDocsConfig) -> None:
    """Structured data for the page's <head> (printed by overrides/main.html): Google Scholar
    tags and JSON-LD on a paper's page, Open Graph's article tags and JSON-LD `BlogPosting` on
    a post, JSON-LD `Person` on the home page."""
    renderer = renderer_for(config)
    pub_id = page.meta.get("publication")
    pub = renderer.site.publication_by_id.get(pub_id) if pub_id else None
    card = page.meta.get("social_card")
    # schema.org wants an absolute address: only with a site address.
    image = urljoin(config.site_url, card["path"]) if card and config.site_url else None
    post = _post_of(page, config)
    if pub is not None:
        # A paper's figure first (the largest copy published), then its card.
        figure = renderer.publication_view(pub).image
        images: str | list[str] | None = image
        if figure is not None and config.site_url:
            images = [urljoin(config.site_url, figure.url), *([image] if image else [])]
        head = renderer.publication_head(
            pub,
            page.canonical_url,
            config.site_url or "/",
            images,
            original=default_site_data(config).publication_by_id.get(pub.id),
            language=config.theme["language"],
        )
    elif post is not None:
        head = renderer.post_head(post, page.canonical_url, image)
        page.meta["og_type"] = "article"
        if post.summary and not page.meta.get("description"):  # for link previews and search
            page.meta["description"] = Markup.escape(shorten(post.summary, 200, placeholder="…"))
    elif page.is_homepage:
        head = renderer.home_head(page.canonical_url, image)
    else:
        return
    page.meta["head_html"] = Markup(head)


def add_search_entry(page: Page, config: MkDocsConfig) -> None:
    """Index a generated page from its data rather than have Material's search parse its HTML:
    that parse would cost more than the rest of the page, and an entry made from the data holds
    what a search should find, without button labels or the BibTeX."""
    if not isinstance(page, HtmlPage) or not page.generated.search_entry:
        return
    search = config.plugins.get("material/search")
    if search is None or not search.config.enabled:
        return
    title, text = page.generated.search_entry
    split = search_words.search_words(config)  # Chinese into words, as Material does
    entry = {"location": page.url, "title": split(title), "text": split(text)}
    search.search_index.entries.append(entry)


def language_links(context: dict[str, Any], page: Page | None, config: MkDocsConfig) -> None:
    """On a site in more than one language, the page's links to itself in every language:
    Material's language switcher (`extra.alternate`, read as the page renders) and the
    `hreflang` alternates that macros/theme/main.html prints (`page` None: the 404 page)."""
    site = site_data_for(config)
    if not languages.is_multilingual(site):
        return
    switcher, hreflang = languages.language_links(config, site, page.url if page else None)
    config.extra["alternate"] = switcher
    context["hreflang"] = hreflang
    context["site_root"] = config.site_url or languages.site_path(config, site)  # the 404's links


def sitemap_context(context: dict[str, Any], config: MkDocsConfig) -> None:
    """Every language's pages and alternates for macros/theme/sitemap.xml."""
    site = site_data_for(config)
    if languages.is_multilingual(site):
        context["sitemap"] = languages.sitemap_languages(config, site)


def restore_html(html: str, page: Page, config: MkDocsConfig) -> str:
    """Put the HTML that macros kept out of Markdown back into the converted page (and in
    another language's page, point links to cv.json at the default language's)."""
    html = renderer_for(config).stash.restore(html)
    return languages.root_links(html, page, config, site_data_for(config))


def add_default_language_files(files: Files, config: MkDocsConfig) -> Files:
    """In another language's build, the files only the default language publishes, for links."""
    return languages.add_default_language_files(files, config)


# --- formulas ------------------------------------------------------------------------------

MATH_FONT = "assets/fonts/lm-math-subset.woff2"  # macros/theme/, made by scripts/make_math_font.py


def render_math(output: str, page: Page, config: MkDocsConfig) -> str:
    """The page's formulas as MathML (those of its Markdown, which arithmatex found; those of
    data fields are MathML already), and the math font in its head when it has any.

    Done on the finished page, so a formula is converted wherever the page shows it (a blog
    index's excerpts too), and the font goes only to pages that draw a formula."""
    try:
        output = page_formulas_to_mathml(output)
    except FormulaError as error:
        raise PluginError(f"{_formula_place(page, error.tex)}: {error}") from None
    if "<math" in output:
        font = get_relative_url(MATH_FONT, page.url)
        head = renderer_for(config).math_head(font)
        output = output.replace("</head>", f"{head}\n</head>", 1)
    return output


_INLINE_TEX = re.compile(r"\\\((.+?)\\\)", re.S)


def formula_titles_as_tex(page: Page) -> None:
    """Headings' formulas as `$TeX$` in the table of contents and the page's title (the
    <title>, link previews, social card), which are text: arithmatex leaves them as \\(...\\)."""
    items = list(page.toc)
    while items:
        item = items.pop()
        item.title = _INLINE_TEX.sub(r"$\1$", item.title)
        items.extend(item.children)
    title = page.title
    if "title" not in page.meta and title and _INLINE_TEX.search(title):
        page.meta["title"] = _INLINE_TEX.sub(r"$\1$", title)


def _formula_place(page: Page, tex: str) -> str:
    """`docs/<page>:<line>` of a formula: the line its TeX starts on in the page's file."""
    first = next((part.strip() for part in tex.splitlines() if part.strip()), tex)
    source = page.file.content_string if page.file.abs_src_path else ""
    found = source.find(first) if first else -1
    where = config_docs_name(page)
    return f"{where}:{source.count(chr(10), 0, found) + 1}" if found >= 0 else where


def _page_line(page: Page, markdown: str, line_in_markdown: int) -> str:
    """`docs/<page>:<line>`, counting the front matter that MkDocs took off the Markdown."""
    source = page.file.content_string
    start = source.find(markdown[:200]) if markdown else -1
    offset = source.count("\n", 0, start) if start > 0 else 0
    return f"{config_docs_name(page)}:{line_in_markdown + offset}"


def config_docs_name(page: Page) -> str:
    """Where the page's source is, for messages: docs/<page>, or the engine's page."""
    if page.file.abs_src_path and Path(page.file.abs_src_path).is_relative_to(ENGINE_PAGES_DIR):
        return f"macros/pages/{page.file.src_uri}"
    return f"docs/{page.file.src_uri}"


def _macros_plugin(config: MkDocsConfig) -> Any:
    return config.plugins.get("macros")


def check_page_source(markdown: str, page: Page, config: MkDocsConfig) -> None:
    """Before mkdocs-macros renders a page: decide whether it runs macros at all (pages under
    blog/ and notes/ only with `macros: true`, see `runs_macros`), then look for what it would
    stop on: a Jinja syntax error, or a name that is neither a macro nor a variable (a
    misspelt macro). mkdocs-macros would print a long traceback and exit (which also ends
    `mkdocs serve`); this stops the build with one line instead, and `mkdocs serve` keeps
    running until it is fixed."""
    if page.file.src_uri.startswith(PROSE_DIRS):
        escape_front_matter(page.meta)
    if not runs_macros(page.file.src_uri, page.meta):
        page.meta["render_macros"] = False  # read by mkdocs-macros, which runs next
    plugin = _macros_plugin(config)
    if plugin is None or page.meta.get("render_macros") is False or "{" not in markdown:
        return
    try:
        tree = plugin.env.parse(markdown)
    except TemplateSyntaxError as error:
        where = _page_line(page, markdown, error.lineno)
        raise PluginError(f"{where}: {error.message}") from None
    known = set(plugin.env.globals) | set(plugin.variables) | set(page.meta)
    for name in sorted(meta.find_undeclared_variables(tree) - known):
        node = next(n for n in tree.find_all(nodes.Name) if n.name == name)
        macros = ", ".join(sorted(renderer_for(config).macros()))
        raise PluginError(
            f"{_page_line(page, markdown, node.lineno)}: unknown macro or variable '{name}';"
            f" the macros are: {macros}"
        )


def finish_page_source(markdown: str, page: Page, config: MkDocsConfig) -> str:
    """After mkdocs-macros: stop on an error a macro raised (with the page, the line and the
    call), and indent each macro's output to where it was called."""
    renderer = renderer_for(config)
    if renderer.macro_errors:
        name, args, kwargs, error = renderer.macro_errors[0]
        renderer.macro_errors.clear()
        source = page.markdown or ""  # the page before mkdocs-macros rendered it
        lines, includes = _failed_call_lines(_macros_plugin(config), source, name, args, kwargs)
        call = _call_text(name, args, kwargs)
        # A KeyError's text is its key's repr (quoted); the message itself reads better.
        reason = error.args[0] if isinstance(error, KeyError) and error.args else error
        if len(lines) == 1 and not includes:
            raise PluginError(f"{_page_line(page, source, lines[0])}: {call}: {reason}")
        where = config_docs_name(page)
        numbers = [_page_line(page, source, n).rsplit(":", 1)[1] for n in lines]
        if numbers:
            places = f"line{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}"
            places += ", or a file it includes" if includes else ""
            where += f" (one of the calls on {places}; which one is not known)"
        else:
            where += " (the line is not known: the call is not written as such in the page)"
        raise PluginError(f"{where}: {call}: {reason}")
    return indent_macro_output(markdown)


def _failed_call_lines(
    plugin: Any, source: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[list[int], bool]:
    """The lines of the page's calls to macro `name` that may be the one that failed (those
    whose arguments are these values, or are not constants: a loop's variable), and whether
    the page includes other files (whose calls it cannot see). Jinja may call macros out of
    the order they are written in (loops, blocks), so a line is only sure when one call fits
    and nothing is included."""
    if plugin is None:
        return [], True
    try:
        tree = plugin.env.parse(source)
    except TemplateSyntaxError:
        return [], True
    includes = any(tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)))
    lines = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == name):
            continue
        try:
            if call.dyn_args or call.dyn_kwargs:
                raise nodes.Impossible
            written = tuple(arg.as_const() for arg in call.args)
            written_kw = {kw.key: kw.value.as_const() for kw in call.kwargs}
        except nodes.Impossible:  # not a constant (a loop variable): may be the failing call
            lines.append(call.lineno)
            continue
        if written == tuple(args) and written_kw == kwargs:
            lines.append(call.lineno)
    return sorted(set(lines)), includes


def _call_text(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The call as a page would write it: `section('talks')`."""
    shown = [repr(arg) for arg in args] + [f"{key}={value!r}" for key, value in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def define_env(env: Any) -> None:
    """Called by mkdocs-macros on every (re)build: register one macro per section."""
    renderer = renderer_for(env.conf)
    for name, function in renderer.macros().items():
        env.macro(_guarded(renderer, name, function), name)
    env.variables["site_data"] = renderer.site
    env.variables["words"] = MarkdownWords(renderer.words)  # for the engine's pages


def engine_page_meta(page: Page, config: MkDocsConfig) -> None:
    """The title and description of the engine's pages, in the site's language (a page of
    the person's own says its own in its front matter)."""
    if not (page.file.abs_src_path and Path(page.file.abs_src_path).parent == ENGINE_PAGES_DIR):
        return
    words = site_data_for(config).words
    stem = Path(page.file.src_uri).stem
    if stem == "index":
        page.meta.setdefault("title", words.pages.home)
    description = getattr(words.page_descriptions, stem, None)
    if description is not None:
        page.meta.setdefault("description", description)


def _guarded(renderer: SiteRenderer, name: str, function: Callable[..., str]) -> Callable[..., str]:
    """A macro whose exceptions are kept for `finish_page_source` to report: raised inside
    mkdocs-macros they would end the process, `mkdocs serve` included."""

    @wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> str:
        try:
            return function(*args, **kwargs)
        except Exception as error:  # reported by finish_page_source, with the page
            renderer.macro_errors.append((name, args, kwargs, error))
            return ""

    return guarded
