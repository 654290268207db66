"""MkDocs hooks: reload edited Python in `mkdocs serve`, read site settings from data/, check
pages before mkdocs-macros renders them; everything else is handed to plugin.py."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

# The command MkDocs runs (build, serve, gh-deploy), for the other languages' builds. This
# module is not reloaded between builds of `mkdocs serve`, unlike the macros package.
_command = "build"
# Set on the config of another language's build, which runs inside the default language's
# (macros.adapter.languages.LANGUAGE_KEY): that build keeps the package as it is.
_OTHER_LANGUAGE = "homepage_language"


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


@event_priority(100)
def _prepare(config: MkDocsConfig) -> MkDocsConfig:
    """Runs before mkdocs-macros on every build."""
    # `mkdocs serve` keeps imported modules between rebuilds; forget them so edits show.
    if config.get(_OTHER_LANGUAGE) is None:
        for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
            del sys.modules[name]
    project = str(Path(config.config_file_path).parent)
    if project not in sys.path:
        sys.path.insert(0, project)
    plugin = _plugin()
    plugin.apply_site_settings(config, plugin.site_data_for(config))
    plugin.configure_language(config)
    plugin.add_person_theme(config)
    plugin.configure_writings(config)  # before the blog plugin reads its settings
    return config


@event_priority(-50)  # after Material's search has read its settings
def _configure_search(config: MkDocsConfig) -> MkDocsConfig:
    _plugin().configure_search(config)
    return config


on_config = CombinedEvent(_prepare, _configure_search)


def _add_files(files: Files, config: MkDocsConfig) -> Files:
    plugin = _plugin()
    files = plugin.add_default_language_files(plugin.add_engine_pages(files, config), config)
    return plugin.add_generated_files(files, config)


@event_priority(-60)  # after the blog plugin has read the posts (-50)
def _prepare_posts(files: Files, config: MkDocsConfig) -> Files:
    _plugin().prepare_posts(config)
    return files


on_files = CombinedEvent(_add_files, _prepare_posts)


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., Any]) -> None:
    """Also reload on edits to the person's overrides/ (not listed under `watch:`, which
    refuses a folder that does not exist, and most sites have none)."""
    folder = _plugin().person_overrides(config)
    if folder is not None:
        server.watch(str(folder))


@event_priority(50)  # before mkdocs-macros renders the page
def _check_page_source(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _plugin().engine_page_meta(page, config)
    _plugin().check_page_source(markdown, page, config)
    return markdown


@event_priority(-50)  # after mkdocs-macros
def _finish_page_source(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _plugin().finish_page_source(markdown, page, config)


on_page_markdown = CombinedEvent(_check_page_source, _finish_page_source)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    plugin = _plugin()
    plugin.formula_titles_as_tex(page)
    return plugin.restore_html(html, page, config)


def _page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    plugin = _plugin()
    plugin.social_card(page, config)
    plugin.page_head(page, config)  # after the card: JSON-LD names it as the page's image
    plugin.add_search_entry(page, config)
    plugin.language_links(context, page, config)
    return context


@event_priority(-110)  # after the blog plugin renders the excerpts of its pages (-100)
def _restore_excerpts(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    _plugin().restore_excerpts(context, page, config)
    return context


on_page_context = CombinedEvent(_page_context, _restore_excerpts)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _plugin().render_math(output, page, config)


def _share_templates(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    _plugin().share_compiled_templates(env, config)
    return env


@event_priority(-60)  # after the blog plugin's on_env: every post is built by then
def _write_feed(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    _plugin().write_feed(config)
    return env


on_env = CombinedEvent(_share_templates, _write_feed)


def on_template_context(
    context: TemplateContext, template_name: str, config: MkDocsConfig
) -> TemplateContext:
    """The 404 page's language links (to each language's home page), the sitemap's languages."""
    if template_name == "404.html":
        _plugin().language_links(context, None, config)
    elif template_name == "sitemap.xml":
        _plugin().sitemap_context(context, config)
    return context


def _finish_files(config: MkDocsConfig) -> None:
    _plugin().finish_generated_files(config)


@event_priority(-100)  # once this language's site is complete (the search index written too)
def _other_languages(config: MkDocsConfig) -> None:
    _plugin().finish_site(config, _command)


on_post_build = CombinedEvent(_finish_files, _other_languages)


def _plugin() -> ModuleType:
    return importlib.import_module("macros.adapter.plugin")


def on_pre_build(config: MkDocsConfig) -> None:
    """Escape `{{ site_data... }}` in pages like all text from data (macros return Markup)."""
    config.plugins["macros"].env.autoescape = True
