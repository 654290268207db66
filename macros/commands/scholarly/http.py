"""A polite HTTP client for the open scholarly services: paced, with timeouts and retries.

Each service is asked at the pace it documents, with a User-Agent that names this project and
the owner's e-mail. 429 and 5xx answers are retried after `Retry-After` (or a growing pause);
a service that does not answer in time, or drops the connection, is not asked again in the
same run, so a dead service cannot hold a command for long. Nothing is cached beyond the
`ScholarlyHttp` object, which lives for one command.
"""

from __future__ import annotations

import json
import os
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

PROJECT = "academic-homepage-from-yaml"
_JSON = {"Accept": "application/json"}
_BASE_URL = re.compile(r"^https?://[^/\s?#]+$")


@dataclass(frozen=True)
class Service:
    """One service: its name for messages, where it lives, and how often it may be asked."""

    name: str
    env: str
    default_url: str
    interval: float  # seconds between two requests, as the service asks


ARXIV = Service("arXiv", "ARXIV_API_URL", "https://export.arxiv.org", 3.0)
CROSSREF = Service("Crossref", "CROSSREF_API_URL", "https://api.crossref.org", 0.2)
DBLP = Service("DBLP", "DBLP_API_URL", "https://dblp.org", 1.5)
SEMANTIC_SCHOLAR = Service(
    "Semantic Scholar", "SEMANTIC_SCHOLAR_API_URL", "https://api.semanticscholar.org", 1.0
)
OPENALEX = Service("OpenAlex", "OPENALEX_API_URL", "https://api.openalex.org", 0.1)
# ORCID's public API allows 24 requests a second; one every 0.1 s keeps well below it.
ORCID = Service("ORCID", "ORCID_API_URL", "https://pub.orcid.org", 0.1)


class ServiceError(Exception):
    """A service failed or answered something unusable; the message names the service."""

    def __init__(self, service: Service, message: str) -> None:
        self.service = service
        super().__init__(f"{service.name}: {message}")


class NotFound(ServiceError):
    """The service does not know the paper (HTTP 404, or an empty answer)."""


@dataclass(frozen=True)
class HttpSettings:
    """Timeout and retry policy; the environment may shorten them (the tests do)."""

    timeout: float = 20.0  # seconds to connect, and between bytes of the answer
    attempts: int = 4  # tries per request on 429 and 5xx
    backoff: float = 2.0  # first pause after a 5xx without Retry-After; doubles each time
    max_wait: float = 120.0  # a longer Retry-After ends the run instead of waiting
    pace: float = 1.0  # share of each service's interval kept between requests (tests: less)

    @classmethod
    def from_env(cls) -> HttpSettings:
        def number(name: str, default: float) -> float:
            text = os.environ.get(name)
            try:
                return float(text) if text else default
            except ValueError:
                raise SystemExit(f"{name} must be a number of seconds, not {text!r}") from None

        return cls(
            timeout=number("HOMEPAGE_HTTP_TIMEOUT", cls.timeout),
            backoff=number("HOMEPAGE_HTTP_BACKOFF", cls.backoff),
            pace=min(1.0, number("HOMEPAGE_HTTP_PACE", cls.pace)),
        )


def user_agent(email: str | None, site_url: str | None) -> str:
    """`academic-homepage-from-yaml/1 (+https://site; mailto:owner@...)`: who is asking."""
    contact = [f"+{site_url}"] if site_url else []
    if email:
        contact.append(f"mailto:{email}")
    return f"{PROJECT}/1 ({'; '.join(contact)})" if contact else f"{PROJECT}/1"


def retry_after(response: requests.Response) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class ScholarlyHttp:
    """Requests to the services for one command run."""

    def __init__(
        self,
        agent: str,
        settings: HttpSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or HttpSettings.from_env()
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = agent
        self._last_request: dict[str, float] = {}
        self._down: dict[str, ServiceError] = {}

    def base_url(self, service: Service) -> str:
        """The service's address: its environment variable (http://HOST:PORT) or the real one."""
        value = os.environ.get(service.env) or service.default_url
        if not _BASE_URL.match(value):
            raise ServiceError(
                service,
                f"{service.env} must be a scheme and host such as http://127.0.0.1:8123"
                f" (no path, no trailing slash), not {value!r}",
            )
        return value

    def _pace(self, service: Service) -> None:
        last = self._last_request.get(service.name)
        if last is not None:
            pause = service.interval * self.settings.pace - (time.monotonic() - last)
            if pause > 0:
                self.sleep(pause)
        self._last_request[service.name] = time.monotonic()

    def request(
        self,
        service: Service,
        method: str,
        path: str,
        params: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """One answer with status 2xx; 404 raises NotFound, every other failure ServiceError."""
        if service.name in self._down:
            raise self._down[service.name]
        url = self.base_url(service) + path
        settings = self.settings
        for attempt in range(1, settings.attempts + 1):
            self._pace(service)
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=body,
                    headers=headers,
                    timeout=settings.timeout,
                )
            except requests.Timeout:
                error = ServiceError(service, f"no answer within {settings.timeout:g} s")
                self._down[service.name] = error
                raise error from None
            except requests.RequestException as failure:
                error = ServiceError(service, f"the connection failed ({type(failure).__name__})")
                self._down[service.name] = error
                raise error from None
            status = response.status_code
            if status == 404:
                raise NotFound(service, "not found (HTTP 404)")
            if status == 429 or status >= 500:
                if attempt == settings.attempts:
                    error = ServiceError(
                        service, f"still HTTP {status} after {settings.attempts} tries"
                    )
                    self._down[service.name] = error
                    raise error
                wait = retry_after(response)
                if wait is None:
                    wait = settings.backoff * 2 ** (attempt - 1)
                if wait > settings.max_wait:
                    error = ServiceError(
                        service, f"HTTP {status}: asks to wait {wait:.0f} s; try again later"
                    )
                    self._down[service.name] = error
                    raise error
                self.sleep(wait)
                continue
            if status >= 400:
                raise ServiceError(service, f"refused the request (HTTP {status})")
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, service: Service, path: str, params: dict[str, str] | None = None) -> Any:
        """The JSON answer; asked for as JSON, since ORCID answers XML unless told."""
        return json_of(service, self.request(service, "GET", path, params, headers=_JSON))

    def post_json(
        self, service: Service, path: str, params: dict[str, str] | None, body: Any
    ) -> Any:
        return json_of(service, self.request(service, "POST", path, params, body))

    def get_xml(
        self, service: Service, path: str, params: dict[str, str] | None = None
    ) -> ET.Element:
        response = self.request(service, "GET", path, params)
        try:
            return ET.fromstring(response.content)
        except ET.ParseError as error:
            raise ServiceError(service, f"its answer is not well-formed XML ({error})") from None


def json_of(service: Service, response: requests.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise ServiceError(service, "its answer is not valid JSON") from None


def shape_error(service: Service, what: str) -> ServiceError:
    return ServiceError(service, f"its answer is not in the expected shape ({what})")
