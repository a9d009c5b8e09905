"""One loaded index version: everything a reader needs, and a check that its parts agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ingest.bm25 import BM25Index
from ingest.documents import Chunk, DocumentMeta
from ingest.words import load_words


class StoredIndex:
    """Everything a reader needs, loaded once from one immutable version folder."""

    def __init__(self, folder: Path, manifest: dict[str, Any], faiss_index: faiss.Index | None,
                 chunks: list[Chunk], vectors: np.ndarray, sentence_vectors: np.ndarray,
                 documents: dict[str, dict[str, Any]], bm25: BM25Index) -> None:
        self.folder = folder
        self.manifest = manifest
        self.faiss_index = faiss_index
        self.chunks = chunks
        self.vectors = vectors
        self.sentence_vectors = sentence_vectors
        self.documents = documents
        self.bm25 = bm25
        # sentence row offset of each chunk in sentence_vectors
        self.sentence_offsets: list[int] = []
        pos = 0
        for c in chunks:
            self.sentence_offsets.append(pos)
            pos += len(c.sentences)
        self.by_id = {c.chunk_id: i for i, c in enumerate(chunks)}

    @property
    def version(self) -> str:
        """The version's identity: its folder name (the same name in PostgreSQL)."""
        return self.folder.name

    def words(self) -> tuple[list[str], np.ndarray] | None:
        """The collection's words and their vectors (query expansion), or None."""
        return load_words(self.folder)

    def meta(self, doc_id: str) -> DocumentMeta:
        return DocumentMeta(**self.documents[doc_id]["meta"])

    def searchable(self) -> list[str]:
        """The documents with at least one passage (an empty or unreadable file has none)."""
        return [d for d, record in self.documents.items() if record.get("n_chunks", 0) > 0]


def inconsistency(store: StoredIndex) -> str | None:
    """What disagrees between the parts of one loaded version, or None when they agree."""
    n = len(store.chunks)
    fi, vectors, sents = store.faiss_index, store.vectors, store.sentence_vectors
    if fi is not None and fi.ntotal != n:
        return f"faiss.index holds {fi.ntotal} vectors for {n} passages"
    if vectors.ndim != 2 or vectors.shape[0] != n:
        return f"vectors.npy has shape {vectors.shape} for {n} passages"
    n_sent = store.sentence_offsets[-1] + len(store.chunks[-1].sentences) if n else 0
    if sents.ndim != 2 or sents.shape[0] != n_sent:
        return f"sentences.npy has shape {sents.shape} for {n_sent} sentences"
    dims = {"vectors.npy": vectors.shape[1], "sentences.npy": sents.shape[1]}
    if fi is not None:
        dims["faiss.index"] = fi.d
    if isinstance(store.manifest.get("dim"), int):
        dims["manifest.json"] = store.manifest["dim"]
    if len(set(dims.values())) > 1:
        return "vector dimensions differ (" + ", ".join(f"{k} {v}" for k, v in dims.items()) + ")"
    for name, arr in (("vectors.npy", vectors), ("sentences.npy", sents)):
        if not np.issubdtype(arr.dtype, np.floating):
            return f"{name} holds {arr.dtype}, not floating-point vectors"
    if store.bm25.matrix.shape[0] != n and store.bm25.matrix.nnz:
        return f"bm25.npz has {store.bm25.matrix.shape[0]} rows for {n} passages"
    if not isinstance(store.bm25.vocab, dict) or any(
            not isinstance(v, int) or not 0 <= v < store.bm25.matrix.shape[1]
            for v in store.bm25.vocab.values()):
        return "bm25_vocab.json does not match bm25.npz"
    if isinstance(store.manifest.get("n_chunks"), int) and store.manifest["n_chunks"] != n:
        return f"manifest.json counts {store.manifest['n_chunks']} passages, chunks.json has {n}"
    if not isinstance(store.documents, dict):
        return f"documents.json is a JSON {type(store.documents).__name__}, not an object"
    missing = {c.doc_id for c in store.chunks} - set(store.documents)
    if missing:
        return f"documents.json lacks {len(missing)} documents that passages belong to"
    if len(store.by_id) != n:
        return "chunks.json repeats passage ids"
    for c in store.chunks:
        if any(not 0 <= s <= e <= len(c.text) for s, e in c.sentences):
            return f"passage {c.chunk_id} has sentence spans outside its text"
    return None
