"""Hybrid retrieval over one loaded index version: dense (FAISS through LangChain's vector
store, or pgvector) and BM25 (sparse, from the folder or PostgreSQL), fused by weighted reciprocal rank, near-duplicates collapsed.

A passage's dense score is the better of its own vector's and its best sentence's
(small-to-big): a short, exact statement is not drowned by the rest of its passage.
"""

from __future__ import annotations

import numpy as np

from assistant.core.enums import RetrievalMode
from assistant.core.models import SearchFilters, SearchResult
from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.expansion import Expander
from assistant.retrieval.filters import FilterMask
from assistant.retrieval.institutions import Institutions
from assistant.retrieval.origins import Origins
from assistant.retrieval.stores import Ranked, SearchStore
from assistant.retrieval.vocabulary import Vocabulary
from ingest.acronyms import expand_text
from ingest.embedding import BaseEmbedder
from ingest.store import StoredIndex

SENTENCE_SCAN_MAX = 200_000  # up to this many sentences, all are scored for every question
SENTENCE_POOL = 200  # above it: the sentences of this many passages from each of dense and BM25
PINNED = 3  # passages of the best sentences for the topic, always among the results


class Retriever:
    """Typed search over one loaded index version, with its own configuration: callers pass a
    query, ``k`` and filters. ``backend`` searches (the index folder or PostgreSQL);
    ``store`` is the version's passages and vectors, whichever backend holds them."""

    def __init__(self, store: StoredIndex | SearchStore, embedder: BaseEmbedder,
                 config: RetrievalConfig | None = None) -> None:
        if isinstance(store, StoredIndex):
            from assistant.retrieval.stores.local import LocalStore

            store = LocalStore(store, embedder)
        self.backend: SearchStore = store
        self.store: StoredIndex = store.index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.vocab = Vocabulary(self.store)
        self.institutions = Institutions(self.store)
        self.origins = Origins(self.store)
        self.expander = Expander(self.vocab, embedder)
        self.mask = FilterMask(self.store)
        self._large = len(self.store.sentence_vectors) > SENTENCE_SCAN_MAX

    def with_config(self, config: RetrievalConfig) -> Retriever:
        """The same index and embedder, searched another way (e.g. another mode)."""
        other = object.__new__(Retriever)
        other.__dict__.update(self.__dict__)
        other.config = config
        return other

    def embed_query(self, query: str) -> np.ndarray:
        """The query vector, with the collection's acronyms spelled out as at ingest."""
        return self.embedder.embed_query_vector(expand_text(query, self.vocab.acronym_forms))

    def dense(self, qvec: np.ndarray, k: int, mask: np.ndarray | None) -> Ranked:
        return self.backend.dense(qvec, k, mask)

    def dense_sentences(self, qvec: np.ndarray, k: int, mask: np.ndarray | None,
                        candidates: np.ndarray | None = None) -> Ranked:
        """Passages ranked by their best-matching sentence. Every sentence is scored, or with
        ``candidates`` (above ``SENTENCE_SCAN_MAX`` sentences) only those of the passages the
        passage index and BM25 found, so the cost stops growing with the collection."""
        return self.backend.dense_sentences(qvec, k, mask, candidates)

    def candidate_pool(self) -> int:
        """How many passages dense and BM25 retrieval fetch: more above SENTENCE_SCAN_MAX
        sentences, where their union is all the sentence scoring sees."""
        ck = self.config.candidate_k
        return max(ck, SENTENCE_POOL) if self._large else ck

    def sentence_candidates(self, dense: Ranked, sparse: Ranked) -> np.ndarray | None:
        """The passages whose sentences :meth:`dense_sentences` scores (None: all)."""
        if not self._large:
            return None
        return np.array(sorted({i for i, _ in dense} | {i for i, _ in sparse}), dtype=np.int64)

    def sparse(self, query: str, k: int, mask: np.ndarray | None) -> Ranked:
        return self.backend.sparse(query, k, mask)

    def _dense_ranking(self, qvec: np.ndarray, mask: np.ndarray | None,
                       sparse: Ranked) -> tuple[Ranked, dict[int, float]]:
        """The dense ranking (top ``candidate_k``) and every passage's dense score seen."""
        ck = self.config.candidate_k
        passages = self.dense(qvec, self.candidate_pool(), mask)
        cands = self.sentence_candidates(passages, sparse)
        best: dict[int, float] = {}
        for i, sc in passages[:ck] + self.dense_sentences(qvec, ck, mask, cands):
            best[i] = max(sc, best.get(i, -1.0))
        return sorted(best.items(), key=lambda x: (-x[1], x[0]))[:ck], best

    def _fuse(self, dense: Ranked, sparse: Ranked) -> dict[int, float]:
        fused: dict[int, float] = {}
        for ranked, weight in ((dense, self.config.dense_weight), (sparse, 1.0)):
            for r, (i, _) in enumerate(ranked):
                fused[i] = fused.get(i, 0.0) + weight / (self.config.rrf_k + r + 1)
        return fused

    def _distinct(self, order: list[int], k: int) -> list[int]:
        """The first ``k`` passages that are not near-duplicates of one already taken."""
        vecs, picked = self.store.vectors, list[int]()
        for i in order:
            if any(float(vecs[i] @ vecs[j]) > self.config.dedup_threshold for j in picked):
                continue
            picked.append(i)
            if len(picked) == k:
                break
        return picked

    def _pinned(self, tvec: np.ndarray, mask: np.ndarray | None, picked: list[int]) -> list[int]:
        """Passages holding the sentences nearest to ``tvec`` that fusion left out: a paraphrase
        whose words BM25 cannot match, asked of a named institution, is still read."""
        cands = None
        if self._large:
            cands = np.array(sorted(i for i, _ in self.dense(tvec, SENTENCE_POOL, mask)),
                             dtype=np.int64)
        return [i for i, _ in self.dense_sentences(tvec, PINNED, mask, cands) if i not in picked]

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               *, qvec: np.ndarray | None = None,
               tvec: np.ndarray | None = None) -> list[SearchResult]:
        """The top ``k`` passages (``config.top_k`` by default). The query is embedded once,
        or ``qvec`` is reused. ``tvec`` is the vector of what is asked about, without the names
        of who is asked: the passages of the sentences that match it best are always taken."""
        mode = self.config.mode
        mask = self.mask(filters)
        if qvec is None:
            qvec = self.embed_query(query)
        pool = self.candidate_pool()
        sparse = self.sparse(query, pool, mask) if mode != RetrievalMode.DENSE else []
        dense: Ranked = []
        d_score: dict[int, float] = {}
        if mode != RetrievalMode.SPARSE:
            dense, d_score = self._dense_ranking(qvec, mask, sparse)
        sparse = sparse[: self.config.candidate_k]
        fused = self._fuse(dense, sparse)
        d_rank = {i: r for r, (i, _) in enumerate(dense)}
        s_rank = {i: r for r, (i, _) in enumerate(sparse)}
        picked = self._distinct(sorted(fused, key=lambda i: (-fused[i], i)), k or self.config.top_k)
        if tvec is not None and mode != RetrievalMode.SPARSE:
            picked += self._pinned(tvec, mask, picked)
            for i in picked:
                fused.setdefault(i, 0.0)
        return [SearchResult(chunk=self.store.chunks[i], score=fused[i],
                             dense_score=d_score.get(i, float(self.store.vectors[i] @ qvec)),
                             dense_rank=d_rank.get(i), sparse_rank=s_rank.get(i), index=i)
                for i in picked]
