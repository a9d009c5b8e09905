"""Table names, DDL and connections for the index in PostgreSQL.

Shared tables: ``pa_versions`` (one row per published version: manifest, documents) and
``pa_live`` (one row naming the live version). Each version has its own tables, named after
it, so its HNSW graphs hold only its own vectors and dropping a version is ``DROP TABLE``:

* ``<v>_p``     passages: row, chunk (JSON), doc_id, publisher, embedding vector(dim), HNSW
* ``<v>_s``     sentences: row, passage, embedding vector(dim), HNSW (small collections)
* ``<v>_terms`` BM25 vocabulary: col, term, idf
* ``<v>_post``  BM25 postings: col, passage, weight (idf and length normalisation included)
* ``<v>_w``     the collection's words and their vectors (query expansion)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from psycopg import Connection, sql

LOCK_KEY = 0x5041_1D3E  # pg_advisory_lock key: one publish at a time, per database
SENTENCE_HNSW_MAX = 200_000  # above it, sentences are scored only for candidate passages

BASE_DDL = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS pa_versions (
  id text PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), dim int NOT NULL,
  n_passages int NOT NULL, n_sentences int NOT NULL, manifest jsonb NOT NULL,
  documents jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS pa_live (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version text NOT NULL REFERENCES pa_versions(id));
"""


@dataclass(frozen=True)
class HnswParams:
    """pgvector HNSW settings: graph degree, build beam width, search beam width."""

    m: int = 16
    ef_construction: int = 64
    ef_search: int = 100


def connect(url: str, **kwargs: Any) -> Connection[Any]:
    """A psycopg connection with pgvector's types registered (numpy arrays in and out)."""
    import psycopg
    from pgvector.psycopg import register_vector

    conn = psycopg.connect(url, **kwargs)
    try:
        register_vector(conn)
    except psycopg.ProgrammingError:  # the extension is not created yet (an empty database)
        conn.rollback()
    return conn


def prefix(version: str) -> str:
    """The table-name prefix of a version: ``v-20261205T184500-ab12cd34`` → ``pa_v20261205t..``."""
    slug = re.sub(r"[^a-z0-9]+", "", version.lower())
    if not slug:
        raise ValueError(f"version name {version!r} has no letters or digits")
    return f"pa_{slug}"[:50]


def table(version: str, part: str) -> sql.Identifier:
    return sql.Identifier(f"{prefix(version)}_{part}")


def version_ddl(version: str, dim: int) -> list[sql.Composed]:
    t = lambda part: table(version, part)  # noqa: E731
    vec = sql.SQL(f"vector({int(dim)})")
    return [
        sql.SQL("CREATE TABLE {} (row int PRIMARY KEY, chunk jsonb NOT NULL, doc_id text NOT NULL,"
                " publisher text NOT NULL, embedding {} NOT NULL)").format(t("p"), vec),
        sql.SQL("CREATE TABLE {} (row int PRIMARY KEY, passage int NOT NULL,"
                " embedding {} NOT NULL)").format(t("s"), vec),
        sql.SQL("CREATE TABLE {} (col int PRIMARY KEY, term text NOT NULL,"
                " idf real NOT NULL)").format(t("terms")),
        sql.SQL("CREATE TABLE {} (col int NOT NULL, passage int NOT NULL,"
                " weight real NOT NULL)").format(t("post")),
        sql.SQL("CREATE TABLE {} (i int PRIMARY KEY, word text NOT NULL,"
                " embedding {} NOT NULL)").format(t("w"), vec),
    ]


def index_ddl(version: str, hnsw: HnswParams, n_sentences: int) -> list[sql.Composed]:
    with_ = sql.SQL(f"WITH (m = {int(hnsw.m)}, ef_construction = {int(hnsw.ef_construction)})")
    out = [
        sql.SQL("CREATE INDEX ON {} USING hnsw (embedding vector_ip_ops) {}").format(
            table(version, "p"), with_),
        sql.SQL("CREATE INDEX ON {} (passage)").format(table(version, "s")),
        sql.SQL("CREATE INDEX ON {} (col) INCLUDE (passage, weight)").format(
            table(version, "post")),
    ]
    if n_sentences <= SENTENCE_HNSW_MAX:
        out.append(sql.SQL("CREATE INDEX ON {} USING hnsw (embedding vector_ip_ops) {}").format(
            table(version, "s"), with_))
    return out


def drop_ddl(version: str) -> list[sql.Composed]:
    return [sql.SQL("DROP TABLE IF EXISTS {}").format(table(version, part))
            for part in ("p", "s", "terms", "post", "w")]
