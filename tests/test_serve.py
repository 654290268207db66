"""`mkdocs serve` rebuilds on edits to data/ and to the Python code in macros/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    page = ""
    while time.monotonic() < deadline:
        page = fetch(url)
        if needle in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} did not appear at {url} within {seconds}s")


@pytest.fixture
def served(project: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(base, "Chaofan Lin")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_data_and_python_edits_reload(project: Path, served: str) -> None:
    talks = project / "data" / "talks.yml"
    talks.write_text(
        talks.read_text() + "\n- {title: A Freshly Added Talk, event: Live, year: 2026}\n"
    )
    wait_for(served + "talks/", "A Freshly Added Talk")

    rendering = project / "macros" / "views.py"
    source = rendering.read_text()
    assert 'return "Present"' in source
    rendering.write_text(source.replace('return "Present"', 'return "Ongoing (edited)"'))
    wait_for(served + "research/", "Ongoing (edited)")
