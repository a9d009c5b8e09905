"""Shared fixtures: the real embedding model and an index of the real corpus, built once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from ingest.embedding import BaseEmbedder, make_embedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("pa")
    return Settings(corpus_dir=CORPUS, index_dir=tmp / "index", feedback_db=tmp / "chat.db",
                    _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def embedder(settings: Settings) -> BaseEmbedder:
    return make_embedder(settings.embedding)


@pytest.fixture(scope="session")
def corpus_index(settings: Settings, embedder: BaseEmbedder) -> Path:
    """The real corpus ingested once per test session (read-only for tests)."""
    from ingest.pipeline import run_ingest

    report = run_ingest(settings.ingest_config(), rebuild=True, embedder=embedder)
    assert not report.skipped, report.skipped
    return settings.index_dir


@pytest.fixture(scope="session")
def assistant(settings: Settings, embedder: BaseEmbedder, corpus_index: Path):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant(settings, embedder=embedder)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the real corpus, for tests that add or break files."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    yield dst


# ---- the fast tier: the real corpus, the word-hashing embedder (no model, no torch) ----------
@pytest.fixture(scope="session")
def fast_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("fast")
    return Settings(corpus_dir=CORPUS, index_dir=tmp / "index", feedback_db=tmp / "chat.db",
                    embedding_backend="hash", _env_file=None)  # type: ignore[call-arg,arg-type]


@pytest.fixture(scope="session")
def fast_index(fast_settings: Settings) -> Path:
    """The real corpus ingested with :class:`HashEmbeddings` (well under a second)."""
    from ingest.pipeline import run_ingest

    report = run_ingest(fast_settings.ingest_config(), rebuild=True)
    assert not report.skipped, report.skipped
    return fast_settings.index_dir


@pytest.fixture(scope="session")
def fast_assistant(fast_settings: Settings, fast_index: Path):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant(fast_settings)


REAL_MODEL_FIXTURES = {"embedder", "corpus_index", "assistant"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the real embedding model is slow, whatever its module says."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
