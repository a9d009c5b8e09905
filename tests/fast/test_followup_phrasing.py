"""Questions and follow-ups as users type them: an acknowledgement before the question ('ok,
and equality now?'), a request about the answer before ('can you give me the exact wording?'),
a pronoun for the person quoted ('what else did he say?'), 'main asks' for recommendations, and
'self regulation' for the collection's 'self-regulation'."""

from __future__ import annotations

from assistant.answering.condense import is_follow_up, without_interjection
from assistant.answering.extractive.reported import asked_of
from assistant.answering.followup import standalone
from assistant.core.models import Turn
from assistant.engine import Assistant

LIABILITY = ("The OSCE policy brief (2022) recommends: “Liability should be based on a ‘should "
             "have known’ standard.” [1]")


def _history(question: str, answer: str) -> list[Turn]:
    return [Turn(role="user", content=question), Turn(role="assistant", content=answer)]


def test_an_acknowledgement_before_a_follow_up_is_set_aside(fast_assistant: Assistant) -> None:
    assert without_interjection("ok, and equality now?") == "and equality now?"
    assert without_interjection("interesting - any numbers?") == "any numbers?"
    assert without_interjection("okay") == "okay"  # nothing after it: left as it is
    assert is_follow_up("interesting - any numbers?")
    history = _history("what is the osce position on liability?", LIABILITY)
    assert standalone("ok, and equality now?", history, fast_assistant.retriever.institutions) \
        == "what is the equality now position on liability?"


def test_a_request_about_the_answer_before_carries_its_topic(fast_assistant: Assistant) -> None:
    assert is_follow_up("can you give me the exact wording?")
    assert is_follow_up("source?")
    assert not is_follow_up("what does the osce say about liability?")
    history = _history("what's the osce's position on liability?", LIABILITY)
    out = standalone("can you give me the exact wording?", history,
                     fast_assistant.retriever.institutions)
    assert out.startswith("can you give me the exact wording? (") and "liability" in out


def test_where_something_was_said_is_not_what_is_asked_of_a_person(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    assert asked_of("what does the press release say about", r) == set()
    assert asked_of("what else did say?", r) == set()
    assert "crypto" in asked_of("what did say about traffickers moving money through crypto?", r)


def test_main_asks_are_recommendations(fast_assistant: Assistant) -> None:
    speller = fast_assistant.retriever.vocab.speller
    assert speller.correct("what are the osce's main asks?") == \
        "what are the osce's main recommendations?"
    assert speller.correct("what he asks is simple") == "what he asks is simple"


def test_words_the_collection_only_writes_hyphenated_are_joined(fast_assistant: Assistant) -> None:
    vocab = fast_assistant.retriever.vocab
    assert vocab.hyphenated("self regulation failures") == "self-regulation failures"
    assert vocab.hyphenated("what about Safety by design principles") == \
        "what about safety-by-design principles"
    assert vocab.hyphenated("age verification rules") == "age verification rules"  # also apart


def test_a_named_or_senior_official_asks_for_who_spoke() -> None:
    from assistant.answering.answer_type import expected_type

    assert expected_type("according to the osce's most senior official, what will decide it?") \
        == "speaker"
    assert expected_type("is there a named official fronting it?") == "speaker"
    assert expected_type("what do officials need to do?") != "speaker"


def test_asking_whether_any_is_named_wants_a_name() -> None:
    from assistant.answering.answer_type import expected_type

    assert expected_type("are any industry initiatives actually named in the osce brief?") == "name"
    assert expected_type("on the second of those, is any scheme named?") == "name"
    assert expected_type("is any of this working?") is None


def test_a_follow_up_giving_only_the_part_that_changes(fast_assistant: Assistant) -> None:
    from assistant.answering.ellipsis import elliptic

    before = "what does equality now want from the UN?"
    assert elliptic("and from tech companies?", before) == \
        "what does equality now want from tech companies?"
    assert elliptic("and governments?", before) == "what does equality now want from governments?"
    assert elliptic("what about blocking?", "what does the osce brief say about content removal?") \
        == "what does the osce brief say about blocking?"
    for own in ("and why?", "and which conventions cover that?", "and that?"):
        assert elliptic(own, before) is None, own
    insts = fast_assistant.retriever.institutions
    assert standalone("and from tech companies?", _history(before, LIABILITY), insts) == \
        "what does equality now want from tech companies?"


def test_a_request_for_a_source_to_cite_is_read_as_its_topic(fast_assistant: Assistant) -> None:
    from assistant.answering.question import analyze

    asked = analyze("which document should I cite for the 75% figure?", fast_assistant.retriever)
    assert asked.corrected == "the 75% figure?"
    kept = analyze("which documents cover age checks?", fast_assistant.retriever)
    assert kept.corrected == "which documents cover age checks?"


def test_words_carried_from_the_answer_before_are_not_read_as_a_name(
        fast_assistant: Assistant) -> None:
    """The release's dateline put 'February' and 'Trafficking' side by side: carried over with
    their capitals they read as a name the collection never uses, and the follow-up was refused."""
    r = fast_assistant.retriever
    answer = ("The OSCE press release (15 February 2022) reports: “VIENNA, 15 February 2022 – "
              "Trafficking in human beings has dramatically changed.” [1]")
    history = _history("what share of victims are advertised online, per the osce release?",
                       answer)
    out = standalone("does the brief itself repeat that number?", history, r.institutions)
    assert "february trafficking" in out.lower()
    assert "February Trafficking" not in out
    assert r.vocab.unknown(out) == []


def test_the_last_sentence_is_what_a_question_opening_with_context_asks() -> None:
    from assistant.answering.extractive.reported import last_sentence

    assert last_sentence("schmid said X. in legal terms, what does the brief say?") == \
        "in legal terms, what does the brief say?"
    assert last_sentence("what else did he say? (val richey launch)") == \
        "what else did he say? (val richey launch)"
    assert last_sentence("what did he say?") == "what did he say?"


def test_a_bare_pointer_makes_a_long_question_a_follow_up() -> None:
    assert is_follow_up("who's actually running those - police, charities, the tech firms? and "
                        "does it say which countries?")
    assert is_follow_up("is that meant as wording countries should write into their own laws, "
                        "or just how the paper itself uses the term?")
    assert not is_follow_up("why did GRETA find that 3 in 4 victims are recruited online through "
                            "social media platforms?")
    assert not is_follow_up("what does the osce recommend for those who are victims of online "
                            "exploitation in member states")


def test_a_name_set_aside_inside_parentheses_leaves_no_empty_ones(fast_assistant: Assistant) -> None:
    from assistant.answering.question import analyze

    r = fast_assistant.retriever
    assert "( )" not in analyze("coe computer-crime treaty - usual name? (osce brief)", r).topic
    assert analyze("why? (osce age verification)", r).topic.startswith("why? (age verification)")


def test_where_the_answer_before_found_its_quotes(fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.whereabouts import asks_where

    for q in ("where does it say that?", "which page is that on?", "where is that from?",
              "ok, where does it say that?", "what section is that from?"):
        assert asks_where(q), q
    for q in ("so where does it land in the end?", "where do traffickers find victims?",
              "where does the osce stand?"):
        assert not asks_where(q), q
    first = fast_assistant.ask("what does the osce brief recommend on liability?")
    where = fast_assistant.ask("where does it say that?", history=_history(
        "what does the osce brief recommend on liability?", first.answer))
    assert not where.refused
    assert [c.excerpt for c in where.citations] == \
        [c.excerpt for c in first.citations if c.role.value == "evidence"]
    assert where.citations[0].locator in where.answer


def test_a_follow_up_naming_another_speaker_by_title_asks_what_they_said(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.reported import swapped_speaker

    r = fast_assistant.retriever
    history = _history("what did val richey say?", "…said the OSCE Special Representative…")
    assert swapped_speaker("and the secretary general?", history, r) == \
        "what did the OSCE Secretary General Helga Maria Schmid say?"
    assert swapped_speaker("and the osce?", history, r) is None  # an institution, not a speaker
    asked = _history("what does the brief recommend?", LIABILITY)
    assert swapped_speaker("and the secretary general?", asked, r) is None
