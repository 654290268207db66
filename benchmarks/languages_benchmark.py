"""A warm build of the site in two languages (English at /, Chinese at /zh/) against the same
site in English only, in the same run. The target is 1.8x at most.

Each size is the project copied twice, one with `site.languages: [en]`, one with `[en, zh]`
(0 publications: the project's own data; otherwise that many synthetic papers, as in
build_benchmark.py), with a page whose Chinese version has Chinese text (the search splits
it with jieba). Both are built once to fill their caches (social cards, resized images, the
search's words), then in turn, `--repeats` times each, with `mkdocs build` as a user runs it;
the medians of the wall clock and of the processor seconds are printed. Nothing is asserted.

    python benchmarks/languages_benchmark.py              # the own data, and 100 papers
    python benchmarks/languages_benchmark.py 0 1000 --repeats 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_benchmark import PROJECT_PARTS, ROOT, build, synthetic_publications

sys.path.insert(0, str(ROOT / "tests"))
from conftest import set_languages  # the tests' one way to list a copy's languages

CHINESE = (
    "我们研究大语言模型的推理服务系统，关注稀疏注意力、调度器与编译器的协同设计。"
    "这些工作在清华大学和微软亚洲研究院完成，代码已经开源，欢迎交流与合作。"
)


def copy_project(directory: Path, count: int, languages: list[str]) -> Path:
    """The project (its parts that exist) in `directory`, with `count` synthetic papers (0: its
    own), in `languages`."""
    directory.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, directory / part, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, directory / part)
    if count:
        papers = directory / "data" / "publications.yml"
        papers.write_text(synthetic_publications(count), encoding="utf-8")
    set_languages(directory, languages)
    # Chinese text in the Chinese pages only (as translations will give it): the Chinese
    # build's search splits it into words, the English one has none to split.
    (directory / "docs").mkdir(exist_ok=True)
    (directory / "docs" / "notes.md").write_text(
        "# Notes\n\n{% if config.theme.language == 'zh' %}\n" + CHINESE + "\n{% endif %}\n",
        encoding="utf-8",
    )
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[0, 100])
    parser.add_argument("--repeats", type=int, default=5, help="builds per figure (median)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeats}")
    print(
        f"{'pubs':>6} {'en s':>6} {'en+zh s':>8} {'ratio':>6} {'en cpu':>7} {'en+zh cpu':>10}"
        f" {'cpu ratio':>9} {'pages':>11}"
    )
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as scratch:
            english = copy_project(Path(scratch) / "en", count, ["en"])
            both = copy_project(Path(scratch) / "both", count, ["en", "zh"])
            build(english), build(both)  # fill the caches: the builds below are warm
            runs = [(build(english), build(both)) for _ in range(args.repeats)]
        en = statistics.median(run[0][0] for run in runs)
        two = statistics.median(run[1][0] for run in runs)
        en_cpu = statistics.median(run[0][2] for run in runs)
        two_cpu = statistics.median(run[1][2] for run in runs)
        pages = f"{runs[0][0][1]} / {runs[0][1][1]}"
        label = str(count) if count else "own"
        print(
            f"{label:>6} {en:>6.2f} {two:>8.2f} {two / en:>6.2f} {en_cpu:>7.2f} {two_cpu:>10.2f}"
            f" {two_cpu / en_cpu:>9.2f} {pages:>11}",
            flush=True,
        )


if __name__ == "__main__":
    main()
