"""`python -m macros add` and `refresh-metrics` against recorded answers on 127.0.0.1.

The answers are in tests/fixtures/scholarly/ (see its README for where each shape comes from);
`fake_services.FakeServices` plays the five services, including their faults. No test here
touches the network: every service variable points at the local server.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
from conftest import ROOT, run_build
from fake_services import RECORDED, SERVICE_VARIABLES, Answer, FakeServices

from macros.__main__ import main
from macros.commands.scholarly.http import ARXIV, DBLP, HttpSettings, ScholarlyHttp, retry_after
from macros.data.loader import load_section

S2_BATCH = "/graph/v1/paper/batch"
HARBOR_DOI = "10.5555/3600006.3613165"
KEEL_DOI = "10.5555/3700000.3700099"
DBLP_KEY = "conf/osdi/ExampleS24"
OLD_METRICS = """\
# yaml-language-server: $schema=../schemas/metrics.schema.json
show_total: false
citations:
  example2024harbor:
    semantic_scholar: {count: 40, date: 2026-01-05}
"""


@pytest.fixture
def services() -> FakeServices:
    fake = FakeServices()
    yield fake
    fake.stop()


@pytest.fixture
def example(project: Path, services: FakeServices, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project with a fictional owner's papers, every service pointing at `services`."""
    (project / "data" / "metrics.yml").unlink(missing_ok=True)  # counts of the papers replaced
    for path in (RECORDED / "data").iterdir():
        shutil.copy(path, project / "data" / path.name)
    for variable in SERVICE_VARIABLES:
        monkeypatch.setenv(variable, services.url)
    monkeypatch.setenv("HOMEPAGE_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("HOMEPAGE_HTTP_BACKOFF", "0.05")
    monkeypatch.setenv("HOMEPAGE_HTTP_PACE", "0.01")  # services' intervals / 100
    monkeypatch.setenv("OPENALEX_API_KEY", "test-key")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a machine's proxy must not see the fake
    return project


def command(project: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run `python -m macros ARGS` in this process (fast); returns exit code and all output."""
    code = main(["--project", str(project), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m macros ARGS` as a user does, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "macros", "--project", str(project), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def data_bytes(project: Path) -> dict[str, bytes]:
    """Every file under data/ (the papers' figures in data/images/ too), by its path there."""
    data = project / "data"
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in data.rglob("*") if p.is_file()}


def serve_counts(services: FakeServices, *s2: Answer) -> None:
    services.route("POST", S2_BATCH, *(s2 or [Answer.recorded("semantic_scholar_batch.json")]))
    services.route("GET", "/works", Answer.recorded("openalex_works.json"))
    services.route("GET", f"/works/{HARBOR_DOI}", Answer.recorded("crossref_harbor.json"))


# --- add ----------------------------------------------------------------------------------


def test_add_arxiv_doi_and_dblp_append_entries_and_the_site_builds(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    services.route("GET", "/api/query", Answer.recorded("arxiv_2502.01234.xml"))
    services.route("GET", f"/works/{KEEL_DOI}", Answer.recorded("crossref_keel.json"))
    services.route("GET", f"/rec/{DBLP_KEY}.xml", Answer.recorded("dblp_conf_osdi_ExampleS24.xml"))
    pubs = example / "data" / "publications.yml"
    before = pubs.read_bytes()

    result = cli(example, "add", "arXiv:2502.01234v2")  # the real command line, once
    assert result.returncode == 0, result.stderr
    assert "added example2025tidal to data/publications.yml" in result.stdout
    # arXiv's metadata names a DOI and a journal reference: the user is told.
    assert "10.5555/3700000.3700042" in result.stdout
    assert "Proceedings of ExampleConf 2025" in result.stdout
    assert command(example, "add", f"doi:{KEEL_DOI}", capsys=capsys)[0] == 0
    assert command(example, "add", f"dblp:{DBLP_KEY}", capsys=capsys)[0] == 0

    after = pubs.read_bytes()
    assert after.startswith(before), "every existing byte stays as it was"
    added = {p.id: p for p in load_section(pubs, "publications")[3:]}
    assert list(added) == ["example2025tidal", "example2025keel", "example2024anchor"]
    tidal = added["example2025tidal"]
    assert tidal.title == "Tidal: Example Scheduling of Imaginary Workloads & Friends"
    assert [a.name for a in tidal.authors] == ["Ada Example", "Bo Sample", "Zoë Müller"]
    assert (tidal.type, tidal.year, tidal.arxiv, tidal.doi) == (
        "preprint",
        2025,
        "2502.01234",
        None,
    )
    keel = added["example2025keel"]
    assert keel.title == "Keel: Steady Serving of Imaginary Models"  # Crossref's <i> removed
    assert [a.name for a in keel.authors] == ["Ada Example", "Eve Instance", "Bo Sample"]
    assert keel.type == "conference"  # a Crossref proceedings-article
    assert keel.venue == "Proceedings of the 31st Example Symposium on Operating Systems"
    assert (keel.year, keel.doi) == (2025, KEEL_DOI)
    anchor = added["example2024anchor"]
    assert anchor.title == "Anchor: Example Placement of Imaginary Models"
    assert [a.name for a in anchor.authors] == ["Ada Example", "Bo Sample"]  # DBLP's 0001 gone
    assert (anchor.venue, anchor.year, anchor.type) == ("OSDI", 2024, "conference")
    assert anchor.links.page == "https://www.example.org/osdi24/presentation/example"

    (arxiv_request,) = services.asked("/api/query")
    assert arxiv_request.query["id_list"] == ["2502.01234"]
    (crossref_request,) = services.asked(f"/works/{KEEL_DOI}")
    assert crossref_request.query["mailto"] == ["ada@example.org"]  # Crossref's polite pool
    for request in services.requests:
        agent = request.headers["User-Agent"]
        assert "academic-homepage-from-yaml" in agent and "mailto:ada@example.org" in agent

    services.stop()
    (example / "data" / "metrics.yml").write_text(OLD_METRICS)  # counts, total not turned on
    build = run_build(example, tmp_path / "site")
    assert build.returncode == 0, build.output
    for pub in added.values():
        assert pub.title in build.text(f"publications/{pub.id}")
        assert "cited by" not in build.text(f"publications/{pub.id}")  # no count stored
    assert "Zoë Müller" in build.text("publications")
    assert "cited by 40 · Semantic Scholar · 2026-01-05" in build.text("publications")
    assert "in total" not in build.text("")


def test_a_paper_already_there_is_refused_and_nothing_changes(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    before = data_bytes(example)
    code, output = command(example, "add", "arXiv:2310.02222", capsys=capsys)
    assert code == 3 and "already there" in output and "example2023lantern" in output
    code, output = command(example, "add", f"doi:{HARBOR_DOI.upper()}", capsys=capsys)
    assert code == 3 and "already there" in output and "example2024harbor" in output
    assert services.requests == [], "a paper known by the id asked for needs no request"
    # Known only by its title: DBLP is asked, then the duplicate is found.
    record = (RECORDED / "dblp_conf_osdi_ExampleS24.xml").read_text()
    record = record.replace(
        "Anchor: Example Placement of Imaginary Models.",
        "Harbor: Example caching for imaginary services.",
    )
    services.route("GET", f"/rec/{DBLP_KEY}.xml", Answer(body=record.encode()))
    code, output = command(example, "add", f"dblp:{DBLP_KEY}", capsys=capsys)
    assert code == 3 and "example2024harbor (same title)" in output
    assert data_bytes(example) == before


def test_dry_run_prints_the_entry_and_writes_nothing(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    services.route("GET", f"/works/{KEEL_DOI}", Answer.recorded("crossref_keel.json"))
    before = data_bytes(example)
    code, output = command(example, "add", f"doi:{KEEL_DOI}", "--dry-run", capsys=capsys)
    assert code == 0 and "would add example2025keel" in output
    assert "- id: example2025keel" in output and f"doi: {KEEL_DOI}" in output
    assert data_bytes(example) == before


def test_bad_and_unknown_references(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    before = data_bytes(example)
    for ref in ("2502.01234", "arXiv:25.1", "doi:11.1/x", "dblp:not a key", "isbn:123"):
        code, output = command(example, "add", ref, capsys=capsys)
        assert code == 2 and ("expected" in output or "looks like" in output), (ref, output)
    services.route("GET", "/api/query", Answer.recorded("arxiv_empty.xml"))
    code, output = command(example, "add", "arXiv:2502.09999", capsys=capsys)
    assert code == 1 and "arXiv: no paper has the id 2502.09999" in output
    code, output = command(example, "add", "doi:10.5555/unknown", capsys=capsys)
    assert code == 1 and "Crossref: not found" in output
    assert data_bytes(example) == before


FAULTS = {
    "500": Answer(500, b"Internal Server Error"),
    "malformed": Answer(
        200, b'{"status": "ok", "message": [', {"Content-Type": "application/json"}
    ),
    "slow": Answer(delay=2.0),  # longer than HOMEPAGE_HTTP_TIMEOUT=0.5
    "wrong shape": Answer(200, b'{"data": null}', {"Content-Type": "application/json"}),
    "dropped": Answer(body=b'{"status": "ok", "message": {"title": ["x"]}}' * 50, drop=True),
}


# A DOI with letters (the recorded ones are all digits, the same in any case) and a preprint
# kept at a version: what `add` must recognise however the reference or a service spells it.
MIXED_DOI = "10.5555/Harbor.EX-2024a"
DBLP_RECORD = (RECORDED / "dblp_conf_osdi_ExampleS24.xml").read_text()


def _dblp_with(extra: str) -> Answer:
    """DBLP's record of another paper (Anchor) that names `extra` (a DOI, an arXiv id)."""
    return Answer(body=DBLP_RECORD.replace("<crossref>", extra + "\n<crossref>").encode())


@pytest.mark.parametrize(
    ("ref", "dblp", "reason"),
    [
        (f"doi:{MIXED_DOI.lower()}", None, "example2024harbor (same DOI)"),
        (f"doi:{MIXED_DOI.upper()}", None, "example2024harbor (same DOI)"),
        (f"doi:https://doi.org/{MIXED_DOI.swapcase()}", None, "example2024harbor (same DOI)"),
        (
            f"dblp:{DBLP_KEY}",
            f"<ee>https://doi.org/{MIXED_DOI.upper()}</ee>",
            "example2024harbor (same DOI)",
        ),
        (
            f"dblp:{DBLP_KEY}",
            f"<ee>https://doi.org/{MIXED_DOI.lower()}</ee>",
            "example2024harbor (same DOI)",
        ),
        ("arXiv:2310.02222", None, "example2023lantern (same arXiv id)"),
        ("arXiv:2310.02222v1", None, "example2023lantern (same arXiv id)"),
        ("arXiv:2310.02222v3", None, "example2023lantern (same arXiv id)"),
        (
            f"dblp:{DBLP_KEY}",
            "<eprinttype>arXiv</eprinttype><eprint>2310.02222v1</eprint>",
            "example2023lantern (same arXiv id)",
        ),
        (
            f"dblp:{DBLP_KEY}",
            "<eprinttype>arXiv</eprinttype><eprint>2310.02222</eprint>",
            "example2023lantern (same arXiv id)",
        ),
    ],
)
def test_add_knows_a_doi_in_any_case_and_an_arxiv_id_in_any_version(
    example: Path,
    services: FakeServices,
    capsys: pytest.CaptureFixture[str],
    ref: str,
    dblp: str | None,
    reason: str,
) -> None:
    """DOIs are case-insensitive and an arXiv id names every version of a preprint: the paper
    is refused as already there, whether the reference names it or the service's record does."""
    pubs = example / "data" / "publications.yml"
    text = pubs.read_text().replace(f"doi: {HARBOR_DOI}", f"doi: {MIXED_DOI}")
    pubs.write_text(text.replace('arxiv: "2310.02222"', 'arxiv: "2310.02222v2"'))
    if dblp:
        services.route("GET", f"/rec/{DBLP_KEY}.xml", _dblp_with(dblp))
    before = data_bytes(example)
    code, output = command(example, "add", ref, capsys=capsys)
    assert code == 3 and f"already there: duplicate of {reason}" in output, output
    assert data_bytes(example) == before
    if not dblp:
        assert services.requests == [], "a paper known by the id asked for needs no request"


@pytest.mark.parametrize("fault", FAULTS)
def test_add_reports_a_failing_service_and_changes_nothing(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    services.route("GET", "/api/query", FAULTS[fault])
    before = data_bytes(example)
    code, output = command(example, "add", "arXiv:2502.01234", capsys=capsys)
    assert code == 1 and "nothing added: arXiv: " in output, output
    assert fault != "slow" or "no answer within 0.5 s" in output
    assert "Traceback" not in output
    assert data_bytes(example) == before


# --- refresh-metrics --------------------------------------------------------------------------


def test_refresh_metrics_stores_counts_that_the_site_shows_offline(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    serve_counts(services)
    result = cli(example, "refresh-metrics")
    assert result.returncode == 0, result.stderr
    today = datetime.now(UTC).date().isoformat()
    metrics = load_section(example / "data" / "metrics.yml", "metrics")
    counts = {
        (pub, service): (count.count, count.date)
        for pub, per_service in metrics.citations.items()
        for service, count in per_service.items()
    }
    assert counts == {
        ("example2024harbor", "semantic_scholar"): (45, today),
        ("example2024harbor", "openalex"): (38, today),
        ("example2024harbor", "crossref"): (31, today),
        ("example2023lantern", "semantic_scholar"): (3, today),
    }
    assert "example2023lantern: OpenAlex does not know this paper" in result.stdout
    (batch,) = services.asked(S2_BATCH)  # one request for all papers
    assert batch.body == b'{"ids": ["ARXIV:2405.01111", "ARXIV:2310.02222"]}'
    (works,) = services.asked("/works")
    assert works.query["filter"] == [f"doi:{HARBOR_DOI}|10.48550/arxiv.2310.02222"]
    assert works.query["api_key"] == ["test-key"]
    assert command(example, "check", capsys=capsys)[0] == 0

    metrics_file = example / "data" / "metrics.yml"
    metrics_file.write_text(
        metrics_file.read_text().replace("show_total: false", "show_total: true")
    )
    services.stop()  # the network is gone: the build reads only data/
    build = run_build(example, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert f"cited by 45 · Semantic Scholar · {today}" in build.text(
        "publications/example2024harbor"
    )
    listing = build.text("publications")
    assert f"cited by 45 · Semantic Scholar · {today}" in listing
    assert f"cited by 3 · Semantic Scholar · {today}" in listing
    assert f"Cited 48 times in total (Semantic Scholar · {today})" in build.text("")
    assert "cited by" not in build.text("publications/example2022quiet")


def test_refresh_waits_as_told_after_429(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_counts(
        services,
        Answer(429, b"Too Many Requests", {"Retry-After": "1"}),
        Answer.recorded("semantic_scholar_batch.json"),
    )
    code, output = command(example, "refresh-metrics", capsys=capsys)
    assert code == 0, output
    first, second = services.asked(S2_BATCH)
    assert second.time - first.time >= 1.0
    metrics = load_section(example / "data" / "metrics.yml", "metrics")
    assert metrics.citations["example2024harbor"]["semantic_scholar"].count == 45


def test_a_404_from_crossref_is_not_a_failure(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_counts(services)
    del services.routes[f"GET /works/{HARBOR_DOI}"]
    code, output = command(example, "refresh-metrics", capsys=capsys)
    assert code == 0, output
    assert "example2024harbor: Crossref does not know this paper" in output
    metrics = load_section(example / "data" / "metrics.yml", "metrics")
    assert set(metrics.citations["example2024harbor"]) == {"semantic_scholar", "openalex"}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    ("route", "name"),
    [
        (f"POST {S2_BATCH}", "Semantic Scholar"),
        ("GET /works", "OpenAlex"),
        (f"GET /works/{HARBOR_DOI}", "Crossref"),
    ],
)
def test_refresh_reports_a_failing_service_and_changes_nothing(
    example: Path,
    services: FakeServices,
    capsys: pytest.CaptureFixture[str],
    route: str,
    name: str,
    fault: str,
) -> None:
    (example / "data" / "metrics.yml").write_text(OLD_METRICS)
    serve_counts(services)
    services.routes[route] = [FAULTS[fault]]
    before = data_bytes(example)
    code, output = command(example, "refresh-metrics", capsys=capsys)
    assert code == 1, output
    assert f"failed  example2024harbor: {name}: " in output
    assert fault != "slow" or f"{name}: no answer within 0.5 s" in output
    assert "data/metrics.yml left as it was" in output and "Traceback" not in output
    assert data_bytes(example) == before


def test_metrics_file_is_validated_with_file_and_line(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (example / "data" / "metrics.yml").write_text(
        OLD_METRICS
        + "    crossref: {count: many, date: 2026-01-05}\n"
        + "  nosuchpaper:\n    openalex: {count: 1, date: 2026-01-05}\n"
    )
    code, output = command(example, "check", capsys=capsys)
    assert code == 1
    assert "data/metrics.yml:6:" in output and "count" in output
    (example / "data" / "metrics.yml").write_text(
        OLD_METRICS + "  nosuchpaper:\n    openalex: {count: 1, date: 2026-01-05}\n"
    )
    code, output = command(example, "check", capsys=capsys)
    assert code == 1 and "data/metrics.yml:6:3:" in output
    assert "no publication has the id 'nosuchpaper'" in output
    (example / "data" / "metrics.yml").write_text("# nothing fetched yet\n")
    assert command(example, "check", capsys=capsys)[0] == 0


def test_service_variables_hold_scheme_and_host_only(
    example: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARXIV_API_URL", "http://127.0.0.1:9/api/")
    code, output = command(example, "add", "arXiv:2502.01234", capsys=capsys)
    assert code == 1 and "ARXIV_API_URL must be a scheme and host" in output


def test_retry_after_in_seconds_or_as_a_date() -> None:
    answer = requests.Response()
    answer.headers["Retry-After"] = "7"
    assert retry_after(answer) == 7
    answer.headers["Retry-After"] = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert retry_after(answer) == 0


def test_add_to_a_missing_publications_file(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    services.route("GET", f"/works/{KEEL_DOI}", Answer.recorded("crossref_keel.json"))
    pubs = example / "data" / "publications.yml"
    pubs.unlink()
    code, output = command(example, "add", f"doi:{KEEL_DOI}", capsys=capsys)
    assert code == 0, output
    assert pubs.read_text().startswith("# yaml-language-server: $schema=")
    assert [p.id for p in load_section(pubs, "publications")] == ["example2025keel"]


# publications.yml as people leave it, made from the example's file.
ENDINGS = {
    "blank lines": lambda text: text + "\n\n\n",
    "trailing spaces": lambda text: text.rstrip("\n") + "   \n  ",
    "no final newline": lambda text: text.rstrip("\n"),
    "CRLF": lambda text: text.replace("\n", "\r\n"),
    "CRLF and blank lines": lambda text: text.replace("\n", "\r\n") + "\r\n\r\n",
    "a comment at the end": lambda text: text + "# more to come",
    "a byte-order mark": lambda text: "\ufeff" + text,
    "an empty file": lambda text: "",
    "only comments": lambda text: "# papers\n# none yet\n",
    "[]": lambda text: "# papers\n[]  # none yet\n",
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_add_keeps_every_existing_byte(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str], ending: str
) -> None:
    """The new file starts with the old one byte for byte (but a lone `[]`), and holds the
    old entries, then the new one."""
    services.route("GET", f"/works/{KEEL_DOI}", Answer.recorded("crossref_keel.json"))
    pubs = example / "data" / "publications.yml"
    before = ENDINGS[ending](pubs.read_text(encoding="utf-8"))
    pubs.write_bytes(before.encode())
    old_ids = [p.id for p in load_section(pubs, "publications")]
    code, output = command(example, "add", f"doi:{KEEL_DOI}", capsys=capsys)
    assert code == 0, output
    after = pubs.read_bytes().decode()
    kept = before.replace("[]", "", 1) if ending == "[]" else before
    assert after.startswith(kept), f"{before[-40:]!r} became {after[len(before) - 40 :]!r}"
    assert [p.id for p in load_section(pubs, "publications")] == [*old_ids, "example2025keel"]
    if "\r\n" in before:  # the new lines end as the file's do
        assert "\n" not in after[len(kept) :].replace("\r\n", ""), after[len(kept) :]


def test_a_service_that_does_not_answer_is_asked_once_per_run(
    example: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    pubs = example / "data" / "publications.yml"
    with pubs.open("a") as file:
        for number in range(1, 5):
            file.write(
                f"\n- {{id: example2021paper{number}, title: Paper {number},"
                " authors: [Ada Example], venue: Example Journal, year: 2021, type: journal,"
                f" doi: 10.5555/{number}}}\n"
            )
    serve_counts(services, Answer(body=b"[" + b", ".join([b"null"] * 6) + b"]"))
    for number in range(1, 5):
        services.route("GET", f"/works/10.5555/{number}", FAULTS["slow"])
    services.route("GET", f"/works/{HARBOR_DOI}", FAULTS["slow"])
    code, output = command(example, "refresh-metrics", capsys=capsys)
    assert code == 1
    crossref_asked = [r for r in services.requests if r.path.startswith("/works/10.5555/")]
    assert len(crossref_asked) == 1, "after one timeout, Crossref is not asked again"
    assert output.count("Crossref: no answer within 0.5 s") == 5  # every paper reported
    assert output.count("failed  ") == 5, output  # and no other service failed


def test_requests_keep_each_services_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    http = ScholarlyHttp("test", HttpSettings(pace=1.0), sleep=waits.append)
    monkeypatch.setattr(http.session, "request", lambda *args, **kwargs: _ok())
    http.request(ARXIV, "GET", "/api/query")
    http.request(ARXIV, "GET", "/api/query")
    http.request(DBLP, "GET", "/rec/x.xml")
    assert len(waits) == 1 and 2.9 < waits[0] <= 3.0  # arXiv: one request every 3 s


def _ok() -> requests.Response:
    answer = requests.Response()
    answer.status_code = 200
    return answer
