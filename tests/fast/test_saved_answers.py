"""``eval --answers DIR``: answers are saved as they are generated and reused on the next run
(evals/saved_answers.py), with the real engine on the real corpus (fast tier embedder)."""

from __future__ import annotations

from pathlib import Path

from assistant.answering.llm.checked import UNVERIFIED
from assistant.core.enums import AnswerMode
from assistant.core.models import Answer, AnswerSentence, Turn
from assistant.engine import Assistant
from evals.cases_schema import load_cases
from evals.runner import SuiteRunner
from evals.saved_answers import (
    WALL,
    ReplayingAssistant,
    SavedAnswers,
    answer_key,
    llm_figures,
    shown_as_fact_unsupported,
    use_saved_timings,
)
from evals.suites import resolve

Q = "What liability standard does the OSCE recommend for online platforms?"


def test_an_answer_is_saved_then_replayed(fast_assistant: Assistant, tmp_path: Path) -> None:
    first = ReplayingAssistant(fast_assistant, SavedAnswers(tmp_path, "documents"))
    asked = first.ask(Q, mode=AnswerMode.EXTRACTIVE)
    assert (first.generated, first.replayed) == (1, 0)
    files = list((tmp_path / "documents" / "extractive").glob("*.json"))
    assert [f.stem for f in files] == [answer_key(Q, [], "extractive")]
    again = ReplayingAssistant(fast_assistant, SavedAnswers(tmp_path, "documents"))
    replayed = again.ask(Q, mode=AnswerMode.EXTRACTIVE)
    assert (again.generated, again.replayed) == (0, 1)
    assert replayed == asked and replayed.timings_ms[WALL] == asked.timings_ms[WALL]


def test_the_conversation_and_mode_are_part_of_the_key() -> None:
    turn = [Turn(role="user", content="What does the OSCE say?")]
    keys = {answer_key(Q, [], "llm"), answer_key(Q, turn, "llm"), answer_key(Q, [], "extractive")}
    assert len(keys) == 3


def test_a_replayed_run_keeps_the_generation_latency(fast_assistant: Assistant,
                                                     tmp_path: Path) -> None:
    cases = load_cases(resolve("documents")[1])[:3]
    saved = SavedAnswers(tmp_path, "documents")
    SuiteRunner(ReplayingAssistant(fast_assistant, saved)).run(cases)
    for p in (tmp_path / "documents" / "extractive").glob("*.json"):  # as if generation was slow
        p.write_text(p.read_text(encoding="utf-8").replace('"wall": ', '"wall": 9000'),
                     encoding="utf-8")
    runner = SuiteRunner(ReplayingAssistant(fast_assistant, saved))
    result = runner.run(cases)
    use_saved_timings(result, runner.answers)
    assert all(r.latency_ms >= 9000 for r in result.cases)
    assert result.metrics["latency_p50_ms"] is not None and result.metrics["latency_p50_ms"] >= 9000


def _answer(text: str, supported: list[bool]) -> Answer:
    sents = [AnswerSentence(text=f"Sentence {i}.", markers=[1], supported=ok)
             for i, ok in enumerate(supported)]
    return Answer(question=Q, standalone_question=Q, answer=text, sentences=sents, mode="llm",
                  timings_ms={"first_token": 1000.0, "total": 3000.0})


def test_an_unsupported_sentence_without_the_marking_counts_as_shown_as_fact() -> None:
    marked = _answer(f"Sentence 0. [1] {UNVERIFIED} Sentence 1. [1]", [True, False])
    unmarked = _answer("Sentence 0. [1] Sentence 1. [1]", [True, False])
    assert shown_as_fact_unsupported(marked) == 0
    assert shown_as_fact_unsupported(unmarked) == 1


def test_llm_figures_count_sentences_and_first_token_times() -> None:
    class Res:
        def __init__(self, id_: str) -> None:
            self.id = id_

    answers = {"a": _answer(f"Sentence 0. [1] {UNVERIFIED} Sentence 1. [1]", [True, False]),
               "b": _answer("Sentence 0. [1]", [True])}
    answers["b"].timings_ms["first_token"] = 3000.0
    figures = llm_figures([Res("a"), Res("b")], answers)
    assert figures["llm_answers"] == 2 and figures["sentences_generated"] == 3
    assert figures["unverified_sentences"] == 1 and figures["unsupported_shown_as_fact"] == 0
    assert figures["first_token_p50_ms"] == 2000.0
