"""OpenAlex: citation counts by DOI, many papers a request; needs a (free) API key.

API: `GET /works?filter=doi:10.1/a|10.1/b&select=doi,cited_by_count&per-page=50&api_key=KEY`
answers `{"meta": {...}, "results": [{"doi": "https://doi.org/10.1/a", "cited_by_count": 7}]}`
(OpenAlex API documentation: works, filter, select). Since February 2026 OpenAlex asks every
user for a key; it comes from the environment variable OPENALEX_API_KEY.
"""

from __future__ import annotations

from .http import OPENALEX, ScholarlyHttp, shape_error

BATCH = 50
_DOI_URL = "https://doi.org/"


def work_doi(arxiv: str | None, doi: str | None) -> str:
    """The DOI OpenAlex knows a paper by: its own, or the one arXiv registers for a preprint."""
    return (doi or f"10.48550/arXiv.{(arxiv or '').split('v')[0]}").lower()


def citation_counts(http: ScholarlyHttp, dois: list[str], api_key: str) -> dict[str, int]:
    """Count per lower-case DOI, for the DOIs OpenAlex knows."""
    counts: dict[str, int] = {}
    for start in range(0, len(dois), BATCH):
        chunk = dois[start : start + BATCH]
        answer = http.get_json(
            OPENALEX,
            "/works",
            {
                "filter": "doi:" + "|".join(chunk),
                "select": "doi,cited_by_count",
                "per-page": str(BATCH),
                "api_key": api_key,
            },
        )
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise shape_error(OPENALEX, "no 'results' list")
        for work in results:
            if not isinstance(work, dict):
                raise shape_error(OPENALEX, "a result that is not an object")
            doi, count = work.get("doi"), work.get("cited_by_count")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise shape_error(OPENALEX, "a result without a cited_by_count number")
            if isinstance(doi, str) and doi.lower().removeprefix(_DOI_URL) in chunk:
                counts[doi.lower().removeprefix(_DOI_URL)] = count
    return counts
