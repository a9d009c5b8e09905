"""The one API that the CLI, the Chainlit app, briefs, evals and benchmarks call.

Resources (embedding model, index, chat model) load once per process. When ingestion swaps in a
new index version, ``refresh()`` loads it beside the old one and swaps the reference atomically:
requests already running keep the version they started with.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answering.base import Answerer
from assistant.answering.config import AnswerConfig, LLMConfig
from assistant.answering.extractive.answerer import ExtractiveAnswerer
from assistant.answering.scope import clean_question, out_of_scope_in_conversation, small_talk
from assistant.core.enums import AnswerMode, RetrievalMode, StreamKind
from assistant.core.errors import NotReadyError, QuestionError
from assistant.core.models import (
    REFUSAL_PREFIX,
    Answer,
    SearchFilters,
    SearchResult,
    StreamEvent,
    Turn,
)
from assistant.core.prompts import load_prompt
from assistant.core.settings import Settings, get_settings
from assistant.retrieval.config import RetrievalConfig
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.stores import StoreSource
from ingest.embedding import (
    BaseEmbedder,
    EmbeddingModelError,
    LocalEmbeddings,
    make_query_embedder,
)
from ingest.index import IndexError_
from ingest.pgstore.read import PgIndexError
from ingest.store import StoredIndex

if TYPE_CHECKING:  # LangChain's chat-model stack takes ~0.4 s to import; only the LLM path needs it
    from langchain_core.language_models.chat_models import BaseChatModel

log = logging.getLogger(__name__)


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: BaseEmbedder | None = None,
                 index_dir: Path | None = None, chat_model: BaseChatModel | None = None) -> None:
        self.settings = settings or get_settings()
        self.index_dir = index_dir or self.settings.index_dir
        self.embedder = embedder or make_query_embedder(self.settings.embedding)
        if self.settings.query_threads and isinstance(self.embedder, LocalEmbeddings):
            import torch  # loaded with the model already

            torch.set_num_threads(self.settings.query_threads)
        self.retrieval_config = RetrievalConfig.from_settings(self.settings)
        self.answer_config = AnswerConfig.from_settings(self.settings)
        self.llm_config = LLMConfig.from_settings(self.settings)
        self._lock = threading.Lock()
        st = self.settings
        self.source = StoreSource(st.store, self.index_dir, self.embedder, st.embedding_model_id,
                                  st.database_url, st.db_pool_size)
        self._retriever = self._load()
        self._llm = chat_model

    # ---- index lifecycle -------------------------------------------------------------
    def _load(self) -> Retriever:
        return Retriever(self.source.open(), self.embedder, self.retrieval_config)

    @property
    def retriever(self) -> Retriever:
        return self._retriever

    @property
    def store(self) -> StoredIndex:
        return self._retriever.store

    def refresh(self) -> bool:
        """Load a newer index version if ingestion produced one. True when swapped."""
        try:
            live = self.source.live()
        except Exception:  # noqa: BLE001 - keep serving the loaded index
            return False
        if live == self._retriever.backend.version:
            return False
        new = self._load()
        with self._lock:
            self._retriever = new
        return True

    # ---- API ---------------------------------------------------------------------------
    def corpus(self) -> list[dict[str, Any]]:
        out = []
        for doc_id, d in self.store.documents.items():
            meta = dict(d["meta"])
            meta["doc_id"] = doc_id
            meta["chunks"] = d.get("n_chunks", 0)
            out.append(meta)
        return out

    def publishers(self) -> list[str]:
        docs = self.store.documents
        return sorted({docs[d]["meta"]["publisher"] for d in self.store.searchable()})

    def validate(self, question: str) -> str:
        q = clean_question(question or "")
        if not q:
            raise QuestionError("Please type a question about the documents.")
        if len(q) > self.settings.max_question_chars:
            raise QuestionError(
                f"That question is {len(q):,} characters long; the limit is "
                f"{self.settings.max_question_chars:,}. Please shorten it to the question itself."
            )
        return q

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               mode: RetrievalMode | None = None) -> list[SearchResult]:
        retriever = self._retriever
        if mode is not None:
            retriever = retriever.with_config(retriever.config.using(RetrievalMode(mode)))
        return retriever.search(self.validate(query), k, filters)

    def answerer(self, mode: AnswerMode | None = None) -> Answerer:
        extractive = ExtractiveAnswerer(self._retriever, self.answer_config)
        if AnswerMode(mode or self.settings.answerer) is AnswerMode.LLM:
            from assistant.answering.llm.answerer import LLMAnswerer
            from assistant.answering.llm.models import build_chat_model

            if self._llm is None:
                self._llm = build_chat_model(self.llm_config)
            return LLMAnswerer(extractive, self.llm_config, self._llm)
        return extractive

    def ask(self, question: str, history: list[Turn] | None = None,
            filters: SearchFilters | None = None, mode: AnswerMode | None = None,
            k: int | None = None) -> Answer:
        answer: Answer | None = None
        for event in self.ask_stream(question, history, filters, mode, k):
            if event.kind is StreamKind.ANSWER:
                answer = event.answer
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: list[Turn] | None = None,
                   filters: SearchFilters | None = None, mode: AnswerMode | None = None,
                   k: int | None = None) -> Iterator[StreamEvent]:
        """Tokens as they are produced, then the verified :class:`Answer`."""
        q = self.validate(question)
        history = history or []
        if (talk := small_talk(q)) is not None:  # 'hi', 'thanks': no search, no refusal
            ans = Answer(question=q, standalone_question=q,
                         answer=load_prompt(talk).render(n_docs=len(self.store.searchable())))
            yield StreamEvent(kind=StreamKind.TOKEN, text=ans.answer)
            yield StreamEvent(kind=StreamKind.ANSWER, answer=ans)
            return
        reason = out_of_scope_in_conversation(q, history)
        if reason:
            ans = Answer(question=q, standalone_question=q, refused=True, refusal_reason=reason,
                         answer=f"{REFUSAL_PREFIX}: {reason}.")
            yield StreamEvent(kind=StreamKind.TOKEN, text=ans.answer)
            yield StreamEvent(kind=StreamKind.ANSWER, answer=ans)
            return
        if AnswerMode(mode or self.settings.answerer) is AnswerMode.LLM and self.llm_config.enabled:
            yield from self._stream_with_fallback(q, history, filters, k)
            return
        yield from self.answerer(AnswerMode.EXTRACTIVE).stream(q, history, filters, k)

    def _stream_with_fallback(self, question: str, history: list[Turn],
                              filters: SearchFilters | None, k: int | None
                              ) -> Iterator[StreamEvent]:
        """The LLM path; if the model is unreachable, slow or broken, the extractive answer,
        with ``Answer.notice`` saying why."""
        try:
            yield from self.answerer(AnswerMode.LLM).stream(question, history, filters, k)
            return
        except Exception as exc:  # noqa: BLE001 - any provider failure means the same to the user
            log.warning("LLM path failed, falling back to extractive: %r", exc)
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        ans = self.answerer(AnswerMode.EXTRACTIVE).answer(question, history, filters, k)
        ans.notice = (f"The language model is unavailable ({reason}). Showing the extractive "
                      "answer, quoted from the documents, instead.")
        yield StreamEvent(kind=StreamKind.RESET)
        yield StreamEvent(kind=StreamKind.TOKEN, text=ans.answer)
        yield StreamEvent(kind=StreamKind.ANSWER, answer=ans)


def open_assistant(settings: Settings | None = None, embedder: BaseEmbedder | None = None
                   ) -> Assistant:
    """The Assistant, or :class:`NotReadyError` with one line saying what to do (build the
    index, rebuild it, install the model)."""
    try:
        return Assistant(settings, embedder=embedder)
    except (IndexError_, PgIndexError, EmbeddingModelError) as exc:
        raise NotReadyError(str(exc)) from exc
