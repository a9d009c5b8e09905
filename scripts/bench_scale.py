"""Hybrid search over a synthetic collection of 1M passages written to disk (issue 15).

Two processes. ``build``: passages of 3-6 real sentences of the default collection recombined at
random (``evals.scale``), each sentence with its real vector, the passage vector the mean of its
sentence vectors; FAISS (HNSW above 50k passages) and BM25 built and the version written with
``ingest.index.write_index`` (sentence vectors as ``--dtype``); it also measures how often the
top 10 sentences of a question change when sentence vectors are float16 instead of float32.
``search``, a fresh process: ``load_index`` (memory-mapped), the Retriever, and every
evaluation question searched given its vector and with the query embedding; p50/p95 and RSS.

    python scripts/bench_scale.py --n 1000000 --index /tmp/scale-index [--dtype float16]
"""

# ruff: noqa: T201 - a command-line report
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_gb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss / 2**30)


def _peak_gb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _questions() -> list[str]:
    from evals.bench import load_questions

    return [q["question"] for q in load_questions()]


def float16_recall(pool_vecs: np.ndarray, ids: np.ndarray, qvecs: np.ndarray,
                   rows: int = 500_000) -> float:
    """Recall@10 of exact sentence search with float16 vectors against float32, over the first
    ``rows`` sentences. Synthetic passages repeat pool sentences, so ties are many: a float16
    hit counts when its float32 score reaches the float32 tenth best."""
    full = pool_vecs[ids[:rows]]
    half = full.astype(np.float16).astype(np.float32)
    found = []
    for q in qvecs:
        exact = full @ q
        tenth = np.partition(-exact, 9)[9]
        hits = np.argpartition(-(half @ q), 10)[:10]
        found.append(float(np.mean(-exact[hits] <= tenth + 1e-6)))
    return float(np.mean(found))


def build(n: int, index: Path, dtype: str, source: Path) -> dict[str, float]:
    from evals.scale import derived_vectors, sentence_pool, synth_passages, synth_store
    from ingest.config import EmbeddingConfig
    from ingest.embedding import make_query_embedder
    from ingest.index import load_index, write_index

    pool, pool_vecs = sentence_pool(load_index(source))
    qvecs = np.vstack([make_query_embedder(EmbeddingConfig()).embed_query_vector(q)
                       for q in _questions()[:100]])
    t0 = time.perf_counter()
    texts, spans, ids, counts = synth_passages(pool, n)
    vectors = derived_vectors(pool_vecs, ids, counts)
    sent = np.empty((len(ids), pool_vecs.shape[1]), dtype=dtype)
    for i in range(0, len(ids), 500_000):
        sent[i : i + 500_000] = pool_vecs[ids[i : i + 500_000]]
    generate_s = time.perf_counter() - t0
    store, built_s = synth_store(texts, spans, vectors, sent)
    t0 = time.perf_counter()
    shutil.rmtree(index, ignore_errors=True)
    folder = write_index(index, store.manifest, store.chunks, vectors, sent, store.documents,
                         store.bm25)
    write_s = time.perf_counter() - t0
    disk = sum(f.stat().st_size for f in folder.iterdir())
    return {"passages": n, "sentences": len(ids), "generate_s": round(generate_s, 1),
            "faiss_bm25_build_s": round(built_s, 1), "write_s": round(write_s, 1),
            "build_total_s": round(generate_s + built_s + write_s, 1),
            "disk_gib": round(disk / 2**30, 2), "build_peak_rss_gb": round(_peak_gb(), 2),
            "float16_recall_at_10": round(float16_recall(pool_vecs, ids, qvecs), 4)}


def search(index: Path) -> dict[str, float]:
    from assistant.core.settings import Settings
    from assistant.retrieval.config import RetrievalConfig
    from assistant.retrieval.retriever import Retriever
    from evals.scale import percentile
    from ingest.embedding import make_query_embedder
    from ingest.index import load_index

    settings = Settings(index_dir=index, _env_file=None)  # type: ignore[call-arg]
    t0 = time.perf_counter()
    store = load_index(index)
    embedder = make_query_embedder(settings.embedding)
    retriever = Retriever(store, embedder, RetrievalConfig.from_settings(settings))
    load_s = time.perf_counter() - t0
    questions = _questions()
    qvecs = {q: retriever.embed_query(q) for q in questions}
    given, total = [], []
    for q in questions[:3]:
        retriever.search(q, qvec=qvecs[q])
    for _ in range(2):
        for q in questions:
            t = time.perf_counter()
            retriever.search(q, qvec=qvecs[q])
            given.append((time.perf_counter() - t) * 1e3)
            t = time.perf_counter()
            retriever.search(q)
            total.append((time.perf_counter() - t) * 1e3)
    return {"load_s": round(load_s, 1), "searches": len(given),
            "p50_ms_given_vector": round(percentile(given, 50), 1),
            "p95_ms_given_vector": round(percentile(given, 95), 1),
            "p50_ms_with_embedding": round(percentile(total, 50), 1),
            "p95_ms_with_embedding": round(percentile(total, 95), 1),
            "rss_gb": round(_rss_gb(), 2), "peak_rss_gb": round(_peak_gb(), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--dtype", choices=("float16", "float32"), default="float16")
    parser.add_argument("--source", type=Path, default=ROOT / "index",
                        help="an index of the real collection, whose sentences are recombined")
    parser.add_argument("--phase", choices=("build", "search", "both"), default="both")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    if args.phase == "build":
        print(json.dumps(build(args.n, args.index, args.dtype, args.source)))
        return
    if args.phase == "search":
        print(json.dumps(search(args.index)))
        return
    out: dict[str, object] = {"load_before": round(load, 2)}
    for phase in ("build", "search"):
        done = subprocess.run([sys.executable, __file__, "--phase", phase, "--n", str(args.n),
                               "--index", str(args.index), "--dtype", args.dtype,
                               "--source", str(args.source)],
                              capture_output=True, text=True, check=True)
        out[phase] = json.loads(done.stdout.strip().splitlines()[-1])
        print(phase, out[phase], f"(load average {os.getloadavg()[0]:.1f})", flush=True)
    out["load_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
