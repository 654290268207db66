"""The site in every language of `site.languages`: the default one at the site's root, each
other one in a folder of its own (`/zh/`), from one `mkdocs build`, `serve` or `gh-deploy`.

MkDocs builds the default language; when that build has finished, `build_other_languages`
builds each other one in the same process, from the same mkdocs.yml, with its own
`theme.language` (Material's words, `<html lang>`, the search's word splitting), nav titles,
`site_url` (+ `<code>/`) and `site_dir` (the site's `<code>/` folder: MkDocs cleans a site
folder when its build starts, so the others are written after the default one). No state is
shared between the builds but what the default one hands over (its address, and the data in
every language, `SiteLanguages`, loaded once).

Every build knows every language, so each page links to the same page in the others:
Material's language switcher and `hreflang` links in the head, and the sitemap lists every
page of every language with its alternates. A site with one language is built as before: no
switcher, no folder, no `hreflang`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..data.sections import SiteData

log = get_plugin_logger("homepage")

# Set on the config of each language but the default one (whose build MkDocs runs).
LANGUAGE_KEY = "homepage_language"  # the build's language code
ROOT_URL_KEY = "homepage_root_url"  # the default language's site_url (None without one)
# The site's data in every language (macros.data.loader.SiteLanguages), loaded once by the
# default language's build and handed to the others.
SITE_LANGUAGES_KEY = "homepage_languages"
# The files only the default language publishes (the JSON CV stays in one language); the other
# languages' pages link to the default language's copy.
DEFAULT_LANGUAGE_ONLY = ("cv.json",)


@dataclass(frozen=True)
class SiteLanguage:
    code: str  # as Material names its translation: en, zh, zh-Hant, pt-BR
    name: str  # in its own words, for the switcher: English, 中文
    prefix: str  # its folder in the site: '' for the default language, 'zh/' for the others


def language_name(code: str) -> str:
    """The language's name in itself (from Babel's locale data), capitalised as a menu item;
    the code itself where Babel has no such locale."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def language_codes(site: SiteData) -> list[str]:
    """The codes of `site.languages`, the default first (English where none are listed)."""
    return list(site.profile.site.languages or ["en"])


def site_languages(site: SiteData) -> list[SiteLanguage]:
    """Every language of the site, the default first."""
    codes = language_codes(site)
    return [
        SiteLanguage(code, language_name(code), "" if index == 0 else f"{code}/")
        for index, code in enumerate(codes)
    ]


def is_multilingual(site: SiteData) -> bool:
    return len(language_codes(site)) > 1


def is_default_build(config: MkDocsConfig) -> bool:
    """Whether this is the build MkDocs runs (the default language), not one of the others."""
    return config.get(LANGUAGE_KEY) is None


def build_language(config: MkDocsConfig, site: SiteData) -> SiteLanguage:
    """The language this build makes."""
    code = config.get(LANGUAGE_KEY) or language_codes(site)[0]
    return next(lang for lang in site_languages(site) if lang.code == code)


def root_url(config: MkDocsConfig) -> str | None:
    """The default language's address (the site's root), or None where there is none."""
    url = config[ROOT_URL_KEY] if not is_default_build(config) else config.site_url
    return url if not url or url.endswith("/") else url + "/"


def root_path(config: MkDocsConfig) -> str:
    """The site root's path on its host ('/' or '/repo/'), the default language's."""
    path = urlparse(root_url(config) or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def site_path(config: MkDocsConfig, site: SiteData) -> str:
    """This build's own root path: the site root's, plus `<code>/` for another language."""
    return root_path(config) + build_language(config, site).prefix


# --- settings of each language's build ----------------------------------------------------


def configure_language(config: MkDocsConfig, site: SiteData) -> None:
    """Set the build's language: Material's words and `<html lang>` (theme.language), and in
    the other languages the nav titles: the engine's pages' from the words, and those of
    `extra.nav_titles.<code>` (the person's mkdocs.yml), which win.

    A site that does not list its languages keeps the theme's language as mkdocs.yml sets it.
    """
    codes = language_codes(site)
    missing = [code for code in codes if not _has_translation(config, code)]
    if missing:
        raise PluginError(
            f"data/profile.yml: site.languages: Material for MkDocs has no translation for"
            f" {', '.join(missing)} (the codes it has are the names of the files in"
            " material/templates/partials/languages/; a translation of your own goes in"
            " overrides/partials/languages/<code>.html)"
        )
    language = build_language(config, site)
    if "languages" in site.profile.site.model_fields_set:
        config.theme["language"] = language.code
    if language.prefix:  # the nav in mkdocs.yml is written in the default language
        titles = (config.extra.get("nav_titles") or {}).get(language.code) or {}
        if not isinstance(titles, dict):
            raise PluginError(f"extra.nav_titles.{language.code}: expected a mapping of titles")
        config.nav = translate_nav(config.nav, {**engine_page_titles(site), **titles})


def engine_page_titles(site: SiteData) -> dict[str, str]:
    """The nav titles of the engine's pages (by file) in the site's words of this build's
    language (macros/words/, data/words.yml): the headings those pages print."""
    words = site.words
    return {
        "index.md": words.pages.home,
        "research.md": words.pages.research,
        "publications.md": words.sections.publications,
        "talks.md": words.sections.talks,
        "teaching.md": words.sections.teaching,
        "awards.md": words.pages.awards,
        "projects.md": words.sections.projects,
        "cv.md": words.pages.cv,
    }


def _has_translation(config: MkDocsConfig, code: str) -> bool:
    return any(
        (Path(folder) / "partials" / "languages" / f"{code}.html").is_file()
        for folder in config.theme.dirs
    )


def translate_nav(nav: Any, titles: dict[str, str]) -> Any:
    """The nav with each title as `titles` gives it: by the title written in mkdocs.yml, or
    for a page by its file (`publications.md: 论文`); a title neither names stays as written."""
    if isinstance(nav, list):
        return [translate_nav(item, titles) for item in nav]
    if isinstance(nav, dict):
        translated = {}
        for title, value in nav.items():
            by_page = titles.get(value) if isinstance(value, str) else None
            translated[str(titles.get(title) or by_page or title)] = translate_nav(value, titles)
        return translated
    return nav


# --- links between the languages ----------------------------------------------------------


def language_links(
    config: MkDocsConfig, site: SiteData, page_url: str | None
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """The switcher's links of the page at `page_url` (None for the 404 page, whose links lead
    to each language's home page), and its `hreflang` alternates: (code, absolute address) of
    the page in every language and `x-default`, the default language's (none without an
    address: search engines want them absolute; none on the 404 page either)."""
    languages = site_languages(site)
    path = page_url or ""
    switcher = [
        {"name": lang.name, "link": root_path(config) + lang.prefix + path, "lang": lang.code}
        for lang in languages
    ]
    root = root_url(config)
    if root is None or page_url is None:
        return switcher, []
    hreflang = [(lang.code, root + lang.prefix + path) for lang in languages]
    return switcher, [*hreflang, ("x-default", root + path)]


def sitemap_languages(config: MkDocsConfig, site: SiteData) -> dict[str, Any]:
    """What macros/theme/sitemap.xml needs: the root of each language's pages (absolute with
    an address, else the path), and which languages this build's sitemap lists: the root
    sitemap every language's pages (search engines read one sitemap), another language's
    sitemap its own (Material's instant navigation reads the sitemap of the current language)."""
    root = root_url(config) or root_path(config)
    languages = [{"code": lang.code, "root": root + lang.prefix} for lang in site_languages(site)]
    own = build_language(config, site).code
    listed = [item for item in languages if is_default_build(config) or item["code"] == own]
    return {"languages": languages, "listed": listed, "x_default": root}


class DefaultLanguageFile(File):
    """A file only the default language publishes (cv.json), known to another language's build
    so that its pages may link to it (MkDocs checks every link); nothing is written, and
    `root_links` points those links at the default language's copy."""

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing: the default language's build wrote the file."""


def add_default_language_files(files: Files, config: MkDocsConfig) -> Files:
    """In another language's build, stand-ins for the files only the default language has."""
    if is_default_build(config):
        return files
    for path in DEFAULT_LANGUAGE_ONLY:
        if files.get_file_from_path(path) is None:
            file = DefaultLanguageFile.generated(config, path, content=b"")
            file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
    return files


def root_links(html: str, page: Page, config: MkDocsConfig, site: SiteData) -> str:
    """In another language's page, point links to a file only the default language publishes
    (written by MkDocs relative to this language's folder) at the default language's copy."""
    prefix = build_language(config, site).prefix
    if not prefix:
        return html
    up = "../" * prefix.count("/")
    for path in DEFAULT_LANGUAGE_ONLY:
        link = get_relative_url(path, page.file.url)
        html = html.replace(f'href="{link}"', f'href="{up}{link}"')
    return html


# --- building the other languages -----------------------------------------------------------


def build_other_languages(
    config: MkDocsConfig, site: SiteData, command: str = "build"
) -> list[MkDocsConfig]:
    """After the default language's build, build each other language into `<site_dir>/<code>/`
    (same process, same mkdocs.yml); returns their configs. A failure in one fails the build,
    and their warnings count for `--strict` as the default language's do."""
    if not is_default_build(config) or not is_multilingual(site):
        return []
    built = []
    for language in site_languages(site)[1:]:
        log.info(f"Building the {language.name} ({language.code}) site in /{language.prefix}")
        other = _load_language_config(config, language)
        other[LANGUAGE_KEY] = language.code
        other[ROOT_URL_KEY] = config.site_url
        other[SITE_LANGUAGES_KEY] = config.get(SITE_LANGUAGES_KEY)
        other.plugins.on_startup(command=command, dirty=False)
        try:
            serving = command == "serve" and config.site_url
            build(other, serve_url=other.site_url if serving else None, dirty=False)
        finally:
            other.plugins.on_shutdown()
        built.append(other)
    return built


def _load_language_config(config: MkDocsConfig, language: SiteLanguage) -> MkDocsConfig:
    """The config of another language's build: the same mkdocs.yml, with the language's own
    address and folder.

    MkDocs keeps one instance of each plugin that has `on_startup` (Material's search, the
    blog) for the whole process, and would hand the default language's to this build, which
    would then reconfigure them; an empty cache while loading gives this build its own.
    """
    option = MkDocsConfig.plugins
    kept = option.plugin_cache
    option.plugin_cache = {}
    try:
        return load_config(
            config_file=config.config_file_path,
            site_dir=str(Path(config.site_dir) / language.prefix),
            site_url=config.site_url + language.prefix if config.site_url else None,
            strict=config.strict,
            use_directory_urls=config.use_directory_urls,
        )
    finally:
        option.plugin_cache = kept


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory for the builds of one process: each
    language's build would otherwise compile Material's templates and the engine's again,
    about a third of its time. (Jinja compares each template's source before using them.)"""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


# One for the theme's environments, one for the engine's renderers (another autoescape).
THEME_TEMPLATES = CompiledTemplates()
ENGINE_TEMPLATES = CompiledTemplates()
