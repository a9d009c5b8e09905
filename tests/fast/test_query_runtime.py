"""The query-runtime settings (issue 15): no model needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from ingest.config import EmbeddingBackend, EmbeddingConfig, QueryRuntime
from ingest.embedding import HashEmbeddings, ensure_export, make_query_embedder


def test_settings_reach_the_embedding_config(tmp_path: Path) -> None:
    s = Settings(cache_dir=tmp_path, query_runtime="torch", query_threads=2,  # type: ignore[arg-type]
                 _env_file=None)  # type: ignore[call-arg]
    assert s.embedding.resolved_cache_dir() == tmp_path
    assert s.embedding.query_runtime is QueryRuntime.TORCH
    assert s.embedding.query_threads == 2


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    s = Settings(cache_dir="", _env_file=None)  # type: ignore[call-arg,arg-type]
    assert s.cache_dir is None
    assert s.embedding.resolved_cache_dir() == tmp_path / "policy-assistant"


def test_other_backends_neither_export_nor_use_onnx(tmp_path: Path) -> None:
    config = EmbeddingConfig(backend=EmbeddingBackend.HASH, cache_dir=str(tmp_path))
    assert ensure_export(config) is None
    assert isinstance(make_query_embedder(config), HashEmbeddings)
    assert list(tmp_path.iterdir()) == []


def test_export_key_follows_the_weights_not_the_install_place(tmp_path: Path) -> None:
    import shutil

    from ingest.config import bundled_model_path
    from ingest.embedding.onnx_model import export_dir, model_fingerprint

    original = Path(bundled_model_path())
    copy = tmp_path / original.name
    shutil.copytree(original, copy)
    assert model_fingerprint(copy) == model_fingerprint(original)
    assert export_dir(tmp_path, copy) == export_dir(tmp_path, original)
    weights = copy / "model.safetensors"
    size = weights.stat().st_size
    with weights.open("r+b") as fh:  # a changed third of the weights, as a fine-tune would
        fh.seek(size // 3)
        fh.write(bytes(size // 3))
    assert model_fingerprint(copy) != model_fingerprint(original)
