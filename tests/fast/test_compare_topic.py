"""Whether an institution's evidence in a comparison is on the question's topic (distinct.py).

Run on the real corpus with the word-hashing embedder: what is checked is which words count as
the question's own and what a picked sentence must share with them, not the model's ranking."""

from __future__ import annotations

from assistant.answering.extractive.continued import across_passages
from assistant.answering.extractive.distinct import addresses, covering, distinctive, uses
from assistant.answering.extractive.scoring import ScoredSentence, SentenceScorer
from assistant.core.models import SearchFilters, SearchResult
from assistant.engine import Assistant

COMPARED = ["OSCE", "GRETA", "Equality Now"]


def scored_of(a: Assistant, name: str, topic: str) -> list[ScoredSentence]:
    r = a.retriever
    docs = r.institutions.all[name].doc_ids
    qvec = r.embed_query(topic)
    results = r.search(topic, 6, SearchFilters(doc_ids=docs), qvec=qvec)
    return SentenceScorer(r).score(topic, qvec, results)


def test_a_word_every_compared_institution_uses_is_not_distinctive(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    scorer = SentenceScorer(r)
    words = distinctive("survivors shaping the response to trafficking", COMPARED, r, scorer)
    assert "survivor" in words
    assert "respons" not in words and "traffick" not in words
    # Asked of one institution, every word of the question is its own.
    assert "respons" in distinctive("the response", ["OSCE"], r, scorer)


def test_a_document_title_word_is_not_a_sentence_using_it(fast_assistant: Assistant) -> None:
    # 'response' is in the Equality Now document's title: every sentence of it matches it in
    # the score, but only those that write it use it.
    scorer = SentenceScorer(fast_assistant.retriever)
    scored = scored_of(fast_assistant, "Equality Now", "response")
    writes = [s for s in scored if "respons" in s.text.lower()]
    silent = [s for s in scored if "respons" not in s.text.lower()]
    assert writes and silent
    assert all(uses(s, {"respons"}, scorer) for s in writes)
    assert not any(uses(s, {"respons"}, scorer) for s in silent)


def test_evidence_addresses_the_topic_by_a_distinctive_word_or_by_agreeing_with_the_best(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    scorer = SentenceScorer(r)
    vectors = r.store.sentence_vectors
    scored = scored_of(fast_assistant, "OSCE", "survivors shaping the response")
    off = [s for s in scored if "survivor" not in s.text.lower()][:3]
    assert off
    assert not addresses(off, {"survivor"}, scorer, vectors, None)
    # Saying what the comparison's best sentence says is addressing it, whatever the words.
    assert addresses(off, {"survivor"}, scorer, vectors, off[0].row)
    assert addresses(off, {"survivor"} | scorer.sentence_terms(off[0].result.index)[off[0].k],
                     scorer, vectors, None)


def test_a_pick_that_brings_a_new_word_of_the_question_comes_before_one_that_repeats(
        fast_assistant: Assistant) -> None:
    scorer = SentenceScorer(fast_assistant.retriever)
    scored = scored_of(fast_assistant, "OSCE", "safety online and raising awareness")

    def words(s: ScoredSentence) -> set[str]:
        return scorer.sentence_terms(s.result.index)[s.k]

    safety = [s for s in scored if "safeti" in words(s) and "awar" not in words(s)]
    aware = next(s for s in scored if "awar" in words(s) and "safeti" not in words(s))
    assert len(safety) >= 2
    picks = [safety[0], safety[1], aware]
    assert covering(picks, {"safeti", "awar"}, scorer, 3) == [safety[0], aware, safety[1]]
    assert covering(picks, {"safeti", "awar"}, scorer, 2) == [safety[0], aware]
    assert covering(picks, set(), scorer, 3) == picks  # nothing new to bring: best first
    assert covering([], {"awar"}, scorer, 3) == []


def test_a_lead_in_that_ends_its_passage_goes_on_with_the_list_in_the_next(
        fast_assistant: Assistant) -> None:
    # 'Thus, OSCE participating States should:' ends a passage of the OSCE brief; the next
    # opens with a sentence set apart on the page, then '1. Ensure that…'.
    store = fast_assistant.retriever.store
    idx, chunk = next((i, c) for i, c in enumerate(store.chunks)
                      if c.text.rstrip().endswith("Thus, OSCE participating States should:"))
    k = len(chunk.sentences) - 1
    start, end = chunk.sentences[k]
    lead = ScoredSentence(SearchResult(chunk=chunk, score=0.5, index=idx), 0, start, end,
                          store.sentence_offsets[idx] + k, k, 0.5, 0.0, 0.5)
    out = across_passages([lead], store)
    assert len(out) == 2 and out[0].text == lead.text
    assert out[1].text.startswith("1. Ensure that technology-facilitated THB is covered by "
                                  "national legislation")
    assert out[1].result.index == idx + 1 and out[1].row == store.sentence_offsets[idx + 1] + \
        out[1].k
    # A sentence that announces nothing does not go on.
    plain = next(s for s in range(k) if not chunk.text[slice(*chunk.sentences[s])].endswith(":"))
    a, b = chunk.sentences[plain]
    alone = ScoredSentence(SearchResult(chunk=chunk, score=0.5, index=idx), 0, a, b,
                           store.sentence_offsets[idx] + plain, plain, 0.5, 0.0, 0.5)
    assert across_passages([alone], store) == [alone]
