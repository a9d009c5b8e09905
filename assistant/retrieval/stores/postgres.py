"""The index in PostgreSQL as a store: pgvector HNSW for passages and sentences, BM25 summed
over the postings table, filters as passage-row lists.

With a filter or a candidate list the scan is exact (``ORDER BY`` an expression the HNSW
index cannot serve, over the rows allowed), as the local store's NumPy scan is; without one
the HNSW index answers, its beam widened to the number of rows asked for."""

from __future__ import annotations

from typing import Any

import numpy as np
from psycopg import sql
from psycopg_pool import ConnectionPool

from assistant.retrieval.stores.base import Ranked, SearchStore, best_per_passage
from ingest.pgstore import HnswParams
from ingest.pgstore.schema import table
from ingest.store import StoredIndex


def _configure(conn: Any) -> None:
    from pgvector.psycopg import register_vector

    register_vector(conn)


def open_pool(url: str, size: int) -> ConnectionPool:
    """Connections for searching (autocommit: every query reads the committed state)."""
    return ConnectionPool(url, min_size=1, max_size=size, open=True, configure=_configure,
                          kwargs={"autocommit": True}, name="pa-index")


class PostgresStore(SearchStore):
    def __init__(self, index: StoredIndex, pool: ConnectionPool,
                 hnsw: HnswParams | None = None) -> None:
        super().__init__(index)
        self.pool = pool
        self.hnsw = hnsw or HnswParams()
        v = index.version
        self._p, self._s, self._post = table(v, "p"), table(v, "s"), table(v, "post")

    def _rows(self, query: sql.Composed, params: tuple[Any, ...],
              ef: int | None = None) -> list[tuple[Any, ...]]:
        with self.pool.connection() as conn, conn.transaction():
            if ef is not None:
                conn.execute("SELECT set_config('hnsw.ef_search', %s, true)",
                              (str(max(self.hnsw.ef_search, ef)),))
            return conn.execute(query, params).fetchall()

    def _nearest(self, target: sql.Identifier, key: str, qvec: np.ndarray, k: int,
                 rows: np.ndarray | None) -> list[tuple[Any, ...]]:
        q = np.asarray(qvec, dtype=np.float32)
        if rows is None:  # the HNSW index: ORDER BY the indexed distance itself
            stmt = sql.SQL("SELECT {key}, -(embedding <#> %s) FROM {t} "
                           "ORDER BY embedding <#> %s LIMIT %s").format(
                key=sql.Identifier(key), t=target)
            return self._rows(stmt, (q, q, k), ef=k)
        stmt = sql.SQL("SELECT {key}, -(embedding <#> %s) AS s FROM {t} WHERE {key} = ANY(%s) "
                       "ORDER BY s DESC LIMIT %s").format(key=sql.Identifier(key), t=target)
        return self._rows(stmt, (q, rows.astype(np.int32).tolist(), k))

    def dense(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None) -> Ranked:
        rows = None if allowed is None else np.flatnonzero(allowed)
        if rows is not None and len(rows) == 0:
            return []
        return [(int(r), float(s)) for r, s in self._nearest(self._p, "row", qvec, k, rows)]

    def dense_sentences(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None,
                        candidates: np.ndarray | None = None) -> Ranked:
        rows = candidates
        if allowed is not None:
            mask = allowed if rows is None else np.isin(np.arange(len(allowed)), rows) & allowed
            rows = np.flatnonzero(mask)
        if rows is not None and len(rows) == 0:
            return []
        pairs = self._nearest(self._s, "passage", qvec, k * 3, rows)
        return best_per_passage([(int(p), float(s)) for p, s in pairs], k)

    def sparse(self, query: str, k: int, allowed: np.ndarray | None) -> Ranked:
        bm25 = self.index.bm25
        cols = [bm25.vocab[t] for t in bm25.query_terms(query)]
        if not cols or k <= 0:
            return []
        where, params = sql.SQL(""), [cols]
        if allowed is not None:
            where = sql.SQL(" AND passage = ANY(%s)")
            params.append(np.flatnonzero(allowed).astype(np.int32).tolist())
        stmt = sql.SQL("SELECT passage, sum(weight)::real AS s FROM {} WHERE col = ANY(%s){} "
                       "GROUP BY passage ORDER BY s DESC, passage LIMIT %s").format(
            self._post, where)
        rows = self._rows(stmt, (*params, k))
        return [(int(p), float(s)) for p, s in rows if s > 0]
