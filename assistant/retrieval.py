"""Hybrid retrieval: FAISS (dense) + BM25 (sparse), fused by reciprocal rank, de-duplicated.

Exposed both as a plain typed ``search`` and as a LangChain ``BaseRetriever``.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
from langchain_community.docstore.in_memory import InMemoryDocstore
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.models import Chunk, SearchFilters, SearchResult
from assistant.textutil import content_terms, parse_date_bound
from ingest.embed import LocalEmbeddings
from ingest.index import StoredIndex


def chunk_document(chunk: Chunk, score: float | None = None) -> Document:
    meta: dict[str, Any] = {
        "doc_id": chunk.doc_id, "chunk_id": chunk.chunk_id, "title": chunk.title,
        "publisher": chunk.publisher, "date": chunk.date, "locator": chunk.locator.render(),
    }
    if score is not None:
        meta["score"] = score
    return Document(page_content=chunk.text, metadata=meta, id=chunk.chunk_id)


def _period(value: str, upper: bool) -> date | None:
    try:
        return parse_date_bound(value, upper=upper)
    except ValueError:
        return None


class IndexSearcher:
    """Typed search over one loaded index version."""

    def __init__(self, store: StoredIndex, embedder: LocalEmbeddings, dense_weight: float = 0.5) -> None:
        self.store = store
        self.embedder = embedder
        self.dense_weight = dense_weight  # weight of the dense list in reciprocal-rank fusion
        docstore = InMemoryDocstore({c.chunk_id: chunk_document(c) for c in store.chunks})
        self.vectorstore = FAISS(
            embedding_function=embedder,
            index=store.faiss_index,
            docstore=docstore,
            index_to_docstore_id={i: c.chunk_id for i, c in enumerate(store.chunks)},
            distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
            normalize_L2=False,
        )
        self._sent_owner = np.repeat(np.arange(len(store.chunks)),
                                     [len(c.sentences) for c in store.chunks])
        self._publishers = np.array([c.publisher for c in store.chunks], dtype=object)
        self._doc_ids = np.array([c.doc_id for c in store.chunks], dtype=object)

    @cached_property
    def known_terms(self) -> set[str]:
        """Every (stemmed) word of the collection's text and metadata."""
        known = set(self.store.bm25.vocab)
        for d in self.store.documents.values():
            m = d["meta"]
            known |= set(content_terms(f"{m['title']} {m['publisher']} {m['kind']}"))
        return known

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """Boolean mask of the passages a filter allows (None = all)."""
        if filters is None or filters.is_empty():
            return None
        n = len(self.store.chunks)
        m = np.ones(n, dtype=bool)
        if filters.doc_ids:
            m &= np.isin(self._doc_ids, filters.doc_ids)
        if filters.publishers:
            wanted = [p.lower() for p in filters.publishers]
            m &= np.array([any(w in p.lower() for w in wanted) for p in self._publishers])
        if filters.date_from or filters.date_to:
            lo = parse_date_bound(filters.date_from) if filters.date_from else date.min
            hi = parse_date_bound(filters.date_to, upper=True) if filters.date_to else date.max
            for i, c in enumerate(self.store.chunks):
                start, end = _period(c.date, False), _period(c.date, True)
                if start is None or end is None or end < lo or start > hi:
                    m[i] = False
        return m

    def dense(self, qvec: np.ndarray, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        n = len(self.store.chunks)
        if n == 0:
            return []
        if mask is None:
            fetch = min(k, n)
            pairs = self.vectorstore.similarity_search_with_score_by_vector(qvec.tolist(), k=fetch)
            return [(self.store.by_id[d.metadata["chunk_id"]], float(s)) for d, s in pairs]
        allowed = np.flatnonzero(mask)
        if len(allowed) == 0:
            return []
        sims = self.store.vectors[allowed] @ qvec
        top = np.argsort(-sims)[:k]
        return [(int(allowed[i]), float(sims[i])) for i in top]

    def dense_sentences(self, qvec: np.ndarray, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """Passages ranked by their best-matching sentence (small-to-big retrieval): a short,
        exact statement is not drowned by the rest of its passage."""
        sv = self.store.sentence_vectors
        if len(sv) == 0:
            return []
        sims = sv @ qvec
        if mask is not None:
            sims = np.where(mask[self._sent_owner], sims, -1.0)
        top = np.argsort(-sims)[: k * 3]
        best: dict[int, float] = {}
        for row in top:
            owner = int(self._sent_owner[row])
            if owner not in best and sims[row] > -1.0:
                best[owner] = float(sims[row])
        return sorted(best.items(), key=lambda x: -x[1])[:k]

    def sparse(self, query: str, k: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        scores = self.store.bm25.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None,
               mode: str = "hybrid", candidate_k: int = 40, rrf_k: int = 60,
               dedup_threshold: float = 0.92, qvec: np.ndarray | None = None,
               dense_weight: float | None = None) -> list[SearchResult]:
        """Top ``k`` passages. The query is embedded once (or ``qvec`` is reused)."""
        mask = self.mask(filters)
        if qvec is None:
            qvec = self.embedder.embed_query_vector(query)
        dense: list[tuple[int, float]] = []
        best: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            # A passage's dense score is the better of its own and its best sentence's.
            for i, sc in self.dense(qvec, candidate_k, mask) + self.dense_sentences(qvec, candidate_k, mask):
                best[i] = max(sc, best.get(i, -1.0))
            dense = sorted(best.items(), key=lambda x: -x[1])[:candidate_k]
        sparse = self.sparse(query, candidate_k, mask) if mode in ("hybrid", "sparse") else []
        fused: dict[int, float] = {}
        d_rank = {i: r for r, (i, _) in enumerate(dense)}
        s_rank = {i: r for r, (i, _) in enumerate(sparse)}
        dw = self.dense_weight if dense_weight is None else dense_weight
        for ranks, weight in ((d_rank, dw), (s_rank, 1.0)):
            for i, r in ranks.items():
                fused[i] = fused.get(i, 0.0) + weight / (rrf_k + r + 1)
        order = sorted(fused, key=lambda i: -fused[i])
        picked: list[int] = []
        for i in order:
            v = self.store.vectors[i]
            if any(float(v @ self.store.vectors[j]) > dedup_threshold for j in picked):
                continue  # the same evidence again (near-duplicate passage)
            picked.append(i)
            if len(picked) == k:
                break
        return [
            SearchResult(chunk=self.store.chunks[i], score=fused[i],
                         dense_score=best.get(i, float(self.store.vectors[i] @ qvec)),
                         dense_rank=d_rank.get(i), sparse_rank=s_rank.get(i), index=i)
            for i in picked
        ]


class HybridRetriever(BaseRetriever):
    """LangChain retriever over :class:`IndexSearcher` (so it composes with runnables)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: IndexSearcher
    k: int = 5
    filters: SearchFilters | None = None
    mode: str = "hybrid"

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self.searcher.search(query, self.k, self.filters, self.mode)
        return [chunk_document(r.chunk, r.score) for r in results]
