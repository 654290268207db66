"""`python -m macros init`: make the repository someone else's site.

It resets the person's paths named in ownership.yml (the previous owner's record, pages,
images, card cache, CNAME; see RESET_KEPT for what stays), writes a new `data/` from the open
scholarly services (`--orcid`, `--dblp`, `--openalex`) or a starter profile (`--name`), and
rewrites the `nav:` block of mkdocs.yml to the pages whose sections have data; every other line
of mkdocs.yml stays byte for byte.

All or nothing: the new data is made in a staging folder and validated with the build's own
loader first, then every deletion and write goes through one ProjectTransaction. A failing
service, a malformed answer, an unknown id or an invalid record leaves every file as it was.
It refuses a git work tree with uncommitted changes (they could not be told from the
previous owner's), and never prompts.

Exit codes: 0 done (or planned, with --dry-run); 1 a failure, nothing written; 2 bad arguments;
130 interrupted, nothing written.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..data.loader import DataError, load_site_data
from ..data.model import Education, Experience, Profile, Publication
from ..data.problems import DataProblem
from ..data.sections import SECTIONS_BY_NAME, SiteData
from .bibtex_import import new_id, yaml_mapping_text, yaml_text
from .ownership import read_ownership
from .scholarly.dblp import DBLP_PID
from .scholarly.http import ScholarlyHttp, ServiceError, user_agent
from .scholarly.openalex import OPENALEX_AUTHOR
from .scholarly.orcid import Affiliation, valid_orcid
from .scholarly.record import PersonRecord, fetch_record
from .transaction import ProjectTransaction, TransactionError

# The site's pages and the sections whose data gives each a place in the nav (none: always).
NAV_PAGES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Home", "index.md", ()),
    ("Research", "research.md", ("experience", "interests")),
    ("Publications", "publications.md", ("publications",)),
    ("Talks", "talks.md", ("talks",)),
    ("Teaching", "teaching.md", ("teaching",)),
    ("Honors & Awards", "awards.md", ("awards",)),
    ("Projects", "projects.md", ("projects",)),
    ("CV", "cv.md", ()),
)
assert all(s in SECTIONS_BY_NAME for _, _, sections in NAV_PAGES for s in sections)
# The person's paths init does not reset: mkdocs.yml (only its nav is rewritten; the engine's
# settings come through its INHERIT) and engine.lock (the release the site took, not a record
# of the person). The engine's pages and theme live in macros/, so docs/ and overrides/ go.
RESET_KEPT = ("mkdocs.yml", "engine.lock")
UNKNOWN_VENUE = "Unknown venue"
# The fields of a written publication, in the order a person writes them (after `id`).
ENTRY_ORDER = ("title", "authors", "venue", "venue_short", "year", "type", "arxiv", "doi", "links")
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/{}.schema.json\n"
STARTER_PROFILE = (
    "# Who the site is about. Add position, affiliation, email, links, bio and interests\n"
    "# (README, 'Editing your data'); `python -m macros check` validates the file.\n"
)


class BadArguments(ValueError):
    """The command line cannot be run (exit 2)."""


@dataclass
class InitPlan:
    """What init will do: files to write (text), paths to delete, and what to tell the user."""

    writes: dict[str, str] = field(default_factory=dict)
    resets: list[str] = field(default_factory=list)
    nav: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)  # what was found
    to_check: list[str] = field(default_factory=list)  # what the user should fill or check


# --- arguments ----------------------------------------------------------------------------


def add_init_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "init",
        help="make this repository someone else's site: replace the record, pages and nav",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--name",
        help="the person's name (required without an id; with one, used instead of the record's)",
    )
    parser.add_argument("--orcid", help="ORCID iD, e.g. 0000-0002-1825-0097")
    parser.add_argument("--dblp", help="DBLP person id (pid), e.g. 12/3456")
    parser.add_argument("--openalex", help="OpenAlex author id, e.g. A5023888391")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")


def _identifier(value: str | None, prefixes: tuple[str, ...], suffix: str = "") -> str | None:
    if value is None:
        return None
    value = value.strip()
    for prefix in prefixes:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.removesuffix(suffix).strip("/")


def checked_ids(args: argparse.Namespace) -> tuple[str | None, str | None, str | None]:
    """The ids of the command line, normalised (a full URL is accepted); BadArguments if one
    is malformed or none is given and --name is missing."""
    orcid = _identifier(args.orcid, ("https://orcid.org/", "http://orcid.org/", "orcid.org/"))
    dblp = _identifier(args.dblp, ("https://dblp.org/pid/", "dblp.org/pid/"), ".html")
    openalex = _identifier(args.openalex, ("https://openalex.org/", "openalex.org/"))
    if orcid is not None and not valid_orcid(orcid.upper()):
        raise BadArguments(f"--orcid {args.orcid!r}: an ORCID iD looks like 0000-0002-1825-0097")
    if dblp is not None and not DBLP_PID.match(dblp):
        raise BadArguments(f"--dblp {args.dblp!r}: a DBLP person id looks like 12/3456")
    if openalex is not None and not OPENALEX_AUTHOR.match(openalex.upper()):
        raise BadArguments(f"--openalex {args.openalex!r}: an OpenAlex id looks like A5023888391")
    if not (orcid or dblp or openalex) and not (args.name or "").strip():
        raise BadArguments("give --orcid, --dblp or --openalex, or --name for a starter profile")
    return (
        orcid.upper() if orcid else None,
        dblp,
        openalex.upper() if openalex else None,
    )


# --- the project ----------------------------------------------------------------------------


def uncommitted_changes(project: Path) -> list[str]:
    """`git status --porcelain` of the project's folder; [] outside a git work tree."""
    try:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"],
            cwd=project,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError:  # no git: nothing to compare with
        return []
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        return []
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return status.stdout.splitlines()


def reset_paths(project: Path) -> list[str]:
    """The person's paths (ownership.yml) that init deletes, as patterns (`data/`, `CNAME`)."""
    return [p for p in read_ownership(project).person if p not in RESET_KEPT]


def replace_nav(config: str, block: str) -> str:
    """mkdocs.yml with its top-level `nav:` (block or flow) replaced by `block`, every other
    line byte for byte; `block` is appended when there is no nav."""
    lines = config.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"nav\s*:", line)), None)
    if start is None:
        return config + ("" if config.endswith("\n") or not config else "\n") + "\n" + block
    last = start
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip() or line.lstrip().startswith("#"):
            continue  # inside the nav or after it; kept unless an item follows
        if line[0] in " \t" or line.startswith("-"):
            last = index
            continue
        break
    return "".join(lines[:start]) + block + "".join(lines[last + 1 :])


def nav_pages(site: SiteData) -> list[tuple[str, str]]:
    """(title, page) of the pages to list: those of sections that have data, and the rest."""
    return [
        (title, page)
        for title, page, sections in NAV_PAGES
        if not sections or any(site.section_entries(site.section(s)) for s in sections)
    ]


# --- the new data ---------------------------------------------------------------------------


def _valid(
    model: type[BaseModel], fields: dict[str, Any], what: str, notes: list[str]
) -> dict[str, Any] | None:
    """`fields` without the values the model refuses (untrusted data loses only those), or
    None when a required one is refused; each loss is noted."""
    fields = dict(fields)
    for _ in range(100):
        try:
            model(**fields)
            return fields
        except ValidationError as error:
            problem = error.errors()[0]
            loc, message = problem["loc"], problem["msg"]
            key = str(loc[0]) if loc else ""
            value = fields.get(key)
            if isinstance(value, list) and len(loc) > 1 and isinstance(loc[1], int) and value:
                notes.append(f"{what}: left out {key} {value[loc[1]]!r} ({message})")
                fields[key] = value[: loc[1]] + value[loc[1] + 1 :]
                if fields[key]:
                    continue
            if key not in fields or model.model_fields[key].is_required():
                notes.append(f"{what}: left out ({key or 'entry'}: {message})")
                return None
            notes.append(f"{what}: left out its {key} ({message})")
            del fields[key]
    return None  # pragma: no cover


def _data_file(name: str, body: str) -> str:
    return SCHEMA_LINE.format(name) + body


def _profile(record: PersonRecord, name: str | None, plan: InitPlan) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": name or record.name}
    variants = [v for v in [record.name, *record.name_variants] if v != fields["name"]]
    candidates: dict[str, Any] = {
        "name_variants": variants,
        "position": record.position,
        "affiliation": record.affiliation,
        "email": record.email,
        "links": record.links,
        "bio": record.bio,
        "interests": record.interests,
    }
    fields |= {k: v for k, v in candidates.items() if v}
    profile = _valid(Profile, fields, "profile", plan.to_check)
    if profile is None:
        message = f"the name {fields['name']!r} is not usable: {plan.to_check.pop()}"
        raise DataError([DataProblem("data/profile.yml", None, None, message)])
    return profile


def _affiliation_entries(
    items: list[Affiliation], kind: str, plan: InitPlan
) -> list[dict[str, Any]]:
    """ORCID's educations as education.yml entries, employments as experience.yml entries."""
    entries = []
    for item in items:
        if kind == "education":
            fields = {
                "institution": item.organization,
                "location": item.location,
                "degree": item.role,
                "field": item.department,
            }
            model: type[BaseModel] = Education
        else:
            fields = {
                "organization": item.organization,
                "team": item.department,
                "role": item.role,
                "location": item.location,
            }
            model = Experience
        fields = {k: v for k, v in fields.items() if v}
        fields |= {"start": item.start, "end": item.end or "present"}
        what = f"{kind} at {item.organization}"
        missing = [k for k in ("degree", "start") if k in model.model_fields and not fields.get(k)]
        if missing:
            plan.to_check.append(
                f"{what}: not written, the record has no {' or '.join(missing)};"
                f" add it to data/{kind}.yml by hand"
            )
            continue
        valid = _valid(model, fields, what, plan.to_check)
        if valid is not None:
            entries.append(valid)
    return entries


def _publications(record: PersonRecord, name: str, plan: InitPlan) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    taken: set[str] = set()
    no_venue, no_authors = [], []
    papers = sorted(record.papers, key=lambda p: -int(p.fields.get("year", 0)))
    for paper in papers:
        fields = dict(paper.fields)
        if not fields.get("authors"):
            fields["authors"] = [name]
            no_authors.append(fields)
        if not fields.get("venue"):
            fields["venue"] = UNKNOWN_VENUE
            no_venue.append(fields)
        entry_id = new_id(fields["authors"], str(fields["year"]), fields["title"], taken)
        fields = {"id": entry_id} | {k: fields[k] for k in ENTRY_ORDER if fields.get(k)}
        valid = _valid(Publication, fields, f"paper {fields['title']!r}", plan.to_check)
        if valid is None:
            continue
        taken.add(valid["id"])
        entries.append(valid)
        if paper.preprint_merged:
            plan.report.append(
                f"merged the arXiv preprint {paper.preprint_merged} into its published version"
                f" {valid['id']} ({valid['venue']}, {valid['year']})"
            )
    if no_venue:
        plan.to_check.append(
            f"{len(no_venue)} paper(s) without venue, written as {UNKNOWN_VENUE!r}: "
            + "; ".join(repr(f["title"]) for f in no_venue)
        )
    if no_authors:
        plan.to_check.append(
            f"{len(no_authors)} paper(s) without an author list, written with your name only: "
            + "; ".join(repr(f["title"]) for f in no_authors)
        )
    return entries


def record_files(record: PersonRecord, name: str | None, plan: InitPlan) -> dict[str, str]:
    """The data files of a fetched record, by path."""
    profile = _profile(record, name, plan)
    files = {"data/profile.yml": _data_file("profile", yaml_mapping_text(profile))}
    sections = {
        "publications": _publications(record, profile["name"], plan),
        "education": _affiliation_entries(record.education, "education", plan),
        "experience": _affiliation_entries(record.employment, "experience", plan),
    }
    for section, entries in sections.items():
        if entries:
            files[f"data/{section}.yml"] = _data_file(section, yaml_text(entries))
    counts = ", ".join(f"{source} {n}" for source, n in record.counts.items())
    plan.report.insert(
        0,
        f"{len(sections['publications'])} publications from {counts} (merged without duplicates),"
        f" {len(sections['education'])} education and {len(sections['experience'])}"
        " experience entries",
    )
    if not profile.get("email"):
        plan.to_check.append("no email in the public record; add it to data/profile.yml")
    for key, what in (("position", "position"), ("affiliation", "current affiliation")):
        if not profile.get(key):
            plan.to_check.append(f"no {what} in the record; add `{key}:` to data/profile.yml")
    if profile.get("bio"):
        plan.to_check.append("the bio is ORCID's biography; check it in data/profile.yml")
    plan.to_check += record.notes
    return files


def starter_files(name: str, plan: InitPlan) -> dict[str, str]:
    """A profile with the name alone, for someone who starts from nothing."""
    if _valid(Profile, {"name": name}, "profile", plan.to_check) is None:
        raise BadArguments(f"--name {name!r}: {plan.to_check.pop()}")
    plan.report.append(f"a starter profile for {name}")
    plan.to_check += [
        "no email, position or affiliation yet; add them to data/profile.yml",
        "no papers yet: `python -m macros add arXiv:ID` or `import-bibtex refs.bib`",
    ]
    body = STARTER_PROFILE + yaml_mapping_text({"name": " ".join(name.split())})
    return {"data/profile.yml": _data_file("profile", body)}


def _validated_site(project: Path, files: dict[str, str], resets: list[str]) -> SiteData:
    """The new data loaded from a staging folder with the build's own loader (DataError)."""
    with tempfile.TemporaryDirectory(prefix="init-staging-") as scratch:
        staging = Path(scratch)
        (staging / "data").mkdir()
        for rel_path, text in files.items():
            (staging / rel_path).write_text(text, encoding="utf-8")
        for folder in ("docs", "overrides"):  # the id-clash and icon checks look there
            if f"{folder}/" not in resets and (project / folder).is_dir():
                (staging / folder).symlink_to(project / folder, target_is_directory=True)
        return load_site_data(staging / "data")


def plan_init(
    project: Path,
    name: str | None,
    fetch: Callable[[], PersonRecord] | None,
) -> InitPlan:
    """Everything init will write and delete, checked; nothing is written here."""
    plan = InitPlan()
    plan.resets = reset_paths(project)
    files = record_files(fetch(), name, plan) if fetch else starter_files(name or "", plan)
    site = _validated_site(project, files, plan.resets)
    plan.nav = [f"  - {title}: {page}\n" for title, page in nav_pages(site)]
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    files["mkdocs.yml"] = replace_nav(config, "nav:\n" + "".join(plan.nav))
    if "docs/" in plan.resets:
        files["docs/.gitkeep"] = ""
    plan.writes = files
    return plan


def _staged(project: Path, plan: InitPlan) -> ProjectTransaction:
    change = ProjectTransaction(project)
    for pattern in plan.resets:
        change.delete(pattern.rstrip("/"))
    for rel_path, text in plan.writes.items():
        change.write(rel_path, text)
    return change


def plan_lines(change: ProjectTransaction, plan: InitPlan, dry_run: bool) -> list[str]:
    """What the transaction deletes and writes, the nav, and what to check by hand."""
    say = "would " if dry_run else ""
    lines = []
    for rel_path in change.deletions:
        path = change.project / rel_path
        count = sum(1 for p in path.rglob("*") if p.is_file()) if path.is_dir() else 1
        lines.append(f"{say}remove  {rel_path}{'/' if path.is_dir() else ''} ({count} files)")
    for rel_path, data in change.writes.items():
        lines.append(f"{say}write   {rel_path} ({len(data)} bytes)")
    lines.append("nav: " + ", ".join(line.strip()[2:] for line in plan.nav))
    lines += plan.report
    if plan.to_check:
        lines.append("\nTo fill in or check by hand:")
        lines += [f"  - {line}" for line in plan.to_check]
    return lines


def _init(args: argparse.Namespace) -> list[str]:
    """Plan, check and (unless --dry-run) apply; the lines to print. Raises on any failure."""
    orcid, dblp, openalex = checked_ids(args)
    dirty = uncommitted_changes(args.project)
    if dirty:
        raise TransactionError(
            "the work tree has uncommitted changes; commit or stash them first:\n  "
            + "\n  ".join(dirty[:10])
        )
    fetch = None
    if orcid or dblp or openalex:
        contact = f"https://orcid.org/{orcid}" if orcid else None
        http = ScholarlyHttp(user_agent(None, contact))
        key = os.environ.get("OPENALEX_API_KEY") or None

        def fetch() -> PersonRecord:
            return fetch_record(http, orcid, dblp, openalex, key)

    plan = plan_init(args.project, (args.name or "").strip() or None, fetch)
    if openalex and not os.environ.get("OPENALEX_API_KEY"):
        plan.to_check.append(
            "OPENALEX_API_KEY is not set: OpenAlex was asked without a key (a small daily"
            " allowance); get a free key at openalex.org if it refuses"
        )
    change = _staged(args.project, plan)
    lines = plan_lines(change, plan, args.dry_run)
    if not args.dry_run:
        change.apply()
        lines.append("\nNext: `mkdocs serve` to see the site, then commit and push.")
    return lines


def run_init(args: argparse.Namespace) -> int:
    try:
        lines = _init(args)
    except KeyboardInterrupt:
        message, code = "interrupted; nothing written", 130
    except BadArguments as error:
        message, code = str(error), 2
    except (ServiceError, DataError, TransactionError, OSError, ValueError) as error:
        message, code = f"nothing written: {error}", 1
    else:
        print("\n".join(lines))
        return 0
    print(f"init: {message}", file=sys.stderr)
    return code
