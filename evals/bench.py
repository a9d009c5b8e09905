"""The benchmark behind ``policy-assistant bench``: prints tables and writes JSON.

Sections (each in the JSON under its name):

``cold_start``  process start to first answer: the real CLI (``policy-assistant ask``) timed from
                outside, and a child process that reports its own stages (imports, embedding
                model, index, first answer);
``warm``        in one warm process: p50/p95 of retrieval alone (``Assistant.search``) and of a full
                extractive answer (``Assistant.ask``) over the questions of ``evals/cases``;
``ingest``      chunks per second of a full ``--rebuild`` ingest, embedding included, with the
                embedding model already loaded (its load time is reported separately);
``memory``      peak RSS of the chat server (``policy-assistant serve``) with the default
                collection while it answers questions, and of a CLI batch run;
``scale``       synthetic collections (see :mod:`evals.scale`): index build time, size on disk and
                in memory, search latency and recall@10 of exact vs approximate indexes, and the
                latency of the whole hybrid retrieval.

Timings are wall-clock on whatever else the machine is doing: the JSON records the load average
before and after so a noisy run can be recognised. ``--smoke`` runs every section small, in well
under a minute on two idle cores, to check that the benchmark itself works.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from evals.scale import percentile, rss_mb, summarize_ms
from ingest.embedding import BaseEmbedder

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "evals" / "cases"
CORPUS = ROOT / "corpus"

TARGETS = {
    "warm_ask_p50_ms": ("warm extractive ask p50", "<", 50.0, "ms"),
    "retrieval_100k_p50_ms": ("retrieval at 100k passages p50", "<", 20.0, "ms"),
    "ingest_chunks_per_s": ("ingest throughput (embedding incl.)", ">=", 100.0, "chunks/s"),
    "server_rss_mb": ("server peak RSS, default collection", "<", 1536.0, "MB"),
    "cold_start_s": ("CLI cold start to first answer, median", "<", 3.0, "s"),
}
FULL_SIZES = (10_000, 100_000, 1_000_000)

COLD_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from assistant.engine import Assistant
from assistant.core.settings import Settings
from ingest.embedding import make_query_embedder
t1 = time.perf_counter()
s = Settings(index_dir=sys.argv[1], _env_file=None)
e = make_query_embedder(s.embedding)
t2 = time.perf_counter()
a = Assistant(s, embedder=e)
t3 = time.perf_counter()
ans = a.ask(sys.argv[2], mode="extractive")
t4 = time.perf_counter()
import psutil
json.dump({"imports_s": t1 - t0, "embedding_model_s": t2 - t1, "index_load_s": t3 - t2,
           "first_answer_s": t4 - t3, "in_process_total_s": t4 - t0,
           "rss_mb": psutil.Process().memory_info().rss / 2**20,
           "query_runtime": type(e).__name__,
           "refused": ans.refused}, sys.stdout)
"""


@dataclass
class BenchConfig:
    smoke: bool = False
    sizes: Sequence[int] = FULL_SIZES
    embed_limit: int = 10_000
    hybrid_max: int = 100_000
    skip: set[str] = field(default_factory=set)
    cold_repeats: int = 5
    warm_rounds: int = 3
    ingest_chunks: int = 600
    server_questions: int = 60
    server_conversations: int = 10
    warm_questions: int = 1000
    cli_cold: bool = True
    cli_memory: bool = True
    omp_variants: bool = True
    hybrid_questions: int = 40
    hybrid_rounds: int = 2
    derived_max: int = 100_000

    @classmethod
    def for_smoke(cls, skip: set[str] | None = None) -> BenchConfig:
        return cls(smoke=True, sizes=(2_000,), embed_limit=0, hybrid_max=2_000, skip=skip or set(),
                   cold_repeats=1, warm_rounds=1, ingest_chunks=0, server_questions=4,
                   server_conversations=2, warm_questions=12, cli_cold=False, cli_memory=False,
                   omp_variants=False, derived_max=0,
                   hybrid_questions=6, hybrid_rounds=1)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cli_command() -> list[str]:
    exe = Path(sys.executable).with_name("policy-assistant")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def load_questions(cases_dir: Path = CASES) -> list[dict[str, Any]]:
    """Every case of ``evals/cases`` as {id, question, history, kind}."""
    out = []
    for path in sorted(cases_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for c in data.get("cases", []) or []:
            if isinstance(c, dict) and c.get("question"):
                out.append({"id": c.get("id"), "question": str(c["question"]),
                            "history": c.get("history") or [], "kind": c.get("kind", path.stem)})
    return out


def peak_rss_of(proc: subprocess.Popen[bytes], interval: float = 0.02) -> float:
    """Poll a child (and its children) until it exits; peak RSS in MB."""
    import psutil

    peak = 0.0
    try:
        p = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                peak = max(peak, rss / 2**20)
            except psutil.Error:
                pass
            time.sleep(interval)
    except psutil.Error:
        pass
    return peak


# ---- sections ---------------------------------------------------------------------------
def _cli_cold_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One CLI ``ask`` in a fresh process: (wall seconds, peak RSS MB)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        try:
            peak = peak_rss_of(proc)
            proc.wait(timeout=600)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"cold start failed: {err.read().decode(errors='replace')[-500:]}")
        json.loads(out.read().decode().strip().splitlines()[-1])
    return wall, peak


def bench_cold_start(index_dir: Path, question: str, repeats: int, cli: bool = True) -> dict[str, Any]:
    """The CLI as configured (questions embedded with the ONNX export when ingest wrote it),
    and, alternating with it run by run, the CLI with ``PA_QUERY_RUNTIME=torch``."""
    walls: list[float] = []
    peaks: list[float] = []
    torch_walls: list[float] = []
    cmd = [*cli_command(), "ask", "--index", str(index_dir), "--json", question]
    for _ in range(repeats if cli else 0):
        wall, peak = _cli_cold_run(cmd, child_env())
        walls.append(wall)
        peaks.append(peak)
        torch_walls.append(_cli_cold_run(cmd, {**child_env(), "PA_QUERY_RUNTIME": "torch"})[0])
    stages: list[dict[str, Any]] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", COLD_CHILD, str(index_dir), question],
                             capture_output=True, timeout=600, env=child_env(), cwd=ROOT, check=False)
        wall = time.perf_counter() - t0
        if res.returncode != 0:
            raise RuntimeError(f"cold start child failed: {res.stderr.decode(errors='replace')[-500:]}")
        st = json.loads(res.stdout)
        st["process_wall_s"] = wall
        st["interpreter_and_exit_s"] = wall - st["in_process_total_s"]
        stages.append(st)
    keys = [k for k in stages[0] if k.endswith("_s")]
    if not walls:  # smoke: the staged child is the process start to first answer
        walls = [s["process_wall_s"] for s in stages]
    return {
        "cli_wall_s": {"median": round(float(np.median(walls)), 3), "all": [round(w, 3) for w in walls],
                       "source": "policy-assistant ask" if cli else "python -c (staged child)"},
        "cli_wall_s_torch": {"median": round(float(np.median(torch_walls)), 3) if torch_walls
                             else None, "all": [round(w, 3) for w in torch_walls]},
        "cli_peak_rss_mb": round(max(peaks), 1) if peaks else None,
        "query_runtime": stages[0].get("query_runtime"),
        "stages_median_s": {k: round(float(np.median([s[k] for s in stages])), 3) for k in keys},
        "question": question,
        "command": "policy-assistant ask --index INDEX --json QUESTION",
    }


def bench_query_threads(embedder: Any, questions: list[str], repeats: int = 2) -> dict[str, Any]:
    """Query-embedding latency with torch's intra-op threads at 1 and at the default: with
    other work on the cores, a 2-thread forward pass waits for its slower thread. The ONNX
    query embedder's threads are fixed when it loads (``PA_QUERY_THREADS``): timed as it is."""
    from ingest.embedding import LocalEmbeddings

    if not isinstance(embedder, LocalEmbeddings):
        for q in questions[:2]:
            embedder.embed_query_vector(q)
        times = []
        for _ in range(repeats):
            for q in questions:
                t = time.perf_counter()
                embedder.embed_query_vector(q)
                times.append(time.perf_counter() - t)
        return {"runtime": type(embedder).__name__, "as_configured": summarize_ms(times)}
    import torch

    default = torch.get_num_threads()
    out: dict[str, Any] = {"default_threads": default}
    try:
        for n in sorted({1, os.cpu_count() or 1}):
            torch.set_num_threads(n)
            for q in questions[:2]:
                embedder.embed_query_vector(q)
            times = []
            for _ in range(repeats):
                for q in questions:
                    t = time.perf_counter()
                    embedder.embed_query_vector(q)
                    times.append(time.perf_counter() - t)
            out[f"threads_{n}"] = summarize_ms(times)
    finally:
        torch.set_num_threads(default)
    return out


OMP_CHILD = r"""
import json, sys, time
from assistant.core.settings import Settings
from ingest.embedding import make_embedder
qs = json.loads(sys.argv[1])
s = Settings(_env_file=None)
e = make_embedder(s.embedding)
for q in qs[:3]:
    e.embed_query_vector(q)
wall, cpu = [], []
for _ in range(2):
    for q in qs:
        c = time.process_time(); t = time.perf_counter()
        e.embed_query_vector(q)
        wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
t = time.perf_counter(); e.encode(qs * 5); batch = time.perf_counter() - t
json.dump({"wall": wall, "cpu": cpu, "batch_texts_per_s": len(qs) * 5 / batch}, sys.stdout)
"""
OMP_VARIANTS = {"default": {}, "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
                "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"}}


def bench_omp_variants(questions: list[str]) -> dict[str, Any]:
    """Query embedding in fresh processes under OpenMP settings: on a shared machine the default
    (threads spin while they wait) loses most of its time when a core is taken by someone else."""
    out: dict[str, Any] = {}
    for name, extra in OMP_VARIANTS.items():
        env = {k: v for k, v in child_env().items() if k not in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS")}
        env.update(extra)
        res = subprocess.run([sys.executable, "-c", OMP_CHILD, json.dumps(questions)], capture_output=True,
                             timeout=600, env=env, cwd=ROOT, check=False)
        if res.returncode != 0:
            out[name] = {"error": res.stderr.decode(errors="replace")[-300:]}
            continue
        d = json.loads(res.stdout)
        out[name] = {"query_wall": summarize_ms(d["wall"]), "query_cpu": summarize_ms(d["cpu"]),
                     "batch_texts_per_s": round(d["batch_texts_per_s"], 1)}
    return out


def bench_warm(assistant: Any, questions: list[dict[str, Any]], rounds: int,
               limit: int = 1000) -> dict[str, Any]:
    from assistant.answering.scope import out_of_scope_request
    from assistant.core.errors import QuestionError
    from assistant.core.models import Turn

    asked = [q for q in questions if out_of_scope_request(q["question"]) is None][:limit]
    search_t: list[float] = []
    ask_t: list[float] = []
    ask_cpu: list[float] = []
    parts: dict[str, list[float]] = {}
    # one untimed pass warms caches (term sets, BLAS buffers)
    for q in asked[:3]:
        assistant.ask(q["question"], [Turn(**t) for t in q["history"]], mode="extractive")
    for _ in range(rounds):
        for q in asked:
            try:
                t = time.perf_counter()
                assistant.search(q["question"])
                search_t.append(time.perf_counter() - t)
                hist = [Turn(**t) for t in q["history"]]
                c = time.process_time()
                t = time.perf_counter()
                ans = assistant.ask(q["question"], hist, mode="extractive")
                ask_t.append(time.perf_counter() - t)
                ask_cpu.append(time.process_time() - c)
            except QuestionError:
                continue
            for k, v in (ans.timings_ms or {}).items():
                parts.setdefault(k, []).append(v / 1e3)
    return {"questions": len(asked), "rounds": rounds,
            "excluded_scope_refusals": len(questions) - len(asked),
            "retrieval": summarize_ms(search_t), "extractive_ask": summarize_ms(ask_t),
            "extractive_ask_cpu": summarize_ms(ask_cpu),
            "ask_stages": {k: summarize_ms(v) for k, v in parts.items()},
            "query_embedding_threads": bench_query_threads(
                assistant.embedder, [q["question"] for q in asked[:20]], 1 if limit < 100 else 2)}


class TimedEmbedder(BaseEmbedder):
    """Wraps the real embedding model to time the embedding stage of an ingest."""

    def __init__(self, inner: BaseEmbedder) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.model_id = inner.model_id
        self.seconds = 0.0
        self.texts = 0

    def encode(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        t = time.perf_counter()
        out = self.inner.encode(texts, progress)
        self.seconds += time.perf_counter() - t
        self.texts += len(texts)
        return np.asarray(out)

    def embed_query_vector(self, text: str) -> np.ndarray:
        return np.asarray(self.inner.embed_query_vector(text))


def bench_ingest(settings: Any, corpus_dir: Path, index_dir: Path, embedder: Any,
                 label: str, threads: int | None = None) -> dict[str, Any]:
    """A full rebuild; ``threads`` = torch threads for it (None: leave as is). The CLI ingest
    runs with torch's default; a serving process is set to PA_QUERY_THREADS."""
    import torch

    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        return _bench_ingest(settings, corpus_dir, index_dir, embedder, label)
    finally:
        torch.set_num_threads(before)


def _bench_ingest(settings: Any, corpus_dir: Path, index_dir: Path, embedder: Any,
                  label: str) -> dict[str, Any]:
    import torch

    from ingest.pipeline import run_ingest

    timed = TimedEmbedder(embedder)
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(stage, time.perf_counter())

    t0 = time.perf_counter()
    config = replace(settings.ingest_config(), corpus_dir=corpus_dir, index_dir=index_dir)
    report = run_ingest(config, rebuild=True, embedder=timed, progress=progress)
    total = time.perf_counter() - t0
    index_s = total - (marks["index"] - t0) if "index" in marks else 0.0
    return {"corpus": label, "documents": report.documents, "chunks": report.chunks,
            "texts_embedded": timed.texts, "seconds": round(total, 3),
            "chunks_per_s": round(report.chunks / total, 2) if total else None,
            "embed_s": round(timed.seconds, 3),
            "embed_texts_per_s": round(timed.texts / timed.seconds, 1) if timed.seconds else None,
            "index_write_s": round(index_s, 3),
            "other_s": round(total - timed.seconds - index_s, 3),
            "skipped": len(report.skipped), "torch_threads": torch.get_num_threads()}


def write_synthetic_corpus(folder: Path, pool: list[str], n_chunks: int, seed: int = 21) -> int:
    """Text files of paragraphs made by shuffling and recombining real sentences; about
    ``n_chunks`` passages once chunked. Returns the number of files."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paras_per_doc = 12
    n_docs = max(1, round(n_chunks / 9))
    for d in range(n_docs):
        paras = []
        for _ in range(paras_per_doc):
            k = int(rng.integers(2, 5))
            paras.append(" ".join(pool[int(j)] for j in rng.integers(0, len(pool), k)))
        (folder / f"synthetic-{d:04d}.txt").write_text(
            f"Synthetic policy document {d}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    return n_docs


def bench_memory(index_dir: Path, questions: list[dict[str, Any]], n_server: int,
                 conversations: int, work: Path, cli: bool = True) -> dict[str, Any]:
    """Peak RSS of the chat server under a short load (n_server > 0) and of a CLI batch run."""
    out: dict[str, Any] = {}
    if n_server <= 0:
        out.update(_cli_memory(index_dir, questions, work))
        out["server"] = {"error": "skipped"}
        return out
    if cli:
        out.update(_cli_memory(index_dir, questions, work))
    try:
        from evals import loadtest
    except ImportError as exc:  # pragma: no cover - the module ships with the benchmark
        out["server"] = {"error": f"load test unavailable: {exc}"}
        return out
    if not loadtest.serve_available():
        out["server"] = {"error": "policy-assistant serve is not available (assistant/ui/server.py)"}
        if not cli:
            out.update(_cli_memory(index_dir, questions, work))
        return out
    try:
        res = loadtest.run_loadtest(index_dir=index_dir, conversations=conversations,
                                    questions=n_server, duration_s=240, log=log)
        out["server"] = {k: res[k] for k in ("peak_rss_mb", "rss_start_mb", "rss_end_mb",
                                              "questions", "errors", "p50_ms")
                         if k in res}
    except Exception as exc:  # noqa: BLE001 - report, do not crash the benchmark
        out["server"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


# ---- the whole run ----------------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    import faiss
    import torch

    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "faiss": faiss.__version__, "loadavg": list(os.getloadavg())}


def evaluate_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    warm = result.get("warm", {})
    cold = result.get("cold_start", {})
    ingest = result.get("ingest", {})
    mem = result.get("memory", {})
    scale = result.get("scale", {})
    hybrid = scale.get("hybrid", [])
    at100k = [r for r in hybrid if r["n"] == 100_000]
    largest = max(hybrid, key=lambda r: r["n"]) if hybrid else None
    row100 = at100k[0] if at100k else largest
    ingest_main = ingest.get("synthetic") or ingest.get("default")
    server = mem.get("server", {})
    measured: dict[str, tuple[float | None, str]] = {
        "warm_ask_p50_ms": (warm.get("extractive_ask", {}).get("p50_ms"), "default collection"),
        "retrieval_100k_p50_ms": (
            row100["search_total"]["p50_ms"] if row100 else None,
            (f"hybrid search at {row100['n']:,} passages ({row100['index_type']}, "
             f"{row100['vectors']} vectors)") if row100 else "not measured"),
        "ingest_chunks_per_s": (ingest_main.get("chunks_per_s") if ingest_main else None,
                                f"{ingest_main['corpus']}, model preloaded" if ingest_main else ""),
        "server_rss_mb": (server.get("peak_rss_mb"), "chat server under load"),
        "cold_start_s": (cold.get("cli_wall_s", {}).get("median"),
                         f"{cold.get('cli_wall_s', {}).get('source', '')}, "
                         f"{len(cold.get('cli_wall_s', {}).get('all', []))} runs"),
    }
    if measured["server_rss_mb"][0] is None and mem.get("cli_batch_peak_rss_mb"):
        measured["server_rss_mb"] = (mem["cli_batch_peak_rss_mb"],
                                     "CLI batch process (server not measured: "
                                     f"{server.get('error', 'skipped')})")
    rows = []
    for key, (name, op, target, unit) in TARGETS.items():
        value, how = measured[key]
        met = None if value is None else (value < target if op == "<" else value >= target)
        rows.append({"key": key, "name": name, "target": f"{op} {target:g} {unit}", "measured": value,
                     "unit": unit, "met": met, "how": how})
    return rows


def run_bench(cfg: BenchConfig, work: Path | None = None,
              log: Callable[[str], None] = log) -> dict[str, Any]:
    from assistant.core.settings import Settings
    from assistant.engine import Assistant
    from evals.scale import run_scale, sentence_pool
    from ingest.embedding import make_embedder, make_query_embedder

    started = time.perf_counter()
    own_tmp = work is None
    work = Path(tempfile.mkdtemp(prefix="pa-bench-")) if work is None else work
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"smoke": cfg.smoke, "machine": machine_info(),
                              "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "errors": {}}

    def section(name: str, fn: Callable[[], Any]) -> None:
        """Run one section; a failure is recorded and the others still run."""
        if name in cfg.skip:
            return
        log(name)
        try:
            result[name] = fn()
        except Exception as exc:  # noqa: BLE001 - one broken section must not lose the rest
            import traceback

            result["errors"][name] = f"{type(exc).__name__}: {exc}"
            log(f"{name} failed: {traceback.format_exc()[-1500:]}")

    try:
        index_dir = work / "index"
        settings = Settings(corpus_dir=CORPUS, index_dir=index_dir, feedback_db=work / "chat.db",
                            _env_file=None)
        log("loading the embedding model")
        import torch

        torch_default = torch.get_num_threads()
        t0 = time.perf_counter()
        embedder = make_embedder(settings.embedding)
        model_load_s = time.perf_counter() - t0
        rss0 = rss_mb()
        log("ingesting the default collection")
        ingest: dict[str, Any] = {"model_load_s": round(model_load_s, 3)}
        ingest["default"] = bench_ingest(settings, CORPUS, index_dir, embedder, "default collection")
        result["ingest"] = ingest
        # questions embedded as the CLI and the server do (the ONNX export ingest just wrote)
        assistant = Assistant(settings, embedder=make_query_embedder(settings.embedding))
        result["query_runtime"] = type(assistant.embedder).__name__
        questions = load_questions()
        result["questions"] = len(questions)

        def synthetic_ingest() -> dict[str, Any]:
            pool, _ = sentence_pool(assistant.store)
            syn = work / "synthetic-corpus"
            n_docs = write_synthetic_corpus(syn, pool, cfg.ingest_chunks)
            log(f"ingesting a synthetic corpus of {n_docs} files")
            try:
                ingest["synthetic"] = bench_ingest(settings, syn, work / "synthetic-index", embedder,
                                                   f"synthetic corpus ({n_docs} files)",
                                                   threads=torch_default)
            finally:
                shutil.rmtree(syn, ignore_errors=True)
                shutil.rmtree(work / "synthetic-index", ignore_errors=True)
            return ingest

        if cfg.ingest_chunks:
            section("ingest", synthetic_ingest)

        def warm() -> dict[str, Any]:
            out = bench_warm(assistant, questions, cfg.warm_rounds, cfg.warm_questions)
            out["process_rss_mb"] = round(rss_mb(), 1)
            out["rss_model_loaded_mb"] = round(rss0, 1)
            if cfg.omp_variants:
                log("query embedding under OpenMP settings")
                out["omp_variants"] = bench_omp_variants([q["question"] for q in questions[:20]])
            return out

        section("warm", warm)
        section("cold_start", lambda: bench_cold_start(
            index_dir, "What proportion of sex trafficking victims are advertised online?",
            cfg.cold_repeats, cli=cfg.cli_cold))
        qs = questions if not cfg.smoke else questions[:10]
        n_server = 0 if "server" in cfg.skip else cfg.server_questions
        section("memory", lambda: bench_memory(index_dir, qs, n_server, cfg.server_conversations,
                                               work, cli=cfg.cli_memory))
        section("scale", lambda: run_scale(
            assistant.store, embedder, settings, [q["question"] for q in questions],
            cfg.sizes, embed_limit=cfg.embed_limit, hybrid_max=cfg.hybrid_max,
            n_queries=50 if cfg.smoke else 200, n_latency=20 if cfg.smoke else 50,
            hybrid_questions=cfg.hybrid_questions, hybrid_rounds=cfg.hybrid_rounds,
            derived_max=cfg.derived_max, log=log))
    finally:
        if own_tmp:
            shutil.rmtree(work, ignore_errors=True)
    result["targets"] = evaluate_targets(result)
    result["machine"]["loadavg_end"] = list(os.getloadavg())
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def _cli_memory(index_dir: Path, questions: list[dict[str, Any]], work: Path) -> dict[str, Any]:
    batch = work / "batch.jsonl"
    with batch.open("w", encoding="utf-8") as fh:
        for q in questions:
            fh.write(json.dumps({"id": q["id"], "question": q["question"], "history": q["history"]}) + "\n")
    cmd = [*cli_command(), "ask", "--index", str(index_dir), "--batch", str(batch), "--json"]
    with tempfile.TemporaryFile() as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.DEVNULL, env=child_env(), cwd=ROOT)
        try:
            peak = peak_rss_of(proc)
            proc.wait(timeout=600)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return {"cli_batch_peak_rss_mb": round(peak, 1), "cli_batch_questions": len(questions)}


# ---- output -----------------------------------------------------------------------------
def _fmt(v: Any, nd: int = 1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{nd}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def print_report(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console(width=None if sys.stdout.isatty() else 200)
    m = result["machine"]
    con.print(f"[bold]policy-assistant benchmark[/bold]{' (smoke)' if result['smoke'] else ''} — "
              f"{m['cpus']} CPUs, load average {m['loadavg'][0]:.1f} at start, "
              f"{m['loadavg_end'][0]:.1f} at end; {result['seconds']:.0f} s")
    t = Table("target", "goal", "measured", "met", "how")
    for r in result["targets"]:
        met = {True: "[green]yes[/green]", False: "[red]NO[/red]", None: "-"}[r["met"]]
        t.add_row(r["name"], r["target"], f"{_fmt(r['measured'])} {r['unit']}", met, r["how"])
    con.print(t)
    t = Table("figure", "p50 / value", "p95", "n")
    for name, err in result.get("errors", {}).items():
        con.print(f"[red]section {name} failed:[/red] {err}", markup=True, highlight=False)
    if "cold_start" in result:
        c = result["cold_start"]
        t.add_row(f"cold start: CLI ask, process start to answer (s), {c.get('query_runtime')}",
                  _fmt(c["cli_wall_s"]["median"], 2), "", str(len(c["cli_wall_s"]["all"])))
        tw = c.get("cli_wall_s_torch") or {}
        if tw.get("all"):
            t.add_row("cold start with PA_QUERY_RUNTIME=torch (s)", _fmt(tw["median"], 2), "",
                      str(len(tw["all"])))
        for k, v in c["stages_median_s"].items():
            t.add_row(f"  cold stage {k}", _fmt(v, 2), "", "")
    w = result.get("warm")
    if w:
        t.add_row("warm retrieval (ms)", _fmt(w["retrieval"]["p50_ms"], 1), _fmt(w["retrieval"]["p95_ms"], 1),
                  str(w["retrieval"]["n"]))
        t.add_row("warm extractive ask (ms)", _fmt(w["extractive_ask"]["p50_ms"], 1),
                  _fmt(w["extractive_ask"]["p95_ms"], 1), str(w["extractive_ask"]["n"]))
        if "extractive_ask_cpu" in w:
            c = w["extractive_ask_cpu"]
            t.add_row("  CPU time per ask (ms)", _fmt(c["p50_ms"], 1), _fmt(c["p95_ms"], 1), str(c["n"]))
        for k, v in w["ask_stages"].items():
            t.add_row(f"  ask stage {k} (ms)", _fmt(v["p50_ms"], 1), _fmt(v["p95_ms"], 1), str(v["n"]))
        qt = w.get("query_embedding_threads", {})
        for k, v in qt.items():
            if isinstance(v, dict):
                t.add_row(f"  query embedding, {qt.get('runtime', 'torch')} {k.replace('_', '=')} (ms)",
                          _fmt(v["p50_ms"], 1),
                          _fmt(v["p95_ms"], 1), str(v["n"]))
        for k, v in w.get("omp_variants", {}).items():
            if "query_wall" in v:
                t.add_row(f"  query embedding, fresh process, {k} (ms)", _fmt(v["query_wall"]["p50_ms"], 1),
                          _fmt(v["query_wall"]["p95_ms"], 1),
                          f"cpu {v['query_cpu']['p50_ms']:.1f} ms; batch {v['batch_texts_per_s']:.0f} texts/s")
    ing = result.get("ingest", {})
    for key in ("default", "synthetic"):
        if key in ing:
            r = ing[key]
            t.add_row(f"ingest {r['corpus']}: chunks/s", _fmt(r["chunks_per_s"], 1), "",
                      f"{r['chunks']} chunks, {r['texts_embedded']} texts, {r['seconds']:.1f} s "
                      f"(embed {r['embed_s']:.1f} s)")
    if "model_load_s" in ing:
        t.add_row("embedding model load (s)", _fmt(ing["model_load_s"], 2), "", "")
    mem = result.get("memory", {})
    if mem:
        t.add_row("CLI batch peak RSS (MB)", _fmt(mem.get("cli_batch_peak_rss_mb")), "",
                  str(mem.get("cli_batch_questions", "")))
        srv = mem.get("server", {})
        t.add_row("server peak RSS (MB)", _fmt(srv.get("peak_rss_mb")), "", srv.get("error", ""))
    con.print(t)
    sc = result.get("scale")
    if sc:
        t = Table("passages", "vectors", "index", "setting", "build s", "disk MB", "mem MB",
                  "search p50 ms", "p95 ms", "recall@10")
        for r in sc["faiss"]:
            t.add_row(f"{r['n']:,}", r["vectors"], r["index"] + (" *" if r.get("default") else ""),
                      r["param"], _fmt(r["build_s"], 2), _fmt(r["disk_mb"]), _fmt(r["mem_mb"]),
                      _fmt(r["search_p50_ms"], 3), _fmt(r["search_p95_ms"], 3), _fmt(r["recall_at_10"], 3))
        con.print(t)
        t = Table("passages", "sentences", "index", "vectors", "build s", "mem MB", "search p50 ms",
                  "p95", "embed q", "faiss", "sentences", "bm25")
        for r in sc["hybrid"]:
            t.add_row(f"{r['n']:,}", f"{r['sentences']:,}", r["index_type"], r["vectors"],
                      _fmt(r["build_s"], 1), _fmt(r["mem_mb"]), _fmt(r["search_total"]["p50_ms"], 1),
                      _fmt(r["search_total"]["p95_ms"], 1), _fmt(r["embed_query"]["p50_ms"], 1),
                      _fmt(r["dense_faiss"]["p50_ms"], 2), _fmt(r["dense_sentences"]["p50_ms"], 1),
                      _fmt(r["sparse_bm25"]["p50_ms"], 1))
        con.print(t)
        con.print(f"[dim]{sc['note']}; * = the production setting[/dim]")


def main(smoke: bool = False, json_path: Path | None = None, sizes: Sequence[int] | None = None,
         embed_limit: int | None = None, skip: Sequence[str] = ()) -> dict[str, Any]:
    cfg = BenchConfig.for_smoke(set(skip)) if smoke else BenchConfig(skip=set(skip))
    if sizes:
        cfg.sizes = tuple(sizes)
        cfg.hybrid_max = min(cfg.hybrid_max, max(sizes)) if smoke else cfg.hybrid_max
    if embed_limit is not None:
        cfg.embed_limit = embed_limit
    result = run_bench(cfg)
    print_report(result)
    path = json_path or ROOT / "artifacts" / ("bench-smoke.json" if smoke else "bench.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, default=float), encoding="utf-8")
    log(f"wrote {path}")
    return result


__all__ = ["TARGETS", "BenchConfig", "load_questions", "main", "percentile", "run_bench"]
