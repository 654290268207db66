"""What formulas cost: per formula, and in a build of 100 pages of 10 formulas each.

1. 1,000 different formulas through each step, in this process: math-core alone, our
   conversion (math-core and the allow-list check), a data field's path (found by dollarmath,
   checked when the data is read, rendered) and a page's path (pymdownx.arithmatex's Markdown
   pass, then ours on the finished HTML).
2. `mkdocs build` of the project (its own data/ and pages) with 100 extra pages of 10 formulas
   each (7 inline, 3 displayed, all different), next to a bare Material site with the same
   pages (the project's pages and one per paper as plain pages, as build_benchmark.py makes
   them, and the same 100) and the same Markdown extensions, arithmatex included, but nothing
   of ours: there the formulas stay TeX for a script to typeset in the browser. Each site is
   also built with the formulas taken out of the 100 pages, so the difference is what the
   formulas cost in that build. Built in turn, median of 3; ours warm (social cards cached).

    python benchmarks/math_benchmark.py [--repeats 3]

Nothing is asserted; the targets (under 0.5 s for 1,000 formulas in the build, within 1.3x of
the bare site) are printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import markdown
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # build_benchmark, beside this file
import build_benchmark as bench

ROOT = bench.ROOT
sys.path.insert(0, str(ROOT))
from macros.views import formulas, markup  # noqa: E402

POSTS, PER_POST = 100, 10


def formula(post: int, index: int) -> tuple[str, bool]:
    """A formula of the kind a post or an abstract has, different for every post and index."""
    n = post * PER_POST + index
    inline = [
        rf"\mathcal{{O}}(n^{{{n % 7 + 1}}} \log n)",
        rf"x_{{{n}}} + \frac{{a_{{{n % 9}}}}}{{b}}",
        rf"\alpha_{{{n}}} \le \beta^{{{n % 5}}}",
        rf"\lVert v_{{{n}}} \rVert_2 \in \mathbb{{R}}",
        rf"f(x) = {n} x^2 + \sqrt{{x}}",
        rf"\Pr[X > {n}] \le e^{{-t}}",
        rf"\theta_{{{n}}} \to \theta^\ast",
    ]
    display = [
        rf"\sum_{{i=1}}^{{{n}}} \left( \frac{{x_i}}{{y_i}} \right)^2 \le \int_0^\infty e^{{-x}} dx",
        rf"\begin{{pmatrix}} a_{{{n}}} & b \\ c & d \end{{pmatrix}} \binom{{x}}{{y}}",
        rf"\mathbb{{E}}\left[ \sum_{{k=0}}^{{{n}}} X_k \right] = \lim_{{n \to \infty}} 1/n",
    ]
    if index < len(inline):
        return inline[index], False
    return display[index - len(inline)], True


def post_markdown(post: int, with_math: bool) -> str:
    """A page of prose around its 10 formulas; without math, words take their place."""
    parts = [f"# Post {post}\n", "Some prose before the formulas, as a post has.\n"]
    for index in range(PER_POST):
        tex, display = formula(post, index)
        if not with_math:
            tex = f"formula {index} of post {post}"
        if display:
            parts.append(f"$$\n{tex}\n$$\n" if with_math else f"{tex}\n")
        else:
            written = f"${tex}$" if with_math else tex
            parts.append(f"Sentence {index} states {written} and goes on a little.\n")
    return "\n".join(parts)


def add_posts(project: Path, with_math: bool) -> None:
    folder = project / "docs" / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    for post in range(POSTS):
        page = "---\nrender_macros: false\n---\n" + post_markdown(post, with_math)
        (folder / f"post-{post:03d}.md").write_text(page, encoding="utf-8")


# --- 1. per formula, in this process ---------------------------------------------------------


def best(function: Callable[[], object], setup: Callable[[], object] = lambda: None) -> float:
    """The fastest of 5 runs (this machine is shared: the others measure its neighbours);
    `setup` before each, untimed (emptying caches)."""
    times = []
    for _ in range(5):
        setup()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def _empty_caches() -> None:
    for cached in (formulas.mathml, markup.markdown_block, markup.markdown_inline):
        cached.cache_clear()
    formulas._SEEN_ATTRIBUTES.clear()


def per_formula() -> None:
    items = [formula(post, index) for post in range(POSTS) for index in range(PER_POST)]
    count = len(items)
    core = formulas.LatexToMathML(annotation=True, fancy_error=False)
    alone = best(lambda: [core.convert_with_local_state(t, displaystyle=d) for t, d in items])
    ours = best(lambda: [formulas.mathml(t, d) for t, d in items], _empty_caches)
    fields = ["\n\n".join(post_markdown(p, True).split("\n\n")[1:]) for p in range(POSTS)]
    plain_fields = ["\n\n".join(post_markdown(p, False).split("\n\n")[1:]) for p in range(100)]

    def read_and_show(texts: list[str]) -> None:
        for text in texts:  # as the data model checks a field, then a template shows it
            markup.check_formulas(text)
            markup.markdown_block(text)

    data = best(lambda: read_and_show(fields), _empty_caches)
    data -= best(lambda: read_and_show(plain_fields), _empty_caches)
    config = yaml.safe_load(re.sub(r"!!python\S+", "", (ROOT / "macros/mkdocs.yml").read_text()))
    arithmatex = next(e for e in config["markdown_extensions"] if "pymdownx.arithmatex" in e)
    converter = markdown.Markdown(extensions=["pymdownx.arithmatex"], extension_configs=arithmatex)
    pages = [post_markdown(p, True) for p in range(POSTS)]
    plain = [post_markdown(p, False) for p in range(POSTS)]
    html_pages = [converter.reset().convert(page) for page in pages]
    markdown_math = best(lambda: [converter.reset().convert(page) for page in pages])
    markdown_math -= best(lambda: [converter.reset().convert(page) for page in plain])
    ours_pages = best(lambda: [formulas.page_formulas_to_mathml(p) for p in html_pages])
    print(f"1,000 different formulas ({count} here), in this process, fastest of 5:")
    for label, seconds in (
        ("math-core alone", alone),
        ("math-core + allow-list check (formulas.mathml)", ours),
        ("data fields: checked on reading and shown (*)", data),
        ("pages: arithmatex's share of the Markdown pass (*)", markdown_math),
        ("pages: our pass on the finished HTML", ours_pages),
    ):
        print(f"  {label:<50} {1000 * seconds:8.1f} ms  {1000 * seconds / count:6.3f} ms each")
    print("  (*) beyond the same text with words in the formulas' place")


# --- 2. builds --------------------------------------------------------------------------------


def make_sites(scratch: Path) -> dict[str, Path]:
    papers = yaml.safe_load((ROOT / "data" / "publications.yml").read_text(encoding="utf-8"))
    sites = {}
    for name, ours, with_math in (
        ("ours", True, True),
        ("ours, no formulas", True, False),
        ("bare", False, True),
        ("bare, no formulas", False, False),
    ):
        folder = scratch / name.replace(", ", "-").replace(" ", "-")
        folder.mkdir()
        if ours:
            for part in bench.PROJECT_PARTS:
                source = ROOT / part
                if source.is_dir():
                    ignore = bench.shutil.ignore_patterns("__pycache__", ".cache")
                    bench.shutil.copytree(source, folder / part, ignore=ignore)
                elif source.exists():
                    bench.shutil.copy2(source, folder / part)
        else:
            bench.make_bare_site(folder, len(papers or []))
        add_posts(folder, with_math)
        sites[name] = folder
    return sites


def builds(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        sites = make_sites(Path(scratch))
        for name in ("ours", "ours, no formulas"):  # fill the social card cache: warm builds
            bench.build(sites[name])
        runs: dict[str, list[tuple[float, int, float]]] = {name: [] for name in sites}
        for _ in range(repeats):
            for name, folder in sites.items():
                runs[name].append(bench.build(folder))
    clock = {name: statistics.median(run[0] for run in done) for name, done in runs.items()}
    cpu = {name: statistics.median(run[2] for run in done) for name, done in runs.items()}
    print(f"\n{POSTS} pages of {PER_POST} formulas, `mkdocs build`, median of {repeats}:")
    print(f"  {'':<28} {'clock s':>8} {'cpu s':>7} {'pages':>6}")
    for name in sites:
        print(f"  {name:<28} {clock[name]:>8.2f} {cpu[name]:>7.2f} {runs[name][0][1]:>6}")
    for label, figures in (("clock", clock), ("cpu", cpu)):
        ours = figures["ours"] - figures["ours, no formulas"]
        bare = figures["bare"] - figures["bare, no formulas"]
        ratio = figures["ours"] / figures["bare"]
        without = figures["ours, no formulas"] / figures["bare, no formulas"]
        print(
            f"  {label}: 1,000 formulas cost our build {ours:+.2f} s (target < 0.5 s), the bare"
            f" one {bare:+.2f} s (arithmatex alone); ours / bare {ratio:.2f}x with formulas"
            f" (target 1.3x), {without:.2f}x without"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="builds per figure (median)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    per_formula()
    builds(args.repeats)


if __name__ == "__main__":
    main()
