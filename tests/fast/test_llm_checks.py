"""Checks of generated sentences that a similarity score cannot make (issue 16): a figure or
name no cited passage states, and words credited to an institution that did not publish them.
The LLM is LangChain's GenericFakeChatModel, so every reply is exact."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.answering.config import LLMConfig
from assistant.answering.extractive.answerer import ExtractiveAnswerer
from assistant.answering.llm.answerer import LLMAnswerer
from assistant.answering.llm.checked import UNVERIFIED, build_answer
from assistant.answering.llm.checks import missing_names, speaker, wrong_speaker
from assistant.answering.llm.models import LLMError
from assistant.answering.llm.prompting import build_messages, evidence_of, format_passages
from assistant.engine import Assistant
from tests.fast.evidence import results_with

EQUALITY_NOW = ("Equality Now sees a clear role for governments to work with international bodies, "
                "tech companies and civil society to come up with a convention or common "
                "regulations highlighting responsibility and accountability of all actors "
                "involved in the trafficking chain.")
OSCE_PUBLISHERS = ["OSCE", "OSCE Office of the Special Representative and Co-ordinator for "
                   "Combating Trafficking in Human Beings", "Equality Now"]
Q = "Who should governments work with on common regulations for tech companies?"


def fake(*replies: str) -> GenericFakeChatModel:
    msgs: Iterator[AIMessage] = iter([AIMessage(content=r) for r in replies])
    return GenericFakeChatModel(messages=msgs)


# ---- the speaker ---------------------------------------------------------------------------
def test_the_known_failure_credits_equality_nows_words_to_the_osce() -> None:
    s = ("The OSCE asks internet companies to work with international bodies, tech companies "
         "and civil society.")
    assert speaker(s) == "The OSCE"
    assert wrong_speaker(s, [("Equality Now", "Technology and Trafficking")],
                         OSCE_PUBLISHERS) == "The OSCE"


@pytest.mark.parametrize("sentence", [
    "Equality Now sees a role for governments to work with tech companies.",
    "According to Equality Now, governments should work with tech companies.",
    "The report calls for a convention.",  # the document itself speaks
    "Governments should work with tech companies and civil society.",  # no speaker named
])
def test_the_publisher_or_no_named_speaker_passes(sentence: str) -> None:
    assert wrong_speaker(sentence, [("Equality Now", "Technology and Trafficking")],
                         OSCE_PUBLISHERS) is None


def test_a_publishers_short_name_and_its_documents_count_as_the_publisher() -> None:
    pub = OSCE_PUBLISHERS[1]
    assert wrong_speaker("The OSCE recommends a should-have-known standard.",
                         [(pub, "Policy Responses (policy brief)")], OSCE_PUBLISHERS) is None
    assert wrong_speaker("The OSCE policy brief recommends a should-have-known standard.",
                         [(pub, "Policy Responses (policy brief)")], OSCE_PUBLISHERS) is None
    assert wrong_speaker("GRETA recommends a should-have-known standard.",
                         [(pub, "Policy Responses (policy brief)")], OSCE_PUBLISHERS) == "GRETA"


# ---- names ---------------------------------------------------------------------------------
def test_a_name_the_passage_never_states_is_missing() -> None:
    assert missing_names("Europol and Interpol see a clear role for governments.",
                         EQUALITY_NOW) == ["Europol", "Interpol"]
    assert missing_names("Governments should work with the UN and tech companies.",
                         EQUALITY_NOW) == ["UN"]
    assert missing_names("Equality Now sees a clear role for governments.", EQUALITY_NOW) == []


# ---- the whole check, on the real corpus ---------------------------------------------------
def test_words_credited_to_the_wrong_institution_are_not_shown_as_fact(
        fast_assistant: Assistant) -> None:
    results, n = results_with(fast_assistant, Q, "Equality Now sees a clear role")
    raw = (f"Equality Now sees a clear role for governments to work with international bodies, "
           f"tech companies and civil society [{n}]. The OSCE asks internet companies to work "
           f"with international bodies, tech companies and civil society [{n}].")
    # a threshold the shared words clear (0.54 with the word-hashing embedder): the speaker
    # check alone must catch it
    ans = build_answer(Q, Q, raw, results, fast_assistant.retriever, 0.5)
    assert ans is not None
    first, second = ans.sentences
    assert first.supported and first.flags == []
    assert not second.supported
    assert second.flags == ["credits The OSCE with words published by Equality Now",
                            "name not in the cited passage: OSCE",
                            "words the cited passage does not use: internet"]
    assert f"{UNVERIFIED} The OSCE asks internet companies" in ans.answer


def test_a_figure_or_name_no_cited_passage_states_is_flagged(fast_assistant: Assistant) -> None:
    results, n = results_with(fast_assistant, Q, "Equality Now sees a clear role")
    raw = (f"Equality Now sees a clear role for governments to work with tech companies [{n}]. "
           f"Equality Now sees a role for Europol in 27 countries [{n}].")
    ans = build_answer(Q, Q, raw, results, fast_assistant.retriever, 0.3)
    assert ans is not None
    assert ans.sentences[1].flags == ["figure not in the cited passage: 27",
                                      "name not in the cited passage: Europol",
                                      "words the cited passage does not use: countries"]
    assert not ans.sentences[1].supported
    assert f"{UNVERIFIED} Equality Now sees a role for Europol" in ans.answer


def test_a_wrong_marker_is_repaired_to_the_passage_that_states_the_sentence(
        fast_assistant: Assistant) -> None:
    results, n = results_with(fast_assistant, Q, "Equality Now sees a clear role")
    wrong = next(i for i, r in enumerate(results, start=1)
                 if r.chunk.publisher != "Equality Now")
    ans = build_answer(Q, Q, f"{EQUALITY_NOW} [{wrong}]", results, fast_assistant.retriever,
                       fast_assistant.answer_config.support_threshold)
    assert ans is not None and ans.sentences[0].supported
    assert ans.citations[0].publisher == "Equality Now"
    assert ans.notice == f"Repaired citation markers: [{wrong}] → [{n}]."


# ---- the prompt: evidence sentences, not whole passages ------------------------------------
def test_the_prompt_holds_the_extractive_evidence_with_its_markers(
        fast_assistant: Assistant) -> None:
    quoted = fast_assistant.answerer("extractive").answer(Q)
    assert quoted.citations and not quoted.refused
    results, evidence = evidence_of(quoted, fast_assistant.store)
    assert [r.chunk.chunk_id for r in results] == list(dict.fromkeys(
        c.chunk_id for c in sorted(quoted.citations, key=lambda c: c.marker)))
    passages = format_passages(results, evidence.sentences, fast_assistant.publishers())
    _, user = (str(m.content) for m in build_messages(Q, passages, 5))
    assert user.count("<<<PASSAGES") == 1 and user.count("PASSAGES>>>") == 1
    assert "UNTRUSTED DATA" in user
    for c in quoted.citations:  # each excerpt, under its passage's number
        n = next(i for i, r in enumerate(results, start=1) if r.chunk.chunk_id == c.chunk_id)
        block = user[user.index(f'<passage id="{n}" source="'):]
        assert f"- {' '.join(c.excerpt.split())}" in block[:block.index("</passage>")]
    assert len(passages) < len(format_passages(results))  # sentences, not whole passages


def test_a_marker_to_a_passage_the_model_was_not_shown_is_removed(
        fast_assistant: Assistant) -> None:
    results, n = results_with(fast_assistant, Q, "Equality Now sees a clear role")
    hidden = next(i for i in range(1, len(results) + 1) if i != n)
    ans = build_answer(Q, Q, f"{EQUALITY_NOW} [{n}][{hidden}]", results,
                       fast_assistant.retriever, fast_assistant.answer_config.support_threshold,
                       shown={n})
    assert ans is not None and ans.sentences[0].markers == [1]
    assert ans.notice == f"Removed citation markers that pointed to no passage: [{hidden}]."


# ---- a model that never sends a token ------------------------------------------------------
class _Stalled(BaseChatModel):
    """A chat model whose stream blocks until released (a server that holds the connection
    open and never sends a token)."""

    release: Any = None

    @property
    def _llm_type(self) -> str:
        return "stalled"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kw: Any) -> ChatResult:
        self.release.wait()
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="late"))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kw: Any
                ) -> Iterator[ChatGenerationChunk]:
        self.release.wait()
        yield ChatGenerationChunk(message=AIMessageChunk(content="late"))


def test_no_first_token_in_time_is_an_error_the_engine_falls_back_on(
        fast_assistant: Assistant) -> None:
    release = threading.Event()
    config = LLMConfig(first_token_timeout_s=0.5, timeout_s=60.0)
    a = LLMAnswerer(ExtractiveAnswerer(fast_assistant.retriever, fast_assistant.answer_config),
                    config, _Stalled(release=release))
    with pytest.raises(LLMError, match="took longer than 0.5 s for the first token"):
        list(a.stream(Q))
    release.set()


def test_garbage_from_the_model_gives_the_quoted_evidence_with_a_reason(
        fast_assistant: Assistant) -> None:
    a = LLMAnswerer(ExtractiveAnswerer(fast_assistant.retriever, fast_assistant.answer_config),
                    fast_assistant.llm_config, fake("zxq qqq blorp \x00\x01 ###"))
    ans = a.answer(Q)
    assert ans.mode == "extractive" and not ans.refused
    assert ans.notice == ("The language model's answer could not be verified against the "
                          "sources, so the quoted evidence is shown instead.")
