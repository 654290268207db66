"""The PDF CV, typeset with Typst (the `typst` Python package: no LaTeX, no external binary).

The data goes to `templates/cv.typ` as JSON through `sys.inputs`, so text from data is
inserted as text and can never be read as Typst markup. It is the same views the web CV shows
(macros/views/views.py), section by section in the CV's order: cv.typ prints each section by its
layout, so a section the registry knows, or one made in data alone, is never left out.
Fonts come from the package itself (system fonts are ignored), which makes the PDF the same on
every machine; only text that those fonts lack (Chinese, Japanese, Korean, emoji) is set in the
system's fonts that have it (see pdf_fonts).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typst

from ..data.sections import SiteData
from ..views.markup import markdown_plain
from ..views.views import EntryView, Line, absolute_url
from .pdf_fonts import MissingGlyphError, font_dirs_for
from .rendering import author_marks, template_file

CV_TEMPLATE = "cv.typ"


class CvPdfError(RuntimeError):
    """Typst could not typeset the CV (usually an edit to cv.typ)."""


def _line_data(line: Line, site_url: str | None) -> dict[str, Any]:
    return {
        "separator": line.separator,
        "parts": [
            {
                "label": part.label,
                "text": markdown_plain(part.text) if part.markdown else part.text,
                "url": absolute_url(part.url, site_url),
            }
            for part in line.parts
        ],
    }


def _entry_data(view: EntryView, site_url: str | None) -> dict[str, Any]:
    """A view as plain JSON for cv.typ; links made absolute (a PDF has no site around it)."""
    url = absolute_url(view.url, site_url) or view.fields.get("external_url") or ""
    return {
        "title": markdown_plain(view.title) if view.title_markdown else view.title,
        "subtitle": view.subtitle,
        "when": view.when,
        "where": view.where,
        "url": url,
        "strong": view.strong,
        "group": view.group,
        "lines": [_line_data(line, site_url) for line in view.lines],
        "links": [
            {"label": link.label, "url": absolute_url(link.url, site_url)}
            for link in view.links
            if absolute_url(link.url, site_url) not in ("", url)  # the title already links there
        ],
        "authors": [{"name": a.name, "owner": a.owner, "mark": a.mark} for a in view.authors],
        "badges": list(view.badges),
    }


def typst_language(code: str) -> tuple[str, str]:
    """Typst's `lang` and `region` of a language code ('zh' -> ('zh', ''), 'pt-BR' ->
    ('pt', 'br')); a script ('zh-Hant') is no region."""
    lang, _, rest = code.partition("-")
    return lang.lower(), rest.lower() if len(rest) == 2 else ""


def cv_data(site: SiteData, site_url: str | None = None) -> dict[str, Any]:
    """Everything the Typst template prints, as plain JSON-ready values: the profile, and
    every non-empty section of the CV in order, each with its layout and entry views."""
    profile = site.profile
    words = site.words
    return {
        "name": profile.name,
        # The words the template prints, in the site's language, and that language for Typst
        # (hyphenation, line breaking, quotes): 'pt-BR' is lang 'pt', region 'br'.
        "lang": typst_language(site.language)[0],
        "region": typst_language(site.language)[1],
        "words": {
            "title": words.cv_title.format(name=profile.name),
            "corresponding": words.legend_corresponding,
            "equal_contribution": words.legend_equal,
            "colon": words.colon,
            "colon_space": words.colon_space,
            "author_separator": words.author_separator,
            "comma": words.comma,
            # An award's note, as `award_note` puts it: '(' and ')' around it in English.
            "note_before": words.award_note.partition("{note}")[0],
            "note_after": words.award_note.partition("{note}")[2],
        },
        "position": profile.position or "",
        "affiliation": " · ".join(filter(None, [profile.affiliation, profile.affiliation_detail])),
        "email": profile.email or "",
        "site_url": site_url or "",
        "links": [
            {"label": link.label, "url": absolute_url(link.url, site_url)}
            for link in profile.links
            if absolute_url(link.url, site_url)
        ],
        "bio": markdown_plain(profile.bio),
        "marks": author_marks(site.publications),
        "sections": [
            {
                "name": section.name,
                "title": section.title,
                "layout": section.layout,
                "entries": [_entry_data(view, site_url) for view in site.views(section)],
            }
            for section in site.cv_sections()
            if site.views(section)
        ],
    }


def with_photo(data: dict[str, Any], path: str, alt: str) -> dict[str, Any]:
    """The CV's data with the profile photo (`path` inside the project, which Typst then reads
    as its root); only where profile.yml asks for it (photo.on_cv)."""
    return {**data, "photo": {"path": f"/{path}", "alt": alt}}


def render_cv_pdf(
    data: dict[str, Any],
    template: Path | None = None,
    site: SiteData | None = None,
    root: Path | None = None,
) -> bytes:
    """Typeset the CV as tagged PDF/UA-1 (headings, reading order, alt texts), so screen
    readers can move by section; raises CvPdfError with Typst's message if it cannot, or
    naming the fields whose characters no font has (see pdf_fonts)."""
    template = template or template_file(CV_TEMPLATE, root)  # the person's copy, if any
    try:
        font_paths = font_dirs_for(data, site, root)
    except MissingGlyphError as error:
        raise CvPdfError(str(error)) from None
    try:
        return typst.compile(
            str(template),
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            ignore_system_fonts=True,
            pdf_standards=["ua-1"],
            font_paths=font_paths,
            root=str(root) if root else None,
        )
    except typst.TypstError as error:
        raise CvPdfError(f"{template.name}: {error}") from None
