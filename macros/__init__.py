"""The homepage package: data model, loading, rendering and exports in plain Python.

Only `plugin.py` (the mkdocs-macros entry point) and `hooks.py` (MkDocs hooks) know about MkDocs.
"""

from .plugin import define_env

__all__ = ["define_env"]
