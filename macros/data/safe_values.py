"""Checks for the values of data fields that reach an output: text, links, e-mail addresses, ids.

Links and addresses are parsed (`urllib.parse`, `email.utils`), not pattern-matched, and refuse
every character that could end an HTML attribute, be dropped or rewritten by a browser, or turn
the rest of a line around (bidi overrides): whatever passes here is one link to the place written,
in every output. Text refuses control characters and Unicode noncharacters, which XML (the feed,
the sitemap) cannot hold at all and browsers drop silently.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from email.utils import parseaddr
from urllib.parse import urlsplit

# Bidi embedding, override and isolate controls: they reverse the rest of a line on the page
# and in the PDF. (The marks U+200E, U+200F and U+061C change no order beyond one character.)
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that end or break out of an HTML attribute or a URL, or that browsers rewrite.
_URL_FORBIDDEN = frozenset("\"'<>\\`{}|^")
_LINK_KINDS = "expected an http(s):// or mailto: URL, or a site-relative path such as /cv/"
ID_MAX_LENGTH = 80
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Ids that name the generated folder's own index page.
RESERVED_IDS = frozenset({"index", "readme"})


def character_name(char: str) -> str:
    """'U+001B' with the character's name where Unicode has one, for error messages."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


# U+xFFFE and U+xFFFF of every plane (U+FDD0-U+FDEF are below).
_NONCHARACTERS = "".join(
    chr(plane | 0xFFFE) + chr(plane | 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
_FORBIDDEN_IN_TEXT = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + _NONCHARACTERS
    + "".join(sorted(_BIDI_CONTROLS))
)
_FORBIDDEN_IN_LINE = re.compile(f"[{_FORBIDDEN_IN_TEXT}\\n]")
_FORBIDDEN_IN_LINES = re.compile(f"[{_FORBIDDEN_IN_TEXT}]")


def forbidden_character(text: str, multiline: bool) -> str | None:
    """The first character that no text field may hold, or None.

    Refused: C0 controls (but tab, and newline where `multiline`), DEL and C1 controls,
    surrogates, noncharacters (U+FDD0-U+FDEF and U+xFFFE/U+xFFFF) and bidi overrides/isolates.
    """
    match = (_FORBIDDEN_IN_LINES if multiline else _FORBIDDEN_IN_LINE).search(text)
    return match.group() if match else None


def check_text(value: str, multiline: bool = True) -> str:
    char = forbidden_character(value, multiline)
    if char is not None:
        kind = (
            "a bidi override character (it reverses the text after it)"
            if char in _BIDI_CONTROLS
            else "a control character or noncharacter"
        )
        raise ValueError(f"contains {character_name(char)}, {kind}; remove it")
    return value


def check_line(value: str) -> str:
    """Text of one line (names, titles): no line breaks either."""
    return check_text(value, multiline=False)


def _url_character_problem(value: str) -> str | None:
    for char in value:
        if char in _URL_FORBIDDEN:
            return f"may not contain {char!r}"
        category = unicodedata.category(char)
        if category[0] in "CZ" or char.isspace():  # controls, format (bidi), spaces, unassigned
            return f"may not contain {character_name(char)}"
    return None


def _check_host(host: str | None, netloc: str) -> None:
    if "@" in netloc:
        raise ValueError("a link may not carry a user name or password before the host")
    if not host:
        raise ValueError("the address has no host name")
    labels = host.rstrip(".").split(".")
    is_name = all(label and all(ch.isalnum() or ch == "-" for ch in label) for label in labels)
    if not is_name and not _is_ip_literal(host):
        raise ValueError(f"{host!r} is not a host name")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def check_web_url(value: str) -> str:
    """An absolute http(s) address with a real host name."""
    problem = _url_character_problem(value)
    if problem:
        raise ValueError(f"a link {problem}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not value.startswith(f"{parts.scheme}://"):
        raise ValueError("expected an address that starts with https:// or http://")
    _check_host(parts.hostname, parts.netloc)
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise ValueError("the port after the host name is not a number") from None
    return value


def check_email(value: str) -> str:
    """One plain address, `name@host.tld`, with nothing a mail client or HTML would read more in."""
    problem = _url_character_problem(value)
    if problem or any(ch in value for ch in ",;:()[]%?&=#/") or value.count("@") != 1:
        raise ValueError("expected an e-mail address such as name@example.org")
    display_name, address = parseaddr(value)
    local, _, host = address.rpartition("@")
    if display_name or address != value or not local or "." not in host:
        raise ValueError("expected an e-mail address such as name@example.org")
    _check_host(host, host)
    return value


def check_link(value: str) -> str:
    """http(s):// and mailto: links, and site-relative paths such as /cv/ (never //host)."""
    if not value:
        raise ValueError("a link may not be empty")
    problem = _url_character_problem(value)
    if problem:
        raise ValueError(f"a link {problem}")
    scheme = urlsplit(value).scheme if ":" in value.split("/", 1)[0] else ""
    if scheme in ("http", "https"):
        return check_web_url(value)
    if scheme == "mailto":
        check_email(value[len("mailto:") :])
        return value
    if scheme:
        raise ValueError(f"the scheme '{scheme}:' is not allowed; {_LINK_KINDS}")
    if not value.startswith("/") or value.startswith("//"):
        raise ValueError(f"a site-relative link starts with one '/'; {_LINK_KINDS}")
    return value


def check_site_url(value: str) -> str:
    """The site's own address: http(s), host and path only, since MkDocs and Material print it
    unescaped into every page, the sitemap, robots.txt and CNAME."""
    check_web_url(value)
    parts = urlsplit(value)
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise ValueError("the site address may not have a query (?) or fragment (#)")
    if any(not (ch.isalnum() or ch in "-._~/:%[]") for ch in value):
        raise ValueError(
            "the site address may hold only letters, digits and - . _ ~ / : %"
            " (no &, quotes, spaces or brackets)"
        )
    return value


def check_doi(value: str) -> str:
    """A DOI goes into the .bib as it is (styles print it verbatim): a brace there would end
    the field early, and a backslash before the closing brace would hide it from some parsers."""
    if any(char in value for char in "{}\\"):
        raise ValueError(
            "a DOI may not contain '{', '}' or '\\' (they would break its BibTeX entry)"
        )
    return value


def check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValueError(
            "expected lower-case letters, digits, '-' or '_' (for example curie1903radiation)"
        )
    if len(value) > ID_MAX_LENGTH:
        raise ValueError(f"an id may be at most {ID_MAX_LENGTH} characters long")
    if value in RESERVED_IDS:
        raise ValueError(
            f"'{value}' is reserved: it names a generated folder's own page; choose another id"
        )
    return value


# A page of the person's course notes, as written in `notes:` (teaching.yml, talks.yml).
_NOTES_PAGE = re.compile(r"[\w.-]+(/[\w.-]+)*\.md")


def check_notes_page(value: str) -> str:
    """A page under docs/notes/, written from there (`os-networks/index.md`): letters, digits,
    `.`, `-`, `_` and `/` between folders, ending in `.md`; never outside docs/notes/."""
    parts = value.split("/")
    if not _NOTES_PAGE.fullmatch(value) or any(part in (".", "..") for part in parts):
        raise ValueError(
            "expected a page under docs/notes/, written from there, such as"
            " 'my-course/index.md' (folders separated by '/', ending in .md)"
        )
    return value
