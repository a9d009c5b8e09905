"""The store contract the retriever reads: the loaded version's passages (``index``) and three
searches. Fusion, filters, de-duplication and answering sit above it and cannot tell which
store answered."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from ingest.store import StoredIndex

Ranked = list[tuple[int, float]]  # (passage row, score), best first


class SearchStore(ABC):
    """One index version: its passages, sentences and vectors by row (``index``), searched
    densely (passages, sentences) and sparsely (BM25). ``allowed`` is a boolean mask over the
    passages (None = all); scores are inner products of unit vectors, or BM25 sums."""

    def __init__(self, index: StoredIndex) -> None:
        self.index = index

    @property
    def version(self) -> str:
        return self.index.version

    @abstractmethod
    def dense(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None) -> Ranked:
        """The ``k`` passages whose vectors are nearest ``qvec``."""

    @abstractmethod
    def dense_sentences(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None,
                        candidates: np.ndarray | None = None) -> Ranked:
        """Passages ranked by their best sentence among the ``3k`` sentences nearest ``qvec``,
        searched in all passages or only in ``candidates`` (passage rows)."""

    @abstractmethod
    def sparse(self, query: str, k: int, allowed: np.ndarray | None) -> Ranked:
        """The ``k`` passages with the highest positive BM25 score for ``query``."""


def best_per_passage(pairs: list[tuple[int, float]], k: int) -> Ranked:
    """The first ``k`` distinct passages of (owner, score) pairs taken best first."""
    best: dict[int, float] = {}
    for owner, score in sorted(pairs, key=lambda x: (-x[1], x[0])):
        if owner not in best:
            best[owner] = score
    return sorted(best.items(), key=lambda x: (-x[1], x[0]))[:k]
