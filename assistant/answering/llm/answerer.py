"""The LLM answerer: any LangChain chat model, prompts from files, verified before display."""

from __future__ import annotations

import time
from collections.abc import Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage

from assistant.answering.base import best_quotable, evidence_gate
from assistant.answering.condense import condense, is_follow_up
from assistant.answering.config import AnswerConfig, LLMConfig
from assistant.answering.extractive.answerer import ExtractiveAnswerer
from assistant.answering.llm.checked import build_answer
from assistant.answering.llm.models import LLMError
from assistant.answering.llm.prompting import build_messages, format_passages
from assistant.answering.refusal import refuse
from assistant.core.enums import AnswerMode, StreamKind
from assistant.core.models import Answer, SearchFilters, SearchResult, StreamEvent, Turn
from assistant.core.prompts import load_prompt


class LLMAnswerer:
    """``Answerer`` backed by a chat model; sentences are checked against the passages."""

    mode = AnswerMode.LLM

    def __init__(self, extractive: ExtractiveAnswerer, llm: LLMConfig,
                 model: BaseChatModel) -> None:
        self.extractive = extractive
        self.retriever = extractive.retriever
        self.config: AnswerConfig = extractive.config
        self.llm = llm
        self.model = model

    def condense(self, question: str, history: list[Turn]) -> str:
        if not history or not is_follow_up(question):
            return question
        convo = "\n".join(f"{t.role}: {t.content[:600]}" for t in history[-6:])
        prompt = load_prompt("condense").render(history=convo, question=question)
        try:
            out = str(self.model.invoke([HumanMessage(content=prompt)]).content).strip()
            text = out.splitlines()[0].strip() if out else ""
        except Exception:  # noqa: BLE001 - fall back to the deterministic rewrite
            text = ""
        return text if 3 < len(text) < 500 else condense(question, history)

    def _generate(self, standalone: str, results: list[SearchResult],
                  parts: list[str]) -> Iterator[StreamEvent]:
        """Stream the model's draft into ``parts``; a slow model is an :class:`LLMError`."""
        t1 = time.perf_counter()
        for piece in self.model.stream(
                build_messages(standalone, format_passages(results), self.config.max_sentences)):
            text = str(piece.content)
            if text:
                parts.append(text)
                yield StreamEvent(kind=StreamKind.TOKEN, text=text)
            if time.perf_counter() - t1 > self.llm.timeout_s:
                raise LLMError(f"the language model took longer than {self.llm.timeout_s:.0f} s")

    def stream(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None
               ) -> Iterator[StreamEvent]:
        t0 = time.perf_counter()
        history = history or []
        standalone = self.condense(question, history)
        qvec = self.retriever.embed_query(standalone)
        results = self.retriever.search(standalone, k or self.config.top_k, filters, qvec=qvec)
        scored = self.extractive.scorer.score(standalone, qvec, results)
        reason = evidence_gate(self.retriever, standalone,
                               best_quotable([(s.text, s.score) for s in scored]),
                               self.config.refusal_threshold)
        if reason is not None:
            ans = refuse(question, standalone, results, self.retriever, reason, self.mode)
            yield StreamEvent(kind=StreamKind.TOKEN, text=ans.answer)
            yield StreamEvent(kind=StreamKind.ANSWER, answer=ans)
            return
        t1 = time.perf_counter()
        parts: list[str] = []
        yield from self._generate(standalone, results, parts)
        checked = build_answer(question, standalone, "".join(parts), results, self.retriever,
                               self.config.support_threshold)
        if checked is None:  # nothing verifiable: say so, and quote the evidence instead
            checked = self.extractive.answer(question, history, filters, k)
            checked.notice = ("The language model's answer could not be verified against the "
                              "sources, so the quoted evidence is shown instead.")
        checked.timings_ms = {"retrieve": round((t1 - t0) * 1e3, 2),
                              "generate": round((time.perf_counter() - t1) * 1e3, 2),
                              "total": round((time.perf_counter() - t0) * 1e3, 2)}
        yield StreamEvent(kind=StreamKind.ANSWER, answer=checked)

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer:
        final = None
        for ev in self.stream(question, history, filters, k):
            if ev.answer is not None:
                final = ev.answer
        assert final is not None
        return final
