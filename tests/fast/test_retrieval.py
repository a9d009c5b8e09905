"""Retrieval on the real corpus with the word-hashing embedder: fusion, modes, filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.core.enums import RetrievalMode
from assistant.core.models import SearchFilters
from assistant.engine import Assistant
from assistant.retrieval.config import RetrievalConfig
from ingest.embedding.fake import HashEmbeddings
from ingest.index import load_index
from ingest.words import load_words, word_vectors


def test_exact_words_find_their_passage(fast_assistant: Assistant) -> None:
    results = fast_assistant.search("share of sex trafficking victims advertised online", 3)
    assert len(results) == 3
    assert any("75% of sex trafficking victims" in r.chunk.text for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


@pytest.mark.parametrize("mode", list(RetrievalMode))
def test_every_mode_ranks_the_liability_recommendation(fast_assistant: Assistant,
                                                       mode: RetrievalMode) -> None:
    results = fast_assistant.search("liability should have known standard", 5, mode=mode)
    assert any("should have known" in r.chunk.text for r in results[:2])
    if mode is RetrievalMode.SPARSE:
        assert all(r.dense_rank is None for r in results)
    if mode is RetrievalMode.DENSE:
        assert all(r.sparse_rank is None for r in results)


def test_a_mode_change_does_not_touch_the_shared_retriever(fast_assistant: Assistant) -> None:
    retriever = fast_assistant.retriever
    other = retriever.with_config(retriever.config.using(RetrievalMode.SPARSE))
    assert other.config.mode is RetrievalMode.SPARSE
    assert retriever.config.mode is RetrievalMode.HYBRID
    assert other.store is retriever.store


def test_publisher_and_document_filters_restrict_results(fast_assistant: Assistant) -> None:
    by_pub = fast_assistant.search("technology trafficking", 10,
                                   SearchFilters(publishers=["Equality Now"]))
    assert by_pub and {r.chunk.doc_id for r in by_pub} == {"equality-now-icat-response-2019"}
    by_doc = fast_assistant.search("technology trafficking", 10,
                                   SearchFilters(doc_ids=["greta-summary-2022"]))
    assert by_doc and {r.chunk.doc_id for r in by_doc} == {"greta-summary-2022"}


def test_date_filter_keeps_documents_of_the_period(fast_assistant: Assistant) -> None:
    results = fast_assistant.search("technology trafficking", 10,
                                    SearchFilters(date_from="2019-01", date_to="2019-12"))
    assert results and {r.chunk.date[:4] for r in results} == {"2019"}


def test_malformed_date_bound_is_a_value_error(fast_assistant: Assistant) -> None:
    with pytest.raises(ValueError, match="not a date"):
        fast_assistant.search("technology", 3, SearchFilters(date_from="last spring"))


def test_near_duplicate_passages_are_collapsed(fast_assistant: Assistant) -> None:
    cfg = fast_assistant.retriever.config
    strict = fast_assistant.retriever.with_config(
        RetrievalConfig(**{**cfg.__dict__, "dedup_threshold": 0.0}))
    # with every pair counted as a duplicate, only the single best passage survives
    assert len(strict.search("self-regulation is not working", 5)) == 1


def test_the_collection_knows_its_acronyms(fast_assistant: Assistant) -> None:
    forms = fast_assistant.retriever.vocab.acronym_forms
    assert forms["THB"].lower() == "trafficking in human beings"
    assert fast_assistant.retriever.vocab.unknown("What does Brazil do?") == ["Brazil"]
    assert fast_assistant.retriever.vocab.unknown("What does the OSCE recommend?") == []



def test_each_version_stores_its_vocabulary_and_reuses_it(fast_index: Path) -> None:
    store = load_index(fast_index)
    found = load_words(store.folder)
    assert found is not None
    words, vectors = found
    assert "trafficking" in words and vectors.shape == (len(words), store.vectors.shape[1])

    class Recording(HashEmbeddings):  # the real embedder, noting what it is asked to embed
        asked: list[str] = []

        def encode(self, texts: Sequence[str],
                   progress: Callable[[int], None] | None = None) -> np.ndarray:
            self.asked += list(texts)
            return super().encode(texts, progress)

    model = Recording(dim=vectors.shape[1])
    again = word_vectors([*words, "newword"], store.folder, model)
    assert model.asked == ["newword"]
    assert np.array_equal(again[: len(words)], vectors)


def test_the_passages_of_the_best_topic_sentences_are_always_read(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    target = next(i for i, c in enumerate(r.store.chunks) if "should have known" in c.text)
    chunk = r.store.chunks[target]
    sentence = next(chunk.text[a:b] for a, b in chunk.sentences
                    if "should have known" in chunk.text[a:b])
    tvec = r.embed_query(sentence)
    query = "Equality Now welcomes the ICAT issue brief"
    plain = [x.index for x in r.search(query, 2)]
    assert target not in plain
    pinned = [x.index for x in r.search(query, 2, tvec=tvec)]
    assert pinned[:2] == plain
    assert target in pinned[2:]
    only_eqnow = r.search(query, 2, SearchFilters(publishers=["Equality Now"]), tvec=tvec)
    assert {x.chunk.doc_id for x in only_eqnow} == {"equality-now-icat-response-2019"}
