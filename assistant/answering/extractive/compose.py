"""The extractive answer's text: each excerpt quoted verbatim, attributed and cited."""

from __future__ import annotations

from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.extractive.selection import extend_lead_in
from assistant.core.citations import doc_label, make_citation
from assistant.core.models import AnswerSentence, Citation
from assistant.retrieval.retriever import Retriever
from ingest.text import long_date


def compose(picked: list[ScoredSentence], retriever: Retriever) -> tuple[str, list[Citation], list[AnswerSentence]]:
    parts: list[str] = []
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    last_doc = None
    for n, s in enumerate(picked, start=1):
        chunk = s.result.chunk
        meta = retriever.store.meta(chunk.doc_id)
        last = s.k if s.k_end is None else s.k_end
        cit = make_citation(n, chunk, meta, s.start, extend_lead_in(chunk, last, s.end),
                            supported=True, support_score=s.score)
        citations.append(cit)
        quote = f"“{cit.excerpt}” [{n}]"
        if chunk.doc_id == last_doc:
            parts.append(f"It adds: {quote}")
        else:
            when = f" ({long_date(meta.date)})" if meta.date else ""
            parts.append(f"According to {doc_label(meta)}{when}, {quote}")
        sentences.append(AnswerSentence(text=cit.excerpt, markers=[n], supported=True,
                                        support_score=s.score))
        last_doc = chunk.doc_id
    return "\n\n".join(parts), citations, sentences
