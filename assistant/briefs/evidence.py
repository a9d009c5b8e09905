"""Evidence gathering for briefs: sentences scored and selected exactly as the answer engine
does (:class:`~assistant.answering.extractive.scoring.SentenceScorer`,
:func:`~assistant.answering.extractive.selection.select`, floor ``refusal_threshold``), so a
brief quotes what ``ask`` would quote, and no quotation twice."""

from __future__ import annotations

import logging

import numpy as np

from assistant.answering.extractive.answerer import MIN_PASSAGES
from assistant.answering.extractive.compose import Shape, compose
from assistant.answering.extractive.scoring import ScoredSentence, SentenceScorer
from assistant.answering.extractive.selection import NEAR_REPEAT, select
from assistant.core.citations import excerpt_in_source
from assistant.core.models import Citation, SearchFilters, SearchResult
from assistant.engine import Assistant
from ingest.documents import DocumentMeta
from ingest.text import fold

log = logging.getLogger(__name__)

MAX_SECTIONS = 5  # the topic + up to four generated facets


class Evidence:
    """Finds quotable sentences for queries and remembers what a document already quotes."""

    def __init__(self, assistant: Assistant, publishers: list[str] | None = None) -> None:
        self.assistant = assistant
        self.retriever = assistant.retriever  # one index version for the whole document
        self.store = self.retriever.store
        self.config = assistant.answer_config
        self.scorer = SentenceScorer(self.retriever)
        self.filters = SearchFilters(publishers=publishers or [])
        self.threshold = self.config.refusal_threshold
        self.max_n = self.config.max_sentences
        self.max_sections = MAX_SECTIONS
        self.candidate_k = self.retriever.config.candidate_k
        self._rows: list[int] = []
        self._texts: list[str] = []

    def embed(self, query: str) -> np.ndarray:
        return self.retriever.embed_query(query)

    def search(self, query: str, qvec: np.ndarray, k: int | None = None,
               filters: SearchFilters | None = None) -> list[SearchResult]:
        return self.retriever.search(query, k or max(self.config.top_k, MIN_PASSAGES),
                                     self.filters if filters is None else filters, qvec=qvec)

    def used(self, s: ScoredSentence) -> bool:
        f = fold(s.text)
        if any(f in t or t in f for t in self._texts):
            return True
        v = self.store.sentence_vectors
        return any(float(v[s.row] @ v[r]) > NEAR_REPEAT for r in self._rows)

    def pick(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """The engine's selection among the sentences not quoted yet."""
        fresh = [s for s in scored if not self.used(s)]
        return select(fresh, self.store.sentence_vectors, self.max_n, self.threshold)

    def gather(self, scored: list[ScoredSentence]) -> list[ScoredSentence]:
        """Up to ``max_answer_sentences`` sentences at or above the evidence threshold, best
        first: :func:`select` applied again to what is left, so the answer engine's cut-off
        relative to its best sentence does not hide further evidence from a brief."""
        out: list[ScoredSentence] = []
        v = self.store.sentence_vectors
        while len(out) < self.max_n:
            fresh = [s for s in scored if not self.used(s)
                     and all(s.row != o.row and float(v[s.row] @ v[o.row]) <= NEAR_REPEAT
                             for o in out)]
            batch = select(fresh, v, self.max_n - len(out), self.threshold)
            if not batch:
                break
            out += batch
        return out

    def find(self, query: str, within: set[int] | None = None) -> list[ScoredSentence]:
        """The engine's choice of sentences for ``query``; with ``within``, only among those
        sentence rows (a facet of a topic quotes only evidence on the topic)."""
        qvec = self.embed(query)
        k = self.candidate_k if within is not None else None
        scored = self.scorer.score(query, qvec, self.search(query, qvec, k=k))
        if within is not None:
            scored = [s for s in scored if s.row in within]
        return self.gather(scored)

    def take(self, picked: list[ScoredSentence]) -> list[Citation]:
        """Citations of the picked sentences, each checked verbatim in its source."""
        if not picked:
            return []
        _, cites, _ = compose(Shape(blocks=[("", picked)]), self.retriever)
        out: list[Citation] = []
        for s, c in zip(picked, cites, strict=True):
            self._rows.append(s.row)
            self._texts.append(fold(s.text))
            if excerpt_in_source(self.store, c.doc_id, c.excerpt):
                out.append(c)
            else:  # never expected: chunk text is a slice of the cleaned document
                log.warning("excerpt not found verbatim in %s; left out", c.doc_id)
        return out

    def searched_docs(self) -> set[str]:
        mask = self.retriever.mask(self.filters)
        return {c.doc_id for i, c in enumerate(self.store.chunks) if mask is None or mask[i]}

    def meta(self, doc_id: str) -> DocumentMeta:
        return self.store.meta(doc_id)
