"""Where the index is read from: the local folder or PostgreSQL (``PA_STORE``).

:class:`StoreSource` opens the live version as a :class:`SearchStore` and says which version is
live now, so a serving process can swap to a newer one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.enums import StoreKind
from assistant.retrieval.stores.base import Ranked, SearchStore
from ingest.embedding import BaseEmbedder

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

__all__ = ["Ranked", "SearchStore", "StoreSource"]


class StoreSource:
    def __init__(self, kind: StoreKind, index_dir: Path, embedder: BaseEmbedder,
                 expected_model: str | None = None, database_url: str = "",
                 pool_size: int = 4) -> None:
        self.kind = StoreKind(kind)
        self.index_dir = index_dir
        self.embedder = embedder
        self.expected_model = expected_model
        self.database_url = database_url
        self.pool_size = pool_size
        self._pool: ConnectionPool[Any] | None = None
        if self.kind is StoreKind.POSTGRES and not database_url:
            raise ValueError("PA_STORE=postgres needs PA_DATABASE_URL")

    def _connection_pool(self) -> ConnectionPool[Any]:
        if self._pool is None:
            from assistant.retrieval.stores.postgres import open_pool

            self._pool = open_pool(self.database_url, self.pool_size)
        return self._pool

    def open(self) -> SearchStore:
        """The live version, loaded."""
        if self.kind is StoreKind.LOCAL:
            from assistant.retrieval.stores.local import LocalStore
            from ingest.index import load_index

            return LocalStore(load_index(self.index_dir, self.expected_model, self.embedder.dim),
                              self.embedder)
        from assistant.retrieval.stores.postgres import PostgresStore
        from ingest.pgstore import read_live

        pool = self._connection_pool()
        with pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            index = read_live(conn, self.expected_model, self.embedder.dim)
        return PostgresStore(index, pool)

    def live(self) -> str:
        """The name of the version live now."""
        if self.kind is StoreKind.LOCAL:
            from ingest.index import current_version

            return current_version(self.index_dir).name
        from ingest.pgstore import live_version

        with self._connection_pool().connection() as conn:
            return live_version(conn) or ""

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
