"""Scale benchmark: synthetic collections of 10k to 1M passages, exact vs approximate index.

The synthetic collection is made from the real text: every sentence of the ingested corpus goes
into a pool, and each synthetic passage is 3-6 pool sentences drawn at random and joined in a
random order (paragraphs shuffled and recombined). Because a passage is made of real sentences,
its sentence vectors are the real embeddings of those sentences (no re-embedding needed).

Passage vectors come from one of three sources, named in every output row:

``real``
    the passage text embedded with the real model (only up to ``embed_limit`` passages: on two
    CPU cores MiniLM embeds a few dozen passages a second, so 100k takes about an hour);
``random``
    random unit vectors of the model's dimension (the 100k and 1M points). This measures the
    index alone. Random high-dimensional vectors have no cluster structure, which is the worst
    case for approximate search: recall on them is a lower bound of recall on real embeddings;
``derived``
    the normalised mean of the passage's real sentence vectors (up to ``derived_max`` passages):
    real geometry, but every passage is a mix of the same few hundred sentences, so the data
    is more clustered than a real collection (an optimistic estimate of recall). Measured at 10k
    beside ``real`` to show how far it is from real embeddings.

Two things are measured:

* the FAISS index alone (``faiss_rows``): build time, size on disk and in memory, single-query
  latency and recall@10 against the exact index, for ``flat`` (exact), ``hnsw`` (the settings of
  :func:`ingest.index.build_faiss`) and ``ivf`` (IVF-Flat, nlist = 4*sqrt(n));
* the whole hybrid retrieval of :class:`assistant.retrieval.retriever.Retriever` (``hybrid_rows``) over
  a synthetic :class:`ingest.index.StoredIndex` with the index type chosen automatically: this is
  what a question costs, with the time split into its stages.
"""

from __future__ import annotations

import gc
import math
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from ingest.bm25 import BM25Index
from ingest.documents import Chunk, Locator
from ingest.index import StoredIndex, build_faiss, choose_index_type

K = 10
HNSW_EF_SWEEP = (32, 64, 96, 128, 256)
IVF_PROBE_SWEEP = (8, 16, 32, 64)


# ---- measuring helpers ----------------------------------------------------------------
def rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss / 2**20)


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize_ms(samples_s: Sequence[float]) -> dict[str, float]:
    ms = [s * 1e3 for s in samples_s]
    return {"p50_ms": round(percentile(ms, 50), 3), "p95_ms": round(percentile(ms, 95), 3),
            "mean_ms": round(statistics.fmean(ms), 3) if ms else float("nan"), "n": len(ms)}


def time_calls(fn: Callable[[Any], Any], inputs: Sequence[Any], warmup: int = 2) -> list[float]:
    for x in list(inputs)[:warmup]:
        fn(x)
    out = []
    for x in inputs:
        t = time.perf_counter()
        fn(x)
        out.append(time.perf_counter() - t)
    return out


# ---- the synthetic collection ---------------------------------------------------------
def sentence_pool(store: StoredIndex) -> tuple[list[str], np.ndarray]:
    """Every sentence of the real index with its real vector."""
    texts: list[str] = []
    rows: list[int] = []
    for i, c in enumerate(store.chunks):
        base = store.sentence_offsets[i]
        for k, (s, e) in enumerate(c.sentences):
            texts.append(c.text[s:e])
            rows.append(base + k)
    return texts, np.ascontiguousarray(store.sentence_vectors[rows], dtype=np.float32)


def synth_passages(pool: list[str], n: int, seed: int = 7, min_s: int = 3,
                   max_s: int = 6) -> tuple[list[str], list[list[tuple[int, int]]], np.ndarray, np.ndarray]:
    """``n`` passages of recombined pool sentences: texts, sentence spans, and the flat arrays
    (sentence pool ids, sentences per passage)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(min_s, max_s + 1, size=n)
    ids = rng.integers(0, len(pool), size=int(counts.sum()))
    texts: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    pos = 0
    for c in counts:
        parts = [pool[j] for j in ids[pos : pos + c]]
        pos += int(c)
        sp: list[tuple[int, int]] = []
        off = 0
        for p in parts:
            sp.append((off, off + len(p)))
            off += len(p) + 1
        texts.append(" ".join(parts))
        spans.append(sp)
    return texts, spans, ids, counts


def derived_vectors(pool_vecs: np.ndarray, ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Normalised mean of each passage's (real) sentence vectors."""
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sums = np.add.reduceat(pool_vecs[ids], starts, axis=0)
    return np.ascontiguousarray(sums / np.linalg.norm(sums, axis=1, keepdims=True), dtype=np.float32)


def random_unit(n: int, dim: int, seed: int = 11) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for i in range(0, n, step):
        block = rng.standard_normal((min(step, n - i), dim), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[i : i + len(block)] = block
    return out


def synth_store(texts: list[str], spans: list[list[tuple[int, int]]], vectors: np.ndarray,
                sentence_vectors: np.ndarray, per_doc: int = 10) -> tuple[StoredIndex, float]:
    """A complete in-memory index version over synthetic passages (index type chosen by size).
    Returns it and the seconds spent building FAISS + BM25."""
    chunks = []
    for i, (t, sp) in enumerate(zip(texts, spans, strict=True)):
        d = i // per_doc
        chunks.append(Chunk(doc_id=f"synth-{d}", chunk_id=f"synth-{d}-{i}", text=t,
                            title=f"Synthetic document {d}", publisher="Synthetic", date="2022",
                            locator=Locator(paragraph=i % per_doc + 1), start=0, end=len(t),
                            sentences=sp))
    n_docs = (len(texts) + per_doc - 1) // per_doc
    documents = {f"synth-{d}": {"meta": {"doc_id": f"synth-{d}", "file": f"synth-{d}.txt",
                                         "title": f"Synthetic document {d}",
                                         "publisher": "Synthetic", "date": "2022"},
                                "n_chunks": min(per_doc, len(texts) - d * per_doc)}
                 for d in range(n_docs)}
    t0 = time.perf_counter()
    fi = build_faiss(vectors)
    bm25 = BM25Index.build(texts)
    built = time.perf_counter() - t0
    manifest = {"index_type": choose_index_type(len(texts)), "n_chunks": len(texts), "synthetic": True}
    store = StoredIndex(Path("synthetic"), manifest, fi, chunks, vectors, sentence_vectors,
                        documents, bm25)
    return store, built


# ---- FAISS alone ------------------------------------------------------------------------
def build_ivf(vectors: np.ndarray, nlist: int, seed: int = 3) -> faiss.Index:
    dim = vectors.shape[1]
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    n_train = min(len(vectors), 64 * nlist)
    rng = np.random.default_rng(seed)
    sample = vectors[np.sort(rng.choice(len(vectors), n_train, replace=False))]
    index.train(np.ascontiguousarray(sample))
    index.add(vectors)
    return index


def _disk_mb(index: faiss.Index) -> float:
    with tempfile.TemporaryDirectory(prefix="pa-scale-") as tmp:
        path = Path(tmp) / "faiss.index"
        faiss.write_index(index, str(path))
        return path.stat().st_size / 2**20


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f[f >= 0].tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True))
    return hits / truth.size


def bench_faiss(vectors: np.ndarray, queries: np.ndarray, kinds: Sequence[str] = ("flat", "hnsw", "ivf"),
                n_latency: int = 50, vector_source: str = "random",
                log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """One row per (index kind, search setting)."""
    n, dim = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    lat_q = queries[:n_latency]
    rows: list[dict[str, Any]] = []
    truth: np.ndarray | None = None
    for kind in kinds:
        gc.collect()
        before = rss_mb()
        t0 = time.perf_counter()
        if kind == "ivf":
            nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
            index = build_ivf(vectors, nlist)
        else:
            index = build_faiss(vectors, kind)
        build_s = time.perf_counter() - t0
        mem = max(rss_mb() - before, 0.0)
        disk = _disk_mb(index)
        log(f"  {n:>9,} {kind:<5} built in {build_s:.1f} s, {disk:.0f} MB on disk")
        if kind == "flat":
            _, truth = index.search(queries, K)
        settings: list[tuple[str, int, Callable[[], None]]] = [("", 0, lambda: None)]
        if kind == "hnsw":
            hnsw: Any = faiss.downcast_index(index)
            default_ef = int(hnsw.hnsw.efSearch)

            def set_ef(ef: int, h: Any = hnsw) -> Callable[[], None]:
                return lambda: setattr(h.hnsw, "efSearch", ef)

            settings = [("efSearch", ef, set_ef(ef)) for ef in sorted({*HNSW_EF_SWEEP, default_ef})]
        elif kind == "ivf":
            ivf: Any = faiss.downcast_index(index)

            def set_probe(p: int, h: Any = ivf) -> Callable[[], None]:
                return lambda: setattr(h, "nprobe", p)

            settings = [("nprobe", p, set_probe(p)) for p in IVF_PROBE_SWEEP]
        for param, value, apply in settings:
            apply()
            lat = time_calls(partial(_search_one, index), list(lat_q))
            _, found = index.search(queries, K)
            assert truth is not None
            row = {"n": n, "vectors": vector_source, "index": kind,
                   "param": f"{param}={value}" if param else "",
                   "build_s": round(build_s, 3), "disk_mb": round(disk, 1), "mem_mb": round(mem, 1),
                   **{f"search_{k}": v for k, v in summarize_ms(lat).items()},
                   "recall_at_10": round(_recall(found, truth), 4)}
            if kind == "hnsw":
                row["default"] = value == default_ef
            elif kind == "ivf":
                row["nlist"] = ivf.nlist
                row["default"] = False
            else:
                row["default"] = True
            rows.append(row)
        del index
    return rows


def _search_one(index: Any, q: np.ndarray) -> None:
    index.search(q[None, :], K)


# ---- the whole hybrid retrieval ---------------------------------------------------------
def bench_hybrid(store: Any, embedder: Any, questions: list[str], settings: Any,
                 rounds: int = 2) -> dict[str, Any]:
    """Latency of Retriever.search over ``store`` (a loaded version, or any
    :class:`~assistant.retrieval.stores.SearchStore`), total and per stage."""
    from assistant.retrieval.config import RetrievalConfig
    from assistant.retrieval.retriever import Retriever

    t0 = time.perf_counter()
    searcher = Retriever(store, embedder, RetrievalConfig.from_settings(settings))
    wrap_s = time.perf_counter() - t0
    qvecs = {q: embedder.embed_query_vector(q) for q in questions}
    st = settings
    stages: dict[str, list[float]] = {"embed_query": [], "dense_faiss": [], "dense_sentences": [],
                                      "sparse_bm25": [], "search_total": [], "search_no_embed": []}
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            qv = embedder.embed_query_vector(q)
            stages["embed_query"].append(time.perf_counter() - t)
            t = time.perf_counter()
            searcher.dense(qv, st.candidate_k, None)
            stages["dense_faiss"].append(time.perf_counter() - t)
            pool = searcher.candidate_pool()  # the sentences search scores
            cands = searcher.sentence_candidates(searcher.dense(qv, pool, None),
                                                 searcher.sparse(q, pool, None))
            t = time.perf_counter()
            searcher.dense_sentences(qv, st.candidate_k, None, cands)
            stages["dense_sentences"].append(time.perf_counter() - t)
            t = time.perf_counter()
            searcher.sparse(q, st.candidate_k, None)
            stages["sparse_bm25"].append(time.perf_counter() - t)
            t = time.perf_counter()
            searcher.search(q, st.top_k)
            stages["search_total"].append(time.perf_counter() - t)
            t = time.perf_counter()
            searcher.search(q, st.top_k, qvec=qvecs[q])
            stages["search_no_embed"].append(time.perf_counter() - t)
    index = searcher.store
    return {"n": len(index.chunks), "sentences": len(index.sentence_vectors),
            "index_type": index.manifest.get("index_type"), "searcher_init_s": round(wrap_s, 3),
            **{name: summarize_ms(v) for name, v in stages.items()}}


def run_scale(store: StoredIndex, embedder: Any, settings: Any, questions: list[str],
              sizes: Sequence[int], embed_limit: int = 10_000, hybrid_max: int = 100_000,
              n_queries: int = 200, n_latency: int = 50, kinds: Sequence[str] = ("flat", "hnsw", "ivf"),
              hybrid_questions: int = 40, hybrid_rounds: int = 2, derived_max: int = 0,
              log: Callable[[str], None] = print) -> dict[str, Any]:
    """The scale section of the benchmark (see the module docstring)."""
    pool, pool_vecs = sentence_pool(store)
    dim = pool_vecs.shape[1]
    faiss_rows: list[dict[str, Any]] = []
    hybrid_rows: list[dict[str, Any]] = []
    real_q = np.vstack([embedder.embed_query_vector(q) for q in questions]).astype(np.float32)
    for n in sizes:
        log(f"scale: {n:,} passages")
        t0 = time.perf_counter()
        texts, spans, ids, counts = synth_passages(pool, n)
        gen_s = time.perf_counter() - t0
        source = "real" if n <= embed_limit else "random"
        embed_s = None
        if source == "real":
            t0 = time.perf_counter()
            vectors = embedder.encode(texts)
            embed_s = time.perf_counter() - t0
            log(f"  embedded {n:,} passages in {embed_s:.0f} s ({n / embed_s:.0f}/s)")
            # queries: the real questions first, then sampled passages' own sentences
            rng = np.random.default_rng(5)
            extra = pool_vecs[rng.integers(0, len(pool_vecs), max(0, n_queries - len(real_q)))]
            queries = np.vstack([real_q, extra])[:n_queries]
        else:
            vectors = random_unit(n, dim)
            queries = random_unit(n_queries, dim, seed=99)
        for row in bench_faiss(vectors, queries, kinds, n_latency, source, log):
            row["generate_s"] = round(gen_s, 3)
            if embed_s is not None:
                row["embed_s"] = round(embed_s, 2)
            faiss_rows.append(row)
        if n <= derived_max:
            rng = np.random.default_rng(5)
            extra = pool_vecs[rng.integers(0, len(pool_vecs), max(0, n_queries - len(real_q)))]
            d_queries = np.vstack([real_q, extra])[:n_queries]
            faiss_rows += bench_faiss(derived_vectors(pool_vecs, ids, counts), d_queries, kinds,
                                      n_latency, "derived", log)
        if n <= hybrid_max:
            gc.collect()
            before = rss_mb()
            sent_vecs = pool_vecs[ids]
            store_n, build_s = synth_store(texts, spans, vectors, sent_vecs)
            log(f"  hybrid store built in {build_s:.1f} s ({store_n.manifest['index_type']})")
            row = bench_hybrid(store_n, embedder, questions[:hybrid_questions], settings,
                               rounds=hybrid_rounds)
            row["vectors"] = source
            row["build_s"] = round(build_s, 2)
            row["mem_mb"] = round(rss_mb() - before, 1)
            hybrid_rows.append(row)
            del store_n, sent_vecs
        del vectors, texts, spans, ids
        gc.collect()
    return {"faiss": faiss_rows, "hybrid": hybrid_rows, "pool_sentences": len(pool), "dim": dim,
            "note": "synthetic passages = 3-6 real sentences recombined at random; passage vectors "
                    f"'real' (embedded) up to {embed_limit:,} passages, 'random' unit vectors "
                    "above (index alone; worst case for approximate recall); 'derived' = mean of "
                    "the passage's real sentence vectors (optimistic case)"}
