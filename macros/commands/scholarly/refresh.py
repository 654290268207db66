"""`python -m macros refresh-metrics`: citation counts of every paper into data/metrics.yml.

Counts come from Semantic Scholar (every paper with an arXiv id or DOI, one batch request),
OpenAlex (the same, when OPENALEX_API_KEY is set) and Crossref (papers with a DOI). A paper a
service does not know keeps what was stored. If any request fails, nothing is written: the
report names each paper and service that failed, and the stored counts stay as they were.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from ...data.loader import load_section, load_site_data
from ...data.metrics import SERVICE_LABELS
from ...data.model import Publication
from ..atomic_write import write_atomically
from . import crossref, openalex, semantic_scholar
from .http import NotFound, ScholarlyHttp, ServiceError

METRICS_HEADER = """\
# yaml-language-server: $schema=../schemas/metrics.schema.json
# Citation counts, written by `python -m macros refresh-metrics` (see the README): per
# publication id and service, the count and the day it was fetched. Not typed by hand.
# show_total: true also shows the sum of the papers' counts on the home page.
show_total: false
"""


@dataclass
class RefreshReport:
    """Counts fetched, papers a service does not know, and failures (paper id, message)."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False

    def lines(self) -> list[str]:
        out = list(self.notes)
        out += [f"{pub}: {SERVICE_LABELS[s]} does not know this paper" for pub, s in self.unknown]
        out += [f"failed  {pub}: {message}" for pub, message in self.failures]
        if self.failures:
            out.append(
                f"{len(self.failures)} failed: data/metrics.yml left as it was; run again later."
            )
        else:
            out.append(
                f"{len(self.counts)} counts for {len({p for p, _ in self.counts})} papers;"
                + (" data/metrics.yml updated." if self.written else " nothing changed.")
            )
        return out


def _collect_batch(
    report: RefreshReport,
    pubs: list[Publication],
    keys: dict[str, str],
    service: str,
    citation_counts: Callable[[ScholarlyHttp, list[str]], dict[str, int]],
    http: ScholarlyHttp,
) -> None:
    """One batch request to `service` for every paper's key (`keys`: paper id -> key); a
    failure is every paper's, a key the answer lacks is a paper the service does not know."""
    try:
        found = citation_counts(http, list(dict.fromkeys(keys.values())))
    except ServiceError as error:
        report.failures += [(p.id, str(error)) for p in pubs]
        return
    for pub in pubs:
        if keys[pub.id] in found:
            report.counts[(pub.id, service)] = found[keys[pub.id]]
        else:
            report.unknown.append((pub.id, service))


def _collect(
    report: RefreshReport,
    pubs: list[Publication],
    http: ScholarlyHttp,
    mailto: str | None,
    openalex_key: str | None,
) -> None:
    keys = {p.id: semantic_scholar.paper_key(p.arxiv, p.doi) for p in pubs}
    _collect_batch(report, pubs, keys, "semantic_scholar", semantic_scholar.citation_counts, http)
    if openalex_key:
        dois = {p.id: openalex.work_doi(p.arxiv, p.doi) for p in pubs}
        _collect_batch(
            report,
            pubs,
            dois,
            "openalex",
            lambda client, wanted: openalex.citation_counts(client, wanted, openalex_key),
            http,
        )
    else:
        report.notes.append("OpenAlex skipped: set OPENALEX_API_KEY to ask it too.")

    for pub in pubs:
        if not pub.doi:
            continue
        try:
            report.counts[(pub.id, "crossref")] = crossref.citation_count(http, pub.doi, mailto)
        except NotFound:
            report.unknown.append((pub.id, "crossref"))
        except ServiceError as error:
            report.failures.append((pub.id, str(error)))


def metrics_text(current: str | None, counts: dict[tuple[str, str], int], today: date) -> str:
    """The metrics file with these counts set, everything else (comments too) kept."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    document = yaml.load(current if current is not None else METRICS_HEADER)
    if not isinstance(document, CommentedMap):
        document = yaml.load(METRICS_HEADER)
    citations = document.get("citations")
    if not isinstance(citations, CommentedMap) or not citations:
        citations = document["citations"] = CommentedMap()
    for pub_id, service in sorted(counts, key=lambda k: list(SERVICE_LABELS).index(k[1])):
        per_service = citations.get(pub_id)
        if not isinstance(per_service, CommentedMap):
            per_service = citations[pub_id] = CommentedMap()
        value = CommentedMap(count=counts[(pub_id, service)], date=today)
        value.fa.set_flow_style()
        per_service[service] = value
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def refresh_metrics(
    data_dir: Path, http: ScholarlyHttp, today: date, openalex_key: str | None
) -> RefreshReport:
    """Fetch the counts and, if every request went well, store them in data/metrics.yml."""
    site = load_site_data(data_dir)  # DataError if anything in data/ is wrong
    pubs = [p for p in site.publications if p.arxiv or p.doi]
    report = RefreshReport()
    _collect(report, pubs, http, site.profile.email, openalex_key)
    if report.failures or not report.counts:
        return report
    path = data_dir / "metrics.yml"
    current = path.read_text(encoding="utf-8") if path.exists() else None
    updated = metrics_text(current, report.counts, today)
    if updated == current:
        return report
    with tempfile.TemporaryDirectory() as scratch:  # validate before replacing the file
        candidate = Path(scratch) / "metrics.yml"
        candidate.write_text(updated, encoding="utf-8")
        load_section(candidate, "metrics", "data/metrics.yml")
    write_atomically(path, updated)
    report.written = True
    return report
