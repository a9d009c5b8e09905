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

from assistant.acronyms import definitions, expand_text
from assistant.models import Chunk, SearchFilters, SearchResult
from assistant.names import bigrams, initialisms, title_runs, unknown_titles
from assistant.scope import unknown_names
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


SENTENCE_SCAN_MAX = 200_000  # up to this many sentences, all are scored for every question
SENTENCE_POOL = 200  # above it: the sentences of this many passages from each of dense and BM25


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
        self._sent_counts = np.array([len(c.sentences) for c in store.chunks], dtype=np.int64)
        self._sent_owner = np.repeat(np.arange(len(store.chunks)), self._sent_counts)
        self._large = len(store.sentence_vectors) > SENTENCE_SCAN_MAX
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

    @cached_property
    def acronym_forms(self) -> dict[str, str]:
        """Acronyms the collection's documents define -> their long form ('THB' -> '…')."""
        out: dict[str, str] = {}
        for d in self.store.documents.values():
            for acr, lf in definitions(str(d.get("text", ""))).items():
                out.setdefault(acr, lf)
        return out

    @cached_property
    def acronyms(self) -> dict[str, frozenset[str]]:
        """Lower-cased acronym -> content terms of its long form (for term overlap)."""
        return {a.lower(): frozenset(content_terms(lf)) for a, lf in self.acronym_forms.items()}

    @cached_property
    def known_bigrams(self) -> set[tuple[str, str]]:
        """Adjacent word pairs of the collection's text and titles (for names it never uses)."""
        titles = [str(d["meta"]["title"]) for d in self.store.documents.values()]
        return bigrams([c.text for c in self.store.chunks] + titles)

    def unknown(self, question: str) -> list[str]:
        """Names and titles in ``question`` the collection never mentions ('Brazil', 'the
        Global Guide'): a question about them cannot be answered from it."""
        names = [w for w in unknown_names(question, self.known_terms)
                 if not (w.isupper() and w.lower() in self.known_initialisms)]
        titles = unknown_titles(question, self.known_bigrams) if title_runs(question) else []
        return names + titles

    @cached_property
    def known_initialisms(self) -> set[str]:
        """'us' when the collection says 'United States' (a question may abbreviate it)."""
        return initialisms(c.text for c in self.store.chunks)

    def embed_query(self, query: str) -> np.ndarray:
        """The query vector, with the collection's acronyms spelled out as at ingest."""
        return self.embedder.embed_query_vector(expand_text(query, self.acronym_forms))

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

    def dense_sentences(self, qvec: np.ndarray, k: int, mask: np.ndarray | None,
                        candidates: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Passages ranked by their best-matching sentence (small-to-big retrieval): a short,
        exact statement is not drowned by the rest of its passage.

        Every sentence is scored, or with ``candidates`` (see :meth:`sentence_candidates`,
        used above ``SENTENCE_SCAN_MAX`` sentences) only those of the passages the passage
        index and BM25 found, so the cost no longer grows with the collection."""
        sv = self.store.sentence_vectors
        if len(sv) == 0:
            return []
        if candidates is not None:
            offs = self.store.sentence_offsets
            counts = self._sent_counts
            rows = np.concatenate([np.arange(offs[i], offs[i] + counts[i]) for i in candidates]
                                  or [np.zeros(0, dtype=np.int64)])
            sims = sv[rows] @ qvec
            owners = self._sent_owner[rows]
        else:
            sims = sv @ qvec
            owners = self._sent_owner
        if mask is not None:
            sims = np.where(mask[owners], sims, -1.0)
        take = min(k * 3, len(sims))
        if take == 0:
            return []
        top = np.argpartition(-sims, take - 1)[:take]
        top = top[np.argsort(-sims[top])]
        best: dict[int, float] = {}
        for row in top:
            owner = int(owners[row])
            if owner not in best and sims[row] > -1.0:
                best[owner] = float(sims[row])
        return sorted(best.items(), key=lambda x: -x[1])[:k]

    def candidate_pool(self, candidate_k: int) -> int:
        """How many passages dense and BM25 retrieval fetch: more above SENTENCE_SCAN_MAX
        sentences, where their union is all the sentence scoring sees."""
        return max(candidate_k, SENTENCE_POOL) if self._large else candidate_k

    def sentence_candidates(self, dense: list[tuple[int, float]],
                            sparse: list[tuple[int, float]]) -> np.ndarray | None:
        """The passages whose sentences :meth:`dense_sentences` scores: None (every sentence)
        up to SENTENCE_SCAN_MAX sentences, else those the passage index and BM25 found."""
        if not self._large:
            return None
        return np.array(sorted({i for i, _ in dense} | {i for i, _ in sparse}), dtype=np.int64)

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
            qvec = self.embed_query(query)
        dense: list[tuple[int, float]] = []
        best: dict[int, float] = {}
        pool = self.candidate_pool(candidate_k)
        sparse = self.sparse(query, pool, mask) if mode in ("hybrid", "sparse") else []
        if mode in ("hybrid", "dense"):
            passages = self.dense(qvec, pool, mask)
            cands = self.sentence_candidates(passages, sparse)
            # A passage's dense score is the better of its own and its best sentence's.
            for i, sc in passages[:candidate_k] + self.dense_sentences(qvec, candidate_k, mask, cands):
                best[i] = max(sc, best.get(i, -1.0))
            dense = sorted(best.items(), key=lambda x: -x[1])[:candidate_k]
        sparse = sparse[:candidate_k]
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
