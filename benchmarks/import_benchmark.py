"""Time of `import-bibtex` against the number of entries in the .bib file.

Each size writes a synthetic .bib of that many entries (DBLP-like: title, three authors,
booktitle, year, DOI) and imports it into an empty `publications.yml`, then again into the
result (every entry a duplicate). The figures are printed; nothing is asserted.

    python benchmarks/import_benchmark.py             # 500, 5000 entries
    python benchmarks/import_benchmark.py 20000       # chosen sizes
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from macros.commands.bibtex_import import import_bibtex


def synthetic_bib(count: int) -> str:
    return "".join(
        f"@inproceedings{{key{i},\n  title = {{A Study of Topic {i}: Method {i * 7}}},\n"
        f'  author = {{Alice Author{i} and Bob Writer and M{{\\"u}}ller, Carol}},\n'
        f"  booktitle = {{Proceedings of Conference {i % 50}}},\n  year = {{{2000 + i % 25}}},\n"
        f"  doi = {{10.1234/x.{i}}}\n}}\n\n"
        for i in range(count)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 5000])
    args = parser.parse_args()
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    print("| entries | import (s) | ms per entry | again, all duplicates (s) |")
    print("|---:|---:|---:|---:|")
    for count in args.sizes:
        bib = synthetic_bib(count)
        with tempfile.TemporaryDirectory() as scratch:
            pubs = Path(scratch) / "publications.yml"
            pubs.write_text("[]\n", encoding="utf-8")
            started = time.perf_counter()
            report = import_bibtex(bib, pubs)
            first = time.perf_counter() - started
            assert len(report.added) == count, report.lines()[-1]
            started = time.perf_counter()
            import_bibtex(bib, pubs, dry_run=True)
            again = time.perf_counter() - started
        print(f"| {count:,} | {first:.2f} | {first / count * 1000:.2f} | {again:.2f} |")


if __name__ == "__main__":
    main()
