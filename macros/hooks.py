"""MkDocs hooks: make `mkdocs serve` pick up edits to the Python files in `macros/`."""

from __future__ import annotations

import sys

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Forget the cached `macros` package so mkdocs-macros imports the edited code."""
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        del sys.modules[name]
    return config
