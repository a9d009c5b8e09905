"""Stage 6 — index: FAISS (via LangChain's vector store) + BM25 + JSON docstore.

Layout of ``index_dir``::

    CURRENT              name of the live version folder (swapped atomically)
    v-<time>-<id>/       one complete, immutable index version
        manifest.json    format, embedding model + dimension, settings, file hashes
        faiss.index      written with faiss.write_index
        vectors.npy      passage vectors (for incremental re-ingest and diversity)
        sentences.npy    sentence vectors (for extractive answers)
        chunks.json      passages and their sentence spans
        documents.json   document metadata, cleaned text, map back to the raw file
        bm25.npz, bm25_vocab.json

Nothing is pickled: loading never executes code. A new version is written into a temporary
folder, fsynced, renamed, and only then does ``CURRENT`` move (``os.replace``), so a crash at
any point leaves the previous version live.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from assistant.models import Chunk, DocumentMeta
from ingest.bm25 import BM25Index

FORMAT_VERSION = 1
CURRENT = "CURRENT"
KEEP_VERSIONS = 2


class IndexError_(RuntimeError):
    """The index is missing, corrupt, or was built differently; the message says what to do."""


class IndexMismatchError(IndexError_):
    pass


def choose_index_type(n: int) -> str:
    """Exact search up to 50k passages; HNSW graph above (sub-linear, ~0.95+ recall@10)."""
    return "flat" if n < 50_000 else "hnsw"


def build_faiss(vectors: np.ndarray, kind: str | None = None) -> faiss.Index:
    dim = vectors.shape[1]
    kind = kind or choose_index_type(len(vectors))
    index: faiss.Index
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 96
    else:
        raise ValueError(f"unknown index type {kind!r}")
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


def write_index(
    index_dir: Path,
    manifest: dict[str, Any],
    chunks: list[Chunk],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    documents: dict[str, dict[str, Any]],
    bm25: BM25Index,
) -> Path:
    """Write a complete new version and make it live atomically. Returns its folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = index_dir / f".tmp-{name}"
    tmp.mkdir()
    kind = choose_index_type(len(chunks))
    faiss.write_index(build_faiss(vectors, kind), str(tmp / "faiss.index"))
    for fname, arr in (("vectors.npy", vectors), ("sentences.npy", sentence_vectors)):
        with (tmp / fname).open("wb") as fh:
            np.save(fh, np.ascontiguousarray(arr, dtype=np.float32), allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
    bm25.save(tmp)
    _write_json(tmp / "chunks.json", [c.model_dump() for c in chunks])
    _write_json(tmp / "documents.json", documents)
    _write_json(tmp / "manifest.json", {**manifest, "format_version": FORMAT_VERSION,
                                        "index_type": kind, "n_chunks": len(chunks)})
    _fsync_dir(tmp)
    final = index_dir / name
    os.replace(tmp, final)
    pointer = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, index_dir / CURRENT)
    _fsync_dir(index_dir)
    _prune(index_dir, keep=name)
    return final


def _prune(index_dir: Path, keep: str) -> None:
    """Remove old versions (keeping the newest few for readers still using them) and debris."""
    versions = sorted(p for p in index_dir.glob("v-*") if p.is_dir() and p.name != keep)
    for old in versions[: max(0, len(versions) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for junk in index_dir.glob(".tmp-*"):
        if time.time() - junk.stat().st_mtime > 3600:
            shutil.rmtree(junk, ignore_errors=True)


def current_version(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    if not pointer.exists():
        raise IndexError_(
            f"no index in {index_dir}. Build it with: policy-assistant ingest --index {index_dir}"
        )
    try:
        folder = index_dir / pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexError_(
            f"index pointer {pointer} is unreadable ({type(exc).__name__}). Rebuild with: "
            f"policy-assistant ingest --rebuild --index {index_dir}"
        ) from exc
    if not folder.is_dir():
        raise IndexError_(
            f"index pointer {pointer} names a missing version. Rebuild with: "
            f"policy-assistant ingest --rebuild --index {index_dir}"
        )
    return folder


def read_manifest(index_dir: Path) -> dict[str, Any]:
    folder = current_version(index_dir)
    try:
        data: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(f"index manifest unreadable ({exc}). Rebuild with: "
                          f"policy-assistant ingest --rebuild --index {index_dir}") from exc
    return data


class StoredIndex:
    """Everything a reader needs, loaded once from one immutable version folder."""

    def __init__(self, folder: Path, manifest: dict[str, Any], faiss_index: faiss.Index,
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

    def meta(self, doc_id: str) -> DocumentMeta:
        return DocumentMeta(**self.documents[doc_id]["meta"])


def load_index(index_dir: Path, expected_model: str | None = None,
               expected_dim: int | None = None) -> StoredIndex:
    manifest = read_manifest(index_dir)
    folder = current_version(index_dir)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index format {manifest.get('format_version')} is not {FORMAT_VERSION}. Rebuild with: "
            f"policy-assistant ingest --rebuild --index {index_dir}"
        )
    if expected_model and manifest.get("embedding_model") != expected_model:
        raise IndexMismatchError(
            f"the index was built with embedding model '{manifest.get('embedding_model')}' but "
            f"the settings use '{expected_model}'. Rebuild it with: "
            f"policy-assistant ingest --rebuild --index {index_dir}"
        )
    if expected_dim and manifest.get("dim") != expected_dim:
        raise IndexMismatchError(
            f"index dimension {manifest.get('dim')} differs from the model's {expected_dim}. "
            f"Rebuild with: policy-assistant ingest --rebuild --index {index_dir}"
        )
    try:
        fi = faiss.read_index(str(folder / "faiss.index"))
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
        chunks = [Chunk(**c) for c in json.loads((folder / "chunks.json").read_text(encoding="utf-8"))]
        documents = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
        bm25 = BM25Index.load(folder)
    except Exception as exc:
        raise IndexError_(
            f"index files in {folder} are missing or corrupt ({type(exc).__name__}: {exc}). "
            f"Rebuild with: policy-assistant ingest --rebuild --index {index_dir}"
        ) from exc
    if fi.ntotal != len(chunks) or len(vectors) != len(chunks):
        raise IndexError_(f"index in {folder} is inconsistent ({fi.ntotal} vectors, {len(chunks)} "
                          f"passages). Rebuild with: policy-assistant ingest --rebuild --index {index_dir}")
    return StoredIndex(folder, manifest, fi, chunks, vectors, sentence_vectors, documents, bm25)
