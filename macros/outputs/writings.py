"""The person's own prose: posts (`docs/blog/posts/`, Material's blog plugin) and course notes
(`docs/notes/<course>/`).

Plain Python like the rest of the core: the MkDocs adapter asks whether there are posts and
notes, takes their nav entries and the author's avatar from here, and hands the built posts
back as `PostSummary` for the feed, the `posts()` macro and JSON-LD.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from markupsafe import Markup

from ..views.formulas import written

BLOG_DIR = "blog"
POSTS_DIR = f"{BLOG_DIR}/posts"
NOTES_DIR = "notes"
AUTHOR_ID = "owner"  # the one author of every post: the person of profile.yml
INITIALS_AVATAR = "assets/images/author.svg"  # in the site, when profile.yml has no photo
# MkDocs' own rule for front matter (mkdocs.utils.meta.YAML_RE).
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_INDEX_NAMES = ("index.md", "README.md")


@dataclass(frozen=True)
class PostSummary:
    """A published post as the feed, the `posts()` macro and JSON-LD need it."""

    key: str  # permanent: the file's path under blog/posts/, without `.md`
    title: str  # plain text
    url: str  # from the site root, without the leading slash ('blog/2025/02/10/x/')
    created: datetime
    updated: datetime | None
    categories: tuple[str, ...] = ()
    summary: str = ""  # plain text: the front matter's description, else the excerpt


def front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter of a page ({} for none, or for one that is not a mapping)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}  # MkDocs (or the blog plugin) reports it when it reads the page
    return data if isinstance(data, dict) else {}


def _pages(folder: Path) -> list[Path]:
    """The Markdown pages directly in `folder`, its index first, then by name."""
    found = [p for p in folder.iterdir() if p.suffix == ".md" and p.is_file()]
    found = [p for p in found if not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p.name not in _INDEX_NAMES, p.name))


def _folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def has_posts(docs_dir: Path, drafts: bool = False) -> bool:
    """Whether docs/blog/posts/ holds a post to publish (a draft counts only when `drafts`
    are shown, as `mkdocs serve` shows them)."""
    folder = docs_dir / POSTS_DIR
    if not folder.is_dir():
        return False
    for path in sorted(folder.rglob("*.md")):
        meta = front_matter(path.read_text(encoding="utf-8-sig"))
        if drafts or meta.get("draft") is not True:
            return True
    return False


def page_title(path: Path) -> str | None:
    """A page's title as MkDocs finds it: `title:` in the front matter, else its first line
    if that is a level-1 heading."""
    text = path.read_text(encoding="utf-8-sig")
    title = front_matter(text).get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    match = _FRONT_MATTER.match(text)
    for line in text[match.end() if match else 0 :].splitlines():
        if line.strip():
            return line[2:].strip() if line.startswith("# ") else None
    return None


def _folder_title(folder: Path) -> str:
    """A course's title in the nav: its index page's title, else the folder's name."""
    for name in _INDEX_NAMES:
        if (folder / name).is_file():
            title = page_title(folder / name)
            if title:
                return title
    words = re.sub(r"[-_]+", " ", folder.name).strip()
    return words[:1].upper() + words[1:]


def notes_nav(docs_dir: Path) -> list[Any]:
    """The nav of docs/notes/ (a list as `nav:` in mkdocs.yml takes it): its pages, then one
    section per course folder (recursively), named by the course's index page. The pages are
    listed by path, so each takes its title from its front matter or first heading. Empty
    when the folder has no page."""

    def walk(folder: Path) -> list[Any]:
        items: list[Any] = [p.relative_to(docs_dir).as_posix() for p in _pages(folder)]
        for sub in _folders(folder):
            children = walk(sub)
            if children:
                # The nav prints section titles as they are: escaped, since a page's heading
                # may hold `&` or `<`.
                items.append({str(Markup.escape(_folder_title(sub))): children})
        return items

    folder = docs_dir / NOTES_DIR
    return walk(folder) if folder.is_dir() else []


def names_folder(nav: Any, folder: str) -> bool:
    """Whether the nav names a page (or a link into the site) under `folder`/."""
    if isinstance(nav, str):
        return nav.lstrip("/").startswith(folder + "/")
    if isinstance(nav, list):
        return any(names_folder(item, folder) for item in nav)
    if isinstance(nav, Mapping):
        return any(names_folder(value, folder) for value in nav.values())
    return False


def with_writings(
    nav: list[Any], blog: bool, notes: list[Any], titles: tuple[str, str] = ("Blog", "Notes")
) -> list[Any]:
    """The person's nav, with a Blog entry (when there are posts) and a Notes section (when
    there are notes) that it does not name itself, under `titles` (the site's words): the
    person never edits mkdocs.yml for either, and an entry of theirs is kept as written."""
    nav = list(nav)
    blog_title, notes_title = (str(Markup.escape(title)) for title in titles)
    if blog and not names_folder(nav, BLOG_DIR):
        # A section, so the archive and category pages the blog adds stay under its tab.
        nav.append({blog_title: [f"{BLOG_DIR}/index.md"]})
    if notes and not names_folder(nav, NOTES_DIR):
        nav.append({notes_title: notes})
    return nav


def initials(name: str) -> str:
    """'Ada Lovelace' -> 'AL', 'Zoë Ångström-Ñúñez' -> 'ZÅ', '林晓雨' -> '林'."""
    words = name.split()
    letters = [words[0][0]] + ([words[-1][0]] if len(words) > 1 else []) if words else ["?"]
    return "".join(letters).upper()


def initials_svg(name: str) -> str:
    """A round avatar with the person's initials, for posts when profile.yml has no photo
    (Material's blog shows an avatar beside each post's author and needs one)."""
    text = escape(initials(name))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        '<circle cx="32" cy="32" r="32" fill="#3949ab"/>'
        '<text x="32" y="32" dy=".35em" text-anchor="middle" fill="#fff"'
        ' font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif" font-size="26"'
        f' font-weight="600">{text}</text></svg>\n'
    )


def authors_file(name: str, description: str, avatar: str, url: str | None) -> dict[str, Any]:
    """The blog's authors file (`.authors.yml`): the person alone. Material prints the name
    and description into HTML as they are, so they are escaped here."""
    author: dict[str, Any] = {
        "name": str(Markup.escape(name)),
        "description": str(Markup.escape(description)),
        "avatar": avatar,
    }
    if url:
        author["url"] = url
    return {"authors": {AUTHOR_ID: author}}


_HEADER_LINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
# A formula as arithmatex leaves it in the page's HTML: \(...\) in a span, \[...\] in a div.
_FORMULA = re.compile(r'<(span|div) class="arithmatex">\\([(\[])(.*?)\\[)\]]</\1>', re.S)
_FIRST_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>", re.S)


def plain_excerpt(content: str, separator: str) -> str:
    """The plain text of a post's excerpt (its HTML up to `separator`), without its title;
    formulas as their TeX between dollars, as the other plain outputs give them."""
    excerpt = content.split(separator, 1)[0]
    excerpt = _FORMULA.sub(lambda m: written(m[3].strip(), m[2] == "["), excerpt)
    excerpt = _FIRST_H1.sub("", _HEADER_LINK.sub("", excerpt))
    excerpt = re.sub(r"<(script|style)\b.*?</\1>", " ", excerpt, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", excerpt)).split())
