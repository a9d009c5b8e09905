"""Steps a document counts in words ('a first step', 'a second step'), asked by count."""

from __future__ import annotations

from assistant.answering.extractive.steps import asked_steps, wrong_step_count
from assistant.answering.question import analyze
from assistant.engine import Assistant


def test_a_count_or_an_item_of_steps_is_read_from_the_question() -> None:
    assert asked_steps("eqnow sets out a three-step path - whats the third step?") == (3, "step")
    assert asked_steps("a three step plan for getting everyone working together") == (3, "step")
    assert asked_steps("whats step three?") == (3, "step")
    assert asked_steps("what is the second stage?") == (2, "stage")
    assert asked_steps("what steps does equality now propose?") is None
    assert asked_steps("the first recommendation") is None


def test_a_wrong_count_of_steps_is_corrected_and_the_steps_lead(
        fast_assistant: Assistant) -> None:
    q = "eqnow sets out a three step plan for getting everyone working together - whats step three?"
    ans = fast_assistant.ask(q)
    lines = ans.answer.split("\n")
    assert lines[0] == ("The Equality Now position paper (August 2019) names two steps, not three "
                        "(the quotation below).")
    first, second = ans.answer.find("is a first step"), ans.answer.find("is a second step")
    assert 0 < first < second
    # the count the document gives is no premise to correct
    r = fast_assistant.retriever
    asked = analyze("what are equality now's two steps?", r)
    assert wrong_step_count(asked, [], r) is None
    right = fast_assistant.ask("what is the second step equality now wants?")
    assert "names two steps" not in right.answer
    assert "is a second step" in right.answer
