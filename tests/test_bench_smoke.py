"""The benchmark runs: ``policy-assistant bench --smoke`` writes JSON with every section.

Only the shape is checked, never the timings (speed is what the benchmark reports, not a test).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
ROOT = Path(__file__).resolve().parent.parent


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("policy-assistant")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([*_cli(), "bench", "--smoke", "--json", str(out)], capture_output=True,
                         env=env, cwd=ROOT, timeout=1100, check=False)
    assert res.returncode == 0, res.stderr.decode(errors="replace")[-3000:]
    assert "target" in res.stdout.decode(errors="replace")  # the table was printed
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _ms(d: dict[str, Any]) -> None:
    assert {"p50_ms", "p95_ms", "n"} <= set(d), d
    assert d["n"] > 0


def test_every_section_ran(smoke: dict[str, Any]) -> None:
    assert smoke["smoke"] is True
    assert smoke["errors"] == {}
    assert {"ingest", "warm", "cold_start", "memory", "scale", "targets", "machine"} <= set(smoke)
    assert {"cpus", "loadavg", "loadavg_end", "torch_threads"} <= set(smoke["machine"])


def test_latency_and_ingest_figures(smoke: dict[str, Any]) -> None:
    warm = smoke["warm"]
    _ms(warm["retrieval"])
    _ms(warm["extractive_ask"])
    assert {"embed", "retrieve", "total"} <= set(warm["ask_stages"])
    # the bench's ingest writes the model's ONNX export, so questions are embedded with it
    assert smoke["query_runtime"] == "OnnxEmbeddings"
    assert warm["query_embedding_threads"]["runtime"] == "OnnxEmbeddings"
    _ms(warm["query_embedding_threads"]["as_configured"])
    cold = smoke["cold_start"]
    assert cold["query_runtime"] == "OnnxEmbeddings"
    assert cold["cli_wall_s"]["median"] > 0
    assert {"imports_s", "embedding_model_s", "index_load_s", "first_answer_s"} <= set(cold["stages_median_s"])
    ing = smoke["ingest"]["default"]
    assert ing["chunks"] > 0 and ing["chunks_per_s"] > 0 and ing["embed_s"] > 0
    assert smoke["ingest"]["model_load_s"] > 0


def test_memory_of_the_server_under_load(smoke: dict[str, Any]) -> None:
    server = smoke["memory"]["server"]
    assert "error" not in server, server
    assert server["peak_rss_mb"] > 0 and server["errors"] == 0 and server["questions"] > 0


def test_scale_rows(smoke: dict[str, Any]) -> None:
    rows = smoke["scale"]["faiss"]
    assert {r["index"] for r in rows} == {"flat", "hnsw", "ivf"}
    for r in rows:
        assert {"n", "vectors", "build_s", "disk_mb", "mem_mb", "search_p50_ms", "search_p95_ms",
                "recall_at_10"} <= set(r)
        assert 0.0 <= r["recall_at_10"] <= 1.0
    assert all(r["recall_at_10"] == 1.0 for r in rows if r["index"] == "flat")
    hybrid = smoke["scale"]["hybrid"]
    assert hybrid and {"search_total", "embed_query", "dense_faiss", "dense_sentences",
                       "sparse_bm25"} <= set(hybrid[0])


def test_targets_table(smoke: dict[str, Any]) -> None:
    keys = {t["key"] for t in smoke["targets"]}
    assert keys == {"warm_ask_p50_ms", "retrieval_100k_p50_ms", "ingest_chunks_per_s", "server_rss_mb",
                    "cold_start_s"}
    for t in smoke["targets"]:
        assert t["measured"] is not None and t["met"] in (True, False)
