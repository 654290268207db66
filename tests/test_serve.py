"""`mkdocs serve` rebuilds on edits to data/ and to the Python code in macros/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
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


class Server:
    """`mkdocs serve` in its own process, its output collected on a thread."""

    def __init__(self, project: Path) -> None:
        self.url = f"http://127.0.0.1:{free_port()}/"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", self.url[7:-1]],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for_output(self, needle: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(needle in line for line in self.lines):
                return
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} not printed within {seconds}s:\n{''.join(self.lines)}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def server(project: Path) -> Iterator[Server]:
    server = Server(project)
    try:
        wait_for(server.url, "</html>")
        yield server
    finally:
        server.stop()


@pytest.fixture
def served(server: Server) -> str:
    return server.url


def test_a_misspelt_macro_does_not_end_the_server(project: Path, server: Server) -> None:
    """mkdocs-macros exits on a failing macro; the check before it reports the page and line
    instead, the server keeps running, and the page comes back once the typo is fixed."""
    page = project / "docs" / "index.md"  # the person's home page replaces the engine's
    text = (project / "macros" / "pages" / "index.md").read_text()
    page.write_text(text + "\n{{ talkz() }}\n")
    line = len(page.read_text().splitlines())
    server.wait_for_output(f"docs/index.md:{line}: unknown macro or variable 'talkz'")
    time.sleep(1)
    assert server.process.poll() is None, "".join(server.lines)
    page.write_text(text + "\nFixed: the page is back.\n")
    wait_for(server.url, "Fixed: the page is back.")


def test_data_and_python_edits_reload(project: Path, served: str) -> None:
    news = project / "data" / "news.yml"
    news.write_text(news.read_text() + "\n- {date: 2020, text: A freshly added item.}\n")
    wait_for(served, "A freshly added item.")

    rendering = project / "macros" / "views" / "words.py"
    source = rendering.read_text()
    assert "return self.present" in source
    rendering.write_text(source.replace("return self.present", 'return "Ongoing (edited)"'))
    wait_for(served + "cv/", "Ongoing (edited)")
