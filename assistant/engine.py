"""The one API that the CLI, the Chainlit app, briefs, evals and benchmarks call.

Resources (embedding model, index, chat model) load once per process. When ingestion swaps in a
new index version, ``refresh()`` loads it beside the old one and swaps the reference atomically:
requests already running keep the version they started with.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.models import REFUSAL_PREFIX, Answer, SearchFilters, SearchResult, Turn
from assistant.retrieval import IndexSearcher
from assistant.scope import clean_question, out_of_scope_in_conversation
from assistant.settings import Settings, get_settings
from ingest.embed import LocalEmbeddings
from ingest.index import StoredIndex, current_version, load_index

log = logging.getLogger(__name__)


class QuestionError(ValueError):
    """A question we refuse to process (empty, too long); the message is for the user."""


@dataclass
class StreamEvent:
    kind: str  # "token" | "answer"
    text: str = ""
    answer: Answer | None = None


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder: LocalEmbeddings | None = None,
                 index_dir: Path | None = None) -> None:
        self.settings = settings or get_settings()
        self.index_dir = index_dir or self.settings.index_dir
        if self.settings.query_threads:
            import torch

            torch.set_num_threads(self.settings.query_threads)
        self.embedder = embedder or LocalEmbeddings(self.settings.embedding_model,
                                                    self.settings.embedding_batch_size)
        self._lock = threading.Lock()
        self._searcher = self._load()
        self._llm: Any = None

    # ---- index lifecycle -------------------------------------------------------------
    def _load(self) -> IndexSearcher:
        store = load_index(self.index_dir, self.settings.embedding_model_id, self.embedder.dim)
        return IndexSearcher(store, self.embedder, self.settings.rrf_dense_weight)

    @property
    def searcher(self) -> IndexSearcher:
        return self._searcher

    @property
    def store(self) -> StoredIndex:
        return self._searcher.store

    def refresh(self) -> bool:
        """Load a newer index version if ingestion produced one. True when swapped."""
        try:
            live = current_version(self.index_dir)
        except Exception:  # noqa: BLE001 - keep serving the loaded index
            return False
        if live == self._searcher.store.folder:
            return False
        new = self._load()
        with self._lock:
            self._searcher = new
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
        return sorted({d["meta"]["publisher"] for d in self.store.documents.values()
                       if d.get("n_chunks", 0) > 0})

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
               mode: str | None = None) -> list[SearchResult]:
        st = self.settings
        q = self.validate(query)
        return self._searcher.search(q, k or st.top_k, filters, mode or st.retrieval_mode,
                                     st.candidate_k, st.rrf_k, st.dedup_threshold)

    def answerer(self, mode: str | None = None) -> Any:
        from assistant.extractive import ExtractiveAnswerer

        mode = mode or self.settings.answerer
        searcher = self._searcher
        if mode == "llm":
            from assistant.llm import LLMAnswerer, build_chat_model

            if self._llm is None:
                self._llm = build_chat_model(self.settings)
            return LLMAnswerer(searcher, self.settings, self._llm)
        return ExtractiveAnswerer(searcher, self.settings)

    def ask(self, question: str, history: list[Turn] | None = None,
            filters: SearchFilters | None = None, mode: str | None = None,
            k: int | None = None) -> Answer:
        answer: Answer | None = None
        for event in self.ask_stream(question, history, filters, mode, k):
            if event.kind == "answer":
                answer = event.answer
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: list[Turn] | None = None,
                   filters: SearchFilters | None = None, mode: str | None = None,
                   k: int | None = None) -> Iterator[StreamEvent]:
        """Tokens as they are produced, then the verified :class:`Answer`."""
        q = self.validate(question)
        history = history or []
        reason = out_of_scope_in_conversation(q, history)
        if reason:
            ans = Answer(question=q, standalone_question=q, refused=True, refusal_reason=reason,
                         answer=f"{REFUSAL_PREFIX}: {reason}.")
            yield StreamEvent("token", ans.answer)
            yield StreamEvent("answer", answer=ans)
            return
        mode = mode or self.settings.answerer
        if mode == "llm" and self.settings.llm_provider != "none":
            from assistant.llm import stream_with_fallback

            yield from stream_with_fallback(self, q, history, filters, k)
            return
        ans = self.answerer("extractive").answer(q, history, filters, k)
        for piece in _chunks_of(ans.answer):
            yield StreamEvent("token", piece)
        yield StreamEvent("answer", answer=ans)


def _chunks_of(text: str, size: int = 24) -> Iterator[str]:
    words = text.split(" ")
    for i in range(0, len(words), size):
        yield " ".join(words[i : i + size]) + (" " if i + size < len(words) else "")
