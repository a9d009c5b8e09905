"""The index folder as a store: FAISS (through LangChain's vector store) for passages, NumPy
over the sentence vectors, and the BM25 matrix."""

from __future__ import annotations

import numpy as np
from langchain_community.docstore.in_memory import InMemoryDocstore
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.documents import Document

from assistant.retrieval.stores.base import Ranked, SearchStore
from ingest.embedding import BaseEmbedder
from ingest.store import StoredIndex


class LocalStore(SearchStore):
    def __init__(self, index: StoredIndex, embedder: BaseEmbedder) -> None:
        super().__init__(index)
        docstore = InMemoryDocstore({c.chunk_id: Document(page_content=c.text, id=c.chunk_id,
                                                          metadata={"chunk_id": c.chunk_id})
                                     for c in index.chunks})
        self.vectorstore = FAISS(
            embedding_function=embedder, index=index.faiss_index, docstore=docstore,
            index_to_docstore_id={i: c.chunk_id for i, c in enumerate(index.chunks)},
            distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT, normalize_L2=False,
        )
        self._sent_counts = np.array([len(c.sentences) for c in index.chunks], dtype=np.int64)
        self._sent_owner = np.repeat(np.arange(len(index.chunks)), self._sent_counts)

    def dense(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None) -> Ranked:
        n = len(self.index.chunks)
        if n == 0:
            return []
        if allowed is None:
            pairs = self.vectorstore.similarity_search_with_score_by_vector(qvec.tolist(),
                                                                            k=min(k, n))
            return [(self.index.by_id[d.metadata["chunk_id"]], float(s)) for d, s in pairs]
        rows = np.flatnonzero(allowed)
        if len(rows) == 0:
            return []
        sims = self.index.vectors[rows] @ qvec
        top = np.argsort(-sims)[:k]
        return [(int(rows[i]), float(sims[i])) for i in top]

    def _sentence_rows(self, candidates: np.ndarray) -> np.ndarray:
        offs, counts = self.index.sentence_offsets, self._sent_counts
        return np.concatenate([np.arange(offs[i], offs[i] + counts[i]) for i in candidates]
                              or [np.zeros(0, dtype=np.int64)])

    def dense_sentences(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None,
                        candidates: np.ndarray | None = None) -> Ranked:
        sv = self.index.sentence_vectors
        if len(sv) == 0:
            return []
        if candidates is not None:
            rows = self._sentence_rows(candidates)
            sims, owners = sv[rows] @ qvec, self._sent_owner[rows]
        else:
            sims, owners = sv @ qvec, self._sent_owner
        if allowed is not None:
            sims = np.where(allowed[owners], sims, -1.0)
        take = min(k * 3, len(sims))
        if take == 0:
            return []
        top = np.argpartition(-sims, take - 1)[:take]
        best: dict[int, float] = {}
        for row in top[np.argsort(-sims[top])]:
            owner = int(owners[row])
            if owner not in best and sims[row] > -1.0:
                best[owner] = float(sims[row])
        return sorted(best.items(), key=lambda x: (-x[1], x[0]))[:k]

    def sparse(self, query: str, k: int, allowed: np.ndarray | None) -> Ranked:
        scores = self.index.bm25.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
