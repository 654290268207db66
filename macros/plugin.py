"""The MkDocs side of the package: mkdocs-macros' `define_env`, and the site settings from data.

Everything here adapts the plain-Python core (model, loader, rendering) to MkDocs; nothing else
in the package imports MkDocs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from .loader import DataError, load_site_data
from .model import SiteData
from .rendering import SiteRenderer

_SITE_DATA_KEY = "homepage_site_data"


def site_data_for(config: MkDocsConfig) -> SiteData:
    """The validated `data/` of this build, loaded once and kept on the config."""
    site = config.get(_SITE_DATA_KEY)
    if site is None:
        data_dir = Path(config.config_file_path).parent / "data"
        try:
            site = load_site_data(data_dir)
        except DataError as error:
            raise PluginError(str(error)) from None
        config[_SITE_DATA_KEY] = site
    return site


def apply_site_settings(config: MkDocsConfig, site: SiteData) -> None:
    """Take the site's name, author, description, address and social links from the profile.

    The theme prints some of these settings raw and escapes others; escaped `Markup` is right
    for both (escaping Markup again leaves it as it is).
    """
    profile = site.profile
    name = Markup.escape(profile.name)
    config.site_name = name
    config.site_author = name
    config.copyright = f"Copyright &copy; {name}"
    if profile.site.description:
        config.site_description = Markup.escape(profile.site.description)
    if profile.site.url and not config.site_url:  # `mkdocs serve` sets its own address
        config.site_url = profile.site.url
    social = [{"icon": "material/email", "link": f"mailto:{profile.email}", "name": "E-mail"}]
    social = social if profile.email else []
    social += [{"icon": link.icon, "link": link.url, "name": link.label} for link in profile.links]
    config.extra["social"] = social


def define_env(env: Any) -> None:
    """Called by mkdocs-macros on every (re)build: register one macro per section."""
    config = env.conf
    site = site_data_for(config)
    icon_dirs = [Path(d) / ".icons" for d in config.theme.dirs]
    renderer = SiteRenderer(
        site,
        icon_dirs=[d for d in icon_dirs if d.is_dir()],
        base_path=urlparse(config.site_url or "/").path or "/",
    )
    for name, function in renderer.macros().items():
        env.macro(function, name)
    env.variables["site_data"] = site
