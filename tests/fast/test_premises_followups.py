"""False premises and follow-ups in users' words (issue 17, third batch): which quoted year a
wrong year is checked against, names the collection spells with stop words, and follow-ups
that point through more than one earlier turn.

Run on the real corpus with the word-hashing embedder, like test_users_words."""

from __future__ import annotations

from assistant.answering.condense import condense
from assistant.answering.extractive.dates import wrong_event_year
from assistant.answering.extractive.scoring import SentenceScorer
from assistant.answering.question import analyze, states_a_view
from assistant.core.models import Turn
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


def test_a_follow_up_after_a_follow_up_carries_the_first_question_s_topic() -> None:
    history = [Turn(role="user", content="what transparency duties does the osce brief name?"),
               Turn(role="assistant", content="The OSCE policy brief (2022) says: “…” [1]"),
               Turn(role="user", content="do any companies already publish that?"),
               Turn(role="assistant", content="The OSCE policy brief (2022) says: “…” [1]")]
    out = condense("so what's gone wrong with it so far?", history)
    assert "transparency" in out and "companies" in out
    # a last turn that stands alone is not mixed with the one before it
    alone = history[:2] + [Turn(role="user", content="who does equality now want at the "
                                                     "table when working out solutions?")]
    assert "transparency" not in condense("and why do they think that matters?", alone)


def test_a_view_asserted_before_the_question_is_told_from_a_question_about_a_view() -> None:
    assert states_a_view("greta says the terms are working as a deterrent - any proof?")
    assert states_a_view("eqnow thinks tech firms only need to stay out of trouble, right?")
    assert not states_a_view("what does greta say about the terms of use?")
    assert not states_a_view("has the osce said anything on encryption?")
    assert not states_a_view("is it true? greta says so")  # the question comes first


def test_an_act_given_to_the_wrong_person_is_corrected_with_who_the_documents_name(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("what did val richey say when he opened the launch event?")
    first = ans.answer.split("\n\n")[0]
    assert "Helga Maria Schmid, not Val Richey" in first
    rest = ans.answer.split("\n\n", 1)[1]
    assert rest.index("Schmid stated at the opening") < rest.find("Trafficking Val Richey") or \
        "Trafficking Val Richey" not in rest  # her sentence is quoted first
    right = fast_assistant.ask("what did helga maria schmid say when she opened the event?")
    assert "not Helga Maria Schmid" not in right.answer
    plain = fast_assistant.ask("what did val richey say at the launch event?")
    assert "not Val Richey" not in plain.answer  # nothing done is given to him
