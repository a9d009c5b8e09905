"""Search results for the LLM-check tests, with the marker of the passage a test writes about."""

from __future__ import annotations

from assistant.core.models import SearchResult
from assistant.engine import Assistant


def results_with(a: Assistant, query: str, needle: str) -> tuple[list[SearchResult], int]:
    """The top-k results for ``query`` and the marker number of the first passage holding
    ``needle``."""
    results = a.retriever.search(query, a.answer_config.top_k)
    n = next(i for i, r in enumerate(results, start=1) if needle in r.chunk.text)
    return results, n
