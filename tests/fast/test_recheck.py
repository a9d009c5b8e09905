"""``eval --answers DIR --recheck`` (evals/recheck.py): saved LLM answers checked again with
the current checker, with and without the saved draft, on the real corpus (fast tier)."""

from __future__ import annotations

from collections.abc import Iterator

from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.answering.extractive.answerer import ExtractiveAnswerer
from assistant.answering.llm.answerer import LLMAnswerer
from assistant.answering.llm.checked import UNVERIFIED
from assistant.core.enums import AnswerMode
from assistant.core.models import Answer
from assistant.engine import Assistant
from evals.recheck import Rechecker

Q = "What liability standard does the OSCE recommend for online platforms?"


def _generated(a: Assistant) -> Answer:
    quoted = a.answerer(AnswerMode.EXTRACTIVE).answer(Q)
    n = next(c.marker for c in quoted.citations if "should have known" in c.excerpt)
    draft = (f"Liability should be based on a “should have known” standard [{n}]. "
             f"The OSCE fines platforms 4 million euros a year [{n}].")
    msgs: Iterator[AIMessage] = iter([AIMessage(content=draft)])
    llm = LLMAnswerer(ExtractiveAnswerer(a.retriever, a.answer_config), a.llm_config,
                      GenericFakeChatModel(messages=msgs))
    return llm.answer(Q)


def _as_an_older_checker_saved_it(ans: Answer) -> Answer:
    """Every sentence shown as fact, as a checker that missed the second one would have."""
    old = ans.model_copy(deep=True)
    for s in old.sentences:
        s.supported, s.flags = True, []
    old.answer = old.answer.replace(f"{UNVERIFIED} ", "")
    return old


def test_a_saved_draft_is_checked_again_as_at_generation(fast_assistant: Assistant) -> None:
    fresh = _generated(fast_assistant)
    assert fresh.mode is AnswerMode.LLM
    assert [s.supported for s in fresh.sentences] == [True, False]
    recheck = Rechecker(fast_assistant)
    again = recheck(_as_an_older_checker_saved_it(fresh))
    assert again.answer == fresh.answer
    assert [s.flags for s in again.sentences] == [s.flags for s in fresh.sentences]
    assert again.timings_ms == fresh.timings_ms and again.draft == fresh.draft
    assert (recheck.rechecked, recheck.changed, recheck.stale) == (1, 1, 0)


def test_without_a_draft_the_sentences_shown_are_checked_again(
        fast_assistant: Assistant) -> None:
    fresh = _generated(fast_assistant)
    old = _as_an_older_checker_saved_it(fresh)
    old.draft = None
    again = Rechecker(fast_assistant)(old)
    assert again.answer == fresh.answer
    assert [s.supported for s in again.sentences] == [True, False]


def test_refusals_and_quotes_without_a_draft_are_left_as_saved(
        fast_assistant: Assistant) -> None:
    quoted = fast_assistant.answerer(AnswerMode.EXTRACTIVE).answer(Q)
    # a refusal that does not hang on the hashing embedder's scores: a country never named
    refused = fast_assistant.answerer(AnswerMode.EXTRACTIVE).answer(
        "What does Brazil's penal code say about it?")
    assert refused.refused
    recheck = Rechecker(fast_assistant)
    assert recheck(quoted) is quoted and recheck(refused) is refused
    assert recheck.rechecked == 0
