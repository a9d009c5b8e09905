"""The embedder contract: texts in, L2-normalised float32 vectors out (inner product = cosine)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
from langchain_core.embeddings import Embeddings


class EmbeddingModelError(RuntimeError):
    """The embedding model cannot be loaded; the message says how to fix it."""


@runtime_checkable
class Embedder(Protocol):
    dim: int
    model_id: str

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray: ...

    def embed_query_vector(self, text: str) -> np.ndarray: ...


class BaseEmbedder(Embeddings):
    """Shared plumbing: LangChain's ``Embeddings`` interface over :meth:`encode`, so any
    embedder also serves LangChain's vector stores."""

    dim: int
    model_id: str

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        raise NotImplementedError

    def embed_query_vector(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_vector(text).tolist()
