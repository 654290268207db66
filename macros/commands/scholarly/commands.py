"""The command-line side of `add`, `refresh-metrics` and `init`: arguments, messages, exit codes.

Exit codes: 0 done; 1 a service failed or the data is invalid (nothing written); 2 a bad
REF; 3 the paper is already in publications.yml (nothing written); 130 interrupted (Ctrl-C;
nothing written, the files are replaced in one step). Messages, never tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ...data.loader import DataError, load_section
from ..init import add_init_command, run_init
from .add import AlreadyThere, BadReference, add_paper
from .http import ScholarlyHttp, ServiceError, user_agent
from .refresh import refresh_metrics


def add_scholarly_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    adder = commands.add_parser(
        "add", help="append one paper, by arXiv id, DOI or DBLP key, to data/publications.yml"
    )
    adder.add_argument("ref", help="arXiv:1706.03762, doi:10.1145/... or dblp:conf/osdi/...")
    adder.add_argument("--dry-run", action="store_true", help="print the entry, write nothing")
    commands.add_parser(
        "refresh-metrics", help="store citation counts from open services in data/metrics.yml"
    )
    add_init_command(commands)


def _http(data_dir: Path) -> ScholarlyHttp:
    profile = load_section(data_dir / "profile.yml", "profile", "data/profile.yml")
    return ScholarlyHttp(user_agent(profile.email, profile.site.url))


def run_add(args: argparse.Namespace) -> int:
    data_dir = args.project / "data"
    try:
        result = add_paper(args.ref, data_dir, _http(data_dir), dry_run=args.dry_run)
    except KeyboardInterrupt:
        print("add: interrupted; nothing added", file=sys.stderr)
        return 130
    except BadReference as error:
        print(f"add: {error}", file=sys.stderr)
        return 2
    except AlreadyThere as error:
        print(f"add: nothing added: {error}", file=sys.stderr)
        return 3
    except (ServiceError, DataError, OSError) as error:
        print(f"add: nothing added: {error}", file=sys.stderr)
        return 1
    verb = "would add" if args.dry_run else "added"
    print(f"{verb} {result.publication.id} to data/publications.yml:\n")
    print(result.yaml)
    for note in result.notes:
        print(f"note: {note}")
    return 0


def run_refresh(args: argparse.Namespace) -> int:
    data_dir = args.project / "data"
    try:
        report = refresh_metrics(
            data_dir,
            _http(data_dir),
            datetime.now(UTC).date(),
            os.environ.get("OPENALEX_API_KEY") or None,
        )
    except KeyboardInterrupt:
        print("refresh-metrics: interrupted; data/metrics.yml left as it was", file=sys.stderr)
        return 130
    except (ServiceError, DataError, OSError) as error:
        print(f"refresh-metrics: {error}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()), file=sys.stderr if report.failures else sys.stdout)
    return 1 if report.failures else 0


SCHOLARLY_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add": run_add,
    "refresh-metrics": run_refresh,
    "init": run_init,
}
