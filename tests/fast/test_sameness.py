"""'is that word for word in the brief?': the named document's nearest sentences to what the
answer before quoted, and whether the words are the same."""

from __future__ import annotations

from assistant.core.models import Turn
from assistant.engine import Assistant


def _ask(a: Assistant, first: str, then: str) -> tuple[str, str]:
    before = a.ask(first)
    history = [Turn(role="user", content=first), Turn(role="assistant", content=before.answer)]
    return before.answer, a.ask(then, history=history).answer


def test_a_reworded_sentence_in_the_named_document_is_quoted_and_said_to_differ(
        fast_assistant: Assistant) -> None:
    before, after = _ask(fast_assistant,
                         "what did the osce press release say self-regulation has resulted in?",
                         "is that word for word in the brief?")
    assert before.startswith("The OSCE press release (15 February 2022)")
    lines = after.split("\n\n")
    assert lines[0] == ("The OSCE policy brief (2022) says it in words close to, but not the same "
                        "as, those quoted before (the quotation below).")
    assert "the reliance on self-regulation has resulted in fragmented and inadequate" in after


def test_a_document_that_does_not_repeat_the_quotation_is_said_not_to(
        fast_assistant: Assistant) -> None:
    _, after = _ask(fast_assistant, "what did richey say?",
                    "is that word for word the same in the greta report?")
    assert after.startswith("The GRETA report summary (March 2022) does not repeat what the answer "
                            "before quotes; its nearest sentence follows.")
    # without a document named to look in, the question is left to the search
    _, plain = _ask(fast_assistant, "what did richey say?", "is that word for word?")
    assert "does not repeat" not in plain
