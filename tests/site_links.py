"""Every link of every output a built site holds, and the one rule they all follow.

A link may go to an http(s) address with a host, to `mailto:`, or stay on the site (a path, a
fragment). It is judged as a browser reads it: leading and trailing spaces and C0 controls are
dropped, tabs and line breaks inside are removed, the scheme's case does not matter and a
backslash counts as a slash (WHATWG URL Standard), so `\\tJavaScript:`, `java\\nscript:` and
`/\\evil.example` are what they are.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pypdf import PdfReader

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
# Attributes that browsers load or follow.
_LINK_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "xlink:href", "cite"}
# JSON keys whose values are links (JSON-LD, JSON Resume), besides keys ending in "url".
_JSON_LINK_KEYS = {"@context", "@id", "image", "logo", "sameAs", "isBasedOn", "canonical"}
ATOM = "{http://www.w3.org/2005/Atom}"


def link_problem(url: str) -> str | None:
    """Why a browser would take `url` anywhere but an http(s) host, a mail client or this
    site, or None."""
    cleaned = re.sub("[\t\n\r]", "", url.strip(_C0_OR_SPACE))
    scheme = _SCHEME.match(cleaned)
    if scheme is None:
        if re.match(r"[/\\]{2}", cleaned):
            return "another host, without a scheme"
        return None
    name = scheme[1].lower()
    if name == "mailto":
        return None
    if name not in ("http", "https"):
        return f"the scheme {name}:"
    rest = cleaned[scheme.end() :].replace("\\", "/")
    if not rest.startswith("//") or not urlsplit(f"{name}:{rest}").hostname:
        return "an http(s) link without a host"
    return None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.scripts: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name in _LINK_ATTRIBUTES and value is not None:
                self.links.append(value)
            if name == "srcset" and value:
                self.links += [c.split()[0] for c in value.split(",") if c.strip()]
        key = (values.get("property") or values.get("name") or "").lower()
        if tag == "meta" and key.endswith(("url", "image")) and values.get("content"):
            self.links.append(values["content"] or "")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.links.append((values.get("content") or "").partition("url=")[2])
        self._in_json = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_json = False


def html_links(html: str) -> list[str]:
    """The links of an HTML document or fragment, those of its JSON-LD included."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.links + [link for s in parser.scripts for link in json_links(json.loads(s))]


def json_links(value: Any, key: str = "") -> list[str]:
    """The strings of a JSON value that are links, by their keys."""
    if isinstance(value, dict):
        return [link for k, v in value.items() for link in json_links(v, k)]
    if isinstance(value, list):
        return [link for v in value for link in json_links(v, key)]
    if isinstance(value, str) and (key in _JSON_LINK_KEYS or key.lower().endswith("url")):
        return [value]
    return []


def _feed_links(text: str) -> list[str]:
    root = ET.fromstring(text)
    links = [e.get("href") or "" for e in root.iter() if e.get("href") is not None]
    links += [e.get("uri") or "" for e in root.iter() if e.get("uri") is not None]
    for element in root.iter():
        if element.tag in (f"{ATOM}content", f"{ATOM}summary") and element.get("type") == "html":
            links += html_links(element.text or "")
    return links


def output_links(site: Path) -> Iterator[tuple[str, str]]:
    """(file, link) for every link in every output of a built site: pages, feed, sitemap,
    cv.json, the search index, the .bib files and the PDF's link annotations."""
    for path in sorted(site.rglob("*")):
        name = str(path.relative_to(site))
        if path.suffix == ".html":
            links = html_links(path.read_text(encoding="utf-8"))
        elif path.name == "feed.xml":
            links = _feed_links(path.read_text(encoding="utf-8"))
        elif path.name == "sitemap.xml":
            root = ET.fromstring(path.read_text(encoding="utf-8"))
            links = [e.text or "" for e in root.iter() if e.tag.endswith("}loc")]
        elif path.name == "search_index.json":
            docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
            links = [d["location"] for d in docs]
            links += [link for d in docs for link in html_links(d.get("text") or "")]
        elif path.suffix == ".json":
            links = json_links(json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".bib":
            text = path.read_text(encoding="utf-8")
            links = re.findall(r"^\s*url\s*=\s*\{(.*)\},?$", text, re.M | re.I)
        elif path.suffix == ".pdf":
            links = [
                str(a.get_object()["/A"]["/URI"])
                for page in PdfReader(path).pages
                for a in page.get("/Annots") or []
                if "/URI" in a.get_object().get("/A", {})
            ]
        else:
            continue
        for link in links:
            yield name, link


def bad_links(site: Path) -> list[str]:
    """`file: link (why)` for every link of the site's outputs that breaks the rule."""
    return [
        f"{name}: {link!r} ({problem})"
        for name, link in output_links(site)
        if (problem := link_problem(link)) is not None
    ]
