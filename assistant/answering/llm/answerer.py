"""The LLM answerer: any LangChain chat model, prompts from files, verified before display."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage

from assistant.answering.catalogue import catalogue_reply
from assistant.answering.condense import condense, is_follow_up
from assistant.answering.config import AnswerConfig, LLMConfig
from assistant.answering.extractive.answerer import ExtractiveAnswerer
from assistant.answering.llm.checked import INSUFFICIENT, build_answer, readable, why_quoted
from assistant.answering.llm.models import LLMError
from assistant.answering.llm.prompting import (
    Evidence,
    build_messages,
    evidence_of,
    format_passages,
)
from assistant.core.enums import AnswerMode, StreamKind
from assistant.core.models import Answer, SearchFilters, SearchResult, StreamEvent, Turn
from assistant.core.prompts import load_prompt
from assistant.retrieval.retriever import Retriever

log = logging.getLogger(__name__)
_DONE = object()


def _with_deadline(model: BaseChatModel, messages: list[BaseMessage], llm: LLMConfig
                   ) -> Iterator[str]:
    """The model's text pieces, read in a worker thread so that a server which keeps the
    connection open without sending tokens (keep-alive pings, a stalled decode) still fails in
    time: no first piece within ``first_token_timeout_s``, or no end within ``timeout_s``, is an
    :class:`LLMError`. An error of the model itself is raised here."""
    pieces: queue.Queue[object] = queue.Queue()

    def read() -> None:
        try:
            for piece in model.stream(messages):
                if str(piece.content):
                    pieces.put(str(piece.content))
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            pieces.put(exc)
        pieces.put(_DONE)

    threading.Thread(target=read, name="llm-stream", daemon=True).start()
    start = time.perf_counter()
    first = True
    while True:
        limit = llm.first_token_timeout_s if first else llm.timeout_s
        left = limit - (time.perf_counter() - start)
        try:
            item = pieces.get(timeout=max(left, 0.0))
        except queue.Empty:
            what = "the first token" if first else "the answer"
            raise LLMError(f"the language model took longer than {limit:g} s for {what}"
                           ) from None
        if item is _DONE:
            return
        if isinstance(item, BaseException):
            raise item
        first = False
        yield str(item)


def checked_answer(question: str, standalone: str, raw: str, quoted: Answer,
                   retriever: Retriever, support_threshold: float) -> Answer:
    """The model's ``raw`` text checked against the evidence of the extractive answer
    ``quoted`` (the passages the model was shown); when nothing in it can be shown, ``quoted``
    with one line saying why. Also how saved drafts are checked again (``eval --recheck``)."""
    results, evidence = evidence_of(quoted, retriever.store)
    checked = None if INSUFFICIENT in raw or not readable(raw) else build_answer(
        question, standalone, raw, results, retriever, support_threshold,
        shown=evidence.numbers)
    if checked is None:  # nothing verifiable: say so, and quote the evidence instead
        # the evidence passed the extractive engine's gate: the 1.5B model called it
        # insufficient on 3 of 10 benchmark questions, and the quotes held the key facts
        # on 2 of them, so the reader gets the quotes, not a refusal
        checked = quoted.model_copy(deep=True)
        checked.question = question
        checked.notice = why_quoted(raw)
    checked.draft = raw
    return checked


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

    def publishers(self) -> list[str]:
        return sorted({d["meta"]["publisher"] for d in self.retriever.store.documents.values()})

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

    def _generate(self, standalone: str, results: list[SearchResult], evidence: Evidence,
                  parts: list[str], marks: dict[str, float]) -> Iterator[StreamEvent]:
        """Stream the model's draft into ``parts`` (``marks`` gets the time of its first token);
        a slow model is an :class:`LLMError`."""
        t1 = time.perf_counter()
        passages = format_passages(results, evidence.sentences, self.publishers())
        messages = build_messages(standalone, passages, self.config.max_sentences)
        log.info("LLM prompt: %d characters, %d evidence sentences from %d passages",
                 sum(len(str(m.content)) for m in messages),
                 sum(len(x) for x in evidence.sentences.values()), len(evidence.sentences))
        for text in _with_deadline(self.model, messages, self.llm):
            if not parts:
                marks["first_token"] = round((time.perf_counter() - t1) * 1e3, 2)
            parts.append(text)
            yield StreamEvent(kind=StreamKind.TOKEN, text=text)

    def stream(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None
               ) -> Iterator[StreamEvent]:
        t0 = time.perf_counter()
        history = history or []
        standalone = self.condense(question, history)
        if (listed := catalogue_reply(question, standalone, self.retriever, self.mode)):
            yield StreamEvent(kind=StreamKind.TOKEN, text=listed.answer)
            yield StreamEvent(kind=StreamKind.ANSWER, answer=listed)
            return
        # the extractive engine reads the question (aliases, comparisons, premises), gates it
        # and picks the evidence; the model writes prose from those sentences only
        quoted = self.extractive.answer(standalone, [], filters, k)
        if quoted.refused:
            quoted.question, quoted.mode = question, self.mode
            yield StreamEvent(kind=StreamKind.TOKEN, text=quoted.answer)
            yield StreamEvent(kind=StreamKind.ANSWER, answer=quoted)
            return
        results, evidence = evidence_of(quoted, self.retriever.store)
        t1 = time.perf_counter()
        parts: list[str] = []
        marks: dict[str, float] = {}
        yield from self._generate(standalone, results, evidence, parts, marks)
        t2 = time.perf_counter()
        raw = "".join(parts)
        checked = checked_answer(question, standalone, raw, quoted, self.retriever,
                                 self.config.support_threshold)
        checked.timings_ms = {"retrieve": round((t1 - t0) * 1e3, 2), **marks,
                              "generate": round((t2 - t1) * 1e3, 2),
                              "verify": round((time.perf_counter() - t2) * 1e3, 2),
                              "total": round((time.perf_counter() - t0) * 1e3, 2)}
        log.info("LLM answer: first token %s ms, verified answer %s ms",
                 marks.get("first_token"), checked.timings_ms["total"])
        yield StreamEvent(kind=StreamKind.ANSWER, answer=checked)

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer:
        final = None
        for ev in self.stream(question, history, filters, k):
            if ev.answer is not None:
                final = ev.answer
        assert final is not None
        return final
