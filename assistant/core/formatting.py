"""The one JSON shape of an :class:`Answer`: what the CLI prints with ``--json``, what the chat
window stores with each message (and the feedback export reads), and what evals record."""

from __future__ import annotations

from typing import Any

from assistant.core.models import Answer, Citation


def citation_json(c: Citation) -> dict[str, Any]:
    return {"marker": c.marker, "doc_id": c.doc_id, "chunk_id": c.chunk_id, "title": c.title,
            "publisher": c.publisher, "date": c.date, "locator": c.locator, "url": c.url,
            "excerpt": c.excerpt, "supported": c.supported, "also_in": c.also_in}


def answer_json(ans: Answer, qid: Any = None) -> dict[str, Any]:
    """Everything a reader of the answer needs; every ``excerpt`` is verbatim source text."""
    return {
        "id": qid,
        "question": ans.question,
        "standalone_question": ans.standalone_question,
        "answer": ans.answer,
        "refused": ans.refused,
        "refusal_reason": ans.refusal_reason,
        "mode": str(ans.mode),
        "notice": ans.notice,
        "citations": [citation_json(c) for c in ans.citations],
        "closest": [citation_json(c) for c in ans.closest],
        "timings_ms": ans.timings_ms,
    }
