"""Hybrid retrieval over one loaded index version: FAISS (dense, through LangChain's vector
store) and BM25 (sparse), fused by weighted reciprocal rank, near-duplicates collapsed.

A passage's dense score is the better of its own vector's and its best sentence's
(small-to-big): a short, exact statement is not drowned by the rest of its passage.
"""

from __future__ import annotations

import numpy as np
from langchain_community.docstore.in_memory import InMemoryDocstore
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.documents import Document

from assistant.core.enums import RetrievalMode
from assistant.core.models import SearchFilters, SearchResult
from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.expansion import Expander
from assistant.retrieval.filters import FilterMask
from assistant.retrieval.institutions import Institutions
from assistant.retrieval.origins import Origins
from assistant.retrieval.vocabulary import Vocabulary
from ingest.acronyms import expand_text
from ingest.embedding import BaseEmbedder
from ingest.store import StoredIndex

SENTENCE_SCAN_MAX = 200_000  # up to this many sentences, all are scored for every question
SENTENCE_POOL = 200  # above it: the sentences of this many passages from each of dense and BM25

Ranked = list[tuple[int, float]]  # (passage row, score), best first


class Retriever:
    """Typed search over one loaded index version, with its own configuration: callers pass a
    query, ``k`` and filters."""

    def __init__(self, store: StoredIndex, embedder: BaseEmbedder,
                 config: RetrievalConfig | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.vocab = Vocabulary(store)
        self.institutions = Institutions(store)
        self.origins = Origins(store)
        self.expander = Expander(self.vocab, embedder)
        self.mask = FilterMask(store)
        docstore = InMemoryDocstore({c.chunk_id: Document(page_content=c.text, id=c.chunk_id,
                                                          metadata={"chunk_id": c.chunk_id})
                                     for c in store.chunks})
        self.vectorstore = FAISS(
            embedding_function=embedder, index=store.faiss_index, docstore=docstore,
            index_to_docstore_id={i: c.chunk_id for i, c in enumerate(store.chunks)},
            distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT, normalize_L2=False,
        )
        self._sent_counts = np.array([len(c.sentences) for c in store.chunks], dtype=np.int64)
        self._sent_owner = np.repeat(np.arange(len(store.chunks)), self._sent_counts)
        self._large = len(store.sentence_vectors) > SENTENCE_SCAN_MAX

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
        n = len(self.store.chunks)
        if n == 0:
            return []
        if mask is None:
            pairs = self.vectorstore.similarity_search_with_score_by_vector(qvec.tolist(),
                                                                            k=min(k, n))
            return [(self.store.by_id[d.metadata["chunk_id"]], float(s)) for d, s in pairs]
        allowed = np.flatnonzero(mask)
        if len(allowed) == 0:
            return []
        sims = self.store.vectors[allowed] @ qvec
        top = np.argsort(-sims)[:k]
        return [(int(allowed[i]), float(sims[i])) for i in top]

    def _sentence_rows(self, candidates: np.ndarray) -> np.ndarray:
        offs, counts = self.store.sentence_offsets, self._sent_counts
        return np.concatenate([np.arange(offs[i], offs[i] + counts[i]) for i in candidates]
                              or [np.zeros(0, dtype=np.int64)])

    def dense_sentences(self, qvec: np.ndarray, k: int, mask: np.ndarray | None,
                        candidates: np.ndarray | None = None) -> Ranked:
        """Passages ranked by their best-matching sentence. Every sentence is scored, or with
        ``candidates`` (above ``SENTENCE_SCAN_MAX`` sentences) only those of the passages the
        passage index and BM25 found, so the cost stops growing with the collection."""
        sv = self.store.sentence_vectors
        if len(sv) == 0:
            return []
        if candidates is not None:
            rows = self._sentence_rows(candidates)
            sims, owners = sv[rows] @ qvec, self._sent_owner[rows]
        else:
            sims, owners = sv @ qvec, self._sent_owner
        if mask is not None:
            sims = np.where(mask[owners], sims, -1.0)
        take = min(k * 3, len(sims))
        if take == 0:
            return []
        top = np.argpartition(-sims, take - 1)[:take]
        best: dict[int, float] = {}
        for row in top[np.argsort(-sims[top])]:
            owner = int(owners[row])
            if owner not in best and sims[row] > -1.0:
                best[owner] = float(sims[row])
        return sorted(best.items(), key=lambda x: -x[1])[:k]

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
        scores = self.store.bm25.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def _dense_ranking(self, qvec: np.ndarray, mask: np.ndarray | None,
                       sparse: Ranked) -> tuple[Ranked, dict[int, float]]:
        """The dense ranking (top ``candidate_k``) and every passage's dense score seen."""
        ck = self.config.candidate_k
        passages = self.dense(qvec, self.candidate_pool(), mask)
        cands = self.sentence_candidates(passages, sparse)
        best: dict[int, float] = {}
        for i, sc in passages[:ck] + self.dense_sentences(qvec, ck, mask, cands):
            best[i] = max(sc, best.get(i, -1.0))
        return sorted(best.items(), key=lambda x: -x[1])[:ck], best

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

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               *, qvec: np.ndarray | None = None) -> list[SearchResult]:
        """The top ``k`` passages (``config.top_k`` by default). The query is embedded once,
        or ``qvec`` is reused."""
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
        picked = self._distinct(sorted(fused, key=lambda i: -fused[i]), k or self.config.top_k)
        return [SearchResult(chunk=self.store.chunks[i], score=fused[i],
                             dense_score=d_score.get(i, float(self.store.vectors[i] @ qvec)),
                             dense_rank=d_rank.get(i), sparse_rank=s_rank.get(i), index=i)
                for i in picked]
