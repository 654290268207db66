"""`python -m macros init` against recorded answers of ORCID, DBLP and OpenAlex on 127.0.0.1.

The project is copied with its own data (the previous owner's), init makes it the site of a
fictional researcher (tests/fixtures/scholarly/init/, see its README), and the tests check
that every paper is there exactly once, that nothing names the previous owner any more (files
and built site, PDF included), and that every failure leaves every file as it was.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_build
from fake_services import (
    INIT_DBLP,
    INIT_OPENALEX,
    INIT_ORCID,
    INIT_PUT_CODES,
    RECORDED,
    SERVICE_VARIABLES,
    Answer,
    FakeServices,
)

from macros.__main__ import main
from macros.commands import init as init_module
from macros.commands.init import NAV_PAGES, replace_nav
from macros.commands.transaction import ProjectTransaction, TransactionError
from macros.data.loader import load_section
from macros.data.sections import SECTIONS_BY_NAME

sys.path.insert(0, str(ROOT / "scripts"))
from fork_check import names_found, owner_names

IDS = ("--orcid", INIT_ORCID, "--dblp", INIT_DBLP, "--openalex", INIT_OPENALEX)
ORCID_PATH = f"/v3.0/{INIT_ORCID}"
# The fictional record's seven papers: six on ORCID, five on DBLP, five on OpenAlex.
TITLES = {
    "Kestrel: Verified Imaginary Schedulers",
    "Tidepool: Elastic Batching for Imaginary Accelerators",
    "Heron: Speculative Scheduling for Fictional Clusters",
    "Gull: Low-Latency Ghost Routing",
    "Osprey: A Survey of Made-Up Benchmarks",
    "Puffin: Caching Dreams at the Edge",
    "Imaginary Accelerators, Real Workloads",
}


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file, folder and link under `folder`, with its content's hash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "link:" + str(path.readlink())
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def services() -> FakeServices:
    fake = FakeServices()
    fake.serve_person()
    yield fake
    fake.stop()


@pytest.fixture
def owned(tmp_path: Path, services: FakeServices, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project with its owner's own data/, a card cache and a CNAME; services on 127.0.0.1."""
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project", data=None)
    (project / ".cache" / "social").mkdir(parents=True)
    (project / ".cache" / "social" / "card.png").write_bytes(b"an old owner's card")
    (project / "CNAME").write_text("owner.example.org\n")
    for variable in SERVICE_VARIABLES:
        monkeypatch.setenv(variable, services.url)
    monkeypatch.setenv("HOMEPAGE_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("HOMEPAGE_HTTP_BACKOFF", "0.05")
    monkeypatch.setenv("HOMEPAGE_HTTP_PACE", "0.01")
    monkeypatch.setenv("OPENALEX_API_KEY", "test-key")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    return project


def command(project: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--project", str(project), "init", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_init_makes_the_site_the_fictional_persons_and_names_no_one_else(
    owned: Path, services: FakeServices, tmp_path: Path
) -> None:
    old_config = (owned / "mkdocs.yml").read_text()
    old_names = owner_names()
    result = subprocess.run(
        [sys.executable, "-m", "macros", "--project", str(owned), "init", *IDS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout

    pubs = load_section(owned / "data" / "publications.yml", "publications")
    assert sorted(p.title for p in pubs) == sorted(TITLES), "every paper exactly once"
    dois = [p.doi.lower() for p in pubs if p.doi]
    assert len(dois) == len(set(dois)) == 3
    arxiv = [p.arxiv for p in pubs if p.arxiv]
    assert arxiv == ["2403.01234"]
    by_title = {p.title.split(":")[0]: p for p in pubs}
    heron = by_title["Heron"]  # the preprint merged into the published version
    assert (heron.type, heron.doi, heron.arxiv) == (
        "conference",
        "10.5555/euroex.2024.33",
        "2403.01234",
    )
    assert heron.venue == "Proceedings of the European Example Systems Conference"
    assert "merged the arXiv preprint 2403.01234 into its published version lind2024heron" in out
    kestrel = by_title["Kestrel"]
    assert [a.name for a in kestrel.authors] == ["Kofi Mensah-Ray", "Daria Lind"]  # 0001 gone
    assert [a.name for a in by_title["Tidepool"].authors] == [
        "Daria Lind",
        "Kofi Mensah-Ray",
        "Rosa Quintero",
    ]
    assert by_title["Puffin"].type == "workshop"
    assert [p.id for p in pubs][:2] == ["mensahray2025kestrel", "lind2024tidepool"]
    thesis = by_title["Imaginary Accelerators, Real Workloads"]
    assert thesis.venue == "Unknown venue"
    assert "1 paper(s) without venue, written as 'Unknown venue'" in out
    assert "no email in the public record; add it to data/profile.yml" in out

    profile = load_section(owned / "data" / "profile.yml", "profile")
    assert profile.name == "Daria Lind"
    assert profile.name_variants == ["Дарья Линд", "D. Lind", "Daria K. Lind"]
    assert (profile.position, profile.affiliation) == (
        "Assistant Professor",
        "Northwind Institute of Technology",
    )
    assert profile.email is None
    education = load_section(owned / "data" / "education.yml", "education")
    assert [(e.institution, e.start, e.end) for e in education] == [
        ("University of Examplia", "2016-09", "2021-06")
    ]
    experience = load_section(owned / "data" / "experience.yml", "experience")
    assert [(e.organization, e.end) for e in experience] == [
        ("Northwind Institute of Technology", "present"),
        ("Examplia Research Lab", "2023-08"),
    ]
    for path in (owned / "data").glob("*.yml"):
        assert path.read_text().startswith(
            f"# yaml-language-server: $schema=../schemas/{path.stem}.schema.json\n"
        )
    assert sorted(p.name for p in (owned / "data").iterdir()) == [
        "education.yml",
        "experience.yml",
        "profile.yml",
        "publications.yml",
    ]
    assert not (owned / ".cache").exists() and not (owned / "CNAME").exists()

    config = (owned / "mkdocs.yml").read_text()
    assert "nav:\n  - Home: index.md\n  - Research: research.md\n" in config
    assert "  - Publications: publications.md\n  - CV: cv.md\n" in config
    assert "Talks" not in config
    old_nav = re.search(r"^nav:\n(  - .*\n)+", old_config, re.M)
    new_nav = re.search(r"^nav:\n(  - .*\n)+", config, re.M)
    assert old_nav and new_nav
    assert config == old_config.replace(old_nav.group(), new_nav.group()), "only nav changes"

    assert names_found(owned, old_names) == [], "the old owner is named in the project"
    requests = services.requests
    assert len(requests) == 7  # ORCID 3 (person, activities, works), DBLP 1, OpenAlex 3
    assert services.asked(f"{ORCID_PATH}/works/{INIT_PUT_CODES}")
    assert all("academic-homepage-from-yaml" in r.headers["User-Agent"] for r in requests)
    asked_json = [r for r in requests if not r.path.startswith("/pid/")]
    assert all(r.headers["Accept"] == "application/json" for r in asked_json)
    cursors = [r.query["cursor"] for r in services.asked("/works")]
    assert cursors[0] == ["*"] and cursors[1] != ["*"]  # OpenAlex's second page by its cursor

    services.stop()
    build = run_build(owned, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert names_found(build.site, old_names) == [], "the built site names the old owner"
    assert "Daria Lind" in build.text("")
    for pub in pubs:
        assert pub.title in build.text(f"publications/{pub.id}")


def test_a_429_with_retry_after_is_waited_for(
    owned: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    services.route(
        "GET",
        f"/pid/{INIT_DBLP}.xml",
        Answer(429, b"Too Many Requests", {"Retry-After": "1"}),
        Answer.recorded("init/dblp_person.xml"),
    )
    code, output = command(owned, "--dblp", INIT_DBLP, capsys=capsys)
    assert code == 0, output
    first, second = services.asked(f"/pid/{INIT_DBLP}.xml")
    assert second.time - first.time >= 1.0
    titles = {p.title for p in load_section(owned / "data" / "publications.yml", "publications")}
    assert len(titles) == 5


FAULTS = {
    "500": (f"GET {ORCID_PATH}/activities", Answer(500, b"Internal Server Error"), "ORCID"),
    "429 forever": (
        f"GET /pid/{INIT_DBLP}.xml",
        Answer(429, b"Too Many Requests", {"Retry-After": "0"}),
        "DBLP",
    ),
    "malformed JSON": (
        "GET /works",
        Answer(200, b'{"meta": {"next_cursor": nu', {"Content-Type": "application/json"}),
        "OpenAlex",
    ),
    "unknown id": (f"GET {ORCID_PATH}/person", None, "ORCID: not found (HTTP 404)"),
    "timeout": (f"GET {ORCID_PATH}/works/{INIT_PUT_CODES}", Answer(delay=2.0), "no answer"),
    "wrong shape": (
        f"GET /authors/{INIT_OPENALEX}",
        Answer(200, b'{"results": []}', {"Content-Type": "application/json"}),
        "OpenAlex: its answer is not in the expected shape",
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failing_service_leaves_every_file_as_it_was(
    owned: Path, services: FakeServices, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    route, answer, message = FAULTS[fault]
    if answer is None:
        del services.routes[route]
    else:
        services.routes[route] = [answer]
    before = tree_hash(owned)
    code, output = command(owned, *IDS, capsys=capsys)
    assert code == 1, output
    assert "init: nothing written: " in output and message in output, output
    assert "Traceback" not in output
    assert tree_hash(owned) == before


def test_a_failure_while_applying_restores_every_file(
    owned: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up as the last file is written: everything init did is undone (a write
    made outside the transaction would stay, and be caught here)."""
    write = ProjectTransaction._write_file
    writes: list[Path] = []

    def failing_write(self: ProjectTransaction, target: Path, data: bytes) -> None:
        writes.append(target)
        if target.name == "mkdocs.yml":
            raise OSError(28, "No space left on device")
        write(self, target, data)

    monkeypatch.setattr(ProjectTransaction, "_write_file", failing_write)
    before = tree_hash(owned)
    code, output = command(owned, *IDS, capsys=capsys)
    assert code == 1 and "No space left on device" in output, output
    assert len(writes) == 5  # four data files were written, then undone
    assert tree_hash(owned) == before
    assert not list(owned.glob(".transaction-*"))


def test_dry_run_prints_the_plan_and_writes_nothing(
    owned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree_hash(owned)
    owners_files = sum(1 for p in (owned / "data").rglob("*") if p.is_file())
    code, output = command(owned, *IDS, "--dry-run", capsys=capsys)
    assert code == 0, output
    assert f"would remove  data/ ({owners_files} files)" in output
    assert "would remove  .cache/ (1 files)" in output
    assert "would write   data/publications.yml" in output
    assert "nav: Home: index.md, Research: research.md, Publications: publications.md" in output
    assert tree_hash(owned) == before


def test_a_work_tree_with_uncommitted_changes_is_refused(
    owned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=owned, check=True)
    subprocess.run([*git, "add", "-A"], cwd=owned, check=True)
    subprocess.run([*git, "commit", "-qm", "the old owner's site"], cwd=owned, check=True)
    with (owned / "data" / "profile.yml").open("a") as profile:
        profile.write("# an edit not committed\n")
    before = tree_hash(owned)
    code, output = command(owned, *IDS, capsys=capsys)
    assert code == 1 and "uncommitted changes" in output and "data/profile.yml" in output
    assert tree_hash(owned) == before
    subprocess.run([*git, "checkout", "-q", "--", "data/profile.yml"], cwd=owned, check=True)
    code, output = command(owned, *IDS, capsys=capsys)
    assert code == 0, output


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--orcid", "0000-0003-2718-2813"),  # wrong check digit
        ("--orcid", "https://orcid.org/0000-0003-2718"),
        ("--dblp", "not a pid"),
        ("--openalex", "W2741809807"),  # a work, not an author
        ("--name", "   "),
        ("--name", "Ada\u202eLovelace"),  # a bidi override
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(
    owned: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    before = tree_hash(owned)
    code, output = command(owned, *args, capsys=capsys)
    assert code == 2, output
    assert output.startswith("init: ")
    assert tree_hash(owned) == before
    with pytest.raises(SystemExit) as exit_code:
        main(["--project", str(owned), "init", "--orcid"])  # argparse: a missing value
    assert exit_code.value.code == 2


def test_ids_may_be_given_as_addresses(owned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = command(
        owned, "--dblp", f"https://dblp.org/pid/{INIT_DBLP}.html", "--dry-run", capsys=capsys
    )
    assert code == 0, output


def test_a_starter_profile_from_a_name_builds(
    owned: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, output = command(owned, "--name", "Ada Lovelace", capsys=capsys)
    assert code == 0, output
    assert [p.name for p in (owned / "data").iterdir()] == ["profile.yml"]
    assert load_section(owned / "data" / "profile.yml", "profile").name == "Ada Lovelace"
    assert "nav:\n  - Home: index.md\n  - CV: cv.md\n" in (owned / "mkdocs.yml").read_text()
    build = run_build(owned, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert "Ada Lovelace" in build.text("")
    assert names_found(build.site, owner_names()) == []


# --- the parts ----------------------------------------------------------------------------


def test_nav_table_names_sections_of_the_registry() -> None:
    assert {s for _, _, sections in NAV_PAGES for s in sections} <= set(SECTIONS_BY_NAME)


def test_replace_nav_keeps_every_other_line() -> None:
    block = "nav:\n  - Home: index.md\n"
    config = (
        "site_name: X\n\nnav:\n  - A: a.md\n  # a comment\n  - B: b.md\n\n# theme\ntheme:\n  x: 1\n"
    )
    assert replace_nav(config, block) == (
        "site_name: X\n\nnav:\n  - Home: index.md\n\n# theme\ntheme:\n  x: 1\n"
    )
    assert replace_nav("nav: [a.md, b.md]\nplugins: []\n", block) == block + "plugins: []\n"
    assert replace_nav("nav:\n- a.md\n- b.md\nx: 1", block) == block + "x: 1"
    assert replace_nav("INHERIT: base.yml\n", block) == "INHERIT: base.yml\n\n" + block


def test_transaction_applies_all_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("kept")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "a.txt").write_text("a")
    before = tree_hash(tmp_path)
    with pytest.raises(RuntimeError), ProjectTransaction(tmp_path) as change:
        change.delete("old")
        change.write("new/b.txt", "b")
        raise RuntimeError("changed my mind")
    assert tree_hash(tmp_path) == before
    for bad in ("../x", "/etc/passwd", "a/../../x"):
        with pytest.raises(TransactionError):
            ProjectTransaction(tmp_path).write(bad, "x")
    (tmp_path / "link").symlink_to(tmp_path.parent)
    with pytest.raises(TransactionError):
        ProjectTransaction(tmp_path).write("link/escape.txt", "x")
    shutil.rmtree(tmp_path / "old")
    (tmp_path / "link").unlink()
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "a.txt").write_text("a")
    with ProjectTransaction(tmp_path) as change:
        change.delete("old")
        change.write("old/c.txt", b"c")
        change.write("keep.txt", "replaced")
    assert (tmp_path / "keep.txt").read_text() == "replaced"
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == ["c.txt"]
    assert not list(tmp_path.glob(".transaction-*"))


def test_reset_paths_come_from_the_manifest(owned: Path) -> None:
    (owned / "ownership.yml").write_text("person:\n  - data/\n  - mkdocs.yml\n  - extra/\n")
    assert init_module.reset_paths(owned) == ["data/", "extra/"]


def test_hostile_values_in_the_record_are_left_out_and_said(
    owned: Path, services: FakeServices, capsys: pytest.CaptureFixture[str]
) -> None:
    """The services' data is untrusted: a value the model refuses is left out, never written."""
    person = (RECORDED / "init" / "orcid_person.json").read_text()
    person = person.replace("https://lind-lab.example.org/", "javascript:alert(1)")
    person = person.replace("D. Lind", "D. \\u202eLind")
    services.route("GET", f"{ORCID_PATH}/person", Answer(body=person.encode()))
    code, output = command(owned, "--orcid", INIT_ORCID, capsys=capsys)
    assert code == 0, output
    profile = load_section(owned / "data" / "profile.yml", "profile")
    assert [link.label for link in profile.links] == ["ORCID"]
    assert profile.name_variants == ["Дарья Линд"]
    assert "profile: left out links" in output and "profile: left out name_variants" in output
    text = (owned / "data" / "profile.yml").read_text()
    assert "javascript" not in text and "\u202e" not in text


def test_the_old_owners_pages_and_styles_go_and_docs_keeps_a_gitkeep(
    owned: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """docs/ and overrides/ are the person's (ownership.yml): their pages, PDFs and styles go;
    the engine's pages (macros/pages/) and theme stay and build."""
    (owned / "docs" / "papers").mkdir()
    (owned / "docs" / "papers" / "old-owner.pdf").write_bytes(b"%PDF-1.4 the old owner's paper")
    (owned / "docs" / "index.md").write_text("# The old owner's own home page\n")
    (owned / "overrides" / "assets").mkdir(parents=True, exist_ok=True)  # a fork may have it
    (owned / "overrides" / "assets" / "extra.css").write_text("body { color: teal; }\n")
    code, output = command(owned, "--dblp", INIT_DBLP, capsys=capsys)
    assert code == 0, output
    assert [p.name for p in (owned / "docs").iterdir()] == [".gitkeep"]
    assert not (owned / "overrides").exists()
    assert (owned / "macros" / "pages" / "index.md").is_file()
    build = run_build(owned, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert "old owner" not in build.page("")
