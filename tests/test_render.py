"""Rendering: text from data is escaped, Markdown only where meant, marks and legend from data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FIXTURE_DATA
from markupsafe import escape

from macros.data.loader import load_site_data
from macros.data.model import Publication
from macros.data.sections import SiteData
from macros.outputs.rendering import (
    SiteRenderer,
    format_partial_date,
    format_period,
    indent_macro_output,
)
from macros.outputs.writings import PostSummary

HOSTILE = "<script>alert(1)</script> {{ 7*7 }} *stars* [x](javascript:alert(1))"
EXAMPLE_POST = PostSummary(
    key="example",
    title="An <example> post",
    url="blog/2025/01/02/example/",
    created=datetime(2025, 1, 2, tzinfo=UTC),
    updated=None,
)


@pytest.fixture(scope="module")
def site() -> SiteData:
    return load_site_data(FIXTURE_DATA)


def render(site: SiteData, macro: str = "publications", **arguments: object) -> str:
    """A macro's output with its stashed HTML put back, as the built page will have it."""
    renderer = SiteRenderer(site)
    source = renderer.macros()[macro](**arguments)
    return renderer.stash.restore(indent_macro_output(source))


def with_publications(site: SiteData, *pubs: dict) -> SiteData:
    return site.model_copy(update={"publications": [Publication(**p) for p in pubs]})


def paper(**fields: object) -> dict:
    return {
        "id": "p1",
        "title": "A paper",
        "authors": ["Someone Else"],
        "venue": "V",
        "year": 2020,
        **fields,
    }


def test_title_and_authors_are_escaped(site: SiteData) -> None:
    out = render(with_publications(site, paper(title=HOSTILE, authors=[HOSTILE])))
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} *stars*" in out
    assert 'href="javascript' not in out


def test_markdown_fields_render_markdown_but_not_html(site: SiteData) -> None:
    summary = "**bold** and <b>raw</b> and [link](https://example.org) and [bad](javascript:x)"
    out = render(with_publications(site, paper(summary=summary)))
    assert "<strong>bold</strong>" in out
    assert "&lt;b&gt;raw&lt;/b&gt;" in out
    assert '<a href="https://example.org">link</a>' in out
    assert 'href="javascript' not in out


def test_owner_and_name_variants_are_highlighted(site: SiteData) -> None:
    pubs = with_publications(
        site,
        paper(id="a", authors=["E. Vasquez-Thorn", "Other Person"]),
        paper(id="b", authors=["elena  vasquez-thorn"]),
    )
    out = render(pubs, by_year=False)
    assert "<strong>E. Vasquez-Thorn</strong>" in out
    assert "<strong>elena  vasquez-thorn</strong>" in out
    assert "<strong>Other Person</strong>" not in out


def test_legend_only_for_marks_in_use(site: SiteData) -> None:
    plain = render(with_publications(site, paper()))
    assert "Corresponding author." not in plain and "Equal contribution." not in plain
    marked = render(
        with_publications(
            site,
            paper(
                authors=[
                    {"name": "A", "equal_contribution": True},
                    {"name": "B", "equal_contribution": True},
                ]
            ),
        )
    )
    assert marked.count("†") == 3  # two marks and the legend
    assert "Equal contribution." in marked and "Corresponding author." not in marked


def test_publications_grouped_by_year_as_headings(site: SiteData) -> None:
    out = render(site)
    assert out.index("## 2025") < out.index("Lattice") < out.index("## 2024") < out.index("Quiet")
    assert "### 2025" in render(site, heading_level=3)


def test_selected_filter(site: SiteData) -> None:
    pubs = with_publications(
        site, paper(id="a", title="Chosen", selected=True), paper(id="b", title="Other")
    )
    out = render(pubs, selected=True, by_year=False)
    assert "Chosen" in out and "Other" not in out


def test_html_is_kept_out_of_markdown(site: SiteData) -> None:
    """Macros hand Markdown only a placeholder; the page gets the HTML after conversion."""
    renderer = SiteRenderer(site)
    renderer.posts_source = lambda: [EXAMPLE_POST]  # as the MkDocs adapter hands them over
    for name, macro in renderer.macros().items():
        source = macro("talks") if name == "section" else macro()
        assert "<li" not in source and "<div" not in source, name
        assert "<!--homepage-html-" in source, name
        assert "<!--" not in renderer.stash.restore(indent_macro_output(source)), name


def test_empty_sections_render_a_note(site: SiteData) -> None:
    empty = site.model_copy(update={"talks": [], "publications": [], "news": []})
    assert "No talks yet." in render(empty, "talks")
    assert "No publications yet." in render(empty)
    assert "No news yet." in render(empty, "news")


def test_unknown_icon_is_an_error(site: SiteData, tmp_path: Path) -> None:
    profile = site.profile.model_copy(
        update={"links": [site.profile.links[0].model_copy(update={"icon": "material/nope"})]}
    )
    (tmp_path / "material").mkdir()
    (tmp_path / "material" / "email.svg").write_text("<svg></svg>")
    renderer = SiteRenderer(site.model_copy(update={"profile": profile}), icon_dirs=[tmp_path])
    with pytest.raises(ValueError, match="unknown icon 'material/nope'"):
        renderer.profile_card()


def test_highlighted_award_is_bold(site: SiteData) -> None:
    out = render(site, "awards")
    assert "<strong>Northwind Graduate Fellowship</strong>" in out
    for award in site.awards:
        if not award.highlight:
            assert f"<strong>{escape(award.title)}" not in out
            assert escape(award.title) in out


def test_talk_event_is_escaped(site: SiteData) -> None:
    out = render(site, "talks")
    assert "Summit on &lt;i&gt;Systems&lt;/i&gt; &amp; *Things* {{ event }}" in out
    assert "<i>" not in out and "<em>Things" not in out


def test_wrong_award_category_argument(site: SiteData) -> None:
    with pytest.raises(ValueError, match="expected one of scholarship, honor, competition"):
        SiteRenderer(site).awards(category="medals")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2024", "2024"),
        ("2024-09", "Sep 2024"),
        ("2024-09-05", "Sep 5, 2024"),
        ("present", "Present"),
    ],
)
def test_dates(value: str, shown: str) -> None:
    assert format_partial_date(value) == shown


def test_period() -> None:
    assert format_period("2024-09", "present") == "Sep 2024 – Present"
    assert format_period("2021", None) == "2021"
