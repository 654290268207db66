"""A paper's PDF kept in the project, and where the site publishes it.

Google Scholar reads `citation_pdf_url` only for a PDF in the same directory as the paper's
page, so a PDF kept under `docs/` (written `links.pdf: /assets/papers/x.pdf`) is also
published as `/publications/<id>/x.pdf`, and every link to it points there. A PDF on another
host stays a plain link.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlparse

DOCS_DIR = "docs"  # where a local PDF is looked for, relative to the project
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_local(url: str) -> bool:
    """True for a site-relative path (`/assets/x.pdf`), false for `https://...` or `//host/...`."""
    return not (_SCHEME.match(url) or url.startswith("//"))


def source_path(url: str) -> str:
    """The file under `docs/` that a site-relative link names, e.g. `assets/papers/x.pdf`."""
    return urlparse(url).path.lstrip("/")


def published_path(pub_id: str, url: str) -> str:
    """Where the site publishes the PDF, relative to its root: `publications/<id>/x.pdf`."""
    return f"publications/{pub_id}/{PurePosixPath(source_path(url)).name}"
