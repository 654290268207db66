"""Build time against the number of publications, next to a bare Material site of equal size.

For each size, the project is copied to a temporary folder with a synthetic
`data/publications.yml` of that many papers (each gets its own page and .bib), then built with
`mkdocs build`. The bare site is Material with the same number of plain Markdown pages. The
figures are printed; nothing is asserted.

Our site is built twice per round: "cold", with the social card cache (`.cache/social/`)
emptied first, as on a fresh checkout or after an edit to the card template; and "warm", again
unchanged, as every later build of an unchanged or slightly edited site.

    python benchmarks/build_benchmark.py              # 10, 100, 1000, 5000 publications
    python benchmarks/build_benchmark.py 10 100       # chosen sizes
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "data", "docs", "macros", "overrides", "schemas", "ownership.yml")


def owner_and_ids() -> tuple[str, list[str]]:
    """The owner's name (so that the synthetic papers have the owner among their authors) and
    the ids of the real publications (other data files may refer to them), from `data/`."""
    profile = yaml.safe_load((ROOT / "data" / "profile.yml").read_text(encoding="utf-8"))
    papers = ROOT / "data" / "publications.yml"
    real = yaml.safe_load(papers.read_text(encoding="utf-8")) if papers.is_file() else None
    entries = real.get("publications", real) if isinstance(real, dict) else real
    return profile["name"], [entry["id"] for entry in entries or []]


def synthetic_publications(count: int) -> str:
    """`count` valid publications in YAML, varied in year, type, topics and marks; the first
    take the real publications' ids, which other data files may refer to."""
    owner, real_ids = owner_and_ids()
    kinds = ("conference", "journal", "workshop", "preprint")
    topics = ("LLM serving", "Compilers", "Sparse attention", "Scheduling", "Storage")
    lines = ["# synthetic data for the build benchmark"]
    for index in range(count):
        equal = str(index % 5 == 0).lower()
        pub_id = real_ids[index] if index < len(real_ids) else f"paper{index:05d}"
        lines += [
            f"- id: {pub_id}",
            f'  title: "Synthetic Paper {index}: Scaling Systems for Workload {index % 97}"',
            "  authors:",
            f"    - {json.dumps(owner)}",
            f"    - {{name: Coauthor {index % 13}, equal_contribution: {equal}}}",
            f"    - {{name: Advisor {index % 7}, corresponding: true}}",
            f"  venue: Proceedings of Synthetic Conference {index % 40}",
            f"  venue_short: SC {2000 + index % 26}",
            f"  year: {2000 + index % 26}",
            f"  type: {kinds[index % len(kinds)]}",
            f"  selected: {str(index < 5).lower()}",
            f"  topics: [{topics[index % len(topics)]}, {topics[(index + 2) % len(topics)]}]",
            f'  arxiv: "{2000 + index % 26 - 2000:02d}{(index % 12) + 1:02d}.{index:05d}"',
            f"  links: {{code: https://github.com/example/paper{index}}}",
            "  summary: >-",
            f"    A synthetic summary of paper {index}, with **some** Markdown and enough words to",
            "    look like a real two-sentence abstract on the page. It is here to be counted.",
            "",
        ]
    return "\n".join(lines) + "\n"


def make_project(directory: Path, count: int) -> None:
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, directory / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():  # overrides/ is the person's, and most sites have none
            shutil.copy2(source, directory / part)
    (directory / "data" / "publications.yml").write_text(synthetic_publications(count))


def bare_config() -> str:
    """The project's mkdocs.yml (same theme, features, palette and Markdown extensions) without
    anything of ours: no macros plugin, hooks, theme overrides or watch list; plus a site_url."""
    text = (ROOT / "macros" / "mkdocs.yml").read_text()
    text = re.sub(r"\n  - macros:\n(    .*\n)*", "\n", text)
    text = re.sub(r"\nhooks:\n(  - .*\n)*", "\n", text)
    text = re.sub(r"\nwatch:\n(  - .*\n)*", "\n", text)
    text = re.sub(r"\n  custom_dir: .*", "", text)
    nav = (ROOT / "mkdocs.yml").read_text().partition("\nnav:\n")[2]
    return text + "\nsite_url: https://example.org/\nnav:\n" + nav


def make_bare_site(directory: Path, count: int) -> None:
    """The project's own pages (those of the navigation), with plain text, and `count` plain
    pages outside it (as the papers' pages are)."""
    docs = directory / "docs"
    shutil.copytree(ROOT / "macros" / "theme" / "assets" / "js", docs / "assets" / "js")
    (docs / "p").mkdir(parents=True)
    (directory / "mkdocs.yml").write_text(bare_config())
    for page in sorted((ROOT / "macros" / "pages").glob("*.md")):
        (docs / page.name).write_text(f"# {page.stem.title()}\n\nA bare page.\n")
    for index in range(count):
        (docs / "p" / f"page{index:05d}.md").write_text(
            f"# Synthetic Paper {index}\n\nAn Author, Coauthor, Advisor. Proceedings, 2020.\n\n"
            f"A synthetic summary of paper {index}, with **some** Markdown.\n\n"
            "Another paragraph of plain text, as a page of its own would have.\n"
        )


CACHE_DIR = ".cache"


def build(directory: Path, cold: bool = False) -> tuple[float, int, float]:
    """Seconds for one `mkdocs build`, the number of HTML pages written, and the processor
    seconds it used (steadier than the clock on a shared machine); `cold` empties the
    project's cache first."""
    if cold:
        shutil.rmtree(directory / CACHE_DIR, ignore_errors=True)
    site = directory / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
        cwd=directory,
        env=env,
        check=True,
    )
    elapsed = time.perf_counter() - started
    return elapsed, sum(1 for _ in site.rglob("*.html")), _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_builds(project: Path, bare: Path, repeats: int) -> dict[str, float | int]:
    """Median seconds of our site (cold and warm cache) and of the bare one, and their pages,
    built in turn so that all see the same machine (the speed of a shared VM drifts)."""
    runs = [(build(project, cold=True), build(project), build(bare)) for _ in range(repeats)]
    return {
        "cold": statistics.median(cold[0] for cold, _, _ in runs),
        "warm": statistics.median(warm[0] for _, warm, _ in runs),
        "bare": statistics.median(bare[0] for _, _, bare in runs),
        "cold_cpu": statistics.median(cold[2] for cold, _, _ in runs),
        "warm_cpu": statistics.median(warm[2] for _, warm, _ in runs),
        "bare_cpu": statistics.median(bare[2] for _, _, bare in runs),
        "pages": runs[0][1][1],
        "bare_pages": runs[0][2][1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10, 100, 1000, 5000])
    parser.add_argument("--repeats", type=int, default=3, help="builds per figure (median)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeats}")
    header = (
        f"{'pubs':>6} {'cold s':>7} {'warm s':>7} {'ms/pub':>7} {'pages':>6} "
        f"{'bare s':>7} {'bare pages':>10} {'cold ratio':>10} {'warm ratio':>10}"
    )
    print(header)
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as scratch:
            project, bare = Path(scratch) / "project", Path(scratch) / "bare"
            project.mkdir()
            make_project(project, count)
            make_bare_site(bare, count)
            r = median_builds(project, bare, args.repeats)
            cache_mb = sum(f.stat().st_size for f in (project / CACHE_DIR).rglob("*")) / 1e6
        print(
            f"{count:>6} {r['cold']:>7.2f} {r['warm']:>7.2f} {1000 * r['warm'] / count:>7.2f} "
            f"{r['pages']:>6} {r['bare']:>7.2f} {r['bare_pages']:>10} "
            f"{r['cold'] / r['bare']:>10.2f} {r['warm'] / r['bare']:>10.2f}"
            f"   cpu s: cold {r['cold_cpu']:.1f}, warm {r['warm_cpu']:.1f}, "
            f"bare {r['bare_cpu']:.1f}; cache {cache_mb:.1f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
