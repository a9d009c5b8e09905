"""The embedded default answerer: verbatim sentences of the sources, attributed and cited.

No language model: retrieved passages are split into sentences (boundaries computed at ingest
with pysbd), each sentence is scored against the question (embedding similarity, idf-weighted
term overlap, rank of its passage), redundant ones are dropped, and 1-5 are quoted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from assistant.answering.base import best_quotable, evidence_gate
from assistant.answering.condense import condense, wants_more
from assistant.answering.config import AnswerConfig
from assistant.answering.extractive.compose import by_institution, compose
from assistant.answering.extractive.scoring import SentenceScorer, continue_from
from assistant.answering.extractive.selection import assemble, select
from assistant.answering.refusal import refuse
from assistant.core.enums import AnswerMode, StreamKind
from assistant.core.models import Answer, SearchFilters, StreamEvent, Turn
from assistant.retrieval.retriever import Retriever

MIN_PASSAGES = 8  # passages read for an extractive answer, whatever k the caller asks


def word_chunks(text: str, size: int = 24) -> Iterator[str]:
    """A finished text as stream pieces of ``size`` words."""
    words = text.split(" ")
    for i in range(0, len(words), size):
        yield " ".join(words[i : i + size]) + (" " if i + size < len(words) else "")


class ExtractiveAnswerer:
    """``Answerer`` that quotes the sources verbatim; works offline with no LLM."""

    mode = AnswerMode.EXTRACTIVE

    def __init__(self, retriever: Retriever, config: AnswerConfig) -> None:
        self.retriever = retriever
        self.config = config
        self.scorer = SentenceScorer(retriever)

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer:
        t0 = time.perf_counter()
        history = history or []
        cfg = self.config
        standalone = condense(question, history)
        qvec = self.retriever.embed_query(standalone)
        t1 = time.perf_counter()
        results = self.retriever.search(standalone, max(k or cfg.top_k, MIN_PASSAGES), filters,
                                        qvec=qvec)
        t2 = time.perf_counter()
        scored = self.scorer.score(standalone, qvec, results)
        seen = ([t.content for t in history if t.role == "assistant"]
                if wants_more(question) and history else [])
        if seen:
            scored = continue_from(scored, seen)
        picked = select(scored, self.retriever.store.sentence_vectors, cfg.max_sentences,
                        cfg.refusal_threshold, exclude=seen)
        reason = evidence_gate(self.retriever, standalone,
                               best_quotable([(s.text, s.score) for s in scored]),
                               cfg.refusal_threshold)
        if reason is None and not picked:
            reason = "the best evidence is too weak"
        if reason is not None:
            ans = refuse(question, standalone, results, self.retriever, reason)
        else:
            text, citations, sentences = compose(by_institution(assemble(picked), self.retriever),
                                                 self.retriever)
            ans = Answer(question=question, standalone_question=standalone, answer=text,
                         citations=citations, sentences=sentences, mode=self.mode)
        ans.timings_ms = {"embed": round((t1 - t0) * 1e3, 2),
                          "retrieve": round((t2 - t1) * 1e3, 2),
                          "total": round((time.perf_counter() - t0) * 1e3, 2)}
        return ans

    def stream(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None
               ) -> Iterator[StreamEvent]:
        ans = self.answer(question, history, filters, k)
        for piece in word_chunks(ans.answer):
            yield StreamEvent(kind=StreamKind.TOKEN, text=piece)
        yield StreamEvent(kind=StreamKind.ANSWER, answer=ans)
