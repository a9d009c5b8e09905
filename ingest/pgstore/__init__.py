"""The index in PostgreSQL: each version in its own tables (passages, sentences and words with
pgvector HNSW indexes, BM25 postings), published in one transaction under an advisory lock, and
made live by switching one row."""

from ingest.pgstore.publish import publish
from ingest.pgstore.read import live_version, read_live
from ingest.pgstore.schema import HnswParams, connect

__all__ = ["HnswParams", "connect", "live_version", "publish", "read_live"]
