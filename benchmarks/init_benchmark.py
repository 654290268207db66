"""Time from `python -m macros init` to a finished `mkdocs build`: how long making the site
someone else's takes, services included.

The project is copied to a temporary folder with its own data (the previous owner's); the
open services are played on 127.0.0.1 by the tests' fake, with the recorded answers of a
fictional researcher (tests/fixtures/scholarly/init/), at each service's real pace. Then
`init --orcid --dblp --openalex` and `mkdocs build --strict` run as a user runs them, each in
its own process. The figures are printed; the target is under 60 s.

    python benchmarks/init_benchmark.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import copy_project
from fake_services import (
    INIT_DBLP,
    INIT_OPENALEX,
    INIT_ORCID,
    SERVICE_VARIABLES,
    FakeServices,
)

ROOT = Path(__file__).resolve().parent.parent


def one_run(folder: Path) -> tuple[float, float, int]:
    """Seconds for init, seconds from init's start to the built site, requests made."""
    project = folder / "project"
    project.mkdir()
    copy_project(project, data=None)
    services = FakeServices()
    services.serve_person()
    env = {
        **os.environ,
        **{variable: services.url for variable in SERVICE_VARIABLES},
        "OPENALEX_API_KEY": "benchmark",
        "NO_PROXY": "127.0.0.1",
        "NO_MKDOCS_2_WARNING": "1",
    }
    ids = ["--orcid", INIT_ORCID, "--dblp", INIT_DBLP, "--openalex", INIT_OPENALEX]
    try:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "macros", "--project", str(project), "init", *ids],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        init_done = time.perf_counter()
        site = str(folder / "site")
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
        )
        built = time.perf_counter()
    finally:
        services.stop()
    return init_done - start, built - start, len(services.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is printed")
    args = parser.parse_args()
    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="init-benchmark-") as scratch:
            results.append(one_run(Path(scratch)))
    init_seconds = statistics.median(r[0] for r in results)
    total = statistics.median(r[1] for r in results)
    print(f"runs: {args.runs}; requests per run: {results[0][2]}")
    print(f"init (services at their real pace): {init_seconds:.2f} s (median)")
    print(f"init to finished build: {total:.2f} s (median; target under 60 s)")


if __name__ == "__main__":
    main()
