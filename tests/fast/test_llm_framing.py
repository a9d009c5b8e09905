"""The framing checks of generated sentences (issue 16), on sentences the local 1.5B model
wrote for users-dev questions (evals/llm_labels.jsonl, each labelled unsupported by reading the
cited passage) that the support score and the figure, name and speaker checks had passed.
The passages are quoted from the corpus; the fake model makes every reply exact."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.answering.extractive.answerer import ExtractiveAnswerer
from assistant.answering.llm.answerer import LLMAnswerer
from assistant.answering.llm.checked import UNVERIFIED, build_answer
from assistant.answering.llm.framing import question_echo, third_party, unasked_question
from assistant.core.enums import AnswerMode
from assistant.engine import Assistant
from tests.fast.evidence import results_with

OSCE = "OSCE Office of the Special Representative and Co-ordinator for Combating Trafficking in Human Beings"
BRIEF = "Policy Responses to Technology-Facilitated Trafficking in Human Beings (policy brief)"
PUBLISHERS = [OSCE, "Equality Now", "Council of Europe, Group of Experts on Action against "
              "Trafficking in Human Beings (GRETA)"]
STAKEHOLDERS = ("However, some stakeholders argue that incorporating an explicit reference to "
                "technology would be a valuable tool to ensure that traffickers do not escape "
                "justice for technology-facilitated crimes, as well as help raise awareness and "
                "mobilize resources to address these crimes.")
LANZAROTE = ("Moreover, the Council of Europe conventions are not comprehensive in addressing "
             "human trafficking: the Budapest Convention does not expressly reference THB and the "
             "Lanzarote Convention only applies to exploitation of children, not adults.")
AI_EVIDENCE = ("Although this practice is already used in some OSCE participating States, there "
               "is no consensus on how policymakers and magistrates in the OSCE region treat "
               "evidence gathered by an AI system, highlighting the need for clear policy "
               "guidance in criminal justice proceedings.")
TRANSPARENCY = ("Finally, a key topic in policy development is the establishment of transparency "
                "obligations on technology companies, in particular public reporting on the "
                "volume of illicit activity on their platforms and the steps taken by the "
                "companies to prevent or mitigate the misuse of their services.")


# ---- words from the question ---------------------------------------------------------------
def test_a_false_premise_repeated_from_the_question_is_caught() -> None:
    q = "why does the OSCE's own Lanzarote treaty leave grown-ups out?"
    s = ("The OSCE's own Lanzarote treaty leaves grown-ups out because it does not include any "
         "regulations governing the collection and use of digital evidence.")
    # the checker passes the passage with its source line (publisher, title), as shown
    assert question_echo(s, q, f"{LANZAROTE}\n{OSCE} {BRIEF}") == \
        ["treaty", "leaves", "grown-ups"]


def test_a_stance_or_a_speaker_taken_from_the_question_is_caught() -> None:
    q = "what do the OSCE and EqNow each want governments to do about tech firms?"
    s = ("The OSCE wants governments to establish transparency obligations on technology "
         "companies, in particular public reporting on the volume of illicit activity.")
    cited = f"{TRANSPARENCY}\n{OSCE} {BRIEF}"
    assert question_echo(s, q, cited) == ["wants", "governments"]
    # the document uses "governments" elsewhere: only the stance is left
    assert question_echo(s, q, cited, ["Governments have generally allowed…"]) == ["wants"]
    q = "how did the OSCE's anti-trafficking envoy sum up the way things are handled?"
    s = ("The OSCE's anti-trafficking envoy summarized that transparency standards regarding "
         "the reporting of platform misuse are being strengthened.")
    assert question_echo(s, q, "d. Transparency standards regarding the reporting of platform "
                         f"misuse.\n{OSCE} {BRIEF}") == ["anti-trafficking", "envoy"]
    # the brief says "anti-trafficking" elsewhere, never "envoy"
    assert question_echo(s, q, f"d. Transparency standards.\n{OSCE} {BRIEF}",
                         ["OSCE anti-trafficking actors and other stakeholders"]) == ["envoy"]


def test_question_words_the_passage_uses_or_a_reporting_verb_pass() -> None:
    q = "wich social media compnies does the osce breif name as exampels"
    s = ("The OSCE Brief names Facebook, VKontakte, and YouTube as examples of social media "
         "companies that commit in their Terms of Use to removing content.")
    passage = ("A number of social media companies, including some of the largest like "
               "Facebook, VKontakte and Youtube, commit in their Terms of Use to removing "
               "content that “facilitates or coordinates the exploitation of humans”.")
    assert question_echo(s, q, f"{passage}\n{OSCE} {BRIEF}") == []
    # one question word around the passage's own facts (documents suite, labelled supported)
    q = "What proportion of sex trafficking victims are advertised online, according to the OSCE?"
    s = "The proportion of sex trafficking victims advertised online is 75% according to the OSCE."
    assert question_echo(s, q, "Today technology is a centerpiece of the human trafficking "
                         "business model and 75% of sex trafficking victims are advertised "
                         "online.\nOSCE Press release") == []
    q = "what's the first of the osce brief's recommendations?"
    s = "The first recommendation is to ensure that technology-facilitated THB is covered."
    assert question_echo(s, q, "Conclusions and recommendations\n1. Ensure that "
                         "technology-facilitated THB is covered by national legislation") == []


# ---- words the passage credits to someone else ---------------------------------------------
def test_words_of_some_stakeholders_credited_to_they_are_caught() -> None:
    s = ("They argue that incorporating an explicit reference to technology would be valuable "
         "for ensuring justice and mobilizing resources.")
    assert third_party(s, STAKEHOLDERS, OSCE, BRIEF, PUBLISHERS) == "some stakeholders"
    named = "Some stakeholders argue that an explicit reference to technology would help."
    assert third_party(named, STAKEHOLDERS, OSCE, BRIEF, PUBLISHERS) is None


def test_the_head_of_a_long_speaker_phrase_and_the_publisher_itself() -> None:
    critics = ("Critics of the protections afforded by these principles to online platforms "
               "argue that they were designed to enable the growth of the internet.")
    assert third_party("The OSCE argues that the principles were designed for growth.",
                       critics, OSCE, BRIEF, PUBLISHERS) == \
        "Critics of the protections afforded by these principles to online platforms"
    assert third_party("Critics argue the principles were designed for growth.", critics, OSCE,
                       BRIEF, PUBLISHERS) is None
    own = "The OSCE argues that State-led regulation is needed."
    assert third_party("The OSCE wants State-led regulation.", own, OSCE, BRIEF,
                       PUBLISHERS) is None


# ---- a question the source does not ask ----------------------------------------------------
def test_a_statement_turned_into_one_of_the_questions_asked_is_caught() -> None:
    s = "2. How policymakers and magistrates in the OSCE region treat evidence gathered by an AI system?"
    assert unasked_question(s, AI_EVIDENCE)
    assert not unasked_question(s, "Two questions: How do policymakers treat AI evidence?")
    assert not unasked_question("Policymakers disagree on AI evidence.", AI_EVIDENCE)


# ---- the whole check, on the real corpus ---------------------------------------------------
def test_they_argue_is_shown_unverified_in_the_answer(fast_assistant: Assistant) -> None:
    q = "does anyone see tech as something that can help fight this? OSCE, CoE, EqNow"
    results, n = results_with(fast_assistant, "explicit reference to technology stakeholders "
                              "argue", "some stakeholders argue")
    raw = (f"Some stakeholders argue that incorporating an explicit reference to technology "
           f"would be a valuable tool [{n}]. They argue that incorporating an explicit reference "
           f"to technology would be valuable for ensuring justice and mobilizing resources [{n}].")
    ans = build_answer(q, q, raw, results, fast_assistant.retriever, 0.5)
    assert ans is not None
    named, they = ans.sentences
    assert named.supported and named.flags == []
    assert not they.supported
    assert "the cited passage credits this to some stakeholders" in they.flags
    assert f"{UNVERIFIED} They argue that" in ans.answer


# ---- empty output --------------------------------------------------------------------------
class _Chunks(BaseChatModel):
    """Streams the reply as given, one chunk a piece, empty pieces too: llama.cpp's server
    sends a role chunk and a finish chunk with empty content around whatever it generated."""

    pieces: list[str]

    @property
    def _llm_type(self) -> str:
        return "chunks"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kw: Any) -> ChatResult:
        text = "".join(self.pieces)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kw: Any
                ) -> Iterator[ChatGenerationChunk]:
        for p in self.pieces:
            yield ChatGenerationChunk(message=AIMessageChunk(content=p))


def _llm(a: Assistant, reply: str) -> LLMAnswerer:
    return LLMAnswerer(ExtractiveAnswerer(a.retriever, a.answer_config), a.llm_config,
                       _Chunks(pieces=["", reply, ""]))


def test_an_empty_or_wordless_reply_gives_the_quoted_evidence_not_a_refusal(
        fast_assistant: Assistant) -> None:
    q = "What liability standard does the OSCE recommend for online platforms?"
    quoted = fast_assistant.answerer(AnswerMode.EXTRACTIVE).answer(q)
    assert not quoted.refused
    for reply, why in [("", "The language model returned an empty answer"),
                       ("  \n ", "The language model returned an empty answer"),
                       ("[1] [2]. ... ###", "The language model returned no readable text")]:
        ans = _llm(fast_assistant, reply).answer(q)
        assert not ans.refused
        assert ans.mode is AnswerMode.EXTRACTIVE
        assert ans.answer == quoted.answer
        assert ans.notice == f"{why}, so the quoted evidence is shown instead."
        assert ans.draft == reply


def test_words_a_third_party_wants_are_not_the_publishers() -> None:
    icat = ("ICAT wants to “kick-start a dialogue across countries, involving all stakeholders "
            "with a view to developing stronger responses both to the misuse of technology and "
            "to harness its useful potential.”")
    s = ("Equality Now wants governments to develop stronger responses both to the misuse of "
         "technology and harness its useful potential.")
    assert third_party(s, icat, "Equality Now", "Technology and Trafficking",
                       PUBLISHERS) == "ICAT"
    assert third_party("ICAT wants to kick-start a dialogue across countries.", icat,
                       "Equality Now", "Technology and Trafficking", PUBLISHERS) is None
