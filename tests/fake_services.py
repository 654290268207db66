"""A stand-in for arXiv, Crossref, DBLP, Semantic Scholar and OpenAlex on 127.0.0.1.

Each route answers from a script of recorded answers (the last one repeats); it can also be
slow, or drop the connection. Every request is recorded (path, query, headers, time), so tests
check what was asked, how, and how long the command waited between tries.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

RECORDED = Path(__file__).parent / "fixtures" / "scholarly"
SERVICE_VARIABLES = (
    "ARXIV_API_URL",
    "CROSSREF_API_URL",
    "DBLP_API_URL",
    "SEMANTIC_SCHOLAR_API_URL",
    "OPENALEX_API_URL",
    "ORCID_API_URL",
)
# The fictional person of tests/fixtures/scholarly/init/ (see its README) and her ids.
INIT_ORCID = "0000-0003-2718-2812"
INIT_DBLP = "77/2718"
INIT_OPENALEX = "A5000027182"
INIT_PUT_CODES = "70101,70102,70103,70104,70105,70106"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow service)
    drop: bool = False  # close the connection halfway through the answer

    @classmethod
    def recorded(cls, name: str, **kwargs: object) -> Answer:
        kind = "application/json" if name.endswith(".json") else "application/atom+xml"
        return cls(body=(RECORDED / name).read_bytes(), headers={"Content-Type": kind}, **kwargs)  # type: ignore[arg-type]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    time: float


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up on a slow answer is expected; the fake stays quiet."""


class FakeServices:
    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[Request] = []
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                services.requests.append(
                    Request(
                        self.command,
                        parts.path,
                        parse_qs(parts.query),
                        dict(self.headers),
                        body,
                        time.monotonic(),
                    )
                )
                script = services.routes.get(f"{self.command} {parts.path}")
                answer = (
                    (script.pop(0) if len(script) > 1 else script[0])
                    if script
                    else Answer(404, b"Resource not found.", {"Content-Type": "text/plain"})
                )
                time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.drop:
                    self.wfile.write(answer.body[: len(answer.body) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.wfile.write(answer.body)

            do_GET = do_POST = _answer

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path: str, *answers: Answer) -> None:
        self.routes[f"{method} {path}"] = list(answers)

    def serve_person(self) -> None:
        """The recorded answers about the fictional person `init` fetches (all three services;
        OpenAlex's works in two pages)."""
        orcid = f"/v3.0/{INIT_ORCID}"
        for path, name in (
            (f"{orcid}/person", "orcid_person.json"),
            (f"{orcid}/activities", "orcid_activities.json"),
            (f"{orcid}/works/{INIT_PUT_CODES}", "orcid_works_bulk.json"),
            (f"/pid/{INIT_DBLP}.xml", "dblp_person.xml"),
            (f"/authors/{INIT_OPENALEX}", "openalex_author.json"),
        ):
            self.route("GET", path, Answer.recorded(f"init/{name}"))
        self.route(
            "GET",
            "/works",
            Answer.recorded("init/openalex_works_page1.json"),
            Answer.recorded("init/openalex_works_page2.json"),
        )

    def asked(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
