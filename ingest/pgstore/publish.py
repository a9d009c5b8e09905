"""Publish one index version into PostgreSQL: all of it in one transaction, under an advisory
lock, ending with the switch of ``pa_live``. A reader sees the old version or the new one,
never a mixture; a publish that fails or is killed leaves nothing behind (the transaction
rolls back); a second publish waits for the first."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import numpy as np
from psycopg import Connection, sql

from ingest.pgstore.schema import (
    BASE_DDL,
    LOCK_KEY,
    HnswParams,
    connect,
    drop_ddl,
    index_ddl,
    table,
    version_ddl,
)
from ingest.store import StoredIndex

KEEP_VERSIONS = 2  # the live one and the one before (replicas may still be reading it)


def _copy(conn: Connection[Any], target: sql.Identifier, columns: list[str], types: list[str],
          rows: Iterable[tuple[Any, ...]]) -> None:
    stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT BINARY)").format(
        target, sql.SQL(", ").join(map(sql.Identifier, columns)))
    with conn.cursor() as cur, cur.copy(stmt) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _vec(v: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(v, dtype=np.float32)


def _write_rows(conn: Connection[Any], store: StoredIndex) -> None:
    v = store.version
    _copy(conn, table(v, "p"), ["row", "chunk", "doc_id", "publisher", "embedding"],
          ["int4", "jsonb", "text", "text", "vector"],
          ((i, c.model_dump(mode="json"), c.doc_id, c.publisher,
            _vec(store.vectors[i])) for i, c in enumerate(store.chunks)))
    owners = np.repeat(np.arange(len(store.chunks)), [len(c.sentences) for c in store.chunks])
    _copy(conn, table(v, "s"), ["row", "passage", "embedding"], ["int4", "int4", "vector"],
          ((i, int(owners[i]), _vec(store.sentence_vectors[i]))
           for i in range(len(store.sentence_vectors))))
    bm25 = store.bm25
    _copy(conn, table(v, "terms"), ["col", "term", "idf"], ["int4", "text", "float4"],
          ((col, term, float(bm25.idf[col])) for term, col in bm25.vocab.items()))
    rows, cols, weights = bm25.postings()
    _copy(conn, table(v, "post"), ["col", "passage", "weight"], ["int4", "int4", "float4"],
          zip(cols.tolist(), rows.tolist(), weights.tolist(), strict=True))
    found = store.words()
    if found:
        _copy(conn, table(v, "w"), ["i", "word", "embedding"], ["int4", "text", "vector"],
              ((i, w, _vec(vec)) for i, (w, vec) in enumerate(zip(*found, strict=True))))


def _prune(conn: Connection[Any], live: str) -> list[str]:
    """Drop the versions older than the newest ``KEEP_VERSIONS`` (the live one kept)."""
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM pa_versions ORDER BY created_at DESC, id DESC").fetchall()]
    old = [v for v in ids[KEEP_VERSIONS:] if v != live]
    for v in old:
        for stmt in drop_ddl(v):
            conn.execute(stmt)
        conn.execute("DELETE FROM pa_versions WHERE id = %s", (v,))
    return old


def publish(url: str, store: StoredIndex, hnsw: HnswParams | None = None) -> str:
    """Write ``store`` as a version (unless it is there already) and make it live. Returns
    the version's name."""
    hnsw = hnsw or HnswParams()
    v = store.version
    with connect(url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute(BASE_DDL)
        from pgvector.psycopg import register_vector

        register_vector(conn)
        exists = conn.execute("SELECT 1 FROM pa_versions WHERE id = %s", (v,)).fetchone()
        if not exists:
            conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
            dim = int(store.vectors.shape[1])
            for stmt in version_ddl(v, dim):
                conn.execute(stmt)
            _write_rows(conn, store)
            for stmt in index_ddl(v, hnsw, len(store.sentence_vectors)):
                conn.execute(stmt)
            conn.execute(
                "INSERT INTO pa_versions (id, dim, n_passages, n_sentences, manifest, documents)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (v, dim, len(store.chunks), len(store.sentence_vectors),
                 json.dumps(store.manifest), json.dumps(store.documents)))
        conn.execute("INSERT INTO pa_live (one, version) VALUES (true, %s) "
                     "ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version", (v,))
        _prune(conn, v)
    return v
