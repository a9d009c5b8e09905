"""Grounded refusal: a fixed outcome that says what was searched and shows the closest material."""

from __future__ import annotations

from assistant.core.citations import make_citation
from assistant.core.enums import AnswerMode
from assistant.core.models import REFUSAL_PREFIX, Answer, Citation, SearchResult
from assistant.core.prompts import load_prompt
from assistant.retrieval.retriever import Retriever


def closest_material(results: list[SearchResult], retriever: Retriever,
                     n: int = 3) -> list[Citation]:
    out: list[Citation] = []
    for i, r in enumerate(results[:n], start=1):
        c = r.chunk
        spans = c.sentences[:2] or [(0, len(c.text))]
        meta = retriever.store.meta(c.doc_id)
        out.append(make_citation(i, c, meta, spans[0][0], spans[-1][1], supported=False,
                                 support_score=r.dense_score))
    return out


def refuse(question: str, standalone: str, results: list[SearchResult], retriever: Retriever,
           reason: str, mode: AnswerMode = AnswerMode.EXTRACTIVE) -> Answer:
    n_docs = sum(1 for d in retriever.store.documents.values() if d.get("n_chunks", 0) > 0)
    text = load_prompt("refusal").render(n_docs=n_docs, question=standalone, reason=reason)
    assert text.startswith(REFUSAL_PREFIX), "prompts/refusal.txt must keep the fixed opening"
    if results:
        text += (" The closest material in the collection is listed below; it may not answer "
                 "your question.")
    return Answer(question=question, standalone_question=standalone, answer=text, refused=True,
                  refusal_reason=reason, closest=closest_material(results, retriever), mode=mode)
