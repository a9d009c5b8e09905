"""The small contracts that the CLI, the UI, briefs and evals depend on."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from assistant.models import Answer, SearchFilters, SearchResult, Turn


@runtime_checkable
class Retriever(Protocol):
    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None,
               mode: str = "hybrid") -> list[SearchResult]: ...


@runtime_checkable
class Answerer(Protocol):
    mode: str

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer: ...
