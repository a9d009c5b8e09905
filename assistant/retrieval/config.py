"""The retrieval layer's own configuration, derived from the application settings."""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.core.enums import RetrievalMode
from assistant.core.settings import Settings


@dataclass(frozen=True)
class RetrievalConfig:
    mode: RetrievalMode = RetrievalMode.HYBRID
    top_k: int = 5  # passages returned when the caller names no k
    candidate_k: int = 40  # candidates per retriever before fusion
    rrf_k: int = 60  # reciprocal-rank-fusion constant
    dense_weight: float = 0.5  # weight of the dense ranking against BM25's 1.0
    dedup_threshold: float = 0.92  # cosine above which two passages are the same evidence

    @classmethod
    def from_settings(cls, s: Settings) -> RetrievalConfig:
        return cls(mode=s.retrieval_mode, top_k=s.top_k, candidate_k=s.candidate_k,
                   rrf_k=s.rrf_k, dense_weight=s.rrf_dense_weight,
                   dedup_threshold=s.dedup_threshold)

    def using(self, mode: RetrievalMode) -> RetrievalConfig:
        return replace(self, mode=mode)
