"""Command line for the site data.

`python -m macros check` validates data/ and the cv.json made from it;
`python -m macros schema` rewrites schemas/;
`python -m macros import-bibtex refs.bib` appends new papers from BibTeX to data/publications.yml;
`python -m macros add arXiv:1706.03762` (or doi:..., dblp:...) appends one paper from the web;
`python -m macros init --orcid ID` (or --dblp, --openalex, --name) makes the site someone else's;
`python -m macros refresh-metrics` stores citation counts in data/metrics.yml;
`python -m macros upgrade [SOURCE]` takes a newer release of the engine into this site
(`upgrade --into SITE`, run from a checkout of the template, takes this one into SITE).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .commands.bibtex_import import decode_bib, import_bibtex
from .commands.scholarly.commands import SCHOLARLY_COMMANDS, add_scholarly_commands
from .commands.upgrade import upgrade_from, upgrade_into
from .data.loader import DataError, load_languages
from .data.schema import write_schemas
from .outputs.json_resume import json_resume, schema_problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros", description=__doc__)
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="the site's folder")
    commands = parser.add_subparsers(dest="command", required=True)
    checker = commands.add_parser(
        "check", help="validate every file in data/ and report problems and missing translations"
    )
    checker.add_argument(
        "--missing", action="store_true", help="list each text that lacks a translation"
    )
    commands.add_parser("schema", help="regenerate the JSON Schemas in schemas/")
    importer = commands.add_parser(
        "import-bibtex", help="append the new entries of a .bib file to data/publications.yml"
    )
    importer.add_argument("bibfile", type=Path, help="a .bib file, e.g. exported from DBLP")
    importer.add_argument("--dry-run", action="store_true", help="report, but change nothing")
    add_scholarly_commands(commands)
    upgrader = commands.add_parser("upgrade", help="take a newer release of the engine")
    upgrader.add_argument(
        "source", nargs="?", help="the template: a path, a git URL or a remote (upstream)"
    )
    upgrader.add_argument("--into", type=Path, help="the site to upgrade with this checkout")
    upgrader.add_argument(
        "--keep-mine", action="store_true", help="keep your version of engine files you changed"
    )
    upgrader.add_argument("--no-build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.command == "upgrade":
        return _upgrade(parser, args)

    if args.command in SCHOLARLY_COMMANDS:
        return SCHOLARLY_COMMANDS[args.command](args)

    if args.command == "import-bibtex":
        logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # the report says it all
        try:
            bib_text, encoding = decode_bib(args.bibfile.read_bytes(), str(args.bibfile))
            if encoding != "utf-8":
                print(f"read {args.bibfile} as {encoding} (it is not UTF-8)")
            report = import_bibtex(
                bib_text, args.project / "data" / "publications.yml", dry_run=args.dry_run
            )
        except (DataError, OSError, ValueError) as error:
            print(error, file=sys.stderr)
            return 1
        print("\n".join(report.lines()))
        return 0

    if args.command == "check":
        return _check(args.project / "data", args.missing)
    for path in write_schemas(args.project / "schemas"):
        print(f"wrote {path}")
    return 0


def _check(data_dir: Path, list_missing: bool) -> int:
    """Validate data/ in every language; say how many texts each language lacks (which is
    information, not a problem: they show the default language's text)."""
    try:
        loaded = load_languages(data_dir)
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    site = loaded.default
    problems = schema_problems(json_resume(site, site.profile.site.url))
    if problems:  # a bug in macros/outputs/json_resume.py, not in the data
        print("cv.json would not match the JSON Resume schema:", *problems, sep="\n  ")
        return 1
    print(f"data/ is valid: {len(site.publications)} publications, {len(site.news)} news items.")
    if len(loaded.languages) > 1:
        print(f"Languages: {', '.join(loaded.languages)} (the default is {site.language}).")
    for code, missing in loaded.missing.items():
        print(
            f"{code}: {len(missing)} of {loaded.texts} texts have no translation"
            f" (they show the {site.language} text)" + (":" if list_missing and missing else ".")
        )
        if list_missing:
            for place in missing:
                print(f"  {place}")
    for note in loaded.notes:
        print(note[0].upper() + note[1:] + ".")
    return 0


def _upgrade(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.into is not None and args.source is not None:
        parser.error("upgrade takes SOURCE (inside a site) or --into SITE (in the template)")
    if args.into is not None:
        if not (args.into / "mkdocs.yml").is_file():
            parser.error(f"--into {args.into}: no mkdocs.yml there; is it a site?")
        template = Path(__file__).resolve().parent.parent
        return upgrade_into(args.into.resolve(), template, args.keep_mine, not args.no_build)
    return upgrade_from(args.project.resolve(), args.source, args.keep_mine, not args.no_build)


if __name__ == "__main__":
    sys.exit(main())
