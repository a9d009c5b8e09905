"""False premises and follow-ups in users' words (issue 17, third batch): which quoted year a
wrong year is checked against, names the collection spells with stop words, and follow-ups
that point through more than one earlier turn.

Run on the real corpus with the word-hashing embedder, like test_users_words."""

from __future__ import annotations

from assistant.answering.extractive.premises import wrong_event_year
from assistant.answering.extractive.scoring import SentenceScorer
from assistant.answering.question import analyze
from assistant.engine import Assistant
from assistant.retrieval.names import unknown_names


def test_a_wrong_year_is_checked_against_the_quoted_sentence_on_the_same_thing(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    scored = SentenceScorer(r).score("law", r.embed_query("law"),
                                     r.search("FOSTA-SESTA Online Safety Act", 3))
    both = [next(s for s in scored if "FOSTA-SESTA" in s.text),
            next(s for s in scored if "Online Safety Act 2021" in s.text)]
    # quoted in this order: the US act of 2018, then Australia's act of 2021
    asked = analyze("what did australia's online safety act of 2019 change?", r)
    assert wrong_event_year(asked, both) == "The documents date it to 2021, not 2019."
    us = analyze("the us law from 2016 that made websites answerable", r)
    assert wrong_event_year(us, both) == "The documents date it to 2018, not 2016."
    right = analyze("what did australia's online safety act of 2021 change?", r)
    assert wrong_event_year(right, both) is None


def test_a_compound_whose_words_the_collection_knows_is_not_an_unknown_name() -> None:
    known = {"safeti", "design", "safety"}
    assert unknown_names("is anything chipping away at ‘Safety-by-design’ principles?",
                         known) == []
    assert unknown_names("what about Safety-by-Brazil?", known) == ["Safety-by-Brazil"]
