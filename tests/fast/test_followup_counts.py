"""'The third one' counted among what the answer before named: lists by level, items numbered
inside a sentence, series in a running sentence, and the count the question before asked for."""

from __future__ import annotations

from assistant.answering.followup import items, standalone
from assistant.answering.series import asked_count, numbered, running
from assistant.core.models import Turn
from assistant.engine import Assistant

AIMS = ("The OSCE press release (15 February 2022) recommends: “The new OSCE study offers "
        "policy recommendations to establish strong prevention measures, promote harmonized "
        "approaches, and encourage tech industry compliance.” [1]")
THRESHOLD = ("“Two threshold questions must be considered: 1) whether technology-facilitated "
             "THB is covered in national legislation; and 2) whether criminal procedures cover "
             "its investigation.” [1]")


def _history(question: str, answer: str) -> list[Turn]:
    return [Turn(role="user", content=question), Turn(role="assistant", content=answer)]


def test_the_count_a_question_asks_for() -> None:
    assert asked_count("what three broad aims do the recommendations have?") == 3
    assert asked_count("what are the two long-standing principles that shield platforms?") == 2
    assert asked_count("which gaps does equality now want studied more?") is None


def test_a_series_in_a_sentence_is_split_into_its_items_without_its_lead_in() -> None:
    assert running(AIMS) == [["establish strong prevention measures",
                              "promote harmonized approaches",
                              "encourage tech industry compliance"]]
    assert running("“It offers X and Y.” [1]") == []  # two items are not a series


def test_items_numbered_inside_a_sentence_run_from_one() -> None:
    assert numbered(THRESHOLD) == [
        "whether technology-facilitated THB is covered in national legislation",
        "whether criminal procedures cover its investigation"]
    assert numbered("“See 2) below and 3) after.”") == []


def test_a_nested_list_counts_the_items_of_one_level() -> None:
    answer = ("“a. Strong prevention measures including:\n\ni. Safety-by-design;\n\n"
              "ii. Age-verification;” [1]\n\nIt also says: “iii. Content removal;” [2]")
    assert items(answer) == ["Safety-by-design", "Age-verification", "Content removal"]


def test_the_third_one_is_the_third_of_the_series_the_question_before_counted(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    history = _history("what three broad aims do the recommendations have?", AIMS)
    assert standalone("the third one - why isn't that happening?", history, insts) == \
        "encourage tech industry compliance - why isn't that happening?"
    history = _history("which threshold questions does the brief list?", THRESHOLD)
    assert standalone("and the second one - how pressing is it?", history, insts) == \
        "and whether criminal procedures cover its investigation - how pressing is it?"
    # 'the second item', 'the third point' point the same way as 'the second one'
    assert standalone("and the second item - how pressing is it?", history, insts) == \
        "and whether criminal procedures cover its investigation - how pressing is it?"


def test_an_enumeration_of_another_length_than_asked_is_not_counted_in(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    history = _history("what are the two principles that shield platforms?", AIMS)
    out = standalone("is anything chipping away at the second one?", history, insts)
    # Not resolved against the answer: the question before lends its words instead.
    assert "harmonized" not in out
    assert out.startswith("is anything chipping away at the second one? (")
    assert "principles" in out and "shield" in out


def test_a_follow_up_reads_the_question_before_as_it_was_made_standalone(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    spoke = ("“OSCE Secretary General Helga Maria Schmid stated at the opening that ‘…’” [1] "
             "“‘The current system is broken’, said the OSCE Special Representative for "
             "Combating Trafficking Val Richey.” [2]")
    history = [*_history("who spoke at the osce launch event?", spoke),
               *_history("what did the first one say?", spoke)]
    out = standalone("and what did she say about technology?", history, insts)
    # 'the first one' was Helga Maria Schmid: 'she' is her, not every speaker of the answer.
    assert "Schmid" in out and "Richey" not in out
    aims = [*_history("what three broad aims do the recommendations have?", AIMS),
            *_history("the third one - why isn't that happening?", "“…” [1]")]
    assert "compliance" in standalone("and who should fix it?", aims, insts)


def test_does_greta_agree_is_the_question_before_asked_of_greta(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    history = _history("what does the osce brief recommend on age verification?", "“…” [1]")
    assert standalone("does GRETA agree?", history, insts) == \
        "what does the GRETA brief recommend on age verification?"
    out = standalone("do they agree?", history, insts)  # no institution: its words carried
    assert out.startswith("do they agree? (") and "verification" in out


SHORTCOMINGS = ("“A primary example of self-regulation is X. A second example of self-regulation "
                "is Y. There are many shortcomings, including: limited or non-existent industry "
                "standards; inconsistent adoption of voluntary principles; lack of incentives "
                "for compliance at scale; and broadly worded rules.” [1]")


def test_a_series_after_a_colon_is_split_by_semicolons() -> None:
    assert running(SHORTCOMINGS)[0] == [
        "limited or non-existent industry standards", "inconsistent adoption of voluntary "
        "principles", "lack of incentives for compliance at scale", "broadly worded rules"]


def test_an_enumeration_too_short_for_the_ordinal_gives_way_to_a_series_long_enough(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    history = _history("what are the shortcomings of self-regulation?", SHORTCOMINGS)
    assert standalone("what is the third?", history, insts) == \
        "what is lack of incentives for compliance at scale?"


def test_same_question_for_an_institution_is_the_question_before_asked_of_it(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    history = _history("what does the osce brief say about age verification?", "“…” [1]")
    assert standalone("same question for GRETA", history, insts) == \
        "what does the GRETA brief say about age verification?"


def test_of_several_enumerations_the_one_led_in_by_what_was_asked_is_counted(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    history = _history("what are the shortcomings of self-regulation?", SHORTCOMINGS)
    # 'A primary example… A second example…' has two items too; the shortcomings are asked.
    assert standalone("why is the second one a problem?", history, insts) == \
        "why is inconsistent adoption of voluntary principles a problem?"
    examples = _history("what examples of self-regulation are there?", SHORTCOMINGS)
    assert "A second example" in standalone("why is the second one a problem?", examples, insts)


def test_a_question_on_the_same_institution_or_a_person_is_not_a_swap(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    spoke = ("“OSCE Secretary General Helga Maria Schmid stated at the opening that ‘…’” [1]")
    history = _history("who spoke at the osce launch event?", spoke)
    out = standalone("and what did she say the osce brings to it?", history, insts)
    assert out.startswith("and what did she say the osce brings to it? (") and "Schmid" in out
    history = _history("what does the osce brief say about age verification?", "“…” [1]")
    assert standalone("and the osce?", history, insts).startswith("and the osce? (")


def test_a_long_run_of_commas_or_semicolons_is_read_in_linear_time() -> None:
    import time

    start = time.perf_counter()
    running("word word word, " * 500 + ": " + "word word word; " * 500)
    assert time.perf_counter() - start < 0.5


def test_the_second_of_what_the_answer_calls_a_first_step_is_the_second_step(
        fast_assistant: Assistant) -> None:
    steps = ("The Equality Now position paper (August 2019) recommends: “Bringing together "
             "different actors and ‘expanding partnerships and coalitions’ like ICAT recommends "
             "is a first step.” [1]")
    asked = "what steps does equality now set out for getting everyone to work together?"
    out = standalone("the second one - who do they see driving it?", _history(asked, steps),
                     fast_assistant.retriever.institutions)
    assert out == "the second step (Equality Now) - who do they see driving it?"
    # an answer that quotes the second one itself is read from there
    both = steps.replace("first step.”", "first step. A second step is the UN’s.”")
    out = standalone("the second one - who leads it?", _history(asked, both),
                     fast_assistant.retriever.institutions)
    assert not out.startswith("the second step (")


def test_another_ordinal_of_what_the_question_before_counted(fast_assistant: Assistant) -> None:
    first = ("The OSCE policy brief (2022) reports: “1. Ensure that technology-facilitated THB is "
             "covered by national legislation.” [1]\n\nIt also says: “Two threshold questions: 1) "
             "whether it is covered; and 2) whether procedures cover it.” [2]")
    insts = fast_assistant.retriever.institutions
    hist = _history("what's the first recommendation?", first)
    assert standalone("and the last one?", hist, insts) == "and the last recommendation?"
    assert standalone("what about the second one?", hist, insts) == \
        "what about the second recommendation?"
