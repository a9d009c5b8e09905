"""Read the live version from PostgreSQL into a :class:`PgIndex`: the passages, their vectors
and the BM25 term statistics that question reading and answer composition use. Searching
(HNSW, BM25 postings) stays in the database: see ``assistant.retrieval.stores.postgres``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from psycopg import Connection, sql
from scipy import sparse

from ingest.bm25 import BM25Index
from ingest.documents import Chunk
from ingest.pgstore.schema import table
from ingest.store import StoredIndex


class PgIndexError(RuntimeError):
    """No live version in the database, or one built differently; the message says what to do."""


class PgIndex(StoredIndex):
    """One version read from PostgreSQL (no FAISS index: the database searches)."""

    def __init__(self, version: str, manifest: dict[str, Any], chunks: list[Chunk],
                 vectors: np.ndarray, sentence_vectors: np.ndarray,
                 documents: dict[str, dict[str, Any]], bm25: BM25Index,
                 words: tuple[list[str], np.ndarray] | None) -> None:
        super().__init__(Path("postgres") / version, manifest, None, chunks, vectors,
                         sentence_vectors, documents, bm25)
        self._words = words

    def words(self) -> tuple[list[str], np.ndarray] | None:
        return self._words


def live_version(conn: Connection[Any]) -> str | None:
    """The live version's name, or None when nothing was published."""
    if conn.execute("SELECT to_regclass('pa_live')").fetchone() == (None,):
        return None
    row = conn.execute("SELECT version FROM pa_live").fetchone()
    return str(row[0]) if row else None


def _vectors(conn: Connection[Any], query: sql.Composed, dim: int) -> np.ndarray:
    rows = conn.execute(query).fetchall()
    if not rows:
        return np.zeros((0, dim), dtype=np.float32)
    return np.vstack([_array(r[0]) for r in rows])


def _array(value: Any) -> np.ndarray:
    """A pgvector value as float32 (pgvector-python gives a ``Vector`` or a numpy array)."""
    to_numpy = getattr(value, "to_numpy", None)
    return np.asarray(to_numpy() if to_numpy else value, dtype=np.float32)


def _bm25(conn: Connection[Any], v: str, n: int) -> BM25Index:
    terms = conn.execute(sql.SQL("SELECT col, term, idf FROM {} ORDER BY col").format(
        table(v, "terms"))).fetchall()
    vocab = {str(t): int(c) for c, t, _ in terms}
    idf = np.array([float(i) for _, _, i in terms], dtype=np.float32)
    return BM25Index(sparse.csr_matrix((n, len(vocab)), dtype=np.float32), vocab, idf)


def _words(conn: Connection[Any], v: str, dim: int) -> tuple[list[str], np.ndarray] | None:
    words = [str(r[0]) for r in conn.execute(sql.SQL("SELECT word FROM {} ORDER BY i").format(
        table(v, "w"))).fetchall()]
    if not words:
        return None
    return words, _vectors(conn, sql.SQL("SELECT embedding FROM {} ORDER BY i").format(
        table(v, "w")), dim)


def read_live(conn: Connection[Any], expected_model: str | None = None,
              expected_dim: int | None = None) -> PgIndex:
    """The live version, read in one repeatable-read snapshot."""
    v = live_version(conn)
    if v is None:
        raise PgIndexError("no index in the database. Build it with: PA_STORE=postgres "
                           "policy-assistant ingest (or policy-assistant db migrate)")
    row = conn.execute("SELECT dim, manifest, documents FROM pa_versions WHERE id = %s",
                       (v,)).fetchone()
    assert row is not None  # pa_live references pa_versions
    dim, manifest, documents = int(row[0]), dict(row[1]), dict(row[2])
    if expected_model and manifest.get("embedding_model") != expected_model:
        raise PgIndexError(f"the database's index was built with embedding model "
                           f"'{manifest.get('embedding_model')}' but the settings use "
                           f"'{expected_model}'. Re-run: PA_STORE=postgres policy-assistant ingest")
    if expected_dim and dim != expected_dim:
        raise PgIndexError(f"the database's index has dimension {dim}, the model {expected_dim}")
    chunks = [Chunk(**r[0]) for r in conn.execute(sql.SQL(
        "SELECT chunk FROM {} ORDER BY row").format(table(v, "p"))).fetchall()]
    vectors = _vectors(conn, sql.SQL("SELECT embedding FROM {} ORDER BY row").format(
        table(v, "p")), dim)
    sentences = _vectors(conn, sql.SQL("SELECT embedding FROM {} ORDER BY row").format(
        table(v, "s")), dim)
    return PgIndex(v, manifest, chunks, vectors, sentences, documents,
                   _bm25(conn, v, len(chunks)), _words(conn, v, dim))
