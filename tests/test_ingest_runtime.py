"""Ingest through the model's ONNX export, and late chunking, with the real model (issue 15):
the same vectors as torch, one forward pass per passage, long passages windowed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest.config import EmbeddingConfig, IngestConfig, IngestRuntime, SentenceVectors
from ingest.embedding import (
    LocalEmbeddings,
    OnnxEmbeddings,
    ensure_export,
    make_ingest_embedder,
)
from ingest.index import load_index
from ingest.late import late_vectors
from ingest.pipeline import run_ingest

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> EmbeddingConfig:
    config = EmbeddingConfig(cache_dir=str(tmp_path_factory.mktemp("cache")))
    assert ensure_export(config) is not None
    return config


@pytest.fixture(scope="module")
def onnx(config: EmbeddingConfig) -> OnnxEmbeddings:
    model = make_ingest_embedder(config)
    assert isinstance(model, OnnxEmbeddings)
    return model


def test_torch_ingest_runtime_is_the_model_itself(config: EmbeddingConfig) -> None:
    assert isinstance(make_ingest_embedder(replace(config, ingest_runtime=IngestRuntime.TORCH)),
                      LocalEmbeddings)


def test_onnx_ingest_gives_torch_vectors(config: EmbeddingConfig, corpus_index: Path,
                                         tmp_path: Path) -> None:
    report = run_ingest(IngestConfig(corpus_dir=CORPUS, index_dir=tmp_path, embedding=config),
                        rebuild=True)  # no embedder given: the ONNX runtime, as the CLI runs
    ours, torch_built = load_index(tmp_path), load_index(corpus_index)
    assert report.embedded == len(ours.chunks) > 40
    assert [c.chunk_id for c in ours.chunks] == [c.chunk_id for c in torch_built.chunks]
    for a, b in ((ours.vectors, torch_built.vectors),
                 (ours.sentence_vectors, torch_built.sentence_vectors)):
        assert a.shape == b.shape
        assert float((np.asarray(a) * np.asarray(b)).sum(axis=1).min()) > 0.99999


def test_late_passage_vector_is_the_models_embedding_of_the_passage(
        onnx: OnnxEmbeddings, embedder: LocalEmbeddings) -> None:
    text = ("Traffickers recruit victims on social media. Many victims are advertised online. "
            "Platforms should report such adverts to the police.")
    spans = [(0, 44), (45, 81), (82, len(text))]
    for model in (onnx, embedder):
        passages, sentences = late_vectors(model, [(text, spans)])
        assert float(passages[0] @ model.encode([text])[0]) > 0.99999
        assert sentences[0].shape == (3, 384)
        assert np.allclose(np.linalg.norm(sentences[0], axis=1), 1.0, atol=1e-5)
    onnx_sents = late_vectors(onnx, [(text, spans)])[1][0]
    torch_sents = late_vectors(embedder, [(text, spans)])[1][0]
    assert float((onnx_sents * torch_sents).sum(axis=1).min()) > 0.99999


def test_a_passage_past_the_window_is_embedded_to_its_last_sentence(onnx: OnnxEmbeddings) -> None:
    filler = " ".join(f"Paragraph {i} discusses regional cooperation on data sharing."
                      for i in range(60))  # about 600 tokens
    last = "Victims of sextortion receive counselling from specialised helplines."
    text = f"{filler} {last}"
    spans = [(0, filler.index(".") + 1), (len(filler) + 1, len(text))]
    passages, sentences = late_vectors(onnx, [(text, spans)])
    alone = onnx.encode([last, "Paragraph 0 discusses regional cooperation on data sharing."])
    late_last = sentences[0][1]
    # past token 256 the sentence still has its own tokens' meaning, not the filler's
    assert float(late_last @ alone[0]) > float(late_last @ alone[1]) + 0.1
    assert float(late_last @ alone[0]) > 0.6


def test_late_ingest_embeds_each_passage_once_and_not_reused_from_separate(
        config: EmbeddingConfig, tmp_path: Path) -> None:
    base = IngestConfig(corpus_dir=CORPUS, index_dir=tmp_path, embedding=config)
    run_ingest(base, rebuild=True)
    separate = load_index(tmp_path)
    late = run_ingest(replace(base, sentence_vectors=SentenceVectors.LATE))
    store = load_index(tmp_path)
    assert late.embedded == len(store.chunks)  # sentence vectors of another kind: not reused
    assert store.sentence_vectors.shape == separate.sentence_vectors.shape
    cos = (np.asarray(store.vectors) * np.asarray(separate.vectors)).sum(axis=1)
    assert float(np.median(cos)) > 0.99999  # the passage vector is the same forward pass
    sent_cos = (np.asarray(store.sentence_vectors)
                * np.asarray(separate.sentence_vectors)).sum(axis=1)
    assert 0.3 < float(np.median(sent_cos)) < 0.99  # contextual, not the separate vectors
    assert run_ingest(replace(base, sentence_vectors=SentenceVectors.LATE)).unchanged
