"""Questions embedded with the model's ONNX export (issue 15, cold start): the same vectors as
the torch model, written by ingest once, and torch used when it is missing or not wanted."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest.config import EmbeddingConfig, IngestConfig, QueryRuntime
from ingest.embedding import (
    LocalEmbeddings,
    OnnxEmbeddings,
    ensure_export,
    make_query_embedder,
)
from ingest.embedding.onnx_model import find_export

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _questions(n: int) -> list[str]:
    """The first ``n`` distinct questions of the evaluation suites' case files (never the
    held-out users-test part)."""
    import yaml

    qs: list[str] = []
    held_out = ROOT / "evals" / "users" / "test"
    for path in sorted((ROOT / "evals").rglob("*.yaml")):
        if path.is_relative_to(held_out):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = data.get("cases") if isinstance(data, dict) else None
        for c in cases or []:
            if isinstance(c, dict) and c.get("question") and c["question"] not in qs:
                qs.append(str(c["question"]))
    assert len(qs) >= n
    return qs[:n]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> EmbeddingConfig:
    config = EmbeddingConfig(cache_dir=str(tmp_path_factory.mktemp("cache")))
    written = ensure_export(config)
    assert written is not None
    assert find_export(config.resolved_path(), config.resolved_cache_dir()) == written
    return config


def test_onnx_query_vectors_match_torch_on_100_eval_questions(
        exported: EmbeddingConfig, embedder: LocalEmbeddings) -> None:
    onnx = make_query_embedder(exported)
    assert isinstance(onnx, OnnxEmbeddings)
    assert (onnx.model_id, onnx.dim) == (embedder.model_id, embedder.dim)
    questions = [*_questions(100), "trafficking " * 400]  # the last one is truncated at 256
    torch_vecs = embedder.encode(questions)
    one_by_one = np.stack([onnx.embed_query_vector(q) for q in questions])
    batched = onnx.encode(questions)
    assert float((one_by_one * torch_vecs).sum(axis=1).min()) >= 0.9999
    assert float((batched * torch_vecs).sum(axis=1).min()) >= 0.9999
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_an_existing_export_is_not_written_again(exported: EmbeddingConfig) -> None:
    assert ensure_export(exported) is None


def test_missing_export_falls_back_to_torch_with_one_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = EmbeddingConfig(cache_dir=str(tmp_path / "empty"))
    with caplog.at_level(logging.WARNING, logger="ingest.embedding"):
        embedder = make_query_embedder(config)
    assert isinstance(embedder, LocalEmbeddings)
    lines = [r.getMessage() for r in caplog.records if r.name == "ingest.embedding"]
    assert len(lines) == 1
    assert "no ONNX export" in lines[0]


def test_torch_runtime_is_used_when_asked_even_with_an_export(
        exported: EmbeddingConfig) -> None:
    embedder = make_query_embedder(replace(exported, query_runtime=QueryRuntime.TORCH))
    assert isinstance(embedder, LocalEmbeddings)


def test_ingest_writes_the_export_once(tmp_path: Path, embedder: LocalEmbeddings) -> None:
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text("Online recruitment of victims is a form of trafficking. "
                                     "Platforms should report it to the police.\n",
                                     encoding="utf-8")
    config = IngestConfig(corpus_dir=corpus, index_dir=tmp_path / "index",
                          embedding=EmbeddingConfig(cache_dir=str(tmp_path / "cache")))
    first = run_ingest(config, embedder=embedder)
    assert first.query_export
    assert Path(first.query_export).parent == tmp_path / "cache" / "onnx"
    second = run_ingest(config, embedder=embedder)
    assert (second.unchanged, second.query_export) == (True, "")

