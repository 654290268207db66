"""Command line for the site data.

`python -m macros check` validates data/; `python -m macros schema` rewrites schemas/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .loader import DataError, load_site_data
from .schema import write_schemas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros", description=__doc__)
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="the site's folder")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate every file in data/ and report problems")
    commands.add_parser("schema", help="regenerate the JSON Schemas in schemas/")
    args = parser.parse_args(argv)

    if args.command == "check":
        try:
            site = load_site_data(args.project / "data")
        except DataError as error:
            print(error, file=sys.stderr)
            return 1
        print(
            f"data/ is valid: {len(site.publications)} publications, {len(site.news)} news items."
        )
        return 0
    for path in write_schemas(args.project / "schemas"):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
