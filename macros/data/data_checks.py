"""Checks that reach past one entry: files that data names (a paper's local PDF, the notes page
of a course or talk) and the permanent ids of news items. Run by the loader after every file
has validated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..views.views import bib_path, paper_page_source
from .data_files import collision_problems, docs_written_paths, written_path
from .model import NewsItem, Publication
from .news_ids import news_keys
from .paper_images import paper_image_problem
from .paper_pdf import DOCS_DIR, is_local, source_path
from .problems import DataProblem
from .sections import SECTIONS_BY_NAME
from .yaml_source import Positions


def local_pdf_problems(
    pubs: Sequence[Publication], positions: Positions, project_dir: Path, display_dir: str
) -> list[DataProblem]:
    """A PDF linked as a site-relative path must be a .pdf file under docs/."""
    problems = []
    for index, pub in enumerate(pubs):
        url = pub.links.pdf
        if not url or not is_local(url):
            continue
        relative = source_path(url)
        message = None
        if not relative.lower().endswith(".pdf"):
            message = f"a local PDF must be a .pdf file (got {url!r})"
        elif not (project_dir / DOCS_DIR / relative).is_file():
            message = (
                f"no file {DOCS_DIR}/{relative}: put the PDF there, or link a PDF on another"
                " host with https://"
            )
        if message:
            problems.append(
                _publication_problem(pub, index, ("links", "pdf"), message, positions, display_dir)
            )
    return problems


def paper_image_problems(
    pubs: Sequence[Publication], positions: Positions, project_dir: Path, display_dir: str
) -> list[DataProblem]:
    """A paper's figure must be an image file inside the project (see `image_files`)."""
    problems = []
    for index, pub in enumerate(pubs):
        message = paper_image_problem(pub, project_dir)
        if message:
            problems.append(
                _publication_problem(pub, index, ("image", "file"), message, positions, display_dir)
            )
    return problems


def publication_clash_problems(
    pubs: Sequence[Publication], positions: Positions, project_dir: Path, display_dir: str
) -> list[DataProblem]:
    """A paper's page (`publications/<id>/`) and .bib may not be written where a file of
    docs/ goes: the rule the build applies to every generated file (`collision_problems`),
    checked here too so that `python -m macros check` reports it with the id's line."""
    taken = docs_written_paths(project_dir / DOCS_DIR, "publications")
    problems = []
    for index, pub in enumerate(pubs if taken else ()):
        page, bib = paper_page_source(pub.id), bib_path(pub.id)
        for message in collision_problems(taken, [(page, written_path(page)), (bib, bib)]):
            problems.append(
                _publication_problem(pub, index, ("id",), message, positions, display_dir)
            )
    return problems


def _publication_problem(
    pub: Publication,
    index: int,
    field: tuple[str, ...],
    message: str,
    positions: Positions,
    display_dir: str,
) -> DataProblem:
    """A problem with `field` of the paper at `index`, at the field's line (else the entry's)."""
    line, column = positions.get((index, *field), positions.get((index,), (None, None)))
    return DataProblem(
        f"{display_dir}/publications.yml",
        line,
        column,
        message,
        f"publications entry {index + 1} (id '{pub.id}')",
        ".".join(field),
    )


def news_id_problems(
    items: Sequence[NewsItem], positions: Positions, display_dir: str
) -> list[DataProblem]:
    """Two news items may not share a feed id (an explicit `id:` or date and place)."""
    problems = []
    first: dict[str, int] = {}
    for index, key in enumerate(news_keys(items)):
        if key in first:
            line, column = positions.get((index, "id"), positions.get((index,), (None, None)))
            problems.append(
                DataProblem(
                    f"{display_dir}/news.yml",
                    line,
                    column,
                    f"duplicate id '{key}'; entry {first[key] + 1} already has it"
                    " (each item needs its own id in the feed)",
                    f"news entry {index + 1} (date '{items[index].date}')",
                    "id",
                )
            )
        first.setdefault(key, index)
    return problems


NOTES_DIR = "notes"  # under docs/: the person's course notes
NOTES_SECTIONS = ("teaching", "talks")  # whose entries may name their notes (`notes:`)


def notes_page_problems(
    entries: Mapping[str, Sequence[object]],
    positions_of: Mapping[str, Positions],
    project_dir: Path,
    display_dir: str,
) -> list[DataProblem]:
    """The page a teaching or talk entry names in `notes:` must be a page under docs/notes/:
    the entry links to it, and a link to nothing would pass until a reader followed it."""
    problems = []
    folder = project_dir / DOCS_DIR / NOTES_DIR
    for section in NOTES_SECTIONS:
        positions = positions_of.get(section, {})
        for index, item in enumerate(entries.get(section, ())):
            page = getattr(item, "notes", None)
            if page is None or (folder / page).is_file():
                continue
            pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))
            known = ", ".join(pages[:10]) + (", ..." if len(pages) > 10 else "") or "none"
            line, column = positions.get((index, "notes"), positions.get((index,), (None, None)))
            problems.append(
                DataProblem(
                    f"{display_dir}/{section}.yml",
                    line,
                    column,
                    f"no page {DOCS_DIR}/{NOTES_DIR}/{page}; write it there, or name one of the"
                    f" pages under {DOCS_DIR}/{NOTES_DIR}/ (found: {known})",
                    _entry_label(section, index, item),
                    "notes",
                )
            )
    return problems


def _entry_label(section: str, index: int, item: object) -> str:
    """`teaching entry 1 (course 'Compilers')`, as the loader names entries."""
    label = f"{section} entry {index + 1}"
    for key in SECTIONS_BY_NAME[section].label_keys:
        value = getattr(item, key, None)
        if isinstance(value, str):
            return f"{label} ({key} '{value if len(value) <= 60 else value[:57] + '...'}')"
    return label
