"""Ingestion pipeline: load → clean → dedup → chunk → embed → index."""
