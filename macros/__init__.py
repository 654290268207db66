"""The homepage package: data model, loading, rendering and exports in plain Python.

Only `plugin.py` (the mkdocs-macros entry point) and `hooks.py` (MkDocs hooks) know about MkDocs;
`define_env` imports the adapter when mkdocs-macros calls it, so `import macros.data.model` (or any
other core module) loads neither MkDocs nor the export libraries.
"""

from __future__ import annotations

from typing import Any


def define_env(env: Any) -> None:
    """The entry point mkdocs-macros looks for (see plugin.define_env)."""
    from .adapter.plugin import define_env as define_plugin_env

    define_plugin_env(env)


__all__ = ["define_env"]
