"""A deterministic embedder that needs no model (the way simonw/llm ships ``EmbedDemo``).

Each stemmed content word, and each pair of adjacent ones, is hashed to a signed position of a
384-dimensional vector; the vector is L2-normalised. Texts that share words are close, texts
that share none are orthogonal. It has no notion of meaning (no paraphrases), so it drives the
fast test tier and demos, never answers a user sees by default.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from ingest.config import HASH_MODEL_ID
from ingest.embedding.base import BaseEmbedder
from ingest.text import content_terms


@lru_cache(maxsize=100_000)
def _slot(feature: str, dim: int) -> tuple[int, float]:
    h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
    return h % dim, (1.0 if (h >> 32) & 1 else -1.0)


class HashEmbeddings(BaseEmbedder):
    MODEL_ID = HASH_MODEL_ID

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.model_id = self.MODEL_ID

    def vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        terms = content_terms(text)
        for feature, weight in [(t, 1.0) for t in terms] + [
                (f"{a} {b}", 0.5) for a, b in zip(terms, terms[1:], strict=False)]:
            i, sign = _slot(feature, self.dim)
            v[i] += sign * weight
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self.vector(t)
        if progress and len(texts):
            progress(len(texts))
        return out
