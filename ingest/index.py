"""Stage 6 — index: FAISS (via LangChain's vector store) + BM25 + JSON docstore.

Layout of ``index_dir``::

    CURRENT              name of the live version folder (swapped atomically)
    v-<time>-<id>/       one complete, immutable index version
        manifest.json    format, embedding model + dimension, settings, file hashes
        faiss.index      written with faiss.write_index
        vectors.npy      passage vectors (for incremental re-ingest and diversity)
        sentences.npy    sentence vectors (for extractive answers)
        words.npz        the vocabulary with a vector per word (query expansion; optional)
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

from ingest.bm25 import BM25Index
from ingest.documents import Chunk
from ingest.lock import IndexNotWritableError, not_writable
from ingest.report import CorpusState, summarize_error
from ingest.store import StoredIndex, inconsistency
from ingest.words import save_words

FORMAT_VERSION = 1
CURRENT = "CURRENT"
KEEP_VERSIONS = 2


class IndexError_(RuntimeError):
    """The index is missing, corrupt, or was built differently; the message says what to do."""


class IndexMismatchError(IndexError_):
    pass


WIDEN_MAX = 200_000  # float16 sentence vectors up to this many rows are widened once on load


def widen(sentence_vectors: np.ndarray) -> np.ndarray:
    """float16 sentence vectors as float32 in memory when there are few enough to be scanned
    whole for every question (a float16 matrix product converts the whole matrix each time);
    above that, rows stay float16 on disk and only the scored candidates are converted."""
    if sentence_vectors.dtype == np.float16 and len(sentence_vectors) <= WIDEN_MAX:
        return np.asarray(sentence_vectors, dtype=np.float32)
    return sentence_vectors


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


def needed_bytes(state: CorpusState, dim: int) -> int:
    """A generous estimate of a new version's size: passage vectors twice (``vectors.npy`` and
    ``faiss.index``), sentence vectors, and the texts in ``chunks.json`` and ``documents.json``."""
    n_sentences = sum(len(c.sentences) for c in state.chunks)
    vectors = (2 * len(state.chunks) + n_sentences) * dim * 4
    texts = sum(len(c.text.encode("utf-8")) for c in state.chunks)
    return vectors + 4 * texts + (1 << 20)


def check_room(index_dir: Path, state: CorpusState, dim: int) -> None:
    """Before any embedding: the index folder takes a file, and has room for the new version."""
    probe = index_dir / f".probe-{uuid.uuid4().hex[:8]}"
    try:
        with probe.open("wb") as fh:
            fh.write(b"\0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise not_writable(index_dir, exc) from exc
    finally:
        probe.unlink(missing_ok=True)
    need, free = needed_bytes(state, dim), shutil.disk_usage(index_dir).free
    if free < need:
        raise IndexNotWritableError(
            f"the index folder {index_dir} has {free / 1e6:.1f} MB free; the new version needs "
            f"about {need / 1e6:.1f} MB. Free some space or pass --index DIR")


def _write_version(tmp: Path, manifest: dict[str, Any], chunks: list[Chunk],
                   vectors: np.ndarray, sentence_vectors: np.ndarray,
                   documents: dict[str, dict[str, Any]], bm25: BM25Index,
                   words: tuple[list[str], np.ndarray] | None = None) -> None:
    kind = choose_index_type(len(chunks))
    try:
        faiss.write_index(build_faiss(vectors, kind), str(tmp / "faiss.index"))
    except RuntimeError as exc:  # faiss reports a failed write (a full disk) this way
        raise OSError("could not write faiss.index; is the disk full?") from exc
    # Sentence vectors keep the precision they come in (float32, or float16 to halve the file).
    sentence_dtype = np.float16 if sentence_vectors.dtype == np.float16 else np.float32
    for fname, arr, dtype in (("vectors.npy", vectors, np.float32),
                              ("sentences.npy", sentence_vectors, sentence_dtype)):
        with (tmp / fname).open("wb") as fh:
            np.save(fh, np.ascontiguousarray(arr, dtype=dtype), allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
    bm25.save(tmp)
    if words is not None:
        save_words(tmp, *words)
    _write_json(tmp / "chunks.json", [c.model_dump() for c in chunks])
    _write_json(tmp / "documents.json", documents)
    _write_json(tmp / "manifest.json", {**manifest, "format_version": FORMAT_VERSION,
                                        "index_type": kind, "n_chunks": len(chunks)})
    _fsync_dir(tmp)


def write_index(
    index_dir: Path,
    manifest: dict[str, Any],
    chunks: list[Chunk],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    documents: dict[str, dict[str, Any]],
    bm25: BM25Index,
    words: tuple[list[str], np.ndarray] | None = None,
) -> Path:
    """Write a complete new version and make it live atomically. Returns its folder. A failed
    write (the disk filled up meanwhile) removes the partial version, leaves the previous one
    live, and raises :class:`~ingest.lock.IndexNotWritableError`."""
    name = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    tmp = index_dir / f".tmp-{name}"
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        _write_version(tmp, manifest, chunks, vectors, sentence_vectors, documents, bm25, words)
        final = index_dir / name
        os.replace(tmp, final)
        pointer = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
        pointer.write_text(name, encoding="utf-8")
        os.replace(pointer, index_dir / CURRENT)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise not_writable(index_dir, exc) from exc
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


def _rebuild_hint(index_dir: Path) -> str:
    return f"Rebuild with: policy-assistant ingest --rebuild --index {index_dir}"


def current_version(index_dir: Path) -> Path:
    """The live version folder named by ``CURRENT`` (read once per call)."""
    pointer = index_dir / CURRENT
    if not pointer.exists():
        raise IndexError_(
            f"no index in {index_dir}. Build it with: policy-assistant ingest --index {index_dir}"
        )
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise IndexError_(
            f"index pointer {pointer} is unreadable ({type(exc).__name__}). "
            f"{_rebuild_hint(index_dir)}"
        ) from exc
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise IndexError_(
            f"index pointer {pointer} does not name a version ({name[:40]!r}). "
            f"{_rebuild_hint(index_dir)}"
        )
    folder = index_dir / name
    if not folder.is_dir():
        raise IndexError_(f"index pointer {pointer} names a missing version. "
                          f"{_rebuild_hint(index_dir)}")
    return folder


def _read_manifest(folder: Path, index_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexError_(f"index manifest in {folder} is unreadable ({summarize_error(exc)}). "
                          f"{_rebuild_hint(index_dir)}") from exc
    if not isinstance(data, dict):
        raise IndexError_(f"index manifest in {folder} is a JSON {type(data).__name__}, not an "
                          f"object. {_rebuild_hint(index_dir)}")
    return data


def read_manifest(index_dir: Path) -> dict[str, Any]:
    return _read_manifest(current_version(index_dir), index_dir)


def load_index(index_dir: Path, expected_model: str | None = None,
               expected_dim: int | None = None) -> StoredIndex:
    """Load the live version and check that its parts agree; any damage is an ``IndexError_``
    with a one-line message naming the index and the rebuild command."""
    folder = current_version(index_dir)  # CURRENT is read once: every file below is from it
    manifest = _read_manifest(folder, index_dir)
    hint = _rebuild_hint(index_dir)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index format {manifest.get('format_version')!r} in {folder} is not "
            f"{FORMAT_VERSION}. {hint}"
        )
    if expected_model and manifest.get("embedding_model") != expected_model:
        raise IndexMismatchError(
            f"the index in {folder} was built with embedding model "
            f"'{manifest.get('embedding_model')}' but the settings use '{expected_model}'. {hint}"
        )
    if expected_dim and manifest.get("dim") != expected_dim:
        raise IndexMismatchError(
            f"index dimension {manifest.get('dim')} in {folder} differs from the model's "
            f"{expected_dim}. {hint}"
        )
    try:
        fi = faiss.read_index(str(folder / "faiss.index"))
        # Memory-mapped, read-only: the pages are the OS's file cache, shared between server
        # processes and reclaimable, and loading skips a copy (100k passages: 6.7 s vs 8.6 s).
        vectors = np.load(folder / "vectors.npy", allow_pickle=False, mmap_mode="r")
        sentence_vectors = widen(np.load(folder / "sentences.npy", allow_pickle=False,
                                         mmap_mode="r"))
        raw_chunks = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        if not isinstance(raw_chunks, list) or not all(isinstance(c, dict) for c in raw_chunks):
            raise ValueError("chunks.json is not a list of passage objects")
        chunks = [Chunk(**c) for c in raw_chunks]
        documents = json.loads((folder / "documents.json").read_text(encoding="utf-8"))
        bm25 = BM25Index.load(folder)
        store = StoredIndex(folder, manifest, fi, chunks, vectors, sentence_vectors, documents,
                            bm25)
    except Exception as exc:  # any failure to read a file means the same to the user
        raise IndexError_(
            f"index files in {folder} are missing or corrupt ({summarize_error(exc)}). {hint}"
        ) from exc
    problem = inconsistency(store)
    if problem:
        raise IndexError_(f"index in {folder} is inconsistent: {problem}. {hint}")
    return store
