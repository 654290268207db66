"""robots.txt: every crawler allowed, and pointed at the sitemap when the site has an address."""

from __future__ import annotations

from conftest import Build

from macros.outputs.exports import robots_txt


def test_robots_txt_points_at_the_sitemap() -> None:
    assert robots_txt("https://example.org/sub/") == (
        "User-agent: *\nAllow: /\nSitemap: https://example.org/sub/sitemap.xml\n"
    )
    assert robots_txt(None) == "User-agent: *\nAllow: /\n"


def test_robots_txt_is_published(built_site: Build) -> None:
    text = (built_site.site / "robots.txt").read_text(encoding="utf-8")
    assert text.startswith("User-agent: *\nAllow: /\n")
    sitemap = [line for line in text.splitlines() if line.startswith("Sitemap: ")]
    for line in sitemap:
        assert (built_site.site / "sitemap.xml").is_file()
        assert line.endswith("/sitemap.xml")
