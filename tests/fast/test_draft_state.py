"""The line that tells the reader which answer they see in LLM mode (issue 16): the streamed
draft, or the checked answer with what the check found."""

from __future__ import annotations

from assistant.core.models import Answer, AnswerSentence
from assistant.ui.render import checked_line

Q = "What liability standard does the OSCE recommend?"


def _answer(mode: str, supported: list[bool], refused: bool = False) -> Answer:
    return Answer(question=Q, standalone_question=Q, answer="…", mode=mode, refused=refused,
                  sentences=[AnswerSentence(text=f"S{i}.", markers=[1], supported=ok)
                             for i, ok in enumerate(supported)])


def test_the_checked_line_counts_verified_and_unsupported_sentences() -> None:
    assert checked_line(_answer("llm", [True, True, False])) == (
        "Checked: 2 sentences verified, 1 marked unsupported")
    assert checked_line(_answer("llm", [True])) == (
        "Checked: 1 sentence verified, 0 marked unsupported")


def test_quotes_shown_instead_of_the_draft_are_named() -> None:
    assert checked_line(_answer("extractive", [True, True])) == (
        "Checked: the model's draft was not used; quoted from the documents instead")
    assert checked_line(_answer("llm", [], refused=True)) == (
        "Checked: not answered from these documents")

