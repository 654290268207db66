"""MkDocs hooks: reload edited Python in `mkdocs serve`, read site settings from data/, check
pages before mkdocs-macros renders them; everything else is handed to plugin.py."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Runs before mkdocs-macros on every build."""
    # `mkdocs serve` keeps imported modules between rebuilds; forget them so edits show.
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        del sys.modules[name]
    project = str(Path(config.config_file_path).parent)
    if project not in sys.path:
        sys.path.insert(0, project)
    plugin = _plugin()
    plugin.apply_site_settings(config, plugin.site_data_for(config))
    plugin.add_person_theme(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    plugin = _plugin()
    return plugin.add_generated_files(plugin.add_engine_pages(files, config), config)


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
    return plugin.restore_html(html, config)


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    plugin = _plugin()
    plugin.social_card(page, config)
    plugin.page_head(page, config)  # after the card: JSON-LD names it as the page's image
    plugin.add_search_entry(page, config)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _plugin().render_math(output, page, config)


def on_post_build(config: MkDocsConfig) -> None:
    _plugin().finish_generated_files(config)


def _plugin() -> ModuleType:
    return importlib.import_module("macros.adapter.plugin")


def on_pre_build(config: MkDocsConfig) -> None:
    """Escape `{{ site_data... }}` in pages like all text from data (macros return Markup)."""
    config.plugins["macros"].env.autoescape = True
