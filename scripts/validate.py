"""Check a build of the site with independent validators, offline.

    python scripts/validate.py                 # build the site, then check it
    python scripts/validate.py --site site/    # check a site already built
    python scripts/validate.py --no-html       # everything but the Nu checker (no Java)

- HTML: the W3C Nu HTML checker (`vnu.jar`, installed with npm into `.validate/`, ignored by git;
  needs Java: on Debian `apt-get install default-jre-headless`) on every page and style sheet,
  errors and warnings. What a page of a blank Material site of the same version has too (as
  many times) is counted apart, not held against the site.
- JSON-LD: every block against the schema.org vocabulary (`schemaorg_check.py`).
- Feed: `feed.xml` parsed by feedparser, then the rules of Atom (RFC 4287) it does not enforce.
- Sitemap: the rules of the sitemaps.org schema (0.9); every page's canonical address listed,
  and nothing else.
- JSON Resume: `cv.json` against the official schema (vendored in `macros/vendor/`), formats
  (e-mail, URI, dates) included.
- BibTeX: `publications.bib` and every paper's `.bib` parsed by pybtex, with the fields BibTeX
  requires for each entry type.

Prints the number of problems per validator and each problem; exits 1 if the site has any.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from schemaorg_check import check_jsonld

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".validate"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_VERSION = "26.9.27"
_JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

# --- building ------------------------------------------------------------------------


def build_site(site: Path, project: Path = ROOT) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir"]
    subprocess.run([*command, str(site)], cwd=project, env=env, check=True)


def build_blank_material_site(site: Path) -> None:
    """A site with Material's defaults and two plain pages: the baseline for the Nu checker."""
    project = site.parent / "blank-material"
    (project / "docs").mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text("site_name: Blank\ntheme:\n  name: material\n")
    (project / "docs" / "index.md").write_text("# Blank\n\nA page.\n\n## Section\n\nText.\n")
    (project / "docs" / "other.md").write_text("# Other\n\nAnother page.\n")
    build_site(site, project)


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- HTML: the Nu checker ------------------------------------------------------------


class NuCheckerUnavailable(RuntimeError):
    """Java or npm is missing, or npm could not fetch the checker: the reason, for a skip."""


def installed_vnu() -> Path:
    """The Nu checker's jar if Java and the jar are here; NuCheckerUnavailable says what to do
    (the tests never fetch it: no test touches the network)."""
    if shutil.which("java") is None:
        raise NuCheckerUnavailable(
            "the Nu HTML checker needs Java: apt-get install default-jre-headless"
        )
    if not VNU_JAR.exists():
        raise NuCheckerUnavailable(
            "the Nu HTML checker is not fetched yet: python scripts/validate.py --install"
        )
    return VNU_JAR


def install_vnu(timeout: float = 300) -> Path:
    """The Nu checker's jar, fetched from npm into `.validate/` the first time."""
    try:
        return installed_vnu()
    except NuCheckerUnavailable:
        if shutil.which("java") is None:
            raise
    if shutil.which("npm") is None:
        raise NuCheckerUnavailable(
            f"fetching the Nu HTML checker (vnu-jar {VNU_VERSION}) needs npm: apt-get install npm"
        )
    TOOLS.mkdir(exist_ok=True)
    command = [
        *("npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund"),
        *("--no-save", "--ignore-scripts", f"vnu-jar@{VNU_VERSION}"),
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise NuCheckerUnavailable(f"npm did not fetch vnu-jar in {timeout:.0f} s") from None
    if result.returncode != 0 or not VNU_JAR.exists():
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise NuCheckerUnavailable(f"npm could not fetch vnu-jar {VNU_VERSION}: {' '.join(tail)}")
    return VNU_JAR


def nu_messages(files: list[Path]) -> dict[Path, list[str]]:
    """Every error and warning the Nu checker reports, by file; style sheets (.css) included.

    One run of Java for all the files: starting it costs more than checking a page."""
    # The client compiler only, and a deeper stack that the checker then needs: half the CPU
    # time for a run of a few seconds (measured on the project's builds: 4.2 s instead of 9).
    java = ["java", "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar"]
    command = [*java, str(installed_vnu()), "--also-check-css", "--format", "json"]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, check=False
    )
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"the Nu checker failed: {result.stderr.strip()[:500]}") from None
    found: dict[Path, list[str]] = {path.resolve(): [] for path in files}
    for message in report["messages"]:
        kind = message.get("subType") if message.get("type") == "info" else message["type"]
        if kind not in ("error", "fatal", "warning", "non-document-error"):
            continue
        path = Path(urlparse(message.get("url", "")).path).resolve()
        text = message["message"] if kind == "error" else f"{kind}: {message['message']}"
        found.setdefault(path, []).append(text)
    return found


def beyond_baseline(found: list[str], baseline: Counter[str]) -> list[str]:
    """The messages of one file that a blank Material file does not have as often.

    `baseline` holds, per message, the most times one file of the blank site has it: a page
    with a third checkbox that Material's own two share an error with still shows that one."""
    extra = Counter(found) - baseline
    return [message for message in dict.fromkeys(found) for _ in range(extra[message])]


def blank_baseline(messages: dict[Path, list[str]]) -> Counter[str]:
    baseline: Counter[str] = Counter()
    for found in messages.values():
        baseline |= Counter(found)  # the most of each message in any one file
    return baseline


def checked_files(site: Path) -> list[Path]:
    return [*html_files(site), *sorted(site.rglob("*.css"))]


def check_html_sites(sites: list[Path]) -> dict[Path, tuple[list[str], str]]:
    """Nu errors and warnings of each site's pages and style sheets beyond those of a blank
    Material site, with one run of the checker for all the sites and the blank one."""
    with tempfile.TemporaryDirectory() as scratch:
        blank = Path(scratch) / "site"
        build_blank_material_site(blank)
        files = {site: checked_files(site) for site in (blank, *sites)}
        messages = nu_messages([path for found in files.values() for path in found])
        baseline = blank_baseline({path: messages[path.resolve()] for path in files[blank]})
    results = {}
    for site in sites:
        own, total = [], 0
        for path in files[site]:
            found = messages[path.resolve()]
            total += len(found)
            own += [f"{path.relative_to(site)}: {m}" for m in beyond_baseline(found, baseline)]
        pages = sum(path.suffix == ".html" for path in files[site])
        note = (
            f"{pages} pages and {len(files[site]) - pages} style sheets; {total} messages in all,"
            f" {total - len(own)} as on a blank Material site"
        )
        results[site] = (own, note)
    return results


def check_html(site: Path) -> tuple[list[str], str]:
    """Nu errors and warnings of the site beyond those a blank Material site has."""
    return check_html_sites([site])[site]


# --- JSON-LD -------------------------------------------------------------------------


def check_structured_data(site: Path) -> tuple[list[str], str]:
    problems, blocks = [], 0
    for path in html_files(site):
        for raw in _JSONLD.findall(path.read_text(encoding="utf-8")):
            blocks += 1
            where = str(path.relative_to(site))
            try:
                document = json.loads(raw)
            except json.JSONDecodeError as error:
                problems.append(f"{where}: not JSON ({error})")
                continue
            problems += check_jsonld(document, where)
    return problems, f"{blocks} JSON-LD blocks"


# --- the Atom feed -------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
ATOM = "{http://www.w3.org/2005/Atom}"


def check_feed(site: Path) -> tuple[list[str], str]:
    """feedparser's verdict, then RFC 4287's rules: ids, titles, dates, authors, links."""
    import xml.etree.ElementTree as ElementTree

    import feedparser

    path = site / "feed.xml"
    text = path.read_bytes()
    parsed = feedparser.parse(text)
    problems = [f"feedparser: {parsed.bozo_exception}"] if parsed.bozo else []
    if parsed.get("version") != "atom10":
        problems.append(f"not an Atom 1.0 feed (feedparser says {parsed.get('version')!r})")
    root = ElementTree.fromstring(text)
    if root.tag != f"{ATOM}feed":
        return [*problems, f"root element is {root.tag}, not atom:feed"], ""
    entries = root.findall(f"{ATOM}entry")
    problems += _atom_element_problems(root, "feed", is_feed=True)
    has_feed_author = root.find(f"{ATOM}author") is not None
    ids = Counter()
    for index, entry in enumerate(entries, start=1):
        problems += _atom_element_problems(entry, f"entry {index}", is_feed=False)
        ids[entry.findtext(f"{ATOM}id")] += 1
        if not has_feed_author and entry.find(f"{ATOM}author") is None:
            problems.append(f"entry {index}: no atom:author, and the feed has none (4.1.1)")
        if entry.find(f"{ATOM}content") is None and not _has_link(entry, "alternate"):
            problems.append(f"entry {index}: neither atom:content nor an alternate link (4.1.2)")
    problems += [f"id {i!r} is used by {n} entries (4.1.1)" for i, n in ids.items() if n > 1]
    if not any(
        link.get("rel") == "self" for link in root.findall(f"{ATOM}link")
    ):  # RFC 4287 says SHOULD; feed validators report its absence
        problems.append("feed: no link rel=self (4.1.1)")
    updated = {entry.findtext(f"{ATOM}updated") for entry in entries}
    return problems, f"{len(entries)} entries, {len(updated)} distinct updated"


def _has_link(element, rel: str) -> bool:  # type: ignore[no-untyped-def]
    return any(link.get("rel", "alternate") == rel for link in element.findall(f"{ATOM}link"))


def _atom_element_problems(element, where: str, is_feed: bool) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    for name in ("id", "title", "updated"):
        found = element.findall(f"{ATOM}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name} elements, expected exactly 1")
    ident = element.findtext(f"{ATOM}id") or ""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", ident.strip()):
        problems.append(f"{where}: id {ident!r} is not an absolute IRI (4.2.6)")
    for name in ("updated", "published"):
        value = element.findtext(f"{ATOM}{name}")
        if value is not None and not _RFC3339.match(value.strip()):
            problems.append(f"{where}: {name} {value!r} is not an RFC 3339 date-time (3.3)")
    return problems


# --- the sitemap ---------------------------------------------------------------------

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"  # a page's address in each language
_HREFLANG = re.compile(r"^(x-default|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$")
_W3C_DATETIME = re.compile(
    r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)
CHANGEFREQ = {"always", "hourly", "daily", "weekly", "monthly", "yearly", "never"}


def check_sitemap(site: Path) -> tuple[list[str], str]:
    """The sitemaps.org 0.9 schema's rules, and that every page of the site is listed; on a
    site in several languages, the rules of the `xhtml:link` alternates that search engines
    read: absolute, each naming a language (or x-default), the page itself among them, and
    every alternate listed in the sitemap too."""
    import xml.etree.ElementTree as ElementTree

    path = site / "sitemap.xml"
    problems = []
    if path.stat().st_size > 50 * 1024 * 1024:
        problems.append("sitemap.xml is larger than 50 MB")
    root = ElementTree.parse(path).getroot()
    if root.tag != f"{SITEMAP}urlset":
        return [f"root element is {root.tag}, not urlset in the sitemaps.org 0.9 namespace"], ""
    urls = root.findall(f"{SITEMAP}url")
    if len(urls) > 50_000:
        problems.append(f"{len(urls)} URLs; at most 50,000 are allowed")
    if [child for child in root if child.tag != f"{SITEMAP}url"]:
        problems.append("urlset holds elements other than url")
    listed = {(url.findtext(f"{SITEMAP}loc") or "").strip() for url in urls}
    for index, url in enumerate(urls, start=1):
        allowed = {f"{SITEMAP}{name}" for name in ("loc", "lastmod", "changefreq", "priority")}
        for child in url:
            if child.tag not in allowed | {XHTML_LINK}:
                problems.append(f"url {index}: unexpected element {child.tag}")
        problems += _alternate_problems(url, index, listed)
        locs = url.findall(f"{SITEMAP}loc")
        if len(locs) != 1:
            problems.append(f"url {index}: {len(locs)} loc elements, expected exactly 1")
            continue
        loc = (locs[0].text or "").strip()
        if not re.match(r"^https?://[^/\s]+", loc) or len(loc) > 2048 or " " in loc:
            problems.append(f"url {index}: loc {loc!r} is not an absolute URL of at most 2048")
        for name, rule, what in (
            ("lastmod", _W3C_DATETIME.match, "a W3C datetime"),
            ("changefreq", lambda v: v in CHANGEFREQ, "one of " + ", ".join(sorted(CHANGEFREQ))),
            ("priority", _is_priority, "a number from 0.0 to 1.0"),
        ):
            found = url.findall(f"{SITEMAP}{name}")
            if len(found) > 1:
                problems.append(f"url {index} ({loc}): {len(found)} {name} elements")
            for element in found:
                if not rule((element.text or "").strip()):
                    problems.append(f"url {index} ({loc}): {name} {element.text!r} is not {what}")
    locs = {(url.findtext(f"{SITEMAP}loc") or "").strip() for url in urls}
    problems += _sitemap_coverage_problems(site, locs)
    dated = sum(url.find(f"{SITEMAP}lastmod") is not None for url in urls)
    return problems, f"{len(urls)} URLs, {dated} with lastmod"


def _alternate_problems(url: Any, index: int, listed: set[str]) -> list[str]:
    """The `xhtml:link` alternates of one url of the sitemap (none is fine)."""
    links = url.findall(XHTML_LINK)
    if not links:
        return []
    loc = (url.findtext(f"{SITEMAP}loc") or "").strip()
    problems, hreflangs = [], []
    for link in links:
        href, hreflang = link.get("href") or "", link.get("hreflang") or ""
        hreflangs.append(hreflang)
        if link.get("rel") != "alternate":
            problems.append(f"url {index} ({loc}): an xhtml:link whose rel is not alternate")
        if not _HREFLANG.match(hreflang):
            problems.append(f"url {index} ({loc}): hreflang {hreflang!r} is not a language")
        if not re.match(r"^https?://[^/\s]+", href):
            problems.append(f"url {index} ({loc}): alternate {href!r} is not an absolute URL")
        elif href not in listed:
            problems.append(f"url {index} ({loc}): alternate {href!r} is not in the sitemap")
    if loc not in {link.get("href") for link in links if link.get("hreflang") != "x-default"}:
        problems.append(f"url {index} ({loc}): its alternates do not name the page itself")
    repeated = sorted({code for code in hreflangs if hreflangs.count(code) > 1})
    if repeated:
        problems.append(f"url {index} ({loc}): hreflang {', '.join(repeated)} more than once")
    return problems


_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


def _sitemap_coverage_problems(site: Path, locs: set[str]) -> list[str]:
    """Every page with a canonical address is in the sitemap, and every address there is one."""
    import html

    canonical = {}
    for path in html_files(site):
        page = path.read_text(encoding="utf-8")
        found = _CANONICAL.search(page)
        if found and not re.search(r'<meta name="robots" content="[^"]*noindex', page):
            canonical[html.unescape(found.group(1))] = path.relative_to(site)
    problems = [
        f"{page}: its address {address} is not in the sitemap"
        for address, page in sorted(canonical.items())
        if address not in locs
    ]
    if canonical:  # a site without site_url has no canonical addresses to compare
        problems += [
            f"loc {loc!r} is the address of no page of the site"
            for loc in sorted(locs - canonical.keys())
        ]
    return problems


def _is_priority(value: str) -> bool:
    return bool(re.match(r"^(0(\.\d+)?|1(\.0+)?)$", value))


# --- BibTeX --------------------------------------------------------------------------

# The fields BibTeX's standard styles require, per entry type (`author` or `editor` for books).
REQUIRED_FIELDS = {
    "article": ("author", "title", "journal", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "book": ("title", "publisher", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "mastersthesis": ("author", "title", "school", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "misc": (),
    "unpublished": ("author", "title", "note"),
}


def check_bibtex(site: Path) -> tuple[list[str], str]:
    """Every .bib parsed strictly by pybtex, each entry with its type's required fields."""
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexError

    problems, count = [], 0
    files = [site / "publications.bib", *sorted((site / "publications").glob("*.bib"))]
    for path in files:
        where = str(path.relative_to(site))
        try:
            library = parse_string(path.read_text(encoding="utf-8"), "bibtex")
        except PybtexError as error:  # duplicate keys included
            problems.append(f"{where}: {error}")
            continue
        for key, entry in library.entries.items():
            count += 1
            fields = {name.lower() for name in entry.fields} | {r.lower() for r in entry.persons}
            required = REQUIRED_FIELDS.get(entry.type.lower())
            if required is None:
                problems.append(f"{where}: {key}: entry type @{entry.type} is not a BibTeX type")
                continue
            missing = [name for name in required if name not in fields]
            if entry.type.lower() == "book" and not fields & {"author", "editor"}:
                missing.append("author or editor")
            if missing:
                problems.append(f"{where}: {key}: missing {', '.join(missing)}")
    return problems, f"{len(files)} files, {count} entries"


# --- JSON Resume ---------------------------------------------------------------------


def check_json_resume(site: Path) -> tuple[list[str], str]:
    """cv.json against the official JSON Resume schema, with its formats."""
    sys.path.insert(0, str(ROOT))
    from macros.outputs.json_resume import schema_problems

    resume = json.loads((site / "cv.json").read_text(encoding="utf-8"))
    entries = sum(len(value) for value in resume.values() if isinstance(value, list))
    return schema_problems(resume), f"{entries} entries"


# --- running -------------------------------------------------------------------------

CHECKS = {
    "JSON-LD (schema.org)": check_structured_data,
    "Atom feed": check_feed,
    "sitemap": check_sitemap,
    "JSON Resume": check_json_resume,
    "BibTeX": check_bibtex,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site to check (default: build one)")
    parser.add_argument("--no-html", action="store_true", help="skip the Nu HTML checker")
    parser.add_argument(
        "--install", action="store_true", help="only fetch the Nu HTML checker (for the tests)"
    )
    args = parser.parse_args()
    if args.install:
        try:
            print(f"Nu HTML checker: {install_vnu()}")
        except NuCheckerUnavailable as error:
            print(error)
            return 2
        return 0
    checks = dict(CHECKS)
    if not args.no_html:
        try:
            install_vnu()
        except NuCheckerUnavailable as error:
            print(error)
            return 2
        checks = {"HTML (W3C Nu)": check_html, **checks}
    with tempfile.TemporaryDirectory() as scratch:
        site = args.site
        if site is None:
            site = Path(scratch) / "site"
            build_site(site)
        results = {name: check(site) for name, check in checks.items()}
    total = 0
    print(f"{'validator':<22} {'problems':>8}  checked")
    for name, (problems, note) in results.items():
        total += len(problems)
        print(f"{name:<22} {len(problems):>8}  {note}")
    for name, (problems, _) in results.items():
        for problem in problems:
            print(f"{name}: {problem}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
