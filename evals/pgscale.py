"""Retrieval latency at scale: the PostgreSQL store next to the local one (FAISS + BM25), on the
same synthetic collection (see :mod:`evals.scale`: passages of 3-6 real sentences recombined,
sentence vectors real, passage vectors the mean of their sentences').

    python -m evals.pgscale --n 100000 --url postgresql://…   (or PA_DATABASE_URL)

Both stores answer the same real questions through the same :class:`Retriever`; reported per
stage (p50/p95 ms), with the pgvector HNSW settings, recall@10 of each approximate passage
search against the exact one, publish and load times.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from evals.scale import bench_hybrid, derived_vectors, sentence_pool, synth_passages, synth_store


def _questions(n: int) -> list[str]:
    import yaml

    from evals.suites import SUITES

    out = []
    for path in sorted(SUITES["documents"].glob("*.yaml")):
        out += [str(c["question"]) for c in yaml.safe_load(path.read_text("utf-8"))["cases"]
                if not c.get("history")]
    return out[:n]


def _recall(found: list[list[int]], truth: list[list[int]]) -> float:
    return float(np.mean([len(set(f) & set(t)) / max(len(t), 1)
                          for f, t in zip(found, truth, strict=True)]))


def run(n: int, url: str, index_dir: Path, m: int, ef_construction: int, ef_search: int,
        n_questions: int = 40) -> dict[str, Any]:
    from assistant.core.settings import Settings
    from assistant.retrieval.stores.postgres import PostgresStore, open_pool
    from ingest.embedding import make_query_embedder
    from ingest.index import load_index
    from ingest.pgstore import HnswParams, publish, read_live

    settings = Settings(_env_file=None, index_dir=index_dir)  # type: ignore[call-arg]
    embedder = make_query_embedder(settings.embedding)
    questions = _questions(n_questions)
    pool, pool_vecs = sentence_pool(load_index(index_dir))
    texts, spans, ids, counts = synth_passages(pool, n)
    local, build_s = synth_store(texts, spans, derived_vectors(pool_vecs, ids, counts),
                                 pool_vecs[ids])
    local.folder = Path(f"v-synthetic-{n}")
    hnsw = HnswParams(m, ef_construction, ef_search)
    t0 = time.perf_counter()
    publish(url, local, hnsw)
    publish_s = time.perf_counter() - t0
    pool_ = open_pool(url, 2)
    t0 = time.perf_counter()
    with pool_.connection() as conn:
        pg_index = read_live(conn)
    load_s = time.perf_counter() - t0
    pg = PostgresStore(pg_index, pool_, hnsw)
    rows = {"local": bench_hybrid(local, embedder, questions, settings),
            "postgres": bench_hybrid(pg, embedder, questions, settings)}
    qvecs = [embedder.embed_query_vector(q) for q in questions]
    exact = [list(np.argsort(-(local.vectors @ q))[:10]) for q in qvecs]
    rows["local"]["dense_recall_at_10"] = _recall(
        [[i for i, _ in pg_free_dense(local, q)] for q in qvecs], exact)
    rows["postgres"]["dense_recall_at_10"] = _recall(
        [[i for i, _ in pg.dense(q, 10, None)] for q in qvecs], exact)
    pool_.close()
    return {"n": n, "sentences": len(local.sentence_vectors), "questions": len(questions),
            "faiss": {"index_type": local.manifest.get("index_type"), "m": 32,
                      "ef_construction": 80, "ef_search": 96, "build_s": round(build_s, 1)},
            "pgvector": {"index": "hnsw vector_ip_ops", "m": m, "ef_construction": ef_construction,
                         "ef_search": ef_search, "publish_s": round(publish_s, 1),
                         "load_s": round(load_s, 1)},
            **rows, "date": time.strftime("%Y-%m-%d")}


def pg_free_dense(local: Any, q: np.ndarray) -> list[tuple[int, float]]:
    """The local store's approximate (FAISS) passage search, top 10."""
    from assistant.retrieval.stores.local import LocalStore

    return LocalStore(local, _NoEmbed()).dense(q, 10, None)


class _NoEmbed:
    """LangChain's FAISS wrapper wants an embedding function; searches pass vectors."""

    def embed_query(self, text: str) -> list[float]:
        raise NotImplementedError


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--url", default=os.environ.get("PA_DATABASE_URL", ""))
    ap.add_argument("--index", type=Path, default=Path("index"))
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=64)
    ap.add_argument("--ef-search", type=int, default=100)
    ap.add_argument("--json", type=Path, default=Path("artifacts/pgscale.json"))
    a = ap.parse_args()
    r = run(a.n, a.url, a.index, a.m, a.ef_construction, a.ef_search)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(r, indent=1), encoding="utf-8")
    for store in ("local", "postgres"):
        s = r[store]
        print(f"{store:9s} search p50 {s['search_no_embed']['p50_ms']} ms p95 "
              f"{s['search_no_embed']['p95_ms']} ms | dense {s['dense_faiss']['p50_ms']} | "
              f"sentences {s['dense_sentences']['p50_ms']} | sparse {s['sparse_bm25']['p50_ms']} | "
              f"dense recall@10 {s['dense_recall_at_10']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
