"""mkdocs-macros entry point: load the data, then register one macro per section."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from mkdocs.exceptions import PluginError

from .loader import DataError, load_site_data
from .rendering import SiteRenderer


def define_env(env: Any) -> None:
    """Called by mkdocs-macros on every (re)build."""
    config = env.conf
    try:
        site = load_site_data(Path(env.project_dir) / "data")
    except DataError as error:
        raise PluginError(str(error)) from None
    icon_dirs = [Path(d) / ".icons" for d in config["theme"].dirs]
    renderer = SiteRenderer(
        site,
        icon_dirs=[d for d in icon_dirs if d.is_dir()],
        base_path=urlparse(config.get("site_url") or "/").path or "/",
    )
    for name, function in renderer.macros().items():
        env.macro(function, name)
    env.variables["site_data"] = site
