"""Finding passages: hybrid dense + BM25 retrieval over one loaded index version."""
