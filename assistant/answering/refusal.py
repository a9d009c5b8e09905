"""Grounded refusal: a fixed outcome that says what was searched and shows the closest material."""

from __future__ import annotations

import numpy as np

from assistant.answering.base import quotable
from assistant.core.citations import make_citation
from assistant.core.enums import AnswerMode
from assistant.core.models import REFUSAL_PREFIX, Answer, Citation, SearchResult
from assistant.core.prompts import load_prompt
from assistant.retrieval.retriever import Retriever


def closest_material(results: list[SearchResult], retriever: Retriever, n: int = 3,
                     qvec: np.ndarray | None = None) -> list[Citation]:
    """The first ``n`` passages, each cited at the sentence nearest to the question (with
    ``qvec``; else at its opening): a paraphrase refused as too weak shows the sentence that
    came closest, not the passage's first lines."""
    out: list[Citation] = []
    for i, r in enumerate(results[:n], start=1):
        c = r.chunk
        spans = c.sentences[:2] or [(0, len(c.text))]
        if qvec is not None and c.sentences:
            base = retriever.store.sentence_offsets[r.index]
            sims = retriever.store.sentence_vectors[base : base + len(c.sentences)] @ qvec
            order = [int(k) for k in np.argsort(-sims)]
            k = next((k for k in order if quotable(c.text[slice(*c.sentences[k])])), order[0])
            spans = [c.sentences[k]]
        meta = retriever.store.meta(c.doc_id)
        out.append(make_citation(i, c, meta, spans[0][0], spans[-1][1], supported=False,
                                 support_score=r.dense_score))
    return out


def refuse(question: str, standalone: str, results: list[SearchResult], retriever: Retriever,
           reason: str, mode: AnswerMode = AnswerMode.EXTRACTIVE,
           qvec: np.ndarray | None = None) -> Answer:
    text = load_prompt("refusal").render(n_docs=len(retriever.store.searchable()),
                                         question=standalone, reason=reason)
    assert text.startswith(REFUSAL_PREFIX), "prompts/refusal.txt must keep the fixed opening"
    if results:
        text += (" The closest material in the collection is listed below; it may not answer "
                 "your question.")
    return Answer(question=question, standalone_question=standalone, answer=text, refused=True,
                  refusal_reason=reason, closest=closest_material(results, retriever, qvec=qvec), mode=mode)
