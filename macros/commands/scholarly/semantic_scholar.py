"""Semantic Scholar: citation counts of many papers in one request, no key needed.

API: `POST /graph/v1/paper/batch?fields=citationCount` with `{"ids": ["ARXIV:1706.03762",
"DOI:10.1145/..."]}` answers a list in the same order, `null` where a paper is unknown
(Semantic Scholar Academic Graph API documentation, "paper batch"). Up to 500 ids a request;
keyless requests share one pool, so they are sent one a second at most.
"""

from __future__ import annotations

from .http import SEMANTIC_SCHOLAR, ScholarlyHttp, shape_error

BATCH = 500


def paper_key(arxiv: str | None, doi: str | None) -> str:
    """How Semantic Scholar names a paper: by arXiv id when there is one, else by DOI."""
    return f"ARXIV:{arxiv.split('v')[0]}" if arxiv else f"DOI:{doi}"


def citation_counts(http: ScholarlyHttp, keys: list[str]) -> dict[str, int]:
    """Count per key, for the keys Semantic Scholar knows."""
    counts: dict[str, int] = {}
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        answer = http.post_json(
            SEMANTIC_SCHOLAR,
            "/graph/v1/paper/batch",
            {"fields": "citationCount"},
            {"ids": chunk},
        )
        if not isinstance(answer, list) or len(answer) != len(chunk):
            raise shape_error(SEMANTIC_SCHOLAR, "expected a list with one item per paper asked")
        for key, paper in zip(chunk, answer, strict=True):
            if paper is None:
                continue
            count = paper.get("citationCount") if isinstance(paper, dict) else None
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise shape_error(SEMANTIC_SCHOLAR, f"no citationCount number for {key}")
            counts[key] = count
    return counts
