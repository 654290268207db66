"""Audit the built site: Lighthouse (mobile and desktop) and axe-core (light and dark) on every
page, served gzip-compressed on 127.0.0.1 as GitHub Pages serves it.

    python scripts/audit.py                 # every page
    python scripts/audit.py / /cv/          # chosen pages
    python scripts/audit.py --fixture       # the blog, a post and a notes page of the test
                                            # person (the project's own site has none)

Installs Lighthouse 12 and axe-core with npm into `.audit/` (ignored by git) on first use, and
needs Chromium (`CHROME_PATH`, default /usr/bin/chromium). Lighthouse runs three times per page
and form factor and the median run counts, as Lighthouse advises. Prints a table of scores, first
contentful paint and total blocking time (the two timings a phone score turns on), bytes
transferred, axe violations and requests to other hosts, then the audits short of full marks
with their values. Exits 1 if any page scores under 100, has an axe violation or a
third-party request.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".audit"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".bib", ".map")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files with gzip, like GitHub Pages; the 404 page for missing paths."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            path, status = Path(self.directory) / "404.html", 404
        body = path.read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        from io import BytesIO

        return BytesIO(body)


def install_tools() -> Path:
    lighthouse = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not lighthouse.exists() or not (TOOLS / "node_modules" / "axe-core").exists():
        TOOLS.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOLS),
                "--no-audit",
                "--no-fund",
                "lighthouse@12",
                "axe-core@4",
            ],
            check=True,
        )
    return lighthouse


# The fictional person of the tests, with posts and course notes of her own, and the pages of
# hers that the project's own site does not have (`--fixture`).
FIXTURE = ROOT / "tests" / "fixtures"
FIXTURE_PAGES = [
    "/blog/",
    "/blog/2025/02/10/why-the-tail-of-a-queue-is-heavy/",
    "/notes/os-networks/scheduling/",
]


def fixture_project(folder: Path) -> Path:
    """The engine with the test person's settings, data and pages (as tests/conftest.py
    copies them)."""
    for part in ("macros", "schemas", "ownership.yml"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / part)
    shutil.copy2(FIXTURE / "settings" / "mkdocs.yml", folder / "mkdocs.yml")
    shutil.copytree(FIXTURE / "person" / "data", folder / "data")
    shutil.copytree(FIXTURE / "person" / "docs", folder / "docs")
    return folder


def build_site(site: Path, project: Path = ROOT) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=project,
        env=env,
        check=True,
    )


def pages_of(site: Path) -> list[str]:
    pages = sorted(
        "/" + str(p.parent.relative_to(site)).replace(".", "").strip("/") + "/"
        for p in site.rglob("index.html")
    )
    return [p.replace("//", "/") for p in pages] + ["/404.html"]


def run_lighthouse(lighthouse: Path, url: str, desktop: bool, chrome: str, runs: int) -> dict:
    """The report of the median run by performance score (Lighthouse's advice for variance)."""
    reports = [_lighthouse_once(lighthouse, url, desktop, chrome) for _ in range(runs)]
    reports.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
    return reports[len(reports) // 2]


def _lighthouse_once(lighthouse: Path, url: str, desktop: bool, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report.json"
        command = [
            str(lighthouse),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ]
        if desktop:
            command.append("--preset=desktop")
        subprocess.run(
            command,
            check=True,
            env={**os.environ, "CHROME_PATH": chrome},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return json.loads(out.read_text())


def summarise(report: dict, origin: str) -> dict:
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    failing = sorted(
        f"{audit_id} ({report['audits'][audit_id]['displayValue'].replace(chr(160), ' ')})"
        if report["audits"][audit_id].get("displayValue")
        else audit_id
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref.get("weight", 0) > 0
        for audit_id in [ref["id"]]
        if (
            report["audits"][audit_id].get("score") is not None
            and report["audits"][audit_id]["score"] < 1
        )
    )
    requests = report["audits"].get("network-requests", {}).get("details", {}).get("items", [])
    foreign = sorted(
        {
            r["url"]
            for r in requests
            if urlparse(r["url"]).netloc not in (urlparse(origin).netloc, "")
            and not r["url"].startswith("data:")
        }
    )
    transferred = sum(r.get("transferSize", 0) for r in requests)
    timings = {
        name: report["audits"][name]["numericValue"]
        for name in ("first-contentful-paint", "total-blocking-time")
    }
    return {
        "scores": scores,
        "failing": failing,
        "foreign": foreign,
        "bytes": transferred,
        "timings": timings,
    }


def run_axe(url: str, chrome: str, scheme: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    axe = (TOOLS / "node_modules" / "axe-core" / "axe.min.js").read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chrome, args=CHROME_FLAGS.split()[1:])
        page = browser.new_page(color_scheme=scheme)
        page.goto(url)
        page.add_script_tag(content=axe)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        browser.close()
    return [f"{v['id']} ({len(v['nodes'])})" for v in result["violations"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="paths to audit (default: every page)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and form")
    parser.add_argument(
        "--fixture",
        action="store_true",
        help="audit the test person's site: by default her blog, a post and a notes page",
    )
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    lighthouse = install_tools()
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        if args.fixture:
            build_site(site, fixture_project(Path(scratch) / "project"))
        else:
            build_site(site)
        handler = functools.partial(GzipHandler, directory=str(site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        ok = True
        print(
            f"{'page':<34} {'form':<7} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} "
            f"{'FCP ms':>6} {'TBT ms':>6} {'KB':>6} {'axe light/dark':<15} third-party"
        )
        details = []
        for path in args.pages or (FIXTURE_PAGES if args.fixture else pages_of(site)):
            axe_results = {s: run_axe(origin + path, chrome, s) for s in ("light", "dark")}
            for desktop in (False, True):
                result = summarise(
                    run_lighthouse(lighthouse, origin + path, desktop, chrome, args.runs), origin
                )
                s = result["scores"]
                axe_text = f"{len(axe_results['light'])}/{len(axe_results['dark'])}"
                print(
                    f"{path:<34} {'desktop' if desktop else 'mobile':<7} "
                    f"{s['performance']:>4} {s['accessibility']:>4} {s['best-practices']:>4} "
                    f"{s['seo']:>4} {result['timings']['first-contentful-paint']:>6.0f} "
                    f"{result['timings']['total-blocking-time']:>6.0f} "
                    f"{result['bytes'] / 1024:>6.1f} {axe_text:<15} "
                    f"{len(result['foreign'])}",
                    flush=True,
                )
                if result["failing"] or result["foreign"]:
                    details.append(
                        f"{path} ({'desktop' if desktop else 'mobile'}): short of full marks: "
                        f"{', '.join(result['failing']) or 'none'}; "
                        f"third-party {', '.join(result['foreign']) or 'none'}"
                    )
                ok &= all(v == 100 for v in s.values()) and not result["foreign"]
            for scheme, violations in axe_results.items():
                if violations:
                    details.append(f"{path} axe {scheme}: {violations}")
                    ok = False
        server.shutdown()
    for line in details:
        print(line)
    print(
        "all pages: 100/100/100/100, no axe violations, no third-party requests"
        if ok
        else "some pages fall short (see above)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
